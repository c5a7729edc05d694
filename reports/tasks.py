"""Celery tasks of the reports. They take ids, never objects, and are safe to run twice.

Every task acknowledges late and is rejected (so redelivered) when its worker dies: a report half
built by a killed worker is built again by the next, and lands in the same row.
"""

from __future__ import annotations

from datetime import date

from celery import Task, shared_task
from django.utils import timezone

from organizations.models import Park

from . import periods, services
from .models import ReportKind

RETRY = {
    "autoretry_for": services.RETRIED_ERRORS,
    "retry_backoff": 5,  # 5 s, 10 s, 20 s … with jitter, capped below
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


class ReportTask(Task):
    def apply(self, args=None, kwargs=None, throw=None, **options):
        """Run in-process: eager mode (no REDIS_URL), where "generate now" builds the report inside the
        web request. A database error is retried at once (eager mode does not wait out the backoff) and,
        when the retries run out, fails the report through on_failure. With the settings'
        task_eager_propagates Celery would instead raise the first Retry out of the request and leave
        the report running; an explicit `throw` still wins."""
        return super().apply(args, kwargs, throw=False if throw is None else throw, **options)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Retries exhausted (the database stayed away): say so on the report instead of leaving it running."""
        report_id, generation = args[:2]
        services.report_fail(report_id, generation, exc)


@shared_task(base=ReportTask, **RETRY)
def generate_report(report_id: int, generation: int) -> str | None:
    report = services.report_generate(report_id, generation)
    return None if report is None else report.status


@shared_task(**RETRY)
def generate_due_reports(kind: str) -> list[int]:
    """The schedule's entry: each park's report of the last closed period of this kind."""
    today = timezone.localdate()
    period = periods.last_closed(kind, today)
    return [
        services.report_request(park=park, kind=kind, period=period.code, today=today).pk
        for park in Park.objects.order_by("pk")
    ]


@shared_task(**RETRY)
def take_coverage_snapshots(month: str | None = None) -> list[int]:
    """Each park's coverage at the end of `month` (ISO date of any day in it; default: last month)."""
    today = timezone.localdate()
    day = date.fromisoformat(month) if month else periods.last_closed(ReportKind.MONTHLY, today).start
    return [services.snapshot_take(park=park, month=day, today=today).pk for park in Park.objects.order_by("pk")]
