"""Reports through the API: asking for one answers 202 with the url to poll, the report is built once
the request commits (eagerly here), read back with its figures and downloaded as a workbook; a bad park,
kind or period is a 400 naming the field; asking twice keeps one row; the list filters and costs the
same queries for one report as for many."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from reports import periods
from reports.models import Report, ReportKind
from reports.sections import KIND_SECTIONS
from reports.views import XLSX

API = "/api/v1"


def queued_report(park, kind="monthly", period="2024-04", **fields) -> Report:
    """A row as `report_request` leaves it before its task has run (no figures, no workbook)."""
    bounds = periods.parse(kind, period, timezone.localdate())
    return Report.objects.create(
        park=park, kind=kind, period=period, starts_on=bounds.start, ends_before=bounds.end,
        requested_at=timezone.now(), **fields,
    )  # fmt: skip


def ask(client, park, kind="monthly", period="2024-05", **extra):
    return client.post(f"{API}/reports/", {"park": park.pk, "kind": kind, "period": period}, **extra)


# --- asking, polling, downloading ------------------------------------------------------------------


def test_an_admin_asks_for_a_report_polls_its_url_until_done_and_downloads_the_workbook(
    world, as_role, django_capture_on_commit_callbacks
):
    client = as_role("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, world.park, "quarterly", "2024-Q2")
        assert response.status_code == 202, response.content
        body = response.json()
        # The task is sent once the request's transaction commits: not yet.
        assert body["status"] == "queued"
    assert set(body) == {"id", "url", "status"}
    assert body["url"] == f"http://testserver{API}/reports/{body['id']}/"
    assert response["Location"] == body["url"]

    report = client.get(body["url"]).json()
    assert (report["status"], report["park"], report["kind"], report["period"]) == (
        "done", world.park.pk, "quarterly", "2024-Q2"
    )  # fmt: skip
    assert (report["starts_on"], report["ends_on"], report["requested_by"]) == ("2024-04-01", "2024-06-30", "admin")
    assert report["error"] == "" and report["finished_at"]
    assert [section["key"] for section in report["data"]["sections"]] == KIND_SECTIONS["quarterly"]
    assert report["data"]["park"] == {"id": world.park.pk, "name": "甲园区"}
    assert report["download_url"] == f"http://testserver{API}/reports/{body['id']}/download/"

    download = client.get(report["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == 'attachment; filename="report-park-a-quarterly-2024-Q2.xlsx"'
    book = load_workbook(BytesIO(download.content), read_only=True)
    assert len(book.sheetnames) >= 2  # the figures, then a sheet per table
    book.close()


def test_asking_twice_keeps_one_report_and_builds_it_again(world, as_role, django_capture_on_commit_callbacks):
    client = as_role("admin")
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(client, world.park, period="2024-06").json()
    with django_capture_on_commit_callbacks(execute=True):
        second = ask(client, world.park, period="2024-06").json()
    assert first["id"] == second["id"]
    report = Report.objects.get(park=world.park, kind="monthly", period="2024-06")
    assert (report.status, report.generation) == ("done", 2)


def test_a_token_reads_reports_but_neither_asks_for_nor_changes_one(world, as_role):
    client = as_role("token")
    assert client.get(f"{API}/reports/{world.report_a.pk}/").json()["status"] == "done"
    assert ask(client, world.park).status_code == 403
    assert Report.objects.count() == 1


@pytest.mark.parametrize(("role", "expected"), [("viewer", 403), ("secretary_a", 403), ("anonymous", 401)])
def test_only_park_admins_ask_for_reports(world, as_role, role, expected):
    assert ask(as_role(role), world.park, period="2024-06").status_code == expected
    assert not Report.objects.filter(period="2024-06").exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_report_is_never_changed_or_deleted_through_the_api(world, as_role, method):
    response = getattr(as_role("admin"), method)(f"{API}/reports/{world.report_a.pk}/", {"status": "failed"})
    assert response.status_code == 405
    world.report_a.refresh_from_db()
    assert world.report_a.status == "done"


def next_month() -> str:
    return periods.period_containing(ReportKind.MONTHLY, timezone.localdate()).end.strftime("%Y-%m")


@pytest.mark.parametrize(
    ("kind", "period", "field"),
    [
        ("monthly", "2026-13", "period"),
        ("quarterly", "2026-Q5", "period"),
        ("monthly", "2099-01", "period"),
        ("monthly", "abc", "period"),
        ("monthly", "2024-Q2", "period"),  # a quarter's code for a monthly report
        ("annual", "2024-05", "period"),
        ("monthly", "", "period"),
        ("weekly", "2024-05", "kind"),
    ],
)
def test_a_malformed_kind_or_period_is_a_400_naming_the_field(world, as_role, kind, period, field):
    response = ask(as_role("admin"), world.park, kind, period)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Report.objects.count() == 1  # the world's report only


def test_a_period_that_has_not_begun_is_refused_in_the_callers_language(world, as_role):
    response = ask(as_role("admin"), world.park, "monthly", next_month(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"period": ["This period has not begun yet."]}
    response = ask(as_role("admin"), world.park, "quarterly", "2024-05", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"period": ["Give the period of this kind of report as YYYY-Qn."]}


def test_the_running_period_may_be_asked_for(world, as_role):
    this_month = timezone.localdate().strftime("%Y-%m")
    assert ask(as_role("admin"), world.park, "monthly", this_month).status_code == 202


def test_a_park_outside_the_admins_parks_or_none_is_a_400_on_park(world, as_role):
    client = as_role("admin")
    response = ask(client, world.other_park, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == ["park"]
    response = client.post(f"{API}/reports/", {"kind": "monthly", "period": "2024-05"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"park": ["This field is required."]}
    assert not Report.objects.filter(park=world.other_park).exists()


# --- reading ---------------------------------------------------------------------------------------


def test_the_list_leaves_out_the_figures_and_links_a_workbook_only_once_built(world, as_role):
    waiting = queued_report(world.park)
    rows = as_role("viewer").get(f"{API}/reports/").json()["results"]
    assert [row["id"] for row in rows] == [world.report_a.pk, waiting.pk]  # newest period first
    assert all("data" not in row and "workbook" not in row for row in rows)
    assert rows[0]["download_url"].endswith(f"/reports/{world.report_a.pk}/download/")
    assert (rows[1]["download_url"], rows[1]["status"], rows[1]["requested_by"]) == (None, "queued", None)
    assert as_role("viewer").get(f"{API}/reports/{waiting.pk}/download/").status_code == 404


def test_a_report_of_another_park_does_not_exist_for_this_parks_readers(world, as_role):
    other = queued_report(world.other_park, status=Report.Status.DONE, workbook=b"PK")
    for role in ("admin", "viewer", "token"):
        client = as_role(role)
        assert client.get(f"{API}/reports/{other.pk}/").status_code == 404, role
        assert client.get(f"{API}/reports/{other.pk}/download/").status_code == 404, role
        assert [row["id"] for row in client.get(f"{API}/reports/").json()["results"]] == [world.report_a.pk]


def test_secretaries_and_instructors_read_no_reports(world, as_role):
    for role in ("secretary_a", "instructor"):
        assert as_role(role).get(f"{API}/reports/").status_code == 403, role
        assert as_role(role).get(f"{API}/reports/{world.report_a.pk}/").status_code == 403, role


def test_the_list_filters_by_park_kind_period_and_status(world, as_role):
    quarter = queued_report(world.park, "quarterly", "2024-Q2")
    april = queued_report(world.park, "monthly", "2024-04")
    client = as_role("admin")

    def shown(**params) -> set[int]:
        response = client.get(f"{API}/reports/", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert shown(park=world.park.pk) == {world.report_a.pk, quarter.pk, april.pk}
    # Another park's id answers as an id that does not exist (400), telling nothing of which exist.
    assert client.get(f"{API}/reports/", {"park": world.other_park.pk}).status_code == 400
    assert shown(kind="quarterly") == {quarter.pk}
    assert shown(kind="monthly", period="2024-04") == {april.pk}
    assert shown(status="queued") == {quarter.pk, april.pk}
    assert shown(status="done,failed") == {world.report_a.pk}
    assert client.get(f"{API}/reports/", {"kind": "weekly"}).status_code == 400


def add_reports(world, count: int) -> None:
    """count more reports of each park, half of them built (with a workbook), some asked by a user."""
    month = date(2020, 1, 1)
    for index in range(count):
        for park in (world.park, world.other_park):
            done = {"status": Report.Status.DONE, "workbook": b"PK", "data": {"sections": []}} if index % 2 else {}
            queued_report(park, period=month.strftime("%Y-%m"), requested_by=world.users["admin"], **done)
        month = (month + timedelta(days=32)).replace(day=1)


# Every session-authenticated list: the session, the user, the grants, the instructor lookup (4); then
# the count and one page of rows, who asked and whether a workbook exists joined in (2).
LIST_QUERIES = 4 + 2


def count_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(f"{API}/reports/", {"page_size": 200})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_queries_for_one_report_and_many(world, as_role):
    assert count_list_queries(as_role("admin")) == LIST_QUERIES
    add_reports(world, 12)
    client = as_role("admin")
    assert count_list_queries(client) == LIST_QUERIES
    assert client.get(f"{API}/reports/").json()["count"] == 13
