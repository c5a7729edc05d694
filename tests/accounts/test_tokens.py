"""API tokens (issue 13): they expire, and a password change, a reset or a deactivation revokes them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from parkparty.models import SecurityEvent
from tests.accounts.helpers import give_accounts

User = get_user_model()
API = "/api/v1/organizations/"


@pytest.fixture
def users(world):
    return give_accounts(world)


def call(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(API, HTTP_ACCEPT_LANGUAGE="en")


def test_a_fresh_token_works(world):
    assert call(world.token).status_code == 200


def test_an_expired_token_is_refused_with_401_and_a_message(world, settings):
    settings.TOKEN_TTL_DAYS = 90
    Token.objects.filter(key=world.token).update(
        created=Token.objects.get(key=world.token).created - timedelta(days=91)
    )
    response = call(world.token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "expired" in response.json()["detail"]
    assert "/accounts/token/" in response.json()["detail"]  # where to make a new one


def test_a_ttl_of_zero_never_expires(world, settings):
    settings.TOKEN_TTL_DAYS = 0
    Token.objects.filter(key=world.token).update(
        created=Token.objects.get(key=world.token).created - timedelta(days=900)
    )
    assert call(world.token).status_code == 200


def test_a_password_reset_by_a_park_admin_revokes_the_token(world, users):
    token = Token.objects.create(user=users["secretary_a"])
    services.password_reset(user=users["secretary_a"], actor=users["admin"])
    assert call(token.key).status_code == 401


def test_a_deactivation_revokes_the_token(world, users):
    token = Token.objects.create(user=users["secretary_a"])
    services.account_deactivate(user=users["secretary_a"], actor=users["admin"])
    assert not Token.objects.filter(key=token.key).exists()


def test_ones_own_password_change_revokes_the_token(world):
    user = User.objects.create_user("token-holder", password="a-long-correct-password-1")
    token = Token.objects.create(user=user)
    client = Client()
    client.force_login(user)
    data = {"old_password": "a-long-correct-password-1", "new_password1": "another-long-pass-42",
            "new_password2": "another-long-pass-42"}  # fmt: skip
    assert client.post(reverse("password_change"), data).status_code == 302
    assert call(token.key).status_code == 401


def test_a_park_admin_cannot_revoke_a_token_outside_their_park(world, users):
    other = User.objects.create_user("elsewhere")
    Token.objects.create(user=other)
    with pytest.raises(Exception, match="park admin"):
        services.revoke_tokens(other, actor=users["admin"], reason="revoked")
    assert Token.objects.filter(user=other).exists()


@pytest.fixture
def operator(world):
    client = Client()
    client.force_login(User.objects.create_superuser("token-operator", password="x"))
    return client


def test_a_password_set_in_the_operators_admin_revokes_the_token(world, operator):
    user = User.objects.create_user("admin-set", password="a-long-correct-password-1")
    token = Token.objects.create(user=user)
    data = {"password1": "another-long-pass-42", "password2": "another-long-pass-42"}
    response = operator.post(reverse("admin:auth_user_password_change", args=[user.pk]), data)
    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


def test_a_deactivation_in_the_operators_admin_revokes_the_token_and_is_logged(world, operator):
    user = User.objects.create_user("admin-off", password="x")
    token = Token.objects.create(user=user)
    page = operator.get(reverse("admin:auth_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(is_active="", date_joined_0="2026-01-01", date_joined_1="10:00:00", groups=[], user_permissions=[])
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = operator.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Token.objects.filter(key=token.key).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DEACTIVATED, user=user).exists()
