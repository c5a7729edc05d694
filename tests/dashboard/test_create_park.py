"""`manage.py create_park`: starting from nothing, a park with its defaults and its first park admin."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from organizations.models import Park
from parkparty import access
from parkparty.models import Grant, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def create_park(*args: str) -> str:
    out = StringIO()
    call_command("create_park", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_park_with_its_defaults_and_a_park_admin_who_may_log_in(client):
    output = create_park("--name", "开发区", "--admin", "zhang", "--admin-name", "张三", "--password", "Kaifa-2026-qu")

    park = Park.objects.get(name="开发区")
    user = get_user_model().objects.get(username="zhang")
    assert park.code == "park" and park.meeting_rules.exists() and park.star_levels.count() == 5
    assert user.first_name == "张三" and user.check_password("Kaifa-2026-qu")
    assert Grant.objects.filter(user=user, role=Role.PARK_ADMIN, park=park).exists()
    assert access.administers(user, park.pk)
    assert "Kaifa-2026-qu" not in output  # a given password is not echoed
    response = client.post(reverse("login"), {"username": "zhang", "password": "Kaifa-2026-qu"})
    assert response.status_code == 302 and response.url == reverse("overview")


def test_without_a_password_it_prints_a_generated_one_once_that_works():
    output = create_park("--name", "开发区", "--admin", "zhang")

    password = output.split("Password (shown this once; change it after logging in): ")[1].strip()
    assert len(password) >= 12
    assert get_user_model().objects.get(username="zhang").check_password(password)


def test_a_park_that_exists_is_refused_and_nothing_else_is_created():
    create_park("--name", "开发区", "--admin", "zhang")

    with pytest.raises(CommandError, match="已有同名园区"):
        create_park("--name", "开发区", "--admin", "li")

    assert Park.objects.filter(name="开发区").count() == 1
    assert not get_user_model().objects.filter(username="li").exists()


def test_a_second_chinese_named_park_gets_the_next_free_code():
    create_park("--name", "开发区", "--admin", "zhang")
    create_park("--name", "高新区", "--admin", "zhang")

    assert sorted(Park.objects.values_list("code", flat=True)) == ["park", "park-1"]


def test_an_existing_user_becomes_admin_of_the_new_park_and_keeps_their_password():
    user = f.UserFactory(username="zhang")

    output = create_park("--name", "开发区", "--admin", "zhang")

    user.refresh_from_db()
    assert user.check_password("pass-1234-word")
    assert "password is unchanged" in output and "Password (shown" not in output
    assert Grant.objects.filter(user=user, park__name="开发区", role=Role.PARK_ADMIN).exists()


def test_a_weak_password_is_refused_and_leaves_no_park_behind():
    with pytest.raises(CommandError):
        create_park("--name", "开发区", "--admin", "zhang", "--password", "123")

    assert not Park.objects.filter(name="开发区").exists()
    assert not get_user_model().objects.filter(username="zhang").exists()
