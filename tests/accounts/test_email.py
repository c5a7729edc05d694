"""E-mail from the environment, and the password-reset page (issue 13: email was not configured, so reset
mails failed in silence). Off (no EMAIL_HOST), the page says the portal sends no e-mail and sends nothing;
on, the reset mail goes out with a link that works."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import Account
from parkparty.mail import email_configured

User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-new-password-42"


@pytest.fixture
def person(db):
    return User.objects.create_user("mailed", email="mailed@example.org", password="the-old-password-1")


@pytest.fixture
def email_off(settings):
    settings.EMAIL_HOST = ""


@pytest.fixture
def email_on(settings):
    settings.EMAIL_HOST = "smtp.example.org"  # the test runner's locmem backend keeps the mails


def test_email_is_off_without_a_host(email_off):
    assert email_configured() is False


def test_email_is_on_with_a_host(email_on):
    assert email_configured() is True


# --- off ----------------------------------------------------------------------------------------------


def test_when_off_the_reset_page_says_so_and_offers_no_form(email_off, client):
    response = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "data-email-off" in page
    assert "This portal sends no e-mail" in page
    assert "park admin" in page
    assert 'name="email"' not in page


def test_when_off_a_post_sends_nothing_and_does_not_say_a_mail_is_on_its_way(email_off, client, person):
    response = client.post(reverse("password_reset"), {"email": person.email})

    assert response.status_code == 200
    assert "data-email-off" in response.content.decode()
    assert mail.outbox == []


def test_the_login_page_links_to_the_reset_page(client, db):
    assert f'href="{reverse("password_reset")}"' in client.get(reverse("login")).content.decode()


# --- on -----------------------------------------------------------------------------------------------


def reset_link(message) -> str:
    found = re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_when_on_the_reset_mail_goes_out_with_a_link_that_sets_the_password(email_on, client, person):
    page = client.get(reverse("password_reset"))
    assert 'name="email"' in page.content.decode()

    response = client.post(reverse("password_reset"), {"email": person.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert [message.to for message in mail.outbox] == [[person.email]]
    form = client.get(reset_link(mail.outbox[0]), follow=True)
    assert form.context["validlink"] is True
    done = client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert User.objects.get(pk=person.pk).check_password(PASSWORD)


def test_an_unknown_address_answers_the_same_and_sends_nothing(email_on, client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert (response.status_code, response["Location"]) == (302, reverse("password_reset_done"))
    assert mail.outbox == []


def test_a_password_set_through_the_mail_revokes_the_token_and_ends_a_forced_change(email_on, client, person):
    Account.objects.create(user=person, must_change_password=True)
    key = Token.objects.create(user=person).key
    client.post(reverse("password_reset"), {"email": person.email})
    form = client.get(reset_link(mail.outbox[0]), follow=True)

    client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert not Token.objects.filter(key=key).exists()
    assert Account.objects.get(user=person).must_change_password is False


def test_a_password_set_through_the_mail_lifts_a_lockout(email_on, client, person, django_capture_on_commit_callbacks):
    AccessAttempt.objects.create(username=person.username, ip_address="203.0.113.5", failures_since_start=50)
    client.post(reverse("password_reset"), {"email": person.email})
    form = client.get(reset_link(mail.outbox[0]), follow=True)

    with django_capture_on_commit_callbacks(execute=True):  # the lockout is lifted once the password is kept
        client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert not AccessAttempt.objects.filter(username=person.username).exists()


# --- settings from the environment --------------------------------------------------------------------

SHOW = (
    "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) for k in "
    "('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', "
    "'EMAIL_USE_SSL', 'DEFAULT_FROM_EMAIL', 'SERVER_EMAIL', 'EMAIL_TIMEOUT')}))"
)


def settings_of(module: str, **environ) -> subprocess.CompletedProcess:
    """The settings a fresh process reads from this environment (nothing of this one's EMAIL_*)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DEFAULT_FROM", "SERVER_"))}
    env |= {"DJANGO_SETTINGS_MODULE": module, "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.example.org"}
    env.pop("DEBUG", None)
    env |= environ
    command = [sys.executable, "-c", f"import django; django.setup(); {SHOW}"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_reads_the_smtp_server_from_the_environment():
    result = settings_of(
        "parkparty.settings.production",
        EMAIL_HOST="smtp.example.org", EMAIL_PORT="2525", EMAIL_HOST_USER="portal", EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="true", DEFAULT_FROM_EMAIL="portal@example.org", SERVER_EMAIL="errors@example.org",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": 2525, "EMAIL_HOST_USER": "portal",
        "EMAIL_HOST_PASSWORD": "secret", "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False,
        "DEFAULT_FROM_EMAIL": "portal@example.org", "SERVER_EMAIL": "errors@example.org", "EMAIL_TIMEOUT": 10,
    }  # fmt: skip


def test_without_a_host_production_sends_nothing_and_local_development_prints_mails():
    production = settings_of("parkparty.settings.production")
    local = settings_of("parkparty.settings.local")

    assert production.returncode == local.returncode == 0, production.stderr + local.stderr
    assert json.loads(production.stdout)["EMAIL_BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"
    assert json.loads(local.stdout)["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_a_server_without_a_sender_stops_start_up():
    result = settings_of("parkparty.settings.production", EMAIL_HOST="smtp.example.org")

    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL" in result.stderr


def test_tls_and_ssl_together_stop_start_up():
    result = settings_of(
        "parkparty.settings.production", EMAIL_HOST="smtp.example.org", DEFAULT_FROM_EMAIL="portal@example.org",
        EMAIL_USE_TLS="true", EMAIL_USE_SSL="true",
    )  # fmt: skip

    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL" in result.stderr


def test_ssl_defaults_to_port_465():
    result = settings_of(
        "parkparty.settings.production", EMAIL_HOST="smtp.example.org", DEFAULT_FROM_EMAIL="portal@example.org",
        EMAIL_USE_SSL="true",
    )  # fmt: skip

    assert json.loads(result.stdout)["EMAIL_PORT"] == 465, result.stderr
