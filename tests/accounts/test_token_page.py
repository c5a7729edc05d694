"""The token page of every login (/accounts/token/) and a park admin revoking a login's token from its
page under /users/ (issue 13: tokens were made and revoked by superusers only)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import Account
from parkparty.models import SecurityEvent
from tests.accounts.helpers import give_accounts
from tests.accounts.test_tokens import call

User = get_user_model()


@pytest.fixture
def users(world):
    return give_accounts(world)


@pytest.fixture
def login(users):
    def as_role(role: str) -> Client:
        client = Client()
        client.force_login(users[role])
        return client

    return as_role


# --- one's own token ----------------------------------------------------------------------------------


def test_the_page_says_a_login_has_no_token(login):
    response = login("viewer").get(reverse("token"))

    assert response.status_code == 200
    assert response.context["token"] is None
    assert "data-no-token" in response.content.decode()


def test_the_page_shows_when_the_token_was_made_and_when_it_expires(login, users, settings):
    settings.TOKEN_TTL_DAYS = 30
    token = Token.objects.create(user=users["viewer"])

    response = login("viewer").get(reverse("token"))

    assert response.context["expires_at"] == token.created + timedelta(days=30)
    assert response.context["expired"] is False
    page = response.content.decode()
    assert f"{token.key[:6]}…" in page
    assert token.key not in page  # only its first characters, after the answer that made it


def test_a_ttl_of_zero_shows_a_token_that_never_expires(login, users, settings):
    settings.TOKEN_TTL_DAYS = 0
    Token.objects.create(user=users["viewer"])

    response = login("viewer").get(reverse("token"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["expires_at"] is None
    assert "data-token-expires>never<" in response.content.decode()


def test_an_expired_token_is_shown_as_expired(login, users, settings):
    settings.TOKEN_TTL_DAYS = 90
    token = Token.objects.create(user=users["viewer"])
    Token.objects.filter(pk=token.pk).update(created=token.created - timedelta(days=91))

    assert login("viewer").get(reverse("token")).context["expired"] is True


def test_a_post_makes_a_working_token_shown_once_and_not_kept_by_any_cache(login, users):
    client = login("secretary_a")

    response = client.post(reverse("token"))

    assert response.status_code == 200
    key = Token.objects.get(user=users["secretary_a"]).key
    assert response.context["key"] == key
    assert f'value="{key}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert call(key).status_code == 200
    again = client.get(reverse("token"))
    assert key not in again.content.decode()
    assert "no-store" not in again.get("Cache-Control", "")


def test_a_new_token_replaces_the_old_one(login, users):
    old = Token.objects.create(user=users["secretary_a"]).key

    login("secretary_a").post(reverse("token"))

    assert call(old).status_code == 401
    assert Token.objects.filter(user=users["secretary_a"]).count() == 1


def test_a_token_made_on_the_page_is_read_only(login, users, world):
    login("admin").post(reverse("token"))
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=users['admin']).key}")

    response = client.patch(f"/api/v1/organizations/{world.branch_a.pk}/", {"name": "改名"}, "application/json")

    assert response.status_code == 403


def test_revoking_ones_token_stops_it_and_is_logged(login, users):
    key = Token.objects.create(user=users["viewer"]).key

    response = login("viewer").post(reverse("token-revoke"))

    assert response.status_code == 302
    assert response["Location"] == reverse("token")
    assert call(key).status_code == 401
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED, user=users["viewer"]).exists()


def test_revoking_without_a_token_changes_nothing(login, users):
    assert login("viewer").post(reverse("token-revoke")).status_code == 302
    assert not Token.objects.filter(user=users["viewer"]).exists()


def test_the_page_takes_no_get_to_revoke(login):
    assert login("viewer").get(reverse("token-revoke")).status_code == 405


def test_a_login_with_a_temporary_password_changes_it_first(users):
    Account.objects.filter(user=users["viewer"]).update(must_change_password=True)
    client = Client()
    client.force_login(users["viewer"])

    response = client.post(reverse("token"))

    assert (response.status_code, response["Location"]) == (302, reverse("password_change"))
    assert not Token.objects.filter(user=users["viewer"]).exists()


def test_a_deactivated_login_is_sent_to_the_login_page(login, users):
    client = login("viewer")
    User.objects.filter(pk=users["viewer"].pk).update(is_active=False)

    response = client.post(reverse("token"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Token.objects.filter(user=users["viewer"]).exists()


def test_the_user_menu_links_to_the_token_page(login):
    assert f'href="{reverse("token")}"' in login("instructor").get(reverse("overview")).content.decode()


# --- a park admin revokes a login's token ------------------------------------------------------------


def test_the_login_page_shows_its_token_and_when_it_expires(login, users, settings):
    settings.TOKEN_TTL_DAYS = 10
    token = Token.objects.create(user=users["secretary_a"])

    response = login("admin").get(reverse("user-detail", args=[users["secretary_a"].pk]))

    assert response.context["api_token"]["expires_at"] == token.created + timedelta(days=10)
    page = response.content.decode()
    assert "data-api-token" in page
    assert token.key[:6] not in page  # an admin has no use for any part of another's key
    assert reverse("user-token-revoke", args=[users["secretary_a"].pk]) in page


def test_the_login_page_says_when_there_is_no_token(login, users):
    page = login("admin").get(reverse("user-detail", args=[users["secretary_a"].pk])).content.decode()

    assert "data-no-api-token" in page
    assert reverse("user-token-revoke", args=[users["secretary_a"].pk]) not in page


def test_a_park_admin_revokes_the_token_of_a_login_of_their_park(login, users):
    key = Token.objects.create(user=users["secretary_a"]).key

    response = login("admin").post(reverse("user-token-revoke", args=[users["secretary_a"].pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("user-detail", args=[users["secretary_a"].pk])
    assert call(key).status_code == 401
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TOKEN_REVOKED, user=users["secretary_a"])
    assert event.actor == users["admin"]


def test_a_login_of_another_park_answers_like_one_that_does_not_exist(login, users):
    Token.objects.create(user=users["outsider"])
    client = login("admin")

    outside = client.post(reverse("user-token-revoke", args=[users["outsider"].pk]))
    missing = client.post(reverse("user-token-revoke", args=[10**9]))

    assert outside.status_code == missing.status_code == 404
    assert Token.objects.filter(user=users["outsider"]).exists()


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_park_admins_revoke_anothers_token(login, users, role):
    Token.objects.create(user=users["secretary_b"])

    assert login(role).post(reverse("user-token-revoke", args=[users["secretary_b"].pk])).status_code == 403
    assert Token.objects.filter(user=users["secretary_b"]).exists()


def test_a_park_admin_may_not_revoke_a_superusers_token_even_in_their_park(login, users, world):
    root = User.objects.create_superuser("root-in-a", password="x")
    Account.objects.create(user=root, park=world.park)
    Token.objects.create(user=root)

    assert login("admin").post(reverse("user-token-revoke", args=[root.pk])).status_code == 403
    assert Token.objects.filter(user=root).exists()


# --- the operators' admin -----------------------------------------------------------------------------


def test_the_operators_token_list_shows_the_start_of_each_key_not_the_key(users, settings):
    settings.TOKEN_TTL_DAYS = 5
    token = Token.objects.create(user=users["viewer"])
    client = Client()
    client.force_login(User.objects.create_superuser("token-root", password="x"))

    response = client.get(reverse("admin:authtoken_tokenproxy_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{token.key[:6]}…" in page
    assert token.key not in page


def test_a_token_deleted_in_the_operators_admin_is_logged_as_revoked(users):
    Token.objects.create(user=users["viewer"])
    root = User.objects.create_superuser("token-root", password="x")
    client = Client()
    client.force_login(root)

    response = client.post(reverse("admin:authtoken_tokenproxy_delete", args=[users["viewer"].pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Token.objects.filter(user=users["viewer"]).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED, user=users["viewer"]).exists()
