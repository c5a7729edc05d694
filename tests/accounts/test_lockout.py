"""Login lockouts (issue 13): the old password on the change page is counted like a login, an account is
limited from any address, an address is limited across accounts, and the lockout answer is translated."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

User = get_user_model()
PASSWORD = "a-long-correct-password-1"


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IP_FAILURE_LIMIT = 6
    return settings


def person(name="spray-target"):
    return User.objects.create_user(name, password=PASSWORD)


def login(username, password, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )


def change(client, old):
    data = {"old_password": old, "new_password1": "another-long-pass-42", "new_password2": "another-long-pass-42"}
    return client.post(reverse("password_change"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_guessing_the_old_password_on_the_change_page_locks_the_account(world, limits):
    user = person()
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.force_login(user)
    first = change(client, "wrong-1")
    assert first.status_code == 200
    assert "old_password" in first.context["form"].errors
    change(client, "wrong-2")
    third = change(client, "wrong-3")
    assert third.status_code == 429
    assert "Too many failed password attempts" in third.content.decode()
    # the right old password does not get through while locked, here nor on the login page
    assert change(client, PASSWORD).status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert login(user.username, PASSWORD, address="10.9.9.9").status_code == 429


def test_the_right_old_password_changes_it(world, limits):
    user = person()
    client = Client()
    client.force_login(user)
    response = change(client, PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-pass-42")


def test_an_account_is_locked_from_any_address(world, limits):
    """Spraying a few tries per address from rotating addresses."""
    user = person()
    for number in range(2):
        assert login(user.username, f"guess-{number}", address=f"10.1.0.{number}").status_code == 200
    assert login(user.username, "guess-2", address="10.1.0.2").status_code == 429  # the third failure locks
    response = login(user.username, PASSWORD, address="10.1.0.99")
    assert response.status_code == 429
    assert "Too many failed password attempts" in response.content.decode()


def test_an_address_is_limited_across_accounts_but_a_few_typos_lock_no_office(world, limits):
    users = [person(f"office-{number}") for number in range(7)]
    for user in users[:5]:
        assert login(user.username, "typo", address="10.2.0.1").status_code == 200
    # five failures of five people behind one address: everyone still signs in
    assert login(users[5].username, PASSWORD, address="10.2.0.1").status_code == 302
    assert login(users[6].username, "typo", address="10.2.0.1").status_code == 429  # the sixth failure
    assert login(users[0].username, PASSWORD, address="10.2.0.1").status_code == 429
    assert login(users[0].username, PASSWORD, address="10.2.0.2").status_code == 302  # the account is not locked


def test_the_address_limit_can_be_turned_off(world, limits):
    limits.AXES_IP_FAILURE_LIMIT = 0
    users = [person(f"office-{number}") for number in range(7)]
    for user in users:
        assert login(user.username, "typo", address="10.3.0.1").status_code == 200


def test_the_lockout_page_is_the_portals(world, limits):
    user = person()
    for number in range(2):
        login(user.username, f"guess-{number}")
    response = login(user.username, "guess-2")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "ask your park admin to reset your password" in response.content.decode()
