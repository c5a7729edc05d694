"""Pages where park admins set up what activities use: the park's venues (阵地), designations of
members (先锋岗, 示范岗, 责任区 …; their list is in `activities.views`) and the annual plans with their
targets.

Only park admins reach them (403 for everyone else; 404 for a row or park outside the parks they
administer: `parkparty.managing`); writes go through `activities.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services
from activities.models import AnnualPlan, Designation, PlanTarget, Venue
from activities.setup_forms import DesignationForm, PlanForm, TargetFormSet, VenueForm, target_initial
from enterprises.models import Coverage, Enterprise, active_on
from meetings.services import HOSTING_KINDS
from organizations.models import Organization, PartyMember
from parkparty.managing import admin_parks, admin_row, chosen_park
from parkparty.pages import save_form

PAGE_SIZE = 50


def _in_park(name: str, park_id: int) -> str:
    return f"{reverse(name)}?park={park_id}"


def _form_page(request, form, **context):
    return render(request, "manage/form.html", {"form": form, **context})


# --- venues ----------------------------------------------------------------------------------------


@login_required
def venue_list(request):
    """The park's venues. Queries: the parks, the count, one page of venues (owner joined)."""
    parks = admin_parks(request.user)
    park = chosen_park(request, parks)
    venues = Venue.objects.filter(park=park).select_related("owner").order_by("name", "pk")
    page = Paginator(venues, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/venue_list.html", {"parks": parks, "park": park, "page": page})


def owner_choices(park_id: int, current_id: int | None = None) -> QuerySet[Enterprise]:
    """Enterprises that may own a venue: those in the park today that a party organization covers (a
    venue is a branch's 阵地), and the venue's present owner. Not every firm of the park: a county park
    has thousands, and the page would be too big for a phone."""
    today = timezone.localdate()
    covered = Coverage.objects.filter(active_on(today), enterprise=OuterRef("pk"))
    in_park = Q(left_on__isnull=True) | Q(left_on__gt=today)
    enterprises = Enterprise.objects.filter(park_id=park_id).filter((in_park & Exists(covered)) | Q(pk=current_id))
    return enterprises.only("pk", "name").order_by("name", "pk")


def _venue_page(request, form, venue: Venue, title: str):
    back = _in_park("venue-list", venue.park_id)
    return _form_page(request, form, title=title, crumbs=[(back, _("Venues"))], intro=venue.park.name, cancel_url=back)


def _save_venue(request, form: VenueForm, venue: Venue):
    return save_form(request, form, lambda data: services.venue_save(venue=form.apply(venue), actor=request.user))


@login_required
def venue_new(request):
    park = chosen_park(request, admin_parks(request.user))
    venue = Venue(park=park)
    form = VenueForm(request.POST or None, enterprises=owner_choices(park.pk))
    if _save_venue(request, form, venue):
        messages.success(request, _("The venue is added."))
        return redirect(_in_park("venue-list", park.pk))
    return _venue_page(request, form, venue, _("New venue"))


@login_required
def venue_edit(request, pk: int):
    venue = admin_row(request.user, Venue.objects.select_related("park"), pk)
    initial = {name: getattr(venue, name) for name in VenueForm.FIELDS}
    form = VenueForm(request.POST or None, enterprises=owner_choices(venue.park_id, venue.owner_id), initial=initial)
    if _save_venue(request, form, venue):
        messages.success(request, _("The venue is saved."))
        return redirect(_in_park("venue-list", venue.park_id))
    return _venue_page(request, form, venue, _("Edit the venue"))


# --- designations ----------------------------------------------------------------------------------


def _designation_form(request, park_id: int, designation: Designation | None = None, **kwargs) -> DesignationForm:
    """The park's hosting organizations (and the designation's own); members of the designation's
    organization's subtree when it has one, else of the park (the service names any outsider)."""
    current = designation.organization_id if designation else None
    organizations = Organization.objects.filter(park_id=park_id, kind__in=HOSTING_KINDS).filter(
        Q(dissolved_on__isnull=True) | Q(pk=current)
    )
    members = PartyMember.objects.filter(organization__park_id=park_id).exclude(
        status=PartyMember.Status.TRANSFERRED_OUT
    )
    if designation is not None:
        members = members.filter(organization__path__startswith=designation.organization.path)
        members = members | PartyMember.objects.filter(pk__in=designation.members.values("pk"))
    return DesignationForm(
        request.POST or None,
        organizations=organizations.only("pk", "name").order_by("path"),
        members=members.only("pk", "name").order_by("name", "pk"),
        **kwargs,
    )


def _save_designation(request, form: DesignationForm, designation: Designation):
    def save(data):
        designation_row = form.apply(designation)
        return services.designation_save(designation=designation_row, members=list(data["members"]), actor=request.user)

    return save_form(request, form, save)


def _designation_page(request, form, park, title: str):
    back = _in_park("designation-list", park.pk)
    return _form_page(request, form, title=title, crumbs=[(back, _("Designations"))], intro=park.name, cancel_url=back)


@login_required
def designation_new(request):
    park = chosen_park(request, admin_parks(request.user))
    form = _designation_form(request, park.pk, initial={"started_on": timezone.localdate()})
    designation = Designation(park=park)
    if _save_designation(request, form, designation):
        messages.success(request, _("The designation is added."))
        return redirect(_in_park("designation-list", park.pk))
    return _designation_page(request, form, park, _("New designation"))


@login_required
def designation_edit(request, pk: int):
    designation = admin_row(request.user, Designation.objects.select_related("park", "organization"), pk)
    initial = {name: getattr(designation, name) for name in DesignationForm.FIELDS}
    initial["members"] = list(designation.members.values_list("pk", flat=True))
    form = _designation_form(request, designation.park_id, designation, initial=initial)
    if _save_designation(request, form, designation):
        messages.success(request, _("The designation is saved."))
        return redirect(_in_park("designation-list", designation.park_id))
    return _designation_page(request, form, designation.park, _("Edit the designation"))


# --- annual plans ----------------------------------------------------------------------------------


@login_required
def plan_list(request):
    """The park's plans by year. Queries: the parks, the count, one page of plans (targets counted)."""
    parks = admin_parks(request.user)
    park = chosen_park(request, parks)
    plans = AnnualPlan.objects.filter(park=park).annotate(target_count=Count("targets")).order_by("-year", "pk")
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/plan_list.html", {"parks": parks, "park": park, "page": page})


def _plan_page(request, plan: AnnualPlan, form: PlanForm, targets, title: str):
    back = _in_park("plan-list", plan.park_id)
    context = {"form": form, "targets": targets, "title": title, "back": back, "park": plan.park}
    return render(request, "activities/plan_form.html", context)


def _save_plan(request, plan: AnnualPlan, form: PlanForm, targets) -> bool:
    """The plan and its targets all or nothing; the service's refusals go on the fields."""
    if request.method != "POST" or not (form.is_valid() and targets.is_valid()):
        return False
    wanted: list[PlanTarget] = [row for row in (f.plan_target() for f in targets.forms) if row is not None]
    was_new = plan.pk is None
    try:
        with transaction.atomic():
            services.plan_save(plan=form.apply(plan), targets=wanted, actor=request.user)
    except ValidationError as error:
        if was_new:
            plan.pk, plan._state.adding = None, True
        form.add_service_errors(error)  # the targets' messages go above the form
        return False
    return True


@login_required
def plan_new(request):
    park = chosen_park(request, admin_parks(request.user))
    plan = AnnualPlan(park=park)
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    targets = TargetFormSet(request.POST or None, prefix="targets")
    if _save_plan(request, plan, form, targets):
        messages.success(request, _("The plan is added."))
        return redirect(_in_park("plan-list", park.pk))
    return _plan_page(request, plan, form, targets, _("New annual plan"))


@login_required
def plan_edit(request, pk: int):
    plan = admin_row(request.user, AnnualPlan.objects.select_related("park"), pk)
    form = PlanForm(request.POST or None, initial={"year": plan.year, "title": plan.title})
    targets = TargetFormSet(request.POST or None, prefix="targets", initial=target_initial(plan))
    if _save_plan(request, plan, form, targets):
        messages.success(request, _("The plan is saved."))
        return redirect(_in_park("plan-list", plan.park_id))
    return _plan_page(request, plan, form, targets, _("Edit the annual plan"))
