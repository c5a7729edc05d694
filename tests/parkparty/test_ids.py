"""An id a person sends is read by one rule (parkparty.ids): digits below 2**63, else no row. A number
past 64 bits once made SQLite's query overflow on the page forms, a 500 (`POST /meetings/new/` with
attendance=99999999999999999999999)."""

import pytest
from django import forms
from django.urls import get_resolver, reverse

from meetings.models import Meeting
from parkparty.forms import ModelIds
from parkparty.ids import MAX_ID, parse_id, parse_ids
from tests.activities.test_setup_pages import designation_data
from tests.meetings.test_meeting_pages import log_form

PAST_64_BITS = "99999999999999999999999"
PROJECT_APPS = {"parkparty", "organizations", "enterprises", "accounts", "meetings", "activities", "reports",
                "dashboard"}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (12, 12), (" 7 ", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), (PAST_64_BITS, None),
     ("0", None), ("-3", None), ("²", None), ("1e3", None), ("", None), (None, None), (True, None)],
)  # fmt: skip
def test_an_id_is_ascii_digits_within_64_bits(value, expected):
    assert parse_id(value) == expected


def test_a_list_with_one_impossible_id_is_damaged_as_a_whole():
    assert parse_ids(["3", "4"]) == [3, 4]
    assert parse_ids(["3", PAST_64_BITS]) is None


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_multiple_choice_of_rows_on_a_page_reads_its_ids_by_the_rule():
    assert get_resolver().url_patterns  # imports every view, and so every form
    plain = [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in _subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in PROJECT_APPS
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(field, ModelIds)
    ]
    assert plain == []


def test_an_oversized_attendance_id_is_a_damaged_list_not_a_crash(world, client):
    client.force_login(world.users["secretary_a"])
    before = Meeting.objects.count()
    response = client.post(reverse("meeting-log"), log_form(world, attendance=[PAST_64_BITS]))
    assert response.status_code == 200
    assert "attendance" in response.context["form"].errors
    assert Meeting.objects.count() == before


def test_an_oversized_member_id_on_a_designation_is_an_invalid_choice(world, client):
    client.force_login(world.users["admin"])
    response = client.post(reverse("designation-new"), designation_data(world, members=[PAST_64_BITS]))
    assert response.status_code == 200
    assert "members" in response.context["form"].errors


@pytest.mark.parametrize("route", ["meeting-log", "activity-new"])
@pytest.mark.parametrize("value", [PAST_64_BITS, "²"])
def test_an_impossible_host_is_a_host_that_does_not_exist(world, client, route, value):
    client.force_login(world.users["secretary_a"])
    assert client.get(reverse(route), {"host": value}).status_code == 404


@pytest.mark.parametrize(("route", "name"), [("organization-new", "parent"), ("district-new", "park")])
def test_an_impossible_id_in_the_query_string_is_a_row_that_does_not_exist(world, client, route, name):
    client.force_login(world.users["admin"])
    assert client.get(reverse(route), {name: PAST_64_BITS}).status_code == 404
