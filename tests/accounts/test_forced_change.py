"""A login made by a park admin starts with a temporary password that must be changed before anything else."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Account
from tests.accounts.helpers import give_accounts

NEW_PASSWORD = "Hongqi-2026-zhibu"


@pytest.fixture
def new_secretary(world, client):
    """The park admin makes a secretary of branch A; (user name, temporary password)."""
    give_accounts(world)
    client.force_login(world.users["admin"])
    data = {"park": world.park.pk, "username": "chen", "full_name": "陈书记", "role": "secretary",
            "organization": world.branch_a.pk}  # fmt: skip
    response = client.post(reverse("user-new"), data)
    assert response.status_code == 200, response.content[:300]
    return "chen", response.context["password"]


def signed_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


def test_the_secretary_is_sent_to_change_the_password_then_sees_only_their_branch(world, new_secretary):
    client = signed_in(*new_secretary)

    response = client.get(reverse("overview"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("meeting-calendar"))["Location"] == reverse("password_change")
    api = client.get("/api/v1/organizations/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 403
    assert api.json() == {"detail": "Change your temporary password before using the portal."}
    assert client.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {"old_password": new_secretary[1], "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert Account.objects.get(user__username="chen").must_change_password is False

    assert client.get(reverse("overview")).status_code == 200
    names = {row["name"] for row in client.get("/api/v1/organizations/").json()["results"]}
    assert names == {"甲支部", "甲支部第一党小组"}


def test_logging_out_and_switching_language_stay_open(world, new_secretary):
    client = signed_in(*new_secretary)

    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("overview"))["Location"].startswith(reverse("login"))


def test_a_wrong_old_password_keeps_the_change_required(world, new_secretary):
    client = signed_in(*new_secretary)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    assert client.get(reverse("overview")).status_code == 302


def test_a_reset_password_forces_the_change_at_the_next_login(world, client):
    users = give_accounts(world)
    client.force_login(users["admin"])
    password = client.post(reverse("user-password", args=[users["secretary_b"].pk])).context["password"]

    secretary = signed_in("secretary_b", password)

    assert secretary.get(reverse("overview"))["Location"] == reverse("password_change")


def test_a_login_that_need_not_change_goes_straight_in(world):
    give_accounts(world)

    client = signed_in("secretary_a", "pass-1234-word")

    assert client.get(reverse("overview")).status_code == 200
