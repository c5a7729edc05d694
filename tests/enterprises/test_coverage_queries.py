"""What a coverage figure costs in SQL: the same for two enterprises as for twenty (docs/api.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.selectors import GROUPINGS, cached_coverage_summary, coverage_summary
from organizations.models import Park
from tests import factories as f

pytestmark = pytest.mark.django_db


def _queries(compute) -> int:
    with CaptureQueriesContext(connection) as captured:
        compute()
    return len(captured)


def _more_enterprises(world, n: int = 18) -> None:
    for i in range(n):
        enterprise = f.EnterpriseFactory(park=world.park, name=f"新增企业{i}", industry=f"行业{i % 3}")
        if i % 2:
            f.CoverageFactory(enterprise=enterprise, organization=world.branch_a)


@pytest.mark.parametrize(("group_by", "expected"), [(None, 1), *((grouping, 2) for grouping in GROUPINGS)])
def test_coverage_costs_one_query_and_one_more_for_a_grouping_whatever_the_park_size(world, group_by, expected):
    parks = Park.objects.filter(pk=world.park.pk)
    today = timezone.localdate()
    small = _queries(lambda: coverage_summary(parks=parks, as_of=today, group_by=group_by))
    _more_enterprises(world)
    large = _queries(lambda: coverage_summary(parks=parks, as_of=today, group_by=group_by))
    assert small == large == expected


def test_a_cached_figure_costs_the_ledger_versions_query(world):
    today = timezone.localdate()
    cached_coverage_summary(park_ids=[world.park.pk], as_of=today)
    assert _queries(lambda: cached_coverage_summary(park_ids=[world.park.pk], as_of=today)) == 1
