"""The park admin's pages that keep the ledger: enterprises, their coverage, instructors and assignments.

Each page is thin: it finds the row through `access.visible` (404 outside the user's scope, exactly
as for an id that does not exist), refuses non-admins of the row's park (403) before showing the form,
offers only that park's rows as choices, and saves through enterprises.services with
`parkparty.pages.save_form`, which puts a refusal on the field it concerns.

A move of coverage is the attach page on an enterprise that is covered already: `coverage_start`
ends the current coverage the day the new one starts, in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import services
from enterprises.forms import (
    ENTERPRISE_OPTIONS,
    AssignmentStartForm,
    CoverageAttachForm,
    CoverageStartForm,
    EndForm,
    EnterpriseForm,
    InstructorForm,
    LeaveForm,
    NewEnterpriseForm,
    covering_organizations,
)
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment, active_on
from organizations.models import Organization, Park
from parkparty import access
from parkparty.forms import ParkForm
from parkparty.history import revisions
from parkparty.pages import query_id, save_form
from parkparty.privacy import shows_personal_data

PAGE_SIZE = 50
FORM = "enterprises/form.html"


def _ledger_crumbs(enterprise: Enterprise | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("enterprise-list"), _("Enterprise ledger"))]
    if enterprise is not None:
        crumbs.append((reverse("enterprise-detail", args=[enterprise.pk]), enterprise.name))
    return crumbs


def _park_for_new(request) -> tuple[Park, ParkForm | None]:
    """The park a new record goes into: `?park=` among those the user administers, else the first, and
    the chooser to switch (only for someone who administers several). 403 for someone who administers
    none; a park they do not administer answers as one that does not exist (404)."""
    scope = access.scope_of(request.user)
    parks = list(access.administered(request.user, Park.objects.order_by("name", "pk"))) if scope.is_admin else []
    if not parks:
        raise PermissionDenied
    by_id = {str(park.pk): park for park in parks}
    asked = request.GET.get("park")
    if asked and asked not in by_id:
        raise Http404
    park = by_id.get(asked) or parks[0]
    chooser = ParkForm(initial={"park": park.pk}, parks=parks) if len(parks) > 1 else None
    return park, chooser


def _admin_only(user, park_id: int) -> None:
    access.require_admin(user, park_id)


def _form_page(request, form, *, title: str, cancel_url: str, crumbs, **extra):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "crumbs": crumbs, **extra}
    return render(request, FORM, context)


def _saved(request, message: str, url: str):
    messages.success(request, message)
    return redirect(url)


# --- enterprises ------------------------------------------------------------------------------------


@login_required
def enterprise_new(request):
    park, chooser = _park_for_new(request)
    form = NewEnterpriseForm(request.POST or None, park=park, organizations=covering_organizations(park))

    def save(data):
        return services.enterprise_create(
            enterprise=form.save(commit=False),
            organization=data["organization"],
            covered_from=data["covered_from"],
            actor=request.user,
        )

    enterprise = save_form(request, form, save)
    if enterprise is not None:
        url = reverse("enterprise-detail", args=[enterprise.pk])
        return _saved(request, _("The enterprise is on the ledger."), url)
    title = _("New enterprise in %(park)s") % {"park": park.name}
    return _form_page(
        request, form, title=title, cancel_url=reverse("enterprise-list"), crumbs=_ledger_crumbs(), chooser=chooser
    )


def _enterprise_for_admin(request, pk: int) -> Enterprise:
    enterprise = get_object_or_404(access.visible(request.user, Enterprise).select_related("park"), pk=pk)
    _admin_only(request.user, enterprise.park_id)
    return enterprise


@login_required
def enterprise_edit(request, pk: int):
    enterprise = _enterprise_for_admin(request, pk)
    name = enterprise.name
    form = EnterpriseForm(request.POST or None, instance=enterprise, park=enterprise.park)
    saved = save_form(
        request, form, lambda data: services.enterprise_save(enterprise=form.save(commit=False), actor=request.user)
    )
    url = reverse("enterprise-detail", args=[pk])
    if saved is not None:
        return _saved(request, _("The enterprise's entry is saved."), url)
    enterprise.name = name  # the crumbs name the stored entry, not the refused edit
    title = _("Edit %(name)s") % {"name": name}
    return _form_page(request, form, title=title, cancel_url=url, crumbs=_ledger_crumbs(enterprise))


@login_required
def enterprise_leave(request, pk: int):
    enterprise = _enterprise_for_admin(request, pk)
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})

    def save(data):
        return services.enterprise_leave(
            enterprise=enterprise, status=data["status"], on=data["left_on"], actor=request.user
        )

    url = reverse("enterprise-detail", args=[pk])
    if save_form(request, form, save) is not None:
        return _saved(request, _("The enterprise has left the park; its coverage ended the same day."), url)
    return _form_page(
        request,
        form,
        title=_("%(name)s moves out or closes") % {"name": enterprise.name},
        intro=_("Its current coverage and its instructors' assignments end on the same day."),
        submit=_("Record"),
        cancel_url=url,
        crumbs=_ledger_crumbs(enterprise),
    )


# --- coverage ---------------------------------------------------------------------------------------


@login_required
def coverage_new(request, pk: int):
    """Attach a covering organization to an enterprise or, when one covers it, move it to another."""
    enterprise = _enterprise_for_admin(request, pk)
    current = enterprise.coverages.filter(ended_on__isnull=True).select_related("organization").first()
    organizations = covering_organizations(enterprise.park)
    if current is not None:
        organizations = organizations.exclude(pk=current.organization_id)
    form = CoverageStartForm(
        request.POST or None, organizations=organizations, initial={"started_on": timezone.localdate()}
    )

    def save(data):
        return services.coverage_start(
            enterprise=enterprise, organization=data["organization"], on=data["started_on"], actor=request.user
        )

    url = reverse("enterprise-detail", args=[pk])
    if save_form(request, form, save) is not None:
        return _saved(request, _("The coverage is recorded."), url)
    if current is None:
        title, intro = _("A covering organization for %(name)s") % {"name": enterprise.name}, ""
    else:
        title = _("Move %(name)s to another organization") % {"name": enterprise.name}
        intro = _("%(organization)s covers it now; that coverage ends the day the new one starts.") % {
            "organization": current.organization.name
        }
    return _form_page(request, form, title=title, intro=intro, cancel_url=url, crumbs=_ledger_crumbs(enterprise))


@login_required
def coverage_end(request, pk: int):
    coverage = get_object_or_404(
        access.visible(request.user, Coverage).select_related("enterprise", "organization"), pk=pk
    )
    _admin_only(request.user, coverage.enterprise.park_id)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})

    def save(data):
        return services.coverage_end(coverage=coverage, on=data["ended_on"], actor=request.user)

    url = reverse("enterprise-detail", args=[coverage.enterprise_id])
    if save_form(request, form, save) is not None:
        return _saved(request, _("The coverage has ended."), url)
    names = {"organization": coverage.organization.name, "enterprise": coverage.enterprise.name}
    return _form_page(
        request,
        form,
        title=_("End %(organization)s's coverage of %(enterprise)s") % names,
        intro=_("The day you give is the first day it no longer covers the enterprise."),
        submit=_("End the coverage"),
        cancel_url=url,
        crumbs=_ledger_crumbs(coverage.enterprise),
    )


def _id_param(request, name: str) -> int:
    """An id the query string must give; without one it names no row (404)."""
    pk = query_id(request, name)
    if pk is None:
        raise Http404
    return pk


def _narrowed(candidates: QuerySet[Enterprise], query: str) -> tuple[list[Enterprise], bool]:
    """The enterprises the picker lists (by name, at most ENTERPRISE_OPTIONS) and whether there are more."""
    if query:
        candidates = candidates.filter(name__icontains=query)
    listed = list(candidates.only("pk", "name")[: ENTERPRISE_OPTIONS + 1])
    return listed[:ENTERPRISE_OPTIONS], len(listed) > ENTERPRISE_OPTIONS


def _enterprise_picker(request, form, candidates: QuerySet[Enterprise]) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    listed, more = _narrowed(candidates, query)
    form.fields["enterprise"].set_candidates(candidates, listed)
    return {"search": {"query": query, "more": more or bool(query), "limit": ENTERPRISE_OPTIONS}}


@login_required
def coverage_attach(request):
    """From an organization's page: pick an operating enterprise of its park for it to cover."""
    organization = get_object_or_404(
        access.visible(request.user, Organization).select_related("park"), pk=_id_param(request, "organization")
    )
    _admin_only(request.user, organization.park_id)
    today = timezone.localdate()
    covered_here = Coverage.objects.filter(active_on(today), organization=organization).values("enterprise_id")
    candidates = (
        Enterprise.objects.filter(park_id=organization.park_id, status=Enterprise.Status.OPERATING)
        .exclude(pk__in=covered_here)
        .order_by("name", "pk")
    )
    form = CoverageAttachForm(request.POST or None, initial={"started_on": today})
    picker = _enterprise_picker(request, form, candidates)

    def save(data):
        return services.coverage_start(
            enterprise=data["enterprise"], organization=organization, on=data["started_on"], actor=request.user
        )

    url = reverse("organization-detail", args=[organization.pk])
    if save_form(request, form, save) is not None:
        return _saved(request, _("The coverage is recorded."), url)
    return _form_page(
        request,
        form,
        title=_("An enterprise for %(organization)s to cover") % {"organization": organization.name},
        intro=_("An enterprise another organization covers moves here from the day you give."),
        cancel_url=url,
        crumbs=[(url, organization.name)],
        hidden_query={"organization": organization.pk},
        **picker,
    )


# --- instructors ------------------------------------------------------------------------------------


def _instructor_crumbs(instructor: Instructor | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("instructor-list"), _("Instructors"))]
    if instructor is not None:
        crumbs.append((reverse("instructor-detail", args=[instructor.pk]), instructor.name))
    return crumbs


@login_required
def instructor_list(request):
    """The instructors the user reads, each with today's assignments: three queries whatever the page
    holds (the count, the page with its parks, the page's assignments with their enterprises)."""
    user = request.user
    current = InstructorAssignment.objects.filter(active_on(timezone.localdate())).select_related("enterprise")
    instructors = (
        access.visible(user, Instructor)
        .select_related("park")
        .prefetch_related(
            Prefetch("assignments", queryset=current.order_by("enterprise__name", "pk"), to_attr="current")
        )
        .order_by("park__name", "name", "pk")
    )
    page = Paginator(instructors, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = access.scope_of(user)
    context = {
        "page": page,
        "personal_parks": {row.park_id for row in page if shows_personal_data(request, row.park_id)},
        "several_parks": scope.everything or len(scope.read_parks) > 1,
        "can_add": scope.is_admin,
    }
    return render(request, "enterprises/instructor_list.html", context)


@login_required
def instructor_new(request):
    park, chooser = _park_for_new(request)
    form = InstructorForm(request.POST or None, park=park)

    def save(data):
        return services.instructor_save(instructor=form.save(commit=False), actor=request.user)

    instructor = save_form(request, form, save)
    if instructor is not None:
        url = reverse("instructor-detail", args=[instructor.pk])
        return _saved(request, _("The instructor is on the roster."), url)
    title = _("New instructor in %(park)s") % {"park": park.name}
    return _form_page(
        request, form, title=title, cancel_url=reverse("instructor-list"), crumbs=_instructor_crumbs(), chooser=chooser
    )


@login_required
def instructor_detail(request, pk: int):
    user = request.user
    instructor = get_object_or_404(access.visible(user, Instructor).select_related("park"), pk=pk)
    assignments = (
        access.visible(user, InstructorAssignment)
        .filter(instructor=instructor)
        .select_related("enterprise")
        .order_by("ended_on", "-started_on", "pk")
    )
    context = {
        "instructor": instructor,
        "assignments": assignments,
        "show_personal": shows_personal_data(request, instructor.park_id),
        "can_manage": access.administers(user, instructor.park_id),
        "history": revisions(instructor.history.all()),
    }
    return render(request, "enterprises/instructor_detail.html", context)


def _instructor_for_admin(request, pk: int) -> Instructor:
    instructor = get_object_or_404(access.visible(request.user, Instructor).select_related("park"), pk=pk)
    _admin_only(request.user, instructor.park_id)
    return instructor


@login_required
def instructor_edit(request, pk: int):
    instructor = _instructor_for_admin(request, pk)
    name = instructor.name
    form = InstructorForm(request.POST or None, instance=instructor, park=instructor.park)

    def save(data):
        return services.instructor_save(instructor=form.save(commit=False), actor=request.user)

    url = reverse("instructor-detail", args=[pk])
    if save_form(request, form, save) is not None:
        return _saved(request, _("The instructor is saved."), url)
    instructor.name = name
    title = _("Edit %(name)s") % {"name": name}
    return _form_page(request, form, title=title, cancel_url=url, crumbs=_instructor_crumbs(instructor))


@login_required
def assignment_new(request, pk: int):
    instructor = _instructor_for_admin(request, pk)
    assigned = instructor.assignments.filter(ended_on__isnull=True).values("enterprise_id")
    candidates = (
        Enterprise.objects.filter(park_id=instructor.park_id, status=Enterprise.Status.OPERATING)
        .exclude(pk__in=assigned)
        .order_by("name", "pk")
    )
    form = AssignmentStartForm(request.POST or None, initial={"started_on": timezone.localdate()})
    picker = _enterprise_picker(request, form, candidates)

    def save(data):
        return services.assignment_start(
            instructor=instructor, enterprise=data["enterprise"], on=data["started_on"], actor=request.user
        )

    url = reverse("instructor-detail", args=[pk])
    if save_form(request, form, save) is not None:
        return _saved(request, _("The assignment is recorded."), url)
    return _form_page(
        request,
        form,
        title=_("Assign %(name)s to an enterprise") % {"name": instructor.name},
        cancel_url=url,
        crumbs=_instructor_crumbs(instructor),
        **picker,
    )


@login_required
def assignment_end(request, pk: int):
    assignment = get_object_or_404(
        access.visible(request.user, InstructorAssignment).select_related("instructor", "enterprise"), pk=pk
    )
    _admin_only(request.user, assignment.enterprise.park_id)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})

    def save(data):
        return services.assignment_end(assignment=assignment, on=data["ended_on"], actor=request.user)

    url = reverse("instructor-detail", args=[assignment.instructor_id])
    if save_form(request, form, save) is not None:
        return _saved(request, _("The assignment has ended."), url)
    names = {"instructor": assignment.instructor.name, "enterprise": assignment.enterprise.name}
    return _form_page(
        request,
        form,
        title=_("End %(instructor)s's assignment to %(enterprise)s") % names,
        intro=_("The day you give is the first day the instructor no longer guides the enterprise."),
        submit=_("End the assignment"),
        cancel_url=url,
        crumbs=_instructor_crumbs(assignment.instructor),
    )
