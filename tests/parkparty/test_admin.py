"""Django admin: every model is there, scoped like the API, and checks the same rules."""

import pytest
from django.contrib import admin
from django.urls import reverse

from enterprises.models import Enterprise
from tests import factories as f


@pytest.fixture
def staff_admin(world, client):
    user = world.users["admin"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


LEDGER_MODELS = [
    "organizations.park", "organizations.district", "organizations.grid", "organizations.organization",
    "organizations.partymember", "enterprises.enterprise", "enterprises.coverage", "enterprises.instructor",
    "enterprises.instructorassignment", "meetings.meeting", "meetings.meetingrule", "meetings.jointbody",
    "meetings.chairterm", "meetings.matter", "activities.venue", "organizations.starlevel",
    "organizations.scoringsheet", "organizations.rating", "organizations.honor", "organizations.subsidyrule",
    "organizations.subsidy", "organizations.duescollection", "activities.activity", "activities.venuebooking",
    "activities.designation", "activities.annualplan", "organizations.application",
]  # fmt: skip


def test_every_model_has_an_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(LEDGER_MODELS) | {"parkparty.grant"} <= registered


@pytest.mark.parametrize("label", LEDGER_MODELS)
def test_a_park_admin_with_staff_status_opens_every_changelist(staff_admin, label):
    app, model = label.split(".")
    assert staff_admin.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200


def test_the_admin_lists_only_the_users_parks(staff_admin, world):
    page = staff_admin.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    assert world.enterprise_a.name in page
    assert world.other_enterprise.name not in page
    url = reverse("admin:enterprises_enterprise_change", args=[world.other_enterprise.pk])
    assert staff_admin.get(url).status_code == 302  # Django admin redirects a missing object to the index


def test_the_admin_refuses_a_wrong_credit_code_with_a_message_on_the_field(staff_admin, world):
    code = f.credit_code(31337)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = staff_admin.post(
        reverse("admin:enterprises_enterprise_add"),
        {"park": world.park.pk, "name": "错码企业", "credit_code": wrong, "status": "operating",
         "entered_on": "2024-01-01", "employees": 0, "output_value": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert "check character is wrong" in response.content.decode()
    assert not Enterprise.objects.filter(name="错码企业").exists()


def test_grants_are_for_superusers_only(staff_admin):
    assert staff_admin.get(reverse("admin:parkparty_grant_changelist")).status_code == 403


def test_nothing_on_the_ledger_is_deleted_through_the_admin(staff_admin, world):
    url = reverse("admin:enterprises_enterprise_delete", args=[world.enterprise_a.pk])
    assert staff_admin.post(url, {"post": "yes"}).status_code == 403
    assert Enterprise.objects.filter(pk=world.enterprise_a.pk).exists()


def test_the_admin_refuses_a_matter_resolved_without_a_resolution(staff_admin, world):
    url = reverse("admin:meetings_matter_change", args=[world.matter_a.pk])
    response = staff_admin.post(
        url,
        {"park": world.park.pk, "source": "meeting", "meeting": world.meeting_a.pk, "category": "recruitment",
         "title": world.matter_a.title, "raised_on": "2024-05-20", "status": "resolved", "resolved_on": "2024-05-25",
         "resolution": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert "Say how the matter was resolved" in response.content.decode()
    world.matter_a.refresh_from_db()
    assert world.matter_a.status == "open"


def test_the_ledger_of_subsidies_is_read_only_in_the_admin(staff_admin, world):
    url = reverse("admin:organizations_subsidy_change", args=[world.subsidy_a.pk])
    page = staff_admin.get(url)
    assert page.status_code == 200
    assert b'name="amount"' not in page.content  # shown, not editable
    assert staff_admin.post(url, {"amount": "1.00"}).status_code == 403
    delete = reverse("admin:organizations_subsidy_delete", args=[world.subsidy_a.pk])
    assert staff_admin.post(delete, {"post": "yes"}).status_code == 403
    world.subsidy_a.refresh_from_db()
    assert str(world.subsidy_a.amount) == "200.00"


def test_a_subsidy_rule_records_were_computed_with_is_not_changed_in_the_admin(staff_admin, world):
    url = reverse("admin:organizations_subsidyrule_change", args=[world.rule.pk])
    assert b'name="valid_from"' not in staff_admin.get(url).content


def test_criteria_of_a_sheet_in_use_cannot_be_changed_in_the_admin(staff_admin, world):
    page = staff_admin.get(reverse("admin:organizations_scoringsheet_change", args=[world.sheet.pk]))
    assert page.status_code == 200
    assert b'name="criteria-0-max_points"' not in page.content


def test_the_admin_refuses_a_five_star_honour_without_its_star(staff_admin, world):
    response = staff_admin.post(
        reverse("admin:organizations_honor_add"),
        {"park": world.park.pk, "year": 2024, "kind": "five_star", "star": "", "title": "五星",
         "organization": world.branch_a.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert "Name the star of the five-star competition" in response.content.decode()
