"""Pages of the subsidy ledger: the list with its totals and, for park admins, the actions on each
record (approve, pay, cancel, reverse); a record's page with its basis and history; the quarter's
allowance run; a record proposed by hand; and the Excel export (parkparty.exports, the API's columns).

Every queryset starts from `access.visible` (outside the user's scope a row does not exist: 404); only
park admins change the ledger (`access.administers`, else 403); writes go through
`organizations.subsidies.services`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.models import Organization, Park, Subsidy
from organizations.ratings.views import rateable
from organizations.subsidies import services
from organizations.subsidies.api import SUBSIDY_SHEET
from organizations.subsidies.forms import (
    AllowanceRunForm,
    ApproveForm,
    CancelForm,
    LedgerFilterForm,
    PayForm,
    ReverseForm,
    SubsidyForm,
)
from parkparty import access
from parkparty.exports import page_export
from parkparty.forms import cleaned_value
from parkparty.history import revisions

PAGE_SIZE = 50
ZERO = Decimal("0.00")


def _ledger(request) -> tuple[LedgerFilterForm, QuerySet[Subsidy], list[Park]]:
    """The filter form and the records it selects, among those the user may see."""
    user = request.user
    organizations = (
        access.visible(user, Organization)
        .filter(kind__in=Organization.BRANCH_KINDS)
        .select_related("park")
        .order_by("park__name", "path")
    )
    parks = list(access.visible(user, Park))
    form = LedgerFilterForm(request.GET or None, parks=parks, organizations=organizations)
    form.is_valid()  # errors show on the form; the valid criteria still apply
    return form, form.filter(access.visible(user, Subsidy)), parks


@login_required
def subsidy_list(request):
    """The ledger. Queries: the parks, the organizations to filter by, the totals, the count, one page of
    rows (recipient, person and reversal joined in) — whatever the page holds."""
    user = request.user
    form, subsidies, parks = _ledger(request)
    totals = subsidies.aggregate(
        paid=Sum("amount", filter=Q(status=Subsidy.Status.PAID), default=ZERO),
        open=Sum("amount", filter=Q(status__in=Subsidy.OPEN_STATUSES), default=ZERO),
    )
    rows = subsidies.select_related("park", "organization", "member", "reversal").order_by(
        "-period_start", "organization__path", "pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = access.scope_of(user)
    for record in page.object_list:
        record.actions = _actions(record) if access.administers(user, record.park_id) else ()
    admin_parks = [park for park in parks if access.administers(user, park.pk)]
    context = {
        "form": form,
        "page": page,
        "totals": totals,
        "today": timezone.localdate(),
        "is_admin": scope.is_admin,
        "run_form": AllowanceRunForm(parks=admin_parks) if admin_parks else None,
        "paid_since": cleaned_value(form, "since"),
        "paid_until": cleaned_value(form, "until"),
    }
    return render(request, "subsidies/subsidy_list.html", context)


def _actions(record: Subsidy) -> tuple[str, ...]:
    """What a park admin may do with the record now."""
    if record.status == Subsidy.Status.PROPOSED:
        return ("approve", "cancel")
    if record.status == Subsidy.Status.APPROVED:
        return ("pay", "cancel")
    if record.status == Subsidy.Status.PAID and not record.is_reversal and not _reversed(record):
        return ("reverse",)
    return ()


def _reversed(record: Subsidy) -> bool:
    try:
        return record.reversal is not None
    except Subsidy.DoesNotExist:
        return False


@login_required
def subsidy_detail(request, pk: int):
    """A record with its basis (the rule, the rating or dues behind it), its reversal and its history."""
    user = request.user
    record = get_object_or_404(
        access.visible(user, Subsidy).select_related(
            "park", "organization", "member", "rule", "rating", "dues", "reverses", "reversal",
            "created_by", "approved_by", "paid_by",
        ),
        pk=pk,
    )  # fmt: skip
    record.actions = _actions(record) if access.administers(user, record.park_id) else ()
    context = {
        "record": record,
        "reversal": record.reversal if _reversed(record) else None,
        "history": revisions(record.history.all()),
        "today": timezone.localdate(),
    }
    return render(request, "subsidies/subsidy_detail.html", context)


# --- the actions on a record -----------------------------------------------------------------------

FORMS = {"approve": ApproveForm, "pay": PayForm, "cancel": CancelForm, "reverse": ReverseForm}


def _perform(action: str, record: Subsidy, data: dict, user) -> str:
    """Call the service of the action; returns the message to show."""
    if action == "approve":
        services.subsidy_approve(subsidy=record, actor=user)
        return _("The record is approved.")
    if action == "pay":
        services.subsidy_pay(subsidy=record, voucher_no=data["voucher_no"], paid_on=data["paid_on"], actor=user)
        return _("The payment is recorded.")
    if action == "cancel":
        services.subsidy_cancel(subsidy=record, reason=data["reason"], actor=user)
        return _("The record is cancelled.")
    services.subsidy_reverse(
        subsidy=record, reason=data["reason"], voucher_no=data["voucher_no"], paid_on=data["paid_on"], actor=user
    )
    return _("The payment is reversed.")


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def subsidy_action(request, pk: int, action: str):
    """Approve, pay, cancel or reverse one record: park admins only. The ledger posts here from each
    row; a refused action shows this page with the errors next to the fields, nothing saved."""
    user = request.user
    record = get_object_or_404(access.visible(user, Subsidy).select_related("organization", "park"), pk=pk)
    access.require_admin(user, record.park_id)
    form = FORMS[action](request.POST if request.method == "POST" else None)
    back = _safe_next(request, reverse("subsidy-detail", args=[record.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            message = _perform(action, record, form.cleaned_data, user)
        except ValidationError as error:
            form.add_service_errors(error)
            record.refresh_from_db()
        else:
            messages.success(request, message)
            return redirect(back)
    context = {"form": form, "record": record, "action": action, "back": back}
    return render(request, "subsidies/subsidy_action.html", context)


# --- proposing ---------------------------------------------------------------------------------------


@login_required
@require_POST
def allowances_propose_view(request):
    """The quarter's red-star allowances, proposed from the confirmed ratings (idempotent)."""
    user = request.user
    parks = [park for park in access.visible(user, Park) if access.administers(user, park.pk)]
    if not parks:
        raise PermissionDenied
    form = AllowanceRunForm(request.POST, parks=parks)
    back = _safe_next(request, reverse("subsidy-list"))
    if not form.is_valid():
        errors = [f"{form.fields[name].label}: {' '.join(texts)}" for name, texts in form.errors.items()]
        messages.error(request, " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    try:
        result = services.allowances_propose(
            park=form.parks[data["park"]], year=data["year"], quarter=data["quarter"], actor=user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The %(year)s Q%(quarter)s allowances: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"year": data["year"], "quarter": data["quarter"], "created": result.created,
               "updated": result.updated, "unchanged": result.unchanged},
        )  # fmt: skip
        back = f"{reverse('subsidy-list')}?park={data['park']}&period={data['year']}-Q{data['quarter']}"
    return redirect(back)


@login_required
def subsidy_new(request):
    """Propose one record by hand: park admins, for an organization of their parks."""
    user = request.user
    if not access.may_write_any(user, Subsidy):
        raise PermissionDenied
    organizations = rateable(user)
    parks = {organization.park_id for organization in organizations}
    form = SubsidyForm(request.POST or None, organizations=organizations, several_parks=len(parks) > 1)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = Subsidy(
            organization=data["organization"],
            park_id=data["organization"].park_id,
            kind=data["kind"],
            period=data["period"],
            amount=data["amount"],
            note=data["note"],
        )
        try:
            services.subsidy_propose(subsidy=record, actor=user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The record is proposed."))
            return redirect("subsidy-detail", record.pk)
    return render(request, "subsidies/subsidy_form.html", {"form": form})


# --- the Excel export --------------------------------------------------------------------------------


@login_required
def subsidy_export(request):
    """The ledger as filtered on the page, every row, in the API's columns (an .xlsx file)."""
    _form, subsidies, _parks = _ledger(request)
    return page_export(request, SUBSIDY_SHEET, subsidies.order_by("-period_start", "organization__path", "pk"))
