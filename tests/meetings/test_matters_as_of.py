"""Matters as of a date (issue 14): one rule (meetings.selectors.matters_as_of) behind `matters/?as_of=` and
the matter statistics: raised on or before the day; resolved or closed on it only if `resolved_on` is on or
before it, else open or in progress (as its history records it at the end of the day).

The world's park A has branch A's matter 旺季缺工 (recruitment, raised 2024-05-20 at a meeting, open). Here
park A also gets 欠薪 (labour dispute, raised 2024-01-10, in progress from 2024-02-01 as its history records,
resolved 2024-06-30), 贷款 (financing, raised 2024-03-01 by a visit, closed 2024-04-15) and 政策 (policy,
raised 2025-01-05 by a visit, still open)."""

from datetime import date

import pytest

from meetings import selectors
from meetings.models import Matter
from parkparty.dates import local_datetime

API = "/api/v1"


def recorded_on(matter: Matter, day: date) -> None:
    """Date the matter's latest history record on `day`, as if the portal had written it then."""
    record = Matter.history.filter(id=matter.pk).order_by("-history_id")[0]
    Matter.history.filter(history_id=record.history_id).update(history_date=local_datetime(day, 12))


def _matter(world, title, **fields) -> Matter:
    matter = Matter(park=world.park, organization=world.branch_a, title=title, **fields)
    matter.save()
    return matter


@pytest.fixture
def matters(world):
    wages = _matter(world, "欠薪", source="visit", category="labour_dispute", raised_on=date(2024, 1, 10))
    recorded_on(wages, date(2024, 1, 10))
    wages.status = Matter.Status.IN_PROGRESS
    wages.save()
    recorded_on(wages, date(2024, 2, 1))
    wages.status, wages.resolved_on, wages.resolution = Matter.Status.RESOLVED, date(2024, 6, 30), "调解"
    wages.save()
    recorded_on(wages, date(2024, 7, 1))
    loan = _matter(world, "贷款", source="visit", category="financing", raised_on=date(2024, 3, 1),
                   status=Matter.Status.CLOSED, resolved_on=date(2024, 4, 15), resolution="不予受理")  # fmt: skip
    policy = _matter(world, "政策", source="visit", category="policy", raised_on=date(2025, 1, 5))
    return {"wages": wages, "loan": loan, "policy": policy}


def statuses(day: date) -> dict[str, str]:
    return {m.title: m.status_on for m in selectors.matters_as_of(day, Matter.objects.filter(park__isnull=False))}


def test_a_matter_counts_from_the_day_it_was_raised(world, matters):
    assert statuses(date(2024, 1, 9)) == {}
    assert statuses(date(2024, 1, 10)) == {"欠薪": "open"}
    assert set(statuses(date(2025, 1, 5))) == {"欠薪", "贷款", "旺季缺工", "政策"}


def test_the_status_on_a_day_is_done_only_from_its_resolution_date(world, matters):
    assert statuses(date(2024, 4, 14)) == {"欠薪": "in_progress", "贷款": "in_progress"}
    assert statuses(date(2024, 4, 15)) == {"欠薪": "in_progress", "贷款": "closed"}
    assert statuses(date(2024, 6, 29))["欠薪"] == "in_progress"
    assert statuses(date(2024, 6, 30)) == {"欠薪": "resolved", "贷款": "closed", "旺季缺工": "open"}


def test_open_on_a_day_leaves_out_what_was_done_by_then(world, matters):
    open_then = selectors.matters_open_on(date(2024, 5, 31), Matter.objects.filter(park=world.park))
    assert {m.title for m in open_then} == {"欠薪", "旺季缺工"}
