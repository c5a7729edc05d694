"""Django admin: the operators' tool (superusers only). Every model is there, checks the same rules,
and stays scoped like the API, so a screen opened to anyone else leaks nothing."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from enterprises.models import Enterprise, Instructor
from organizations.models import PartyMember
from parkparty.models import Grant
from tests import factories as f


@pytest.fixture
def staff_admin(world, client):
    """An operator: the admin is open to superusers only."""
    user = get_user_model().objects.create_superuser("operator", password="x")
    client.force_login(user)
    return client


@pytest.fixture
def park_admin_request(world):
    """A request of the park admin of park A, made staff by mistake: what the scoped screens must hold
    against, should the admin ever open to them."""
    user = world.users["admin"]
    user.is_staff = True
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_staff_user_who_is_not_a_superuser_cannot_open_the_admin(world, client):
    user = world.users["admin"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    changelist = client.get(reverse("admin:organizations_partymember_changelist"))
    assert changelist.status_code == 302


def test_the_history_of_another_parks_row_is_not_shown(park_admin_request, world):
    member_admin = admin.site._registry[PartyMember]
    other = PartyMember.objects.filter(organization__park=world.other_park).first()
    with pytest.raises(Http404):
        member_admin.history_view(park_admin_request, str(other.pk))
    own = PartyMember.objects.filter(organization__park=world.park).first()
    assert member_admin.history_view(park_admin_request, str(own.pk)).status_code == 200


def test_no_screen_filters_on_personal_data(park_admin_request):
    member_admin = admin.site._registry[PartyMember]
    assert not member_admin.lookup_allowed("id_number__startswith", "1101", park_admin_request)
    assert not member_admin.lookup_allowed("phone", "138", park_admin_request)
    assert member_admin.lookup_allowed("status", "full", park_admin_request)


def test_personal_fields_are_left_out_for_those_who_see_them_masked(world):
    instructor_admin = admin.site._registry[Instructor]
    instructor = Instructor.objects.filter(park=world.park).first()
    viewer = RequestFactory().get("/admin/")
    viewer.user = world.users["viewer"]
    assert "phone" not in instructor_admin.get_fields(viewer, instructor)
    operator = RequestFactory().get("/admin/")
    operator.user = get_user_model()(is_superuser=True, is_active=True)
    assert "phone" in instructor_admin.get_fields(operator, instructor)


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


def test_the_scoped_screens_list_only_the_users_parks(park_admin_request, world):
    rows = admin.site._registry[Enterprise].get_queryset(park_admin_request)
    assert rows.filter(pk=world.enterprise_a.pk).exists()
    assert not rows.filter(pk=world.other_enterprise.pk).exists()


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


def test_grants_are_for_superusers_only(park_admin_request):
    assert not admin.site._registry[Grant].has_module_permission(park_admin_request)


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


def test_users_are_deactivated_not_deleted(staff_admin, world):
    user = world.users["secretary_a"]
    response = staff_admin.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302  # back to the login's page, with a message (tests/accounts/test_deletion.py)
    assert get_user_model().objects.filter(pk=user.pk).exists()
