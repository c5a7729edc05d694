"""Pages of the periodic reports: the list, a report's page (every section drawn from its stored JSON,
printable to PDF from the browser), "generate now" for park admins, and the workbook's download.

Reports are park-wide figures: park admins and viewers read them; other roles are refused (403), as on
the statistics endpoints. Every queryset starts from `access.visible` (a report of another park does not
exist: 404); only park admins ask for one (`access.administers`); writes go through `reports.services`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from organizations.models import Park
from parkparty import access
from parkparty.templatetags.parkparty import percent
from reports import sections, services
from reports.forms import GenerateForm, ReportFilterForm
from reports.models import Report

PAGE_SIZE = 50
# How often a report's page reloads while the report is queued or running.
POLL_SECONDS = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- who may do what -------------------------------------------------------------------------------


def _require_reader(user) -> None:
    """Reports are for those who read park-wide figures: park admins and viewers."""
    if not access.reads_statistics(user):
        raise PermissionDenied


def _administered(user, parks) -> list[Park]:
    return [park for park in parks if access.administers(user, park.pk)]


def _readable(user) -> QuerySet[Report]:
    """The user's reports, each knowing whether it has a workbook without loading the bytes."""
    return access.visible(user, Report).with_has_workbook().defer("workbook")


# --- the list --------------------------------------------------------------------------------------


@login_required
def report_list(request):
    """The reports, newest period first. Queries: the parks, the count, one page of rows (park and who
    asked joined in; no figures, no workbook) — whatever the page holds."""
    user = request.user
    _require_reader(user)
    parks = list(access.statistics_parks(user).order_by("name", "pk"))
    form = ReportFilterForm(request.GET or None, parks=parks)
    form.is_valid()  # errors show on the form; the valid criteria still apply
    reports = (
        form.filter(_readable(user))
        .defer("data")
        .select_related("park", "requested_by")
        .order_by("-ends_before", "-starts_on", "park__name", "kind", "pk")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    admin_parks = _administered(user, parks)
    context = {
        "form": form,
        "page": page,
        "generate_form": GenerateForm(parks=admin_parks) if admin_parks else None,
    }
    return render(request, "reports/report_list.html", context)


# --- one report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    number: bool = False


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def display(key: str, value) -> Cell:
    """A stored value as the page shows it: rates as percentages, dates as dates, nothing as a dash."""
    if value is None or value == "":
        return Cell("—")
    if sections.is_rate(key):
        try:
            return Cell(percent(Decimal(str(value))), number=True)
        except InvalidOperation:
            return Cell(str(value))
    if isinstance(value, str) and key.endswith(("_on", "as_of")):  # as the workbook reads them
        try:
            return Cell(formats.date_format(date.fromisoformat(value), "DATE_FORMAT"))
        except ValueError:
            return Cell(value)
    if isinstance(value, bool):
        return Cell(_("yes") if value else _("no"))
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and NUMBER.fullmatch(value)):
        return Cell(str(value), number=True)
    return Cell(str(value))


def report_sections(data: dict | None) -> list[dict]:
    """Each stored section with its translated title and labels and its values as displayed, whatever
    its key: a section added to `reports.sections` shows without a change here."""
    shown = []
    for entry in (data or {}).get("sections", []):
        key = entry.get("key", "")
        section = {"key": key, "title": sections.title(key), "is_table": "figures" not in entry}
        if "figures" in entry:
            section["figures"] = [
                (sections.label(name), display(name, value)) for name, value in entry["figures"].items()
            ]
        else:
            columns = entry.get("columns", [])
            labels = [sections.label(column) for column in columns]
            section["columns"] = labels
            # Each cell with its column's label: on a phone a row becomes a card of labelled values.
            section["rows"] = [
                [(label, display(column, value)) for label, column, value in zip(labels, columns, row, strict=False)]
                for row in entry.get("rows", [])
            ]
        shown.append(section)
    return shown


def _moment(text: str | None):
    try:
        return timezone.localtime(datetime.fromisoformat(text)) if text else None
    except (TypeError, ValueError):
        return None


@login_required
def report_detail(request, pk: int):
    """A report: its status (reloading itself while it is being built) and every section of its
    figures. One query for the report, whatever it holds."""
    user = request.user
    _require_reader(user)
    report = get_object_or_404(_readable(user).select_related("park", "requested_by"), pk=pk)
    data = report.data or {}
    context = {
        "report": report,
        "data": data,
        "ends_on": report.ends_before - timedelta(days=1),
        "as_of": display("as_of", data.get("as_of")).text if data else None,
        "generated_at": _moment(data.get("generated_at")),
        "sections": report_sections(data),
        "working": not report.is_finished,
        "poll_seconds": POLL_SECONDS,
        "can_generate": access.administers(user, report.park_id),
    }
    return render(request, "reports/report_detail.html", context)


# --- generate now ----------------------------------------------------------------------------------


@login_required
def report_generate(request):
    """Ask for a park's report of a period now: park admins, for their parks. With no broker (eager
    mode) the report is built before the redirect; otherwise its page reloads until it is."""
    user = request.user
    _require_reader(user)
    parks = _administered(user, access.statistics_parks(user).order_by("name", "pk"))
    if not parks:
        raise PermissionDenied
    form = GenerateForm(request.POST or None, parks=parks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(
                park=form.parks[data["park"]], kind=data["kind"], period=data["period"], user=user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            report.refresh_from_db(fields=["status"])
            _say_where_it_stands(request, report)
            return redirect("report-detail", report.pk)
    return render(request, "reports/report_generate.html", {"form": form})


def _say_where_it_stands(request, report: Report) -> None:
    if report.status == Report.Status.DONE:
        messages.success(request, _("The report is ready."))
    elif report.status == Report.Status.FAILED:
        messages.error(request, _("The report could not be generated: see the error below."))
    else:
        messages.success(request, _("The report is being generated; this page shows it when it is ready."))


# --- the workbook ----------------------------------------------------------------------------------

SAFE_CODE = re.compile(r"[A-Za-z0-9_-]+")


def workbook_filename(report: Report) -> str:
    """report-park-a-monthly-2026-10.xlsx: ASCII, so every browser and mail client keeps it."""
    code = report.park.code if SAFE_CODE.fullmatch(report.park.code or "") else str(report.park_id)
    return f"report-{code}-{report.kind}-{report.period}.xlsx"


def workbook_response(report: Report, content) -> HttpResponse:
    """The stored workbook as a download (the bytes are in memory already: nothing to stream)."""
    response = HttpResponse(bytes(content), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, workbook_filename(report))
    # Asking again rebuilds the report under the same address: never serve a stale copy.
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report_download(request, pk: int):
    user = request.user
    _require_reader(user)
    report = get_object_or_404(access.visible(user, Report).select_related("park").defer("data"), pk=pk)
    if report.workbook is None:
        raise Http404
    return workbook_response(report, report.workbook)
