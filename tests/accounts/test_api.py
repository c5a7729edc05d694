"""/api/v1/users/ and /api/v1/grants/: park admins in a session, their parks only."""

import pytest
from django.contrib.auth import get_user_model

from parkparty.models import Grant
from tests.accounts.helpers import give_accounts
from tests.conftest import client_for

User = get_user_model()
API = "/api/v1"


@pytest.fixture
def users(world):
    return give_accounts(world)


@pytest.fixture
def admin(world, users):
    return client_for(world, "admin")


def test_the_list_holds_the_admins_park_with_roles(admin, world, users):
    response = admin.get(f"{API}/users/")

    assert response.status_code == 200
    rows = {row["username"]: row for row in response.json()["results"]}
    assert set(rows) == {"admin", "viewer", "secretary_a", "secretary_b", "instructor"}
    assert rows["secretary_a"] | {"id": 0} == {
        "id": 0, "username": "secretary_a", "full_name": "", "email": "", "is_active": True,
        "park": world.park.pk, "roles": ["secretary"], "temporary_password": None,
    }  # fmt: skip
    assert rows["instructor"]["roles"] == ["instructor"]


def test_a_login_of_another_park_is_not_found_like_one_that_does_not_exist(admin, users):
    outsider = admin.get(f"{API}/users/{users['outsider'].pk}/")
    missing = admin.get(f"{API}/users/999999/")

    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == missing.json()
    grant = admin.get(f"{API}/grants/{users['outsider'].grants.get().pk}/")
    assert grant.status_code == 404


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_others_than_park_admins_are_refused(world, users, role):
    assert client_for(world, role).get(f"{API}/users/").status_code == 403
    assert client_for(world, role).get(f"{API}/grants/").status_code == 403


def test_a_token_is_refused_even_a_park_admins(world, users):
    response = client_for(world, "token").get(f"{API}/users/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "API token" in response.json()["detail"]


def test_creating_a_login_answers_its_temporary_password_once(admin, world):
    data = {"username": "chen", "full_name": "陈书记", "park": world.park.pk, "role": "secretary",
            "organization": world.branch_a.pk}  # fmt: skip
    response = admin.post(f"{API}/users/", data)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"] == ["secretary"] and body["park"] == world.park.pk
    assert User.objects.get(username="chen").check_password(body["temporary_password"])
    assert "no-store" in response["Cache-Control"]
    assert admin.get(f"{API}/users/{body['id']}/").json()["temporary_password"] is None


def test_a_taken_user_name_is_a_400_on_its_field(admin, world):
    data = {"username": "viewer", "full_name": "某", "park": world.park.pk, "role": "park_viewer"}
    response = admin.post(f"{API}/users/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"username": ["This user name is taken."]}


def test_another_parks_home_park_or_organization_is_a_400_on_that_field(admin, world):
    data = {"username": "chen", "full_name": "陈", "park": world.other_park.pk, "role": "park_viewer"}
    assert list(admin.post(f"{API}/users/", data).json()) == ["park"]
    data = {"username": "chen", "full_name": "陈", "park": world.park.pk, "role": "secretary",
            "organization": world.other_branch.pk}  # fmt: skip
    assert list(admin.post(f"{API}/users/", data).json()) == ["organization"]
    assert not User.objects.filter(username="chen").exists()


def test_patch_changes_the_name_and_deactivates(admin, users):
    url = f"{API}/users/{users['secretary_b'].pk}/"

    response = admin.patch(url, {"full_name": "乙书记", "is_active": False})

    assert response.status_code == 200, response.content
    assert (response.json()["full_name"], response.json()["is_active"]) == ("乙书记", False)
    assert admin.patch(url, {"is_active": True}).json()["is_active"] is True


def test_an_admin_cannot_deactivate_themselves_through_the_api(admin, users):
    response = admin.patch(f"{API}/users/{users['admin'].pk}/", {"is_active": False})

    assert response.status_code == 400
    assert list(response.json()) == ["is_active"]


def test_a_login_is_never_deleted(admin, users):
    assert admin.delete(f"{API}/users/{users['secretary_b'].pk}/").status_code == 405
    assert User.objects.filter(pk=users["secretary_b"].pk).exists()


def test_grants_are_given_and_taken_back_with_their_history(admin, world, users):
    given = admin.post(f"{API}/grants/", {"user": users["viewer"].pk, "role": "park_admin", "park": world.park.pk})
    assert given.status_code == 201, given.content
    grant_id = given.json()["id"]

    assert admin.delete(f"{API}/grants/{grant_id}/").status_code == 204
    assert not Grant.objects.filter(pk=grant_id).exists()
    assert [r.history_type for r in Grant.history.filter(id=grant_id)] == ["-", "+"]


def test_a_grant_in_another_park_is_a_400(admin, world, users):
    response = admin.post(
        f"{API}/grants/", {"user": users["viewer"].pk, "role": "secretary", "organization": world.other_branch.pk}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["organization"]


def test_taking_ones_own_last_admin_role_is_a_400(admin, users):
    response = admin.delete(f"{API}/grants/{users['admin'].grants.get().pk}/")

    assert response.status_code == 400
    assert list(response.json()) == ["grant"]


def test_the_lists_filter_by_role(admin, users):
    rows = admin.get(f"{API}/users/", {"role": "secretary"}).json()["results"]
    assert {row["username"] for row in rows} == {"secretary_a", "secretary_b"}
    rows = admin.get(f"{API}/grants/", {"role": "park_viewer"}).json()["results"]
    assert [row["user"] for row in rows] == [users["viewer"].pk]


def add_logins(world, n: int) -> None:
    from accounts.models import Account
    from tests import factories as f

    for index in range(n):
        user = f.UserFactory(username=f"many{index}")
        Account.objects.create(user=user, park=world.park)
        f.GrantFactory(user=user, role="secretary", organization=world.branch_b if index % 2 else world.group_a)


# The session, the user, the user's grants, whether an instructor (AUTH in test_api_queries), then the
# count, the page (account, park and instructor joined) and the page's grants: 7.
@pytest.mark.parametrize(("path", "expected"), [("users", 7), ("grants", 6)])
def test_the_lists_cost_the_same_queries_for_few_rows_and_many(admin, world, django_assert_num_queries, path, expected):
    with django_assert_num_queries(expected):
        few = admin.get(f"{API}/{path}/")
    add_logins(world, 8)
    with django_assert_num_queries(expected):
        many = admin.get(f"{API}/{path}/")
    assert many.json()["count"] > few.json()["count"]
