"""Pages of the enterprise ledger (台账): the searchable list and an enterprise's page.

Every queryset starts from `access.visible`: outside the user's scope a row does not exist (404).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from enterprises.api import ENTERPRISE_SHEET
from enterprises.forms import LedgerForm
from enterprises.models import Coverage, Enterprise, InstructorAssignment
from enterprises.selectors import enterprises_in_park_on, with_current_coverage
from organizations.models import District, Grid, Organization, Park, PartyMember
from parkparty import access
from parkparty.exports import page_export
from parkparty.history import revisions
from parkparty.privacy import shows_personal_data

PAGE_SIZE = 50


@login_required
def enterprise_list(request):
    """The ledger: a constant number of queries whatever the page holds (choices, count, one page of rows).

    With `?as_of=` it lists the enterprises in the park on that day with their coverage of that day: the
    rows the overview's and the reports' coverage figures count (`enterprises_in_park_on`), so a figure's
    link opens exactly its rows.
    """
    enterprises = access.visible(request.user, Enterprise)
    form = _ledger_form(request, enterprises)
    form.is_valid()  # errors show on the form; the valid criteria still apply
    rows = _ledger_rows(request.user, enterprises, form.day()).select_related("park", "district", "grid")
    page = Paginator(form.filter(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters stay folded (they fill a phone's screen) unless one of them is in use.
    filtering = any(request.GET.get(name) for name in form.fields if name != "q")
    context = {"form": form, "page": page, "filtering": filtering, "as_of": form.day()}
    return render(request, "enterprises/enterprise_list.html", context)


@login_required
def enterprise_export(request):
    """The ledger as filtered and dated on the page, every matching row, in the API's columns (an .xlsx file)."""
    enterprises = access.visible(request.user, Enterprise)
    form = _ledger_form(request, enterprises)
    form.is_valid()  # as on the page: the valid criteria apply
    return page_export(request, ENTERPRISE_SHEET, form.filter(_ledger_rows(request.user, enterprises, form.day())))


def _ledger_form(request, enterprises: QuerySet[Enterprise]) -> LedgerForm:
    user = request.user
    industries = enterprises.exclude(industry="").order_by("industry").values_list("industry", flat=True).distinct()
    return LedgerForm(
        request.GET or None,
        parks=list(access.visible(user, Park)),
        districts=access.visible(user, District).select_related("park"),
        grids=access.visible(user, Grid).select_related("park"),
        industries=list(industries),
    )


def _ledger_rows(user, enterprises: QuerySet[Enterprise], day: date | None) -> QuerySet[Enterprise]:
    """Each row with its covering organization on the day (today without one), in the same query (no
    per-row lookups). Dated, only the enterprises in their park that day: the coverage figures' rule."""
    if day is None:
        return with_current_coverage(enterprises, timezone.localdate())
    in_park = access.visible(user, enterprises_in_park_on(Park.objects.all(), day))
    return with_current_coverage(in_park, day)


@login_required
def enterprise_detail(request, pk: int):
    user = request.user
    enterprise = get_object_or_404(access.visible(user, Enterprise).select_related("park", "district", "grid"), pk=pk)
    coverages = list(
        access.visible(user, Coverage)
        .filter(enterprise=enterprise)
        .select_related("organization")
        .order_by("-started_on", "pk")
    )
    members = access.visible(user, PartyMember).filter(enterprise=enterprise).select_related("organization")
    context = {
        "enterprise": enterprise,
        "coverages": coverages,
        "openable_organizations": _openable(user, [coverage.organization_id for coverage in coverages]),
        "assignments": access.visible(user, InstructorAssignment)
        .filter(enterprise=enterprise)
        .select_related("instructor")
        .order_by("-started_on", "pk"),
        "members": members,
        "member_count": members.exclude(status=PartyMember.Status.TRANSFERRED_OUT).count(),
        "show_personal": shows_personal_data(request, enterprise.park_id),
        # The admin's buttons (edit, leave, coverage) and the instructors' pages (park readers only).
        "can_manage": access.administers(user, enterprise.park_id),
        "current_coverage": next((c for c in coverages if c.ended_on is None), None),
        "show_instructors": _reads_park(user, enterprise.park_id),
        "history": revisions(enterprise.history.all()),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


def _reads_park(user, park_id: int) -> bool:
    """Park admins and viewers read the park's instructor roster (no query: the scope says it)."""
    scope = access.scope_of(user)
    return scope.everything or park_id in scope.read_parks


def _openable(user, organization_ids: list[int]) -> set[int]:
    """Which of these organizations the user may open, so the page links only to pages that exist for them."""
    return set(access.visible(user, Organization).filter(pk__in=organization_ids).values_list("pk", flat=True))
