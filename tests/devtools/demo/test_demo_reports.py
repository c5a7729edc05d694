"""The demo parks' coverage history and periodic reports (issue 6), made by load_demo with the beat
schedule's own task: last month's report of every park agrees with stats/coverage for that month's last
day, each park has two years of month-end snapshots, and the overview draws them."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from devtools.demo.reports import SNAPSHOT_MONTHS
from enterprises.selectors import coverage_summary
from meetings.selectors import add_months
from organizations.models import Park
from reports import periods
from reports.models import CoverageSnapshot, Report, ReportKind
from reports.services import SNAPSHOT_FIELDS

pytestmark = pytest.mark.django_db

CODES = ("dehua-chengdong", "yutai", "quanzhou", "kaihua")
# The figures a report's coverage section and stats/coverage share.
FIGURES = ("total_enterprises", "covered_enterprises", "coverage_rate", "standalone_covered", "joint_covered",
           "work_covered", "branches")  # fmt: skip


@pytest.fixture
def admin():
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    return client


def demo_parks() -> list[Park]:
    return list(Park.objects.filter(code__in=CODES).order_by("pk"))


def coverage_section(report: Report) -> dict:
    [section] = [section for section in report.data["sections"] if section["key"] == "coverage"]
    return section["figures"]


def test_the_load_says_how_many_snapshots_and_reports_it_made(demo):
    parks = len(CODES)
    assert f"Coverage snapshots: {parks * SNAPSHOT_MONTHS} ({SNAPSHOT_MONTHS} closed months a park)" in demo
    assert f"reports from the beat schedule: {parks * len(ReportKind.values)} requested" in demo


def test_every_demo_park_has_one_done_report_of_last_month(admin):
    last_month = periods.last_closed(ReportKind.MONTHLY, timezone.localdate())
    for park in demo_parks():
        [report] = Report.objects.filter(park=park, kind=ReportKind.MONTHLY, period=last_month.code)
        assert report.status == Report.Status.DONE, report.error
        assert report.requested_by is None  # the schedule asked, not a person
        assert report.workbook
        stats = admin.get("/api/v1/stats/coverage/", {"park": park.pk, "as_of": last_month.last_day}).json()
        figures = coverage_section(report)
        assert figures["as_of"] == last_month.last_day.isoformat()
        assert {key: figures[key] for key in FIGURES} == {key: stats[key] for key in FIGURES}, park.code


def test_each_kind_has_the_report_of_its_latest_closed_period():
    today = timezone.localdate()
    for kind in ReportKind.values:
        period = periods.last_closed(kind, today)
        done = Report.objects.filter(kind=kind, period=period.code, status=Report.Status.DONE, park__code__in=CODES)
        assert sorted(done.values_list("park__code", flat=True)) == sorted(CODES), kind


def test_every_demo_park_has_a_snapshot_of_each_of_the_last_closed_months():
    this_month = timezone.localdate().replace(day=1)
    expected = [add_months(this_month, -n) for n in range(SNAPSHOT_MONTHS, 0, -1)]
    for park in demo_parks():
        snapshots = list(CoverageSnapshot.objects.filter(park=park).order_by("month"))
        assert [s.month for s in snapshots] == expected, park.code
        assert all(s.covered_enterprises <= s.total_enterprises for s in snapshots)
        assert all(s.as_of == add_months(s.month, 1) - timedelta(days=1) for s in snapshots)  # month ends
        latest = snapshots[-1]
        assert latest.as_of == periods.last_closed(ReportKind.MONTHLY, timezone.localdate()).last_day
        summary = coverage_summary(parks=Park.objects.filter(pk=park.pk), as_of=latest.as_of)
        assert {f: getattr(latest, f) for f in SNAPSHOT_FIELDS} == {f: summary[f] for f in SNAPSHOT_FIELDS}


def test_the_overview_draws_the_demo_parks_trend(admin):
    park = Park.objects.get(code="dehua-chengdong")
    response = admin.get("/", {"park": park.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    found = re.search(
        r'<script id="coverage-trend-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    data = json.loads(found.group(1))
    months = [f"{s.month:%Y-%m}" for s in CoverageSnapshot.objects.filter(park=park).order_by("month")]
    assert data["months"] == [*months, f"{timezone.localdate():%Y-%m}"]
    assert data["labels"][-1] == timezone.localdate().isoformat()
    assert len(data["rate"]) == SNAPSHOT_MONTHS + 1 and None not in data["rate"]


def test_loading_again_makes_no_more_snapshots_or_reports(demo):
    before = (CoverageSnapshot.objects.count(), list(Report.objects.values_list("pk", "generation", "status")))
    output = StringIO()
    call_command("load_demo", "--force", stdout=output)
    assert "Coverage snapshots and reports: already there, skipped" in output.getvalue()
    assert (CoverageSnapshot.objects.count(), list(Report.objects.values_list("pk", "generation", "status"))) == before
