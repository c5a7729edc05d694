"""The monthly report of every bench park, built in this process as a worker would build them.

Measures the wall time for the whole county and the peak memory: the resident set's high-water mark
(ru_maxrss, which includes what the process held before) and the peak of Python allocations during the
run (tracemalloc), both in MiB.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from reports import periods, services
from reports.models import Report, ReportKind


@dataclass
class ReportRun:
    period: str
    parks: int
    done: int
    seconds: float
    peak_python_mib: float
    max_rss_mib: float


def monthly_reports(park_ids: list[int]) -> ReportRun:
    """Last month's report of each park, one after another, in the database the bench measures."""
    today = timezone.localdate()
    period = periods.last_closed(ReportKind.MONTHLY, today)
    reports = [_queued(park_id, period, today) for park_id in park_ids]
    tracemalloc.start()
    started = time.perf_counter()
    try:
        for report in reports:
            services.report_generate(report.pk, report.generation, today)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    done = Report.objects.filter(pk__in=[r.pk for r in reports], status=Report.Status.DONE).count()
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return ReportRun(period.code, len(reports), done, seconds, peak / 2**20, max_rss_kib / 1024)


def _queued(park_id: int, period: periods.Period, today) -> Report:
    """The park's report row for the period, queued anew without sending a task: the bench builds it."""
    with transaction.atomic():
        report, _created = Report.objects.select_for_update().get_or_create(
            park_id=park_id,
            kind=period.kind,
            period=period.code,
            defaults={"starts_on": period.start, "ends_before": period.end, "requested_at": timezone.now()},
        )
        report.generation += 1
        report.status = Report.Status.QUEUED
        report.save(update_fields=["generation", "status"])
    return report
