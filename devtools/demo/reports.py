"""The demo parks' coverage history and periodic reports (issue 6), made by the code the schedule runs.

After the parks load, `load_demo` backfills a coverage snapshot for each of the demo parks' closed months
(the trend chart on the overview) and runs the beat schedule's report task for each kind, so every park
opens with the reports of its latest closed month, quarter, half-year and year. Without REDIS_URL the
tasks run eagerly and the reports are done when this returns; with a broker they wait for a worker.

Re-running is cheap: a park whose months are all there is not snapshotted again, and a kind whose latest
closed period has a report for every demo park (done, or on its way to a worker) is not asked for again:
asking would rebuild the finished ones. A failed report is asked for again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from devtools.demo import PARKS
from meetings.selectors import add_months
from organizations.models import Park
from reports import periods, services, tasks
from reports.models import CoverageSnapshot, Report, ReportKind

# Two years of month ends: 96 snapshots for the four parks cost about half a second on SQLite.
SNAPSHOT_MONTHS = 24


@dataclass(frozen=True)
class Reported:
    snapshots: int  # taken by this run
    requested: int  # reports asked for by this run
    done: int  # of the demo parks' reports of the latest closed periods, those finished now
    seconds: float

    @property
    def skipped(self) -> bool:
        return not self.snapshots and not self.requested


def load_reports() -> Reported:
    started = time.perf_counter()
    today = timezone.localdate()
    parks = list(Park.objects.filter(code__in=[spec.CODE for spec in PARKS]).order_by("pk"))
    snapshots = sum(
        len(services.snapshot_backfill(park=park, months=SNAPSHOT_MONTHS, today=today))
        for park in _missing_snapshots(parks, today)
    )
    latest = {kind: periods.last_closed(kind, today).code for kind in ReportKind.values}
    requested = 0
    for kind, period in latest.items():
        if _reports(parks, kind, period).exclude(status=Report.Status.FAILED).count() < len(parks):
            # The beat's own entry: each park's report of the period of this kind that closed last.
            requested += len(tasks.generate_due_reports(kind))
    done = sum(
        _reports(parks, kind, period).filter(status=Report.Status.DONE).count() for kind, period in latest.items()
    )
    return Reported(snapshots, requested, done, time.perf_counter() - started)


def _missing_snapshots(parks, today) -> list[Park]:
    """The parks lacking a snapshot of any of the closed months the demo keeps."""
    this_month = periods.period_containing(ReportKind.MONTHLY, today).start
    first = add_months(this_month, -SNAPSHOT_MONTHS)
    counts = dict(
        CoverageSnapshot.objects.filter(park__in=parks, month__gte=first, month__lt=this_month)
        .values_list("park")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [park for park in parks if counts.get(park.pk, 0) < SNAPSHOT_MONTHS]


def _reports(parks, kind: str, period: str):
    return Report.objects.filter(park__in=parks, kind=kind, period=period)
