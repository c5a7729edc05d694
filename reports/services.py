"""Writes of the reports app: asking for a report, building it, taking a coverage snapshot.

A report is one row per (park, kind, period). Asking again re-queues that row with a new generation;
the task that builds it writes its figures only if no later request has superseded it, so running
twice (a retry, a redelivery after a worker died, a second click) replaces, never duplicates.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from enterprises.selectors import coverage_summary
from organizations.models import Park
from parkparty import access

from . import periods, sections, workbook
from .models import CoverageSnapshot, Report, ReportKind

logger = logging.getLogger(__name__)

# A queued or running report asked for again within this time is left to the task already on its way;
# after it, the task is presumed lost (a broker flushed, a worker that never came back) and re-queued.
STALE_AFTER = timedelta(minutes=30)
ERROR_LENGTH = 2000
# Lost connections, deadlocks and serialization failures pass: the task retries these with backoff.
RETRIED_ERRORS = (OperationalError, InterfaceError)


def report_request(*, park: Park, kind: str, period: str, user=None, today: date | None = None) -> Report:
    """Queue the report of a park for a period, or re-queue the existing one. The task is sent once the
    transaction commits, so a worker never looks for a row it cannot see yet. Raises ValidationError
    naming `kind` or `period` when they are malformed or the period has not begun."""
    access.require_admin(user, park.pk, _("Only a park admin asks for the park's reports."))
    today = today or timezone.localdate()
    chosen = periods.parse(kind, period, today)
    now = timezone.now()
    with transaction.atomic():
        report = _locked_or_created(park, chosen, user, now)
        if report is None:
            return Report.objects.get(park=park, kind=kind, period=chosen.code)
    transaction.on_commit(lambda: _send(report))
    return report


def _locked_or_created(park: Park, chosen: periods.Period, user, now) -> Report | None:
    """The row, queued for a new generation; None when a recent request is still on its way."""
    existing = Report.objects.select_for_update().filter(park=park, kind=chosen.kind, period=chosen.code).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Report.objects.create(
                    park=park,
                    kind=chosen.kind,
                    period=chosen.code,
                    starts_on=chosen.start,
                    ends_before=chosen.end,
                    requested_by=user,
                    requested_at=now,
                )
        except IntegrityError:  # created by a concurrent request since we looked: that one is on its way
            return None
    if not existing.is_finished and now - existing.requested_at < STALE_AFTER:
        return None
    existing.generation += 1
    existing.status = Report.Status.QUEUED
    existing.error = ""
    existing.requested_by = user
    existing.requested_at = now
    existing.started_at = existing.finished_at = None
    existing.save(update_fields=_QUEUE_FIELDS)
    return existing


_QUEUE_FIELDS = ["generation", "status", "error", "requested_by", "requested_at", "started_at", "finished_at"]


def _send(report: Report) -> None:
    from .tasks import generate_report

    generate_report.delay(report.pk, report.generation)


def report_generate(report_id: int, generation: int, today: date | None = None) -> Report | None:
    """Build the report's figures and workbook and store them: the body of the task. Returns None when
    there is nothing to do (the row is gone, superseded by a later request, or already done).

    Database errors propagate, for the task to retry them; any other error marks the report failed with
    the message, so a report never stays "running" because of a bug in one section."""
    report = _start(report_id, generation)
    if report is None:
        return None
    try:
        data = report_data(report, today or timezone.localdate())
        # What the page and the API will read back: dates and decimals as JSON has them.
        data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
        with override(_portal_language()):
            content = workbook.render(data)
    except RETRIED_ERRORS:
        raise
    except Exception as error:
        logger.exception("report %s failed", report_id)
        report_fail(report_id, generation, error)
        return None
    return _finish(report_id, generation, data, content)


def _portal_language() -> str:
    """Stored reports are in the portal's language, whoever asked: one report serves every reader."""
    return settings.LANGUAGE_CODE


def _start(report_id: int, generation: int) -> Report | None:
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("park").filter(pk=report_id).first()
        if report is None or report.generation != generation or report.status == Report.Status.DONE:
            return None
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.save(update_fields=["status", "started_at"])
    return report


def _finish(report_id: int, generation: int, data: dict, content: bytes) -> Report | None:
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id, generation=generation).first()
        if report is None:  # asked for again while this one ran: the newer request writes
            return None
        report.data = data
        report.workbook = content
        report.status = Report.Status.DONE
        report.error = ""
        report.finished_at = timezone.now()
        report.save(update_fields=["data", "workbook", "status", "error", "finished_at"])
    return report


def report_fail(report_id: int, generation: int, error: BaseException) -> None:
    """Mark the report failed with the error, unless a later request has superseded it."""
    message = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    Report.objects.filter(pk=report_id, generation=generation).exclude(status=Report.Status.DONE).update(
        status=Report.Status.FAILED, error=message, finished_at=timezone.now()
    )


def report_data(report: Report, today: date) -> dict:
    """The report's figures: what the JSON, the page and the workbook show. Built in the portal's
    language, whoever asked: the few translated values in it (a status, a meeting kind) are stored."""
    period = periods.Period(report.kind, report.period, report.starts_on, report.ends_before)
    context = sections.Context(park=report.park, period=period, today=today)
    with override(_portal_language()):
        title = _("%(park)s · %(kind)s report · %(period)s") % {
            "park": report.park.name,
            "kind": ReportKind(report.kind).label,
            "period": report.period,
        }
        built = sections.build(context)
    return {
        "title": title,
        "park": {"id": report.park.pk, "name": report.park.name},
        "kind": report.kind,
        "period": report.period,
        "starts_on": period.start,
        "ends_on": period.last_day,
        "as_of": context.as_of,
        "complete": period.end <= today,
        "generated_at": timezone.now(),
        "sections": built,
    }


# --- coverage snapshots ----------------------------------------------------------------------------

SNAPSHOT_FIELDS = [
    "total_enterprises",
    "covered_enterprises",
    "standalone_covered",
    "joint_covered",
    "work_covered",
    "branches",
    "coverage_rate",
]


def snapshot_take(*, park: Park, month: date, today: date | None = None) -> CoverageSnapshot:
    """The park's coverage at the end of `month` (or today, for the running month), stored once per
    park and month: taking it again replaces the figures. One query for the figures, one to store."""
    today = today or timezone.localdate()
    period = periods.period_containing(ReportKind.MONTHLY, month)
    if period.start > today:
        raise ValueError(f"{period.code} has not begun")
    as_of = period.as_of(today)
    summary = coverage_summary(parks=Park.objects.filter(pk=park.pk), as_of=as_of)
    snapshot, _created = CoverageSnapshot.objects.update_or_create(
        park=park,
        month=period.start,
        defaults={"as_of": as_of, "taken_at": timezone.now(), **{f: summary[f] for f in SNAPSHOT_FIELDS}},
    )
    return snapshot


def snapshot_backfill(*, park: Park, months: int, today: date | None = None) -> list[CoverageSnapshot]:
    """Snapshots of the `months` closed months before this one: for a park that joins the portal with
    its history (the demo parks, an imported ledger)."""
    today = today or timezone.localdate()
    this_month = periods.period_containing(ReportKind.MONTHLY, today)
    taken, period = [], this_month
    for _month in range(months):
        period = period.previous()
        taken.append(snapshot_take(park=park, month=period.start, today=today))
    return taken[::-1]
