"""Pages of the membership pipeline (发展党员): the board (a column per stage, due-soon highlighted), an
application's history with the forms of its next step, and a new application.

Every queryset starts from `access.visible` (outside the user's scope an application does not exist:
404); only those who may write the application (`access.writable`: park admins, the branch's
secretaries) see and use the forms (else 403); writes go through `organizations.pipeline.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.models import STAGES, Application, Organization, Park, PartyMember, Stage
from organizations.pipeline.forms import AdvanceForm, ApplicationForm, BoardForm, ExtendForm, WithdrawForm
from organizations.pipeline.selectors import DUE_WITHIN_DAYS, due_soon
from organizations.pipeline.services import (
    DATE_FIELDS,
    application_advance,
    application_create,
    application_withdraw,
    eligible_on,
    probation_extend,
)
from parkparty import access
from parkparty.history import revisions
from parkparty.relations import related_rows

# The board's columns: the stages still on the way; full members are a count.
COLUMNS = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)
# A column shows this many cards, the earliest first; the rest are counted.
CARDS_SHOWN = 200


@dataclass
class Card:
    application: Application
    since: date
    eligible: date | None
    due: bool
    overdue: bool


@dataclass
class Column:
    stage: str
    label: str
    cards: list[Card]
    total: int


@login_required
def pipeline_board(request):
    """A park's open applications in a column per stage, oldest first; those whose next step falls due
    within 30 days highlighted, those past their date marked."""
    user = request.user
    today = timezone.localdate()
    parks = list(access.visible(user, Park))
    organizations = list(
        access.visible(user, Organization).filter(kind__in=Organization.BRANCH_KINDS).order_by("park__name", "path")
    )
    form = BoardForm(request.GET or None, parks=parks, organizations=organizations)
    form.is_valid()
    park = form.chosen_park()
    context = {"form": form, "park": park, "within_days": DUE_WITHIN_DAYS, "can_apply": _may_apply(user)}
    if park is not None:
        applications = access.visible(user, Application).filter(park=park, withdrawn_on__isnull=True)
        chosen = next((o for o in organizations if o.pk == form.value("organization", None)), None)
        if chosen is not None:
            applications = applications.filter(organization__path__startswith=chosen.path)
        context.update(_columns(applications, park, today))
    return render(request, "pipeline/board.html", context)


def _columns(applications: QuerySet[Application], park: Park, today: date) -> dict:
    """Three queries: the counts per stage, the cards, and the due-soon list."""
    totals = dict(applications.values_list("stage").annotate(n=Count("pk")).order_by())
    cards = list(
        applications.filter(stage__in=COLUMNS).select_related("organization").order_by("stage", "applied_on", "pk")
    )
    due = {item.application.pk: item for item in due_soon(park_ids=[park.pk], today=today, among=applications)}
    columns = {stage: Column(stage, Stage(stage).label, [], totals.get(stage, 0)) for stage in COLUMNS}
    for application in cards:
        column = columns[application.stage]
        if len(column.cards) >= CARDS_SHOWN:
            continue
        item = due.get(application.pk)
        column.cards.append(
            Card(
                application,
                since=getattr(application, DATE_FIELDS[application.stage]),
                eligible=eligible_on(application),
                due=item is not None and not item.overdue,
                overdue=item is not None and item.overdue,
            )
        )
    return {
        "columns": list(columns.values()),
        "full_count": totals.get(Stage.FULL, 0),
        "due_count": sum(card.due or card.overdue for column in columns.values() for card in column.cards),
    }


def _may_apply(user) -> bool:
    return access.may_write_any(user, Application)


# --- an application's page and its steps -----------------------------------------------------------


def _introducers(user, application: Application) -> QuerySet[PartyMember]:
    """Full members the user may see in the application's branch (its subtree), and those named already."""
    return (
        access.visible(user, PartyMember)
        .filter(
            Q(organization__path__startswith=application.organization.path, status=PartyMember.Status.FULL)
            | Q(pk__in=application.introducers.values("pk"))
        )
        .select_related("organization")
        .order_by("name", "pk")
    )


def _forms(request, application: Application, bound: str | None = None) -> dict:
    """The three forms of the page; the one posted (`bound`) carries the request's data."""
    data = request.POST if request.method == "POST" else None
    open_stage = application.withdrawn_on is None and application.stage != Stage.FULL
    forms = {}
    if open_stage:
        forms["advance_form"] = AdvanceForm(
            data if bound == "advance" else None,
            application=application,
            introducers=_introducers(request.user, application),
        )
    if open_stage and application.stage == Stage.PROBATIONARY:
        forms["extend_form"] = ExtendForm(data if bound == "extend" else None, prefix="extend")
    if open_stage and application.stage not in (Stage.PROBATIONARY, Stage.FULL):
        forms["withdraw_form"] = WithdrawForm(data if bound == "withdraw" else None, prefix="withdraw")
    return forms


def _application(request, pk: int) -> Application:
    return get_object_or_404(
        access.visible(request.user, Application).select_related("park", "organization", "enterprise", "member"),
        pk=pk,
    )


def _page(request, application: Application, *, bound: str | None = None, forms: dict | None = None):
    can_write = access.can_write(request.user, application)
    context = {
        "application": application,
        "steps": application.steps.select_related("recorded_by").order_by("on", "pk"),
        "introducers": application.introducers.order_by("name"),
        "eligible": eligible_on(application),
        "history": revisions(application.history.all()),
        "can_write": can_write,
        "stages": [
            (stage, Stage(stage).label, STAGES.index(stage) <= STAGES.index(application.stage)) for stage in STAGES
        ],
    }
    if can_write:
        context |= forms if forms is not None else _forms(request, application, bound)
    return render(request, "pipeline/application_detail.html", context, status=200)


@login_required
def application_detail(request, pk: int):
    return _page(request, _application(request, pk))


def _writable_application(request, pk: int) -> Application:
    application = _application(request, pk)
    if not access.can_write(request.user, application):
        raise PermissionDenied
    return application


@login_required
@require_POST
def application_advance_view(request, pk: int):
    """The next step. Refused with the field named, nothing saved: a stage skipped, a step too early…"""
    application = _writable_application(request, pk)
    forms = _forms(request, application, "advance")
    form = forms.get("advance_form")
    if form is None:
        messages.error(request, _("This application takes no further step."))
        return redirect("application-detail", application.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            application_advance(
                application=application,
                stage=data["stage"],
                on=data["on"],
                approved_by=data["approved_by"],
                note=data["note"],
                introducers=list(data.get("introducers") or []),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The step is recorded: %(stage)s.") % {"stage": Stage(data["stage"]).label})
            return redirect("application-detail", application.pk)
    return _page(request, application, forms=forms)


@login_required
@require_POST
def application_extend_view(request, pk: int):
    application = _writable_application(request, pk)
    forms = _forms(request, application, "extend")
    form = forms.get("extend_form")
    if form is None:
        messages.error(request, _("Only a probation can be extended."))
        return redirect("application-detail", application.pk)
    if form.is_valid():
        try:
            probation_extend(application=application, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The probation is extended."))
            return redirect("application-detail", application.pk)
    return _page(request, application, forms=forms)


@login_required
@require_POST
def application_withdraw_view(request, pk: int):
    application = _writable_application(request, pk)
    forms = _forms(request, application, "withdraw")
    form = forms.get("withdraw_form")
    if form is None:
        messages.error(request, _("A member leaves through the roster, not the pipeline."))
        return redirect("application-detail", application.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            application_withdraw(
                application=application, on=data["withdrawn_on"], reason=data["reason"], actor=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The application is withdrawn."))
            return redirect("application-detail", application.pk)
    return _page(request, application, forms=forms)


# --- a new application -----------------------------------------------------------------------------


@login_required
def application_new(request):
    """A new application to one of the user's branches (a park admin's parks, a secretary's subtree)."""
    user = request.user
    if not _may_apply(user):
        raise PermissionDenied
    branches = access.organizations_in_charge(
        user, Organization.objects.filter(kind__in=Organization.BRANCH_KINDS, dissolved_on__isnull=True)
    ).order_by("park__name", "path")
    enterprises = access.visible(user, related_rows(Application, "enterprise")).order_by("name")
    form = ApplicationForm(
        request.POST or None,
        organizations=branches,
        enterprises=enterprises,
        initial={"organization": request.GET.get("organization"), "applied_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        application = Application(**form.cleaned_data)
        try:
            application_create(application=application, actor=user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The application is recorded."))
            return redirect("application-detail", application.pk)
    return render(request, "pipeline/application_form.html", {"form": form})
