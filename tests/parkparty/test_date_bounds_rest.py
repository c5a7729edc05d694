"""Issue 13, second pass: every date a person enters is bounded by parkparty.dates.DateBounds, on its
model field. One parametrized test sends each bounded field a day before the portal's years, a day
after them and today, through the API (or the service where the API has no such write), and one
walks every model so that a new date field cannot come without its bounds."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from enterprises import services as enterprise_services
from parkparty.dates import DateBounds, bounds_of

API = "/api/v1"
TODAY = "2026-12-06"  # the frozen clock's day (tests/conftest.py)
FAR_PAST = ["0001-01-01", "1920-12-31"]
WORK_FAR_PAST = [*FAR_PAST, "1999-12-31"]  # the work records' floor is 2000
FAR_FUTURE = ["9999-12-31", "2032-01-01"]  # the last planned day is 2031-12-31
AHEAD = ["2026-12-07"]  # a fact is not after today


def at(day: str) -> str:
    return f"{day}T09:00:00+08:00"  # before the frozen clock's 10:00 on its day


def first_of_month(day: str) -> str:
    return day[:8] + "01"


# (field, method, path, payload for a day, the days refused). Each field is also accepted on TODAY.
CASES = [
    ("starts_at", "patch", lambda w: f"activities/{w.activity_a.pk}/", lambda w, d: {"starts_at": at(d)},
     [*WORK_FAR_PAST, *FAR_FUTURE]),
    ("started_on", "patch", lambda w: f"designations/{w.designation_a.pk}/", lambda w, d: {"started_on": d},
     [*WORK_FAR_PAST, *FAR_FUTURE, *AHEAD]),
    ("ended_on", "patch", lambda w: f"designations/{w.designation_a.pk}/", lambda w, d: {"ended_on": d},
     [*WORK_FAR_PAST, *FAR_FUTURE, *AHEAD]),
    ("awarded_on", "patch", lambda w: f"honors/{w.honor_a.pk}/", lambda w, d: {"awarded_on": d},
     [*WORK_FAR_PAST, *FAR_FUTURE, *AHEAD]),
    ("held_at", "patch", lambda w: f"meetings/{w.meeting_a.pk}/", lambda w, d: {"held_at": at(d)},
     [*WORK_FAR_PAST, *FAR_FUTURE, *AHEAD]),
    ("scheduled_at", "patch", lambda w: f"meetings/{w.meeting_a.pk}/", lambda w, d: {"scheduled_at": at(d)},
     [*WORK_FAR_PAST, *FAR_FUTURE]),
    ("starts_at", "post", lambda w: "venue-bookings/",
     lambda w, d: {"venue": w.venue.pk, "organization": w.branch_b.pk, "starts_at": at(d),
                   "ends_at": f"{d}T09:30:00+08:00", "purpose": "支委会"},
     [*WORK_FAR_PAST, *FAR_FUTURE]),
    ("ended_on", "post", lambda w: f"coverages/{w.enterprise_a.coverages.get(ended_on=None).pk}/end/",
     lambda w, d: {"on": d}, [*FAR_PAST, *FAR_FUTURE, *AHEAD]),
    ("month", "post", lambda w: "dues/",
     lambda w, d: {"organization": w.branch_b.pk, "month": first_of_month(d), "amount": "120.00"},
     [*WORK_FAR_PAST, *FAR_FUTURE, "2027-01-01"]),
    ("valid_from", "post", lambda w: "subsidy-rules/",
     lambda w, d: {"park": w.park.pk, "kind": "red_star_allowance", "valid_from": d, "rates": {"5": "400"}},
     [*WORK_FAR_PAST, *FAR_FUTURE]),
    ("applied_on", "post", lambda w: "applications/",
     lambda w, d: {"organization": w.branch_a.pk, "name": "冯", "applied_on": d},
     [*WORK_FAR_PAST, *FAR_FUTURE, *AHEAD]),
    ("on", "post", lambda w: f"applications/{w.application_a.pk}/advance/",
     lambda w, d: {"stage": "target", "on": d}, [*FAR_FUTURE, *AHEAD]),  # before activist_on: refused too
    ("on", "post", lambda w: f"applications/{w.application_a.pk}/withdraw/",
     lambda w, d: {"on": d, "reason": "本人申请"}, [*FAR_FUTURE, *AHEAD]),
]  # fmt: skip
ROWS = [
    pytest.param(case, day, id=f"{case[2].__code__.co_consts[-1] if False else i}-{case[0]}-{day}")
    for i, case in enumerate(CASES)
    for day in [*case[4], TODAY]
]


@pytest.mark.parametrize(("case", "day"), ROWS)
def test_a_bounded_date_is_refused_on_its_field_outside_its_bounds_and_taken_today(world, as_role, case, day):
    field, method, path, payload, refused = case
    response = getattr(as_role("admin"), method)(f"{API}/{path(world)}", payload(world, day), format="json")

    if day in refused:
        assert response.status_code == 400, response.content
        assert field in response.json(), response.content
    else:
        assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize("day", [date(1920, 12, 31), date(9999, 12, 31), date(2026, 12, 7)])
def test_a_coverage_or_an_assignment_starting_outside_its_bounds_is_refused_on_its_field(world, day):
    admin = world.users["admin"]
    with pytest.raises(ValidationError) as coverage:
        enterprise_services.coverage_start(
            enterprise=world.enterprise_uncovered, organization=world.branch_a, on=day, actor=admin
        )
    with pytest.raises(ValidationError) as assignment:
        enterprise_services.assignment_start(
            instructor=world.instructor, enterprise=world.enterprise_uncovered, on=day, actor=admin
        )

    assert "started_on" in coverage.value.message_dict
    assert "started_on" in assignment.value.message_dict


@pytest.mark.parametrize("day", [date(1920, 12, 31), date(9999, 12, 31), date(2026, 12, 7)])
def test_a_joint_bodys_founding_outside_its_bounds_is_refused_on_its_field(world, day):
    # Joint bodies are written in the Django admin only, whose model form runs full_clean.
    body = world.joint_body
    body.established_on = day
    with pytest.raises(ValidationError) as refused:
        body.full_clean()

    assert "established_on" in refused.value.message_dict


@pytest.mark.parametrize("year", [1999, 2032, 9999])
def test_a_chair_schedule_for_a_year_outside_the_portals_years_is_refused(world, as_role, year):
    response = as_role("admin").post(f"{API}/joint-bodies/{world.joint_body.pk}/schedule/", {"year": year})

    assert response.status_code == 400, response.content
    assert "year" in response.json()


def test_a_reversal_is_not_dated_before_the_payment_it_reverses(world):
    from organizations.models import Subsidy
    from organizations.subsidies import services

    paid = Subsidy.objects.filter(pk=world.subsidy_a.pk)
    paid.update(status=Subsidy.Status.PAID, voucher_no="记-1", paid_on=date(2024, 7, 15))
    with pytest.raises(ValidationError) as refused:
        services.subsidy_reverse(
            subsidy=paid.get(), reason="重复发放", voucher_no="记-2", paid_on=date(2024, 7, 14),
            actor=world.users["admin"],
        )  # fmt: skip

    assert "paid_on" in refused.value.message_dict


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("field", ["since", "until"])
def test_the_security_logs_days_outside_the_portals_years_are_refused_not_a_500(world, as_role, field, day):
    # A year 1 or 9999 has no moment in UTC: the log's query overflowed (500) before the bounds.
    response = as_role("admin").get(reverse("security-log"), {field: day, "park": world.park.pk})

    assert response.status_code == 200
    assert field in response.context["form"].errors


# --- every date field a person enters has its bounds --------------------------------------------------

PROJECT_APPS = {"parkparty", "accounts", "organizations", "enterprises", "meetings", "activities", "reports"}

# Dates no person enters: stamped by the portal when something happens, or derived from what was checked.
NOT_ENTERED = {
    # Stamped when a row is made or a step is taken (auto_now_add, default=timezone.now, or set by a service).
    # (auto_now / auto_now_add fields need no entry: uploads' uploaded_at, created_at and recorded_at stamps.)
    "parkparty.ImportBatch.confirmed_at", "parkparty.SecurityEvent.at", "parkparty.IdempotencyKey.created_at",
    "parkparty.SubmissionToken.created_at",
    "organizations.Subsidy.approved_at", "organizations.Rating.confirmed_at",
    "reports.Report.requested_at", "reports.Report.started_at", "reports.Report.finished_at",
    # A report's period is given as a code (YYYY-MM, YYYY-Qn …) that parse_period bounds by year_in_range;
    # its days are derived from it (ends_before is the day after the period, a year beyond a plan's last day).
    "reports.Report.starts_on", "reports.Report.ends_before",
    # Coverage snapshots are taken by the monthly task, of the month and the day it ran.
    "reports.CoverageSnapshot.month", "reports.CoverageSnapshot.as_of", "reports.CoverageSnapshot.taken_at",
}  # fmt: skip


def _date_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and field.model is model:  # DateTimeField is a DateField
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}", field


def test_every_date_a_person_enters_has_date_bounds():
    missing = [
        name
        for name, field in _date_fields()
        if name not in NOT_ENTERED and not (field.auto_now or field.auto_now_add) and bounds_of(field) is None
    ]

    assert missing == [], f"Give these a DateBounds validator (parkparty.dates), or say why not: {missing}"


def test_the_allow_list_names_only_fields_that_exist_and_have_no_bounds():
    fields = dict(_date_fields())

    assert sorted(NOT_ENTERED - set(fields)) == []
    assert [name for name in NOT_ENTERED if isinstance(bounds_of(fields[name]), DateBounds)] == []
