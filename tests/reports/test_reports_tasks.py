"""The reports' Celery tasks in eager mode (the test settings set CELERY_TASK_ALWAYS_EAGER): a request
builds its report once the transaction commits, asking again replaces the one row, a superseded task
does nothing, a failing section fails the report, database errors are retried, and the beat schedule
fires on the 1st in Asia/Shanghai for the period that just closed.

Eager mode runs a retry at once, in-process (`Task.apply` re-applies the retry's signature): the backoff
is computed but never waited for. tests/reports/test_report_worker.py runs the same tasks in a real worker.
"""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from celery import states
from celery.exceptions import Retry
from celery.schedules import crontab
from celery.signals import task_retry
from django.db import OperationalError
from django.utils import timezone

from organizations.models import Park
from parkparty.celery import app
from reports import periods, sections, services
from reports.models import CoverageSnapshot, Report
from reports.tasks import generate_due_reports, generate_report, take_coverage_snapshots

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Not the world's stored report (park A, May 2024): these tests build their own.
PERIOD = "2024-06"


def request(world, capture, *, execute=True, period=PERIOD) -> Report:
    """Park A's monthly report, asked for by its admin; the task runs when the transaction commits."""
    with capture(execute=execute) as callbacks:
        report = services.report_request(park=world.park, kind="monthly", period=period, user=world.users["admin"])
    assert len(callbacks) == 1, "the task is sent once, on commit"
    report.refresh_from_db()
    return report


def rows(world, period=PERIOD):
    return Report.objects.filter(park=world.park, kind="monthly", period=period)


def open_workbook(report: Report):
    return openpyxl.load_workbook(BytesIO(bytes(report.workbook)), read_only=True)


def test_a_request_builds_the_report_with_its_data_and_workbook(world, django_capture_on_commit_callbacks):
    report = request(world, django_capture_on_commit_callbacks)

    assert report.status == Report.Status.DONE, report.error
    assert (report.generation, report.error) == (1, "")
    assert report.started_at <= report.finished_at
    assert report.data["park"] == {"id": world.park.pk, "name": world.park.name}
    assert (report.data["kind"], report.data["period"]) == ("monthly", PERIOD)
    assert (report.data["starts_on"], report.data["ends_on"]) == ("2024-06-01", "2024-06-30")
    assert [entry["key"] for entry in report.data["sections"]][:2] == ["coverage", "newly_uncovered"]
    book = open_workbook(report)
    assert len(book.sheetnames) >= 2  # the figures, then a sheet per table
    assert any(cell.value for row in book[book.sheetnames[0]].iter_rows() for cell in row)
    book.close()


def test_asking_twice_rebuilds_the_one_row(world, django_capture_on_commit_callbacks):
    first = request(world, django_capture_on_commit_callbacks)
    second = request(world, django_capture_on_commit_callbacks)

    assert rows(world).count() == 1
    assert second.pk == first.pk
    assert (second.generation, second.status) == (2, Report.Status.DONE)
    assert second.finished_at > first.finished_at
    open_workbook(second).close()


def test_a_task_for_a_superseded_generation_does_nothing(world, django_capture_on_commit_callbacks):
    built = request(world, django_capture_on_commit_callbacks)
    queued = request(world, django_capture_on_commit_callbacks, execute=False)  # asked again, not yet run
    assert (queued.generation, queued.status) == (2, Report.Status.QUEUED)

    assert generate_report.delay(built.pk, 1).get() is None
    queued.refresh_from_db()
    assert (queued.generation, queued.status, queued.started_at) == (2, Report.Status.QUEUED, None)
    assert queued.data == built.data

    assert generate_report.delay(built.pk, 2).get() == Report.Status.DONE
    queued.refresh_from_db()
    assert queued.status == Report.Status.DONE


def test_a_finished_generation_delivered_again_is_left_alone(world, django_capture_on_commit_callbacks):
    """What a redelivered message finds when its first run did finish: nothing to do."""
    built = request(world, django_capture_on_commit_callbacks)

    assert generate_report.delay(built.pk, built.generation).get() is None
    again = rows(world).get()
    assert (again.status, again.finished_at, again.data) == (Report.Status.DONE, built.finished_at, built.data)


def test_a_section_that_raises_fails_the_report_with_the_error(world, django_capture_on_commit_callbacks, monkeypatch):
    def broken(ctx):
        raise ValueError("no matters today")

    monkeypatch.setitem(sections.SECTIONS, "matters", broken)

    report = request(world, django_capture_on_commit_callbacks)

    assert report.status == Report.Status.FAILED
    assert report.error == "ValueError: no matters today"
    assert report.finished_at is not None
    assert report.workbook is None


@pytest.fixture
def retries():
    """The task_retry signals sent while the test runs: (task name, the Retry's exception, its countdown)."""
    sent = []

    def record(sender, request, reason, **_kwargs):
        sent.append((sender.name, reason.exc, reason.when))

    task_retry.connect(record, weak=False)
    yield sent
    task_retry.disconnect(record)


def failing_report_data(monkeypatch, failures: int):
    """report_data raising OperationalError on its first `failures` calls; returns the list of calls."""
    calls = []
    original = services.report_data

    def report_data(report, today):
        calls.append(report.pk)
        if len(calls) <= failures:
            raise OperationalError(f"server closed the connection unexpectedly ({len(calls)})")
        return original(report, today)

    monkeypatch.setattr(services, "report_data", report_data)
    return calls


def test_a_database_error_is_retried_and_the_report_finishes(
    world, django_capture_on_commit_callbacks, monkeypatch, retries
):
    calls = failing_report_data(monkeypatch, failures=1)

    report = request(world, django_capture_on_commit_callbacks)

    assert report.status == Report.Status.DONE, report.error
    assert len(calls) == 2
    # Celery's autoretry did it (not a loop of ours): one retry, for that error, with a backoff of at
    # most retry_backoff (5 s, full jitter) for the first retry. Eager mode does not wait for it.
    [(name, error, countdown)] = retries
    assert name == "reports.tasks.generate_report"
    assert isinstance(error, OperationalError)
    assert 0 <= countdown <= 5
    assert rows(world).count() == 1


def test_when_the_retries_run_out_the_report_fails(world, django_capture_on_commit_callbacks, monkeypatch, retries):
    calls = failing_report_data(monkeypatch, failures=100)

    report = request(world, django_capture_on_commit_callbacks)  # eager: no error reaches the caller

    assert len(calls) == 1 + generate_report.max_retries == 7
    assert len(retries) == generate_report.max_retries
    # report_generate lets database errors through to be retried: only the task's on_failure says so.
    assert report.status == Report.Status.FAILED
    assert report.error == "OperationalError: server closed the connection unexpectedly (7)"
    assert report.finished_at is not None


def test_an_explicit_throw_still_raises_in_eager_mode(world, django_capture_on_commit_callbacks, monkeypatch):
    report = request(world, django_capture_on_commit_callbacks, execute=False)
    failing_report_data(monkeypatch, failures=1)

    with pytest.raises(Retry):
        generate_report.apply((report.pk, report.generation), throw=True)
    result = generate_report.apply((report.pk, report.generation))

    assert (result.state, result.result) == (states.SUCCESS, Report.Status.DONE)


def test_due_reports_are_one_per_park_for_the_month_that_closed(world, django_capture_on_commit_callbacks):
    last_month = periods.last_closed("monthly", timezone.localdate())
    parks = set(Park.objects.values_list("pk", flat=True))
    assert len(parks) >= 2

    with django_capture_on_commit_callbacks(execute=True):
        first = generate_due_reports.delay("monthly").get()
    with django_capture_on_commit_callbacks(execute=True):
        second = generate_due_reports.delay("monthly").get()

    reports = Report.objects.filter(kind="monthly", period=last_month.code)
    assert sorted(first) == sorted(second) == sorted(reports.values_list("pk", flat=True))
    assert set(reports.values_list("park", flat=True)) == parks
    assert reports.count() == len(parks)
    assert {(r.status, r.generation, r.requested_by_id) for r in reports} == {(Report.Status.DONE, 2, None)}
    assert {(r.starts_on, r.ends_before) for r in reports} == {(last_month.start, last_month.end)}


def test_coverage_snapshots_are_taken_once_per_park_and_month(world):
    last_month = periods.last_closed("monthly", timezone.localdate())
    parks = Park.objects.count()

    first = take_coverage_snapshots.delay().get()
    second = take_coverage_snapshots.delay().get()
    may = take_coverage_snapshots.delay("2024-05-20").get()

    assert first == second
    assert len(first) == len(may) == parks
    assert CoverageSnapshot.objects.count() == 2 * parks
    assert set(CoverageSnapshot.objects.filter(pk__in=first).values_list("month", flat=True)) == {last_month.start}
    park_a = CoverageSnapshot.objects.get(pk__in=may, park=world.park)
    assert (park_a.month, park_a.as_of) == (date(2024, 5, 1), date(2024, 5, 31))
    assert park_a.covered_enterprises <= park_a.total_enterprises


# --- the beat schedule -----------------------------------------------------------------------------

# Each entry's firings in 2024, in Shanghai time: the 1st of these months, at this hour and minute.
EXPECTED_FIRINGS = {
    "coverage-snapshots": (range(1, 13), 0, 10),
    "monthly-reports": (range(1, 13), 0, 30),
    "quarterly-reports": ((1, 4, 7, 10), 1, 0),
    "half-year-reports": ((1, 7), 1, 30),
    "annual-reports": ((1,), 2, 0),
    "security-log-prune": (range(1, 13), 3, 0),
    "prune-write-records": (range(1, 13), 3, 0),  # parkparty.tasks
}


def firings(schedule: crontab, monkeypatch, start: datetime, end: datetime) -> list[datetime]:
    """When beat would run this entry between start and end, as the crontab itself computes it."""
    fired, clock = [], [start]
    monkeypatch.setattr(schedule, "nowfun", lambda: clock[0])
    while True:
        now = clock[0] + schedule.remaining_estimate(clock[0])
        if now >= end:
            return fired
        fired.append(now.astimezone(SHANGHAI))
        clock[0] = now + timedelta(minutes=1)


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()  # what worker and beat do at start: autodiscovery included
    schedule = app.conf.beat_schedule
    assert set(schedule) == set(EXPECTED_FIRINGS)
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name


def test_the_schedule_fires_on_the_first_in_shanghai_time(monkeypatch):
    assert app.conf.timezone == "Asia/Shanghai"
    start, end = datetime(2024, 1, 1, tzinfo=SHANGHAI), datetime(2025, 1, 1, tzinfo=SHANGHAI)
    for name, entry in app.conf.beat_schedule.items():
        schedule = entry["schedule"]
        assert schedule.day_of_month == {1}, name
        months, hour, minute = EXPECTED_FIRINGS[name]
        expected = [datetime(2024, month, 1, hour, minute, tzinfo=SHANGHAI) for month in months]
        got = firings(schedule, monkeypatch, start, end)
        assert [(d.month, d.day, d.hour, d.minute) for d in got] == [
            (d.month, d.day, d.hour, d.minute) for d in expected
        ], name


def test_each_report_entry_asks_for_the_period_that_just_closed(monkeypatch):
    closed = {}
    start, end = datetime(2024, 1, 1, tzinfo=SHANGHAI), datetime(2025, 1, 1, tzinfo=SHANGHAI)
    for name, entry in app.conf.beat_schedule.items():
        if entry["task"] != "reports.tasks.generate_due_reports":
            continue
        [kind] = entry["args"]
        for fired in firings(entry["schedule"], monkeypatch, start, end):
            period = periods.last_closed(kind, fired.date())
            assert period.end == fired.date(), (name, fired)  # the day it fires is the day after the period
            closed.setdefault(name, []).append(period.code)
    assert closed["monthly-reports"][:4] == ["2023-12", "2024-01", "2024-02", "2024-03"]
    assert closed["quarterly-reports"] == ["2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3"]
    assert closed["half-year-reports"] == ["2023-H2", "2024-H1"]
    assert closed["annual-reports"] == ["2023"]
