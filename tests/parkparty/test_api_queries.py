"""Every API list answers in a constant number of queries, whatever the number of rows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Activity, ActivityPhoto, AnnualPlan, Designation, PlanTarget, Venue, VenueBooking
from organizations.models import (
    Application,
    ApplicationStep,
    Criterion,
    DuesCollection,
    Honor,
    Rating,
    RatingItem,
    ScoringSheet,
    Subsidy,
    SubsidyKind,
    SubsidyRate,
    SubsidyRule,
)
from tests import factories as f

# Queries every session-authenticated list makes before its own: the session, the user, the user's
# grants (with their organizations' paths), and whether the user is an instructor.
AUTH = 4
# Then each list counts its rows for pagination and reads one page: +2.
# The instructors list also prefetches the page's current assignments: +1.
# Scoring sheets prefetch their criteria, subsidy rules their rates: +1. Ratings prefetch their items
# (with each item's criterion joined) and the items' evidence: +2. Dues read the dues-return rules of
# the page's parks once, for every row's `owed`: +1. Subsidies join their reversal: +0.
EXPECTED = {
    "parks": AUTH + 2,
    "districts": AUTH + 2,
    "grids": AUTH + 2,
    "organizations": AUTH + 2,
    "members": AUTH + 2,
    "enterprises": AUTH + 2,
    "coverages": AUTH + 2,
    "instructors": AUTH + 3,
    "instructor-assignments": AUTH + 2,
    "star-levels": AUTH + 2,
    "scoring-sheets": AUTH + 3,
    "criteria": AUTH + 2,
    "ratings": AUTH + 4,
    "honors": AUTH + 2,
    "subsidy-rules": AUTH + 3,
    "subsidies": AUTH + 2,
    "dues": AUTH + 3,
    # Activities prefetch their co-hosts, participants and photos (the host joined): +3. Designations
    # prefetch their members, applications their steps and introducers: +1, +2. Plans prefetch their
    # targets and count the page's progress at once (held activities, held meetings): +3.
    "activities": AUTH + 5,
    "venues": AUTH + 2,
    "venue-bookings": AUTH + 2,
    "designations": AUTH + 3,
    "plans": AUTH + 5,
    "applications": AUTH + 4,
}


def add_rows(world, n: int) -> None:
    """n more of everything in park A, so a per-row query would show as a larger count."""
    for index in range(n):
        district = f.DistrictFactory(park=world.park)
        f.GridFactory(park=world.park, district=district)
        branch = f.OrganizationFactory(park=world.park, parent=world.committee)
        world.committee.refresh_from_db()
        enterprise = f.EnterpriseFactory(park=world.park, district=district)
        f.CoverageFactory(enterprise=enterprise, organization=branch)
        f.PartyMemberFactory(organization=branch, enterprise=enterprise)
        instructor = f.InstructorFactory(park=world.park)
        f.InstructorAssignmentFactory(instructor=instructor, enterprise=enterprise)
        add_ratings_and_subsidies(world, branch, index)
        add_activities_and_applications(world, branch, index)


def add_ratings_and_subsidies(world, branch, index: int) -> None:
    """A sheet with criteria, a rating with items, an honour, a rule with a rate, a subsidy and dues.
    (Star levels stay at five per park: their list has no relations to multiply.)"""
    sheet = ScoringSheet.objects.create(park=world.park, year=2023, version=index + 1, title="细则")
    for position in range(2):
        Criterion.objects.create(sheet=sheet, position=position, title="项目", max_points=Decimal(10))
    rating = Rating.objects.create(
        park=world.park, organization=branch, sheet=world.sheet, year=2024, quarter=2, assessed_on=date(2024, 6, 28)
    )
    RatingItem.objects.bulk_create(RatingItem(rating=rating, criterion=c) for c in world.sheet.criteria.all())
    Honor.objects.create(park=world.park, year=2024, kind=Honor.Kind.BRAND, title="品牌", organization=branch)
    rule = SubsidyRule.objects.create(
        park=world.park, kind=SubsidyKind.ACTIVITY_FUND, valid_from=date(2021, 1, 1) + timedelta(days=index)
    )
    SubsidyRate.objects.create(rule=rule, stars=5, amount=Decimal(1))
    Subsidy.objects.create(
        park=world.park, organization=branch, kind=SubsidyKind.ACTIVITY_FUND, period="2024-Q2",
        period_start=date(2024, 4, 1), amount=Decimal(100),
    )  # fmt: skip
    DuesCollection.objects.create(park=world.park, organization=branch, month=date(2024, 5, 1), amount=Decimal(90))


def add_activities_and_applications(world, branch, index: int) -> None:
    """A venue with a booking, an activity with co-hosts, participants and a photo, a designation with
    members, a plan with targets, an application with its steps and introducers."""
    member = branch.members.first()
    venue = Venue.objects.create(park=world.park, name=f"阵地{index}")
    starts_at = world.activity_a.starts_at + timedelta(days=index + 1)
    activity = Activity.objects.create(
        park=world.park, organization=branch, kind="training", title="培训", starts_at=starts_at, venue=venue
    )
    activity.co_hosts.add(world.branch_a, world.branch_b)
    activity.participants.add(member, world.member_a)
    ActivityPhoto.objects.create(activity=activity, file="x.png", content_type="image/png", size=1, sha256="0")
    VenueBooking.objects.create(
        venue=venue, organization=branch, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )
    designation = Designation.objects.create(
        park=world.park, organization=branch, kind="demo_post", name="示范岗", started_on=date(2024, 1, 1)
    )
    designation.members.add(member)
    plan = AnnualPlan.objects.create(park=world.park, year=2000 + index, title="计划")
    PlanTarget.objects.create(plan=plan, counts="activities", kind="training", target=5)
    PlanTarget.objects.create(plan=plan, counts="meetings", kind="party_lesson", target=5)
    application = Application.objects.create(
        park=world.park, organization=branch, name="申请人", stage="activist", applied_on=date(2023, 1, 1),
        activist_on=date(2023, 6, 1),
    )  # fmt: skip
    ApplicationStep.objects.create(application=application, stage="applicant", on=date(2023, 1, 1))
    ApplicationStep.objects.create(application=application, stage="activist", on=date(2023, 6, 1))
    application.introducers.add(member, world.member_a)


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/{path}/", {"page_size": 200})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_a_list_costs_the_same_queries_for_few_rows_and_many(world, as_role, path):
    client = as_role("admin")
    assert count(client, path) == EXPECTED[path]
    add_rows(world, 12)
    client = as_role("admin")  # a fresh request: the scope is read once per request
    assert count(client, path) == EXPECTED[path]
