"""Criterion.Source.ACTIVITIES: a rating suggests from the activities the organization's subtree held."""

from datetime import date
from decimal import Decimal

import pytest

from activities import services
from activities.models import Activity
from organizations.models import Criterion, ScoringSheet
from organizations.ratings.selectors import suggestions
from parkparty.dates import local_datetime

pytestmark = pytest.mark.django_db


def _held(world, organization, day: date, *, co_hosts=(), status=Activity.Status.HELD) -> Activity:
    return services.activity_save(
        activity=Activity(
            organization=organization, kind="volunteer", title="志愿服务", status=status,
            starts_at=local_datetime(day, 9), duration_minutes=60,
        ),
        co_hosts=list(co_hosts), participants=[], actor=None,
    )  # fmt: skip


@pytest.fixture
def sheet(world) -> ScoringSheet:
    sheet = ScoringSheet.objects.create(park=world.park, year=2023, title="2023年度评分细则")
    Criterion.objects.create(sheet=sheet, title="活动开展", max_points=Decimal(30), source=Criterion.Source.ACTIVITIES)
    return sheet


def _suggested(world, organization, sheet) -> Decimal | None:
    (criterion,) = sheet.criteria.all()
    return suggestions(organization=organization, year=2023, quarter=3, sheet=sheet).get(criterion.pk)


def test_two_months_of_three_with_an_activity_suggest_two_thirds_of_the_points(world, sheet):
    _held(world, world.branch_a, date(2023, 7, 1))
    _held(world, world.branch_a, date(2023, 7, 20))  # a second one in July counts once
    _held(world, world.group_a, date(2023, 9, 30))  # its group is in its subtree

    assert _suggested(world, world.branch_a, sheet) == Decimal("20.00")


def test_a_co_hosted_activity_counts_for_the_co_host(world, sheet):
    _held(world, world.branch_b, date(2023, 8, 5), co_hosts=[world.branch_a])

    assert _suggested(world, world.branch_a, sheet) == Decimal("10.00")


def test_planned_activities_and_other_quarters_do_not_count(world, sheet):
    _held(world, world.branch_a, date(2023, 6, 30))
    _held(world, world.branch_a, date(2023, 10, 1))
    _held(world, world.branch_a, date(2023, 8, 1), status=Activity.Status.PLANNED)

    assert _suggested(world, world.branch_a, sheet) == Decimal("0.00")
