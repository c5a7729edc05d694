"""Matters as of a date (issue 14): one rule (meetings.selectors.matters_as_of) behind `matters/?as_of=` and
the matter statistics: raised on or before the day; resolved or closed on it only if `resolved_on` is on or
before it, else open or in progress (as its history records it at the end of the day).

The world's park A has branch A's matter 旺季缺工 (recruitment, raised 2024-05-20 at a meeting, open). Here
park A also gets 欠薪 (labour dispute, raised 2024-01-10, in progress from 2024-02-01 as its history records,
resolved 2024-06-30), 贷款 (financing, raised 2024-03-01 by a visit, closed 2024-04-15) and 政策 (policy,
raised 2025-01-05 by a visit, still open)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def listed(client, **params) -> set[str]:
    response = client.get(f"{API}/matters/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def stats(client, **params) -> dict:
    response = client.get(f"{API}/stats/matters/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_list_as_of_a_date_gives_the_matters_raised_by_then_and_their_status_that_day(world, as_role, matters):
    client = as_role("admin")
    park = world.park.pk
    assert listed(client, park=park, as_of="2024-04-14") == {"欠薪", "贷款"}
    assert listed(client, park=park, as_of="2024-04-14", status="closed") == set()
    assert listed(client, park=park, as_of="2024-04-15", status="closed") == {"贷款"}
    assert listed(client, park=park, as_of="2024-06-30", status="open,in_progress") == {"旺季缺工"}
    # Without a date, today's statuses over every row, as before.
    assert listed(client, park=park, status="open") == {"旺季缺工", "政策"}


def test_the_list_takes_the_range_the_matters_were_raised_in(world, as_role, matters):
    client = as_role("admin")
    park = world.park.pk
    assert listed(client, park=park, since="2024-03-01", until="2024-05-20") == {"贷款", "旺季缺工"}
    assert listed(client, park=park, until="2024-02-29") == {"欠薪"}


def test_the_statistic_counts_the_statuses_at_the_end_of_its_range(world, as_role, matters):
    client = as_role("admin")
    park = world.park.pk
    body = stats(client, park=park, since="2024-01-01", until="2024-05-31")
    assert (body["as_of"], body["raised"], body["resolved"], body["open"]) == ("2024-05-31", 3, 0, 2)
    # The same matters as they stand today: 欠薪 was resolved on 2024-06-30.
    now = stats(client, park=park, since="2024-01-01", until="2024-05-31", as_of="2026-12-06")
    assert (now["raised"], now["resolved"], now["open"], now["median_days_to_resolve"]) == (3, 1, 1, 172)
    assert stats(client, park=park)["as_of"] == "2026-12-06"


def test_the_statuses_cannot_be_counted_before_the_range_ends(world, as_role):
    response = as_role("admin").get(f"{API}/stats/matters/", {"until": "2024-05-31", "as_of": "2024-05-30"})
    assert response.status_code == 400
    assert "as_of" in response.json()


def _count(client, url: str) -> int:
    # The filters stay in the URL: a GET's data would replace its query string.
    response = client.get(f"{url.replace('http://testserver', '')}&page_size=1")
    assert response.status_code == 200, response.content
    return response.json()["count"]


@pytest.mark.parametrize("role", ["admin", "viewer", "token"])
@pytest.mark.parametrize("dates", [{"until": "2024-05-31"}, {"since": "2024-03-01", "until": "2024-06-30"}, {}])
def test_each_count_links_to_exactly_its_rows(world, as_role, matters, role, dates):
    client = as_role(role)
    body = stats(client, park=world.park.pk, **dates)
    assert set(body["links"]) == {"raised", "resolved", "open"}
    for name, url in body["links"].items():
        assert _count(client, url) == body[name], (name, url)
    for row in body["by_category"]:
        for name, url in row["links"].items():
            assert _count(client, url) == row[name], (row["category"], name, url)
    assert sum(row["raised"] for row in body["by_category"]) == body["raised"]


def test_the_old_name_of_the_date_is_still_read(world, as_role, matters):
    response = as_role("admin").get(f"{API}/matters/", {"park": world.park.pk, "on": "2024-04-15", "status": "closed"})
    assert response.status_code == 200
    assert response["Deprecation"] == "true"
    assert {row["title"] for row in response.json()["results"]} == {"贷款"}


def test_the_dated_list_costs_the_same_queries_for_few_matters_and_many(world, as_role, matters):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            listed(as_role("admin"), park=world.park.pk, as_of="2024-12-31", status="open,in_progress")
        return len(ctx.captured_queries)

    few = count()
    for day in range(1, 15):
        _matter(world, f"事项{day}", source="visit", category="other", raised_on=date(2024, 6, day))
    # The status on the day is a subquery of the same query, not a query per row.
    assert count() == few
