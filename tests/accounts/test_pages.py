"""The accounts pages: park admins only, the admin's parks only, every change through the services."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Account
from parkparty.models import Grant
from tests import factories as f
from tests.accounts.helpers import give_accounts

User = get_user_model()


@pytest.fixture
def users(world):
    return give_accounts(world)


@pytest.fixture
def login(client, users):
    def as_role(role: str):
        client.logout()
        client.force_login(users[role])
        return client

    return as_role


def test_the_list_shows_the_logins_of_the_admins_park_with_their_roles(login, users):
    response = login("admin").get(reverse("user-list"))

    assert response.status_code == 200
    rows = {user.username: user.roles for user in response.context["page"].object_list}
    assert rows == {"admin": ["park_admin"], "viewer": ["park_viewer"], "secretary_a": ["secretary"],
                    "secretary_b": ["secretary"], "instructor": ["instructor"]}  # fmt: skip
    assert "outsider" not in response.content.decode()


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_park_admins_open_the_logins(login, role):
    assert login(role).get(reverse("user-list")).status_code == 403


def test_the_list_filters_by_role_and_status(login, users):
    users["secretary_b"].is_active = False
    users["secretary_b"].save()
    client = login("admin")

    secretaries = client.get(reverse("user-list"), {"role": "secretary"}).context["page"].object_list
    assert {user.username for user in secretaries} == {"secretary_a", "secretary_b"}
    inactive = client.get(reverse("user-list"), {"active": "no"}).context["page"].object_list
    assert [user.username for user in inactive] == ["secretary_b"]


# session + scope (grants, instructor), the count, a page of logins (account, park and instructor
# joined), their grants (park and organization joined).
LIST_QUERIES = 4 + 3


def test_the_list_takes_as_many_queries_for_many_logins_as_for_few(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("user-list")).status_code == 200
    for index in range(8):
        user = f.UserFactory(username=f"many{index}")
        Account.objects.create(user=user, park=world.park)
        f.GrantFactory(user=user, role="secretary", organization=world.branch_b if index % 2 else world.group_a)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(reverse("user-list")).context["page"].object_list) == 13


def test_a_login_of_another_park_is_not_found(login, users):
    client = login("admin")
    outsider = users["outsider"]
    for name in ("user-detail", "user-edit", "grant-new"):
        assert client.get(reverse(name, args=[outsider.pk])).status_code == 404
    assert client.post(reverse("user-password", args=[outsider.pk])).status_code == 404
    assert client.post(reverse("grant-take", args=[outsider.grants.get().pk])).status_code == 404


def test_the_admin_creates_a_secretary_and_sees_the_temporary_password_once(world, login):
    data = {"park": world.park.pk, "username": "chen", "full_name": "陈书记", "role": "secretary",
            "organization": world.branch_a.pk}  # fmt: skip
    response = login("admin").post(reverse("user-new"), data)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="chen")
    assert user.check_password(response.context["password"])
    assert response.context["password"] in response.content.decode()


def test_a_taken_user_name_comes_back_on_its_field(world, login):
    data = {"park": world.park.pk, "username": "viewer", "full_name": "某某", "role": "park_viewer"}
    response = login("admin").post(reverse("user-new"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["This user name is taken."]


def test_another_parks_organization_is_not_a_choice(world, login):
    data = {"park": world.park.pk, "username": "chen", "full_name": "陈书记", "role": "secretary",
            "organization": world.other_branch.pk}  # fmt: skip
    response = login("admin").post(reverse("user-new"), data)

    assert "organization" in response.context["form"].errors
    assert not User.objects.filter(username="chen").exists()


def test_the_detail_shows_roles_and_the_history_of_the_grants(world, login, users):
    client = login("admin")
    client.post(reverse("grant-new", args=[users["viewer"].pk]), {"role": "park_admin"})

    response = client.get(reverse("user-detail", args=[users["viewer"].pk]))

    assert [grant.role for grant in response.context["grants"]] == ["park_admin", "park_viewer"]
    assert any(revision.reason == "由admin分配" for revision in response.context["history"])


def test_the_edit_page_saves_name_and_email_through_the_service(login, users):
    url = reverse("user-edit", args=[users["secretary_a"].pk])
    response = login("admin").post(url, {"full_name": "甲书记", "email": "a@example.com"})

    assert response.status_code == 302
    users["secretary_a"].refresh_from_db()
    assert (users["secretary_a"].first_name, users["secretary_a"].email) == ("甲书记", "a@example.com")


def test_taking_a_role_and_deactivating_go_back_to_the_login(login, users):
    client = login("admin")
    secretary = users["secretary_b"]

    assert client.post(reverse("grant-take", args=[secretary.grants.get().pk])).status_code == 302
    assert not Grant.objects.filter(user=secretary).exists()
    assert client.post(reverse("user-deactivate", args=[secretary.pk])).status_code == 302
    assert User.objects.get(pk=secretary.pk).is_active is False
    assert client.post(reverse("user-reactivate", args=[secretary.pk])).status_code == 302
    assert User.objects.get(pk=secretary.pk).is_active is True


def test_an_admin_deactivating_themselves_is_told_why_and_stays_active(login, users):
    response = login("admin").post(reverse("user-deactivate", args=[users["admin"].pk]), follow=True)

    assert "不能停用您自己的账号。" in response.content.decode()
    assert User.objects.get(pk=users["admin"].pk).is_active is True


def test_the_password_reset_page_is_not_kept_by_any_cache(login, users):
    response = login("admin").post(reverse("user-password", args=[users["secretary_a"].pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert User.objects.get(pk=users["secretary_a"].pk).check_password(response.context["password"])


def test_the_password_reset_is_post_only(login, users):
    assert login("admin").get(reverse("user-password", args=[users["secretary_a"].pk])).status_code == 405


def test_no_page_offers_to_delete_a_login(login, users):
    page = login("admin").get(reverse("user-detail", args=[users["secretary_a"].pk])).content.decode()
    assert set(re.findall(r'data-action="(\w+)"', page)) == {"take", "password", "deactivate"}
