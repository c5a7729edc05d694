"""The overview's coverage trend (the monthly snapshots, then today) and its alerts panel: what an admin or
viewer sees, in what order, every link opening, and a page whose query count does not grow with the park."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard.views import ALERTS_SHOWN, TREND_MONTHS
from meetings.models import Matter
from meetings.selectors import add_months
from organizations.models import Application, Stage
from reports.alerts import KINDS
from reports.models import CoverageSnapshot
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.force_login(world.users[role])
        return client

    return as_role


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def snapshot(park, months_ago: int, *, total: int, covered: int) -> CoverageSnapshot:
    month = add_months(this_month(), -months_ago)
    return CoverageSnapshot.objects.create(
        park=park,
        month=month,
        as_of=add_months(month, 1) - timedelta(days=1),
        total_enterprises=total,
        covered_enterprises=covered,
        standalone_covered=covered,
        joint_covered=0,
        work_covered=0,
        branches=1,
        coverage_rate=Decimal(covered) / total if total else None,
        taken_at=timezone.now(),
    )


def chart_data(response) -> dict:
    found = re.search(
        r'<script id="coverage-trend-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert found, "no trend data on the page"
    return json.loads(found.group(1))


def overview(client, **params):
    response = client.get(reverse("overview"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


# --- the trend -------------------------------------------------------------------------------------


def test_the_snapshots_are_drawn_in_month_order_then_today(world, login):
    # Written out of order; the page reads them newest first and draws them oldest first.
    for months_ago, covered in ((2, 2), (4, 0), (1, 3), (3, 1)):
        snapshot(world.park, months_ago, total=4, covered=covered)
    data = chart_data(overview(login("admin")))
    months = [f"{add_months(this_month(), -n):%Y-%m}" for n in (4, 3, 2, 1, 0)]
    assert data["months"] == months
    assert data["labels"] == [*months[:-1], timezone.localdate().isoformat()]
    assert data["covered"][:-1] == [0, 1, 2, 3]
    assert data["rate"][:-1] == [0.0, 25.0, 50.0, 75.0]
    # Today's point is the live figure: the world's 2 of 3 covered enterprises.
    assert (data["covered"][-1], data["total"][-1], data["rate"][-1]) == (2, 3, 66.67)


def test_the_trend_keeps_the_last_two_years_and_leaves_other_parks_out(world, login):
    for months_ago in range(TREND_MONTHS + 3, 0, -1):
        snapshot(world.park, months_ago, total=10, covered=5)
    snapshot(world.other_park, 1, total=7, covered=7)
    response = overview(login("admin"))
    data = chart_data(response)
    assert len(data["months"]) == TREND_MONTHS + 1
    assert data["months"][0] == f"{add_months(this_month(), -TREND_MONTHS):%Y-%m}"
    assert 7 not in data["total"]
    # The same figures, readable without the chart.
    assert len(response.context["trend"]) == TREND_MONTHS + 1
    assert '<details class="chart-table">' in response.content.decode()


def test_a_park_without_snapshots_shows_no_chart_but_says_why(world, login):
    response = overview(login("admin"))
    content = response.content.decode()
    assert 'id="coverage-trend-data"' not in content
    assert "js/coverage-trend.js" not in content
    assert "the trend starts when the first month has closed" in content


def test_the_trend_loads_echarts_from_this_site(world, login):
    snapshot(world.park, 1, total=3, covered=2)
    content = overview(login("viewer")).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in content
    assert "/static/js/coverage-trend.js" in content


def months_before(day: date) -> int:
    return (this_month().year - day.year) * 12 + this_month().month - day.month


def test_a_dated_page_draws_the_trend_up_to_its_date_and_ends_on_the_figure_of_that_day(world, login):
    for month in (date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)):
        snapshot(world.park, months_before(month), total=9, covered=9)
    f.EnterpriseFactory(park=world.park, entered_on=date(2024, 6, 1))
    response = overview(login("admin"), as_of="2024-05-20")
    data = chart_data(response)
    # The month ends before May 2024, then 20 May itself (not today, not the snapshot of May's end).
    assert data["months"] == ["2024-03", "2024-04", "2024-05"]
    assert data["labels"][-1] == "2024-05-20"
    assert (data["covered"][-1], data["total"][-1]) == (2, 3)  # the enterprise of June is not counted
    assert data["series"]["today"] != "Today"
    assert "up to May 20, 2024" in response.content.decode()


# --- the alerts panel ------------------------------------------------------------------------------


def past_due_matter(world, n: int) -> Matter:
    return Matter.objects.create(
        park=world.park, source="visit", organization=world.branch_a, category="policy",
        title=f"逾期事项{n:02d}", raised_on=date(2024, 3, 1), due_on=date(2024, 4, 1),
    )  # fmt: skip


def test_the_alerts_are_grouped_by_kind_with_their_counts(world, login):
    response = overview(login("admin"))
    groups = {group["kind"]: group for group in response.context["alert_groups"]}
    # The world's joint body has no chair for next month; its branches owe meetings.
    assert groups["chair_missing"]["count"] == 1
    assert groups["meeting_overdue"]["count"] >= 2
    assert list(groups) == [kind for kind in KINDS if kind in groups]  # in the committee's order
    content = response.content.decode()
    assert 'data-alert-kind="chair_missing"' in content
    assert reverse("joint-body-detail", args=[world.joint_body.pk]) in content


def test_a_long_list_shows_its_first_items_and_how_many_more(world, login):
    for n in range(ALERTS_SHOWN + 3):
        past_due_matter(world, n)
    response = overview(login("admin"))
    [group] = [g for g in response.context["alert_groups"] if g["kind"] == "matter_past_due"]
    assert (group["count"], len(group["alerts"]), group["more"]) == (ALERTS_SHOWN + 3, ALERTS_SHOWN, 3)
    content = response.content.decode()
    assert "and 3 more" in content
    assert "逾期事项00" in content and f"逾期事项{ALERTS_SHOWN + 2:02d}" not in content


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_every_alert_link_opens_for_the_parks_admin_and_viewer(world, login, role):
    f.PartyMemberFactory.create_batch(2, organization=world.branch_b, enterprise=world.enterprise_b)
    application = due_application(world, world.branch_a, "陈预备")
    client = login(role)
    groups = overview(client).context["alert_groups"]
    urls = [url for group in groups for _alert, url in group["alerts"] if url]
    assert {group["kind"] for group in groups} >= {"meeting_overdue", "conversion_due", "chair_missing"}
    # The finding card lists the enterprises that should have their own branch; the panel does not repeat them.
    assert "own_branch_needed" not in {group["kind"] for group in groups}
    assert reverse("application-detail", args=[application.pk]) in urls
    for url in set(urls):
        assert client.get(url).status_code == 200, url


def test_a_secretary_gets_no_alerts_panel(world, login):
    response = overview(login("secretary_a"))
    assert "alert_groups" not in response.context
    assert 'id="alerts"' not in response.content.decode()


# --- queries ---------------------------------------------------------------------------------------


def due_application(world, organization, name: str) -> Application:
    """A probationary member whose year ends next week."""
    since = timezone.localdate() + timedelta(days=7)
    return Application.objects.create(
        park=world.park, organization=organization, name=name, stage=Stage.PROBATIONARY,
        applied_on=date(2020, 3, 1), activist_on=date(2020, 9, 1), target_on=date(2021, 9, 1),
        probationary_on=since.replace(year=since.year - 1),
    )  # fmt: skip


def grow_the_park(world, n: int) -> None:
    """n more of everything the page reads: branches owing meetings, enterprises needing their own
    branch, conversions due, matters past due, joint bodies with no chair, and monthly snapshots."""
    for i in range(n):
        branch = f.OrganizationFactory(park=world.park, parent=world.committee)
        enterprise = f.EnterpriseFactory(park=world.park)
        f.CoverageFactory(enterprise=enterprise, organization=world.branch_b)  # joint: no own branch
        f.PartyMemberFactory.create_batch(3, organization=branch, enterprise=enterprise)
        due_application(world, branch, f"预备党员{i}")
        past_due_matter(world, i)
        f.JointBodyFactory(park=world.park, name=f"联席会{i}", established_on=date(2019, 1, 1), seats=[enterprise])
        world.committee.refresh_from_db()
    have = CoverageSnapshot.objects.filter(park=world.park).count()
    for months_ago in range(have + 1, have + n + 1):
        snapshot(world.park, months_ago, total=3, covered=2)


def count_queries(client) -> int:
    overview(client)  # the coverage figures are cached per ledger version: count a warm page
    with CaptureQueriesContext(connection) as context:
        overview(client)
    return len(context.captured_queries)


# The session, the user, their grants, whether they are an instructor; the parks of the form, whether
# the park has districts, the ledger version (the coverage figures and groups come from the cache), the
# members; the snapshots; the alerts: meeting rules, meetings held per month, the organizations owing
# them, the open applications, the matters past due, the chair terms, the joint bodies (the enterprises
# needing their own branch are the finding card's); the annual plans; the enterprises of the finding.
OVERVIEW_QUERIES = 4 + 4 + 1 + 7 + 1 + 1


def test_the_overview_takes_as_many_queries_for_a_large_park_as_for_a_small_one(world, login):
    client = login("admin")
    grow_the_park(world, 1)
    small = count_queries(client)
    grow_the_park(world, 15)
    assert len(overview(client).context["alert_groups"]) == len(KINDS) - 1  # all but the finding card's
    assert CoverageSnapshot.objects.filter(park=world.park).count() == 16
    large = count_queries(client)
    assert small == large == OVERVIEW_QUERIES
