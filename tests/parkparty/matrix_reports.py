"""Permission-matrix rows for the periodic reports, through the API and the pages (see tests/parkparty/matrix.py).

Reports are park-wide figures, read like the statistics: park admins and viewers (and the admin's API
token) read park A's; secretaries and the instructor have no park-wide figures to read (403); a report
of park B does not exist for park A's readers (404). Only park admins ask for one (202 through the API,
a redirect to the report on the pages).
"""

from datetime import date

from django.utils import timezone

from reports.models import Report
from tests.parkparty.matrix import API, Route, statuses

STATS = statuses(200, 200, 403, 403, 403, 401, 200)
STATS_OTHER_PARK = statuses(404, 404, 403, 403, 403, 401, 404)
PAGE_STATS = statuses(200, 200, 403, 403, 403, 302, 302)
PAGE_STATS_OTHER_PARK = statuses(404, 404, 403, 403, 403, 302, 302)


def another_parks_report(w) -> int:
    """Park B's monthly report of May 2024, built (with a workbook)."""
    return Report.objects.create(
        park=w.other_park, kind="monthly", period="2024-05", starts_on=date(2024, 5, 1), ends_before=date(2024, 6, 1),
        status=Report.Status.DONE, requested_at=timezone.now(), data={"sections": []}, workbook=b"PK",
    ).pk  # fmt: skip


def a_request(w) -> dict:
    return {"park": w.park.pk, "kind": "monthly", "period": "2024-06"}


ROUTES: list[Route] = [
    Route("v1:report-list", "get", lambda w: f"{API}/reports/", STATS),
    Route("v1:report-list", "get", lambda w: f"{API}/reports/?park={w.park.pk}&kind=monthly&period=2024-05", STATS),
    Route("v1:report-detail", "get", lambda w: f"{API}/reports/{w.report_a.pk}/", STATS),
    Route("v1:report-detail", "get", lambda w: f"{API}/reports/{another_parks_report(w)}/", STATS_OTHER_PARK),
    Route("v1:report-list", "post", lambda w: f"{API}/reports/", statuses(202, 403, 403, 403, 403, 401, 403),
          data=a_request),
    Route("v1:report-download", "get", lambda w: f"{API}/reports/{w.report_a.pk}/download/", STATS),
    Route("v1:report-download", "get", lambda w: f"{API}/reports/{another_parks_report(w)}/download/",
          STATS_OTHER_PARK),
    Route("report-list", "get", lambda w: "/reports/", PAGE_STATS),
    Route("report-list", "get", lambda w: f"/reports/?park={w.park.pk}&kind=monthly&status=done", PAGE_STATS),
    Route("report-detail", "get", lambda w: f"/reports/{w.report_a.pk}/", PAGE_STATS),
    Route("report-detail", "get", lambda w: f"/reports/{another_parks_report(w)}/", PAGE_STATS_OTHER_PARK),
    Route("report-generate", "get", lambda w: "/reports/generate/", statuses(200, 403, 403, 403, 403, 302, 302)),
    Route("report-generate", "post", lambda w: "/reports/generate/", statuses(302, 403, 403, 403, 403, 302, 302),
          data=a_request, format="multipart"),
    Route("report-download", "get", lambda w: f"/reports/{w.report_a.pk}/download/", PAGE_STATS),
    Route("report-download", "get", lambda w: f"/reports/{another_parks_report(w)}/download/",
          PAGE_STATS_OTHER_PARK),
]  # fmt: skip
