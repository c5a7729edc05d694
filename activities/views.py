"""Pages of activities (活动) and venues (阵地): recording an activity from a phone, its page and photos,
the list, the venue calendar with its booking form, and the designations list.

Every queryset starts from `access.visible` (outside the user's scope a row does not exist: 404); a
write the user may not make is refused (403); writes go through `activities.services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.api import ACTIVITY_SHEET
from activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    BookingForm,
    DesignationFilterForm,
    VenueCalendarForm,
)
from activities.models import Activity, ActivityPhoto, Designation, Venue, VenueBooking
from activities.selectors import bookings_between, designation_counts
from activities.services import activity_save, booking_save, hosts_members, photo_add
from meetings.selectors import add_months
from meetings.services import HOSTING_KINDS
from organizations.models import Organization, Park, PartyMember
from parkparty import access
from parkparty.dates import local_datetime
from parkparty.exports import page_export
from parkparty.history import revisions
from parkparty.ids import parse_id
from parkparty.pages import chosen_row
from parkparty.uploads import private_file_response

PAGE_SIZE = 50


# --- who may do what -------------------------------------------------------------------------------


def activity_hosts(user) -> QuerySet[Organization]:
    """The organizations the user may record activities for: those they are in charge of (a park
    admin's parks, a secretary's subtree), of a kind that hosts, not dissolved."""
    organizations = Organization.objects.filter(kind__in=HOSTING_KINDS, dissolved_on__isnull=True)
    return access.organizations_in_charge(user, organizations)


# --- recording an activity -------------------------------------------------------------------------


def _co_host_choices(host: Organization) -> QuerySet[Organization]:
    """Co-hosts are named, not read: any party organization of the host's park may be one (活动共办 is
    between branches of different enterprises, outside one secretary's subtree)."""
    return (
        Organization.objects.filter(park_id=host.park_id, kind__in=HOSTING_KINDS, dissolved_on__isnull=True)
        .exclude(pk=host.pk)
        .order_by("path")
    )


def _activity_form(request, activity: Activity, *, stored_co_hosts=(), stored_participants=(), **kwargs):
    """The form, its roster being the hosts' members the user may see: the host's and the co-hosts'
    (posted, or stored), and whoever is ticked or stored."""
    user, host = request.user, activity.organization
    members = access.visible(user, PartyMember)
    co_hosts = _co_host_choices(host)
    if request.method == "POST":
        co_host_ids, ticked = _posted_ids(request, "co_hosts"), _posted_ids(request, "participants")
    else:
        co_host_ids, ticked = [h.pk for h in stored_co_hosts], [m.pk for m in stored_participants]
    hosts = [host, *co_hosts.filter(pk__in=co_host_ids)]
    roster = members.filter(Q(pk__in=hosts_members(hosts).values("pk")) | Q(pk__in=ticked))
    return ActivityForm(
        request.POST or None,
        request.FILES or None,
        venues=access.visible(user, Venue).filter(park_id=host.park_id),
        co_hosts=co_hosts,
        members=members,
        roster=list(roster.select_related("organization").order_by("organization__path", "name", "pk")),
        **kwargs,
    )


def _posted_ids(request, name: str) -> list[int]:
    """The posted ids that can be ids (parkparty.ids); the form reports the others."""
    return [pk for pk in map(parse_id, request.POST.getlist(name)) if pk is not None]


FORM_FIELDS = ("kind", "title", "status", "starts_at", "duration_minutes", "place", "venue", "non_member_count",
               "description")  # fmt: skip


def _save_activity(request, form: ActivityForm, activity: Activity, hidden_participants=()) -> bool:
    """Activity, co-hosts, participants, booking and photos all or nothing. A photo stored before a
    later one is refused is removed again: the database rolls back, the disk does not."""
    data = form.cleaned_data
    for name in FORM_FIELDS:
        setattr(activity, name, data[name])
    was_new, stored = activity.pk is None, []
    try:
        with transaction.atomic():
            activity_save(
                activity=activity,
                co_hosts=list(data["co_hosts"]),
                participants=[*data["participants"], *hidden_participants],
                actor=request.user,
            )
            for upload in data["photos"]:
                stored.append(_add_photo(activity, upload, request.user))
    except ValidationError as error:
        for photo in stored:
            photo.file.delete(save=False)
        if was_new:
            activity.pk, activity._state.adding = None, True
        form.add_service_errors(error)
        return False
    return True


def _add_photo(activity: Activity, upload, user) -> ActivityPhoto:
    try:
        return photo_add(activity=activity, upload=upload, actor=user)
    except ValidationError as error:
        # Name the file: a phone's photos are picked several at a time.
        raise ValidationError({"photos": [f"{upload.name}: {text}" for text in error.messages]}) from error


def _defaults() -> dict:
    return {"starts_at": timezone.localtime().replace(second=0, microsecond=0), "status": Activity.Status.HELD}


@login_required
def activity_new(request):
    """Record an activity for one host: its members listed to tick, photos from the phone."""
    user = request.user
    hosts = list(activity_hosts(user).select_related("park").order_by("park__name", "path"))
    host = chosen_row(request, "host", hosts, access.visible(request.user, Organization))
    activity = Activity(organization=host, park_id=host.park_id, created_by=user)
    form = _activity_form(request, activity, initial=_defaults())
    if request.method == "POST" and form.is_valid() and _save_activity(request, form, activity):
        messages.success(request, _("The activity is recorded."))
        return redirect("activity-detail", activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity, "hosts": hosts})


@login_required
def activity_edit(request, pk: int):
    """The record form for a stored activity: its host's secretaries and the park's admins change it;
    a co-host's secretary reads it only (403)."""
    user = request.user
    activity = get_object_or_404(access.visible(user, Activity).select_related("organization", "venue"), pk=pk)
    if not access.can_write(user, activity):
        raise PermissionDenied
    co_hosts = list(activity.co_hosts.all())
    participants = list(activity.participants.all())
    # Participants the user may not see (a co-host's members an admin ticked) stay as they are.
    seen = set(
        access.visible(user, PartyMember).filter(pk__in=[m.pk for m in participants]).values_list("pk", flat=True)
    )
    hidden = [member for member in participants if member.pk not in seen]
    form = _activity_form(
        request,
        activity,
        stored_co_hosts=co_hosts,
        stored_participants=participants,
        initial={name: getattr(activity, name) for name in FORM_FIELDS}
        | {"co_hosts": co_hosts, "participants": [m for m in participants if m.pk in seen]},
    )
    if request.method == "POST" and form.is_valid() and _save_activity(request, form, activity, hidden):
        messages.success(request, _("The activity is saved."))
        return redirect("activity-detail", activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity, "editing": True})


# --- an activity's page and photos -----------------------------------------------------------------


@login_required
def activity_detail(request, pk: int):
    user = request.user
    activity = get_object_or_404(
        access.visible(user, Activity).select_related("park", "organization", "venue", "created_by"), pk=pk
    )
    context = {
        "activity": activity,
        "ends_at": activity.starts_at + timedelta(minutes=activity.duration_minutes),
        "co_hosts": activity.co_hosts.order_by("path"),
        # Names of the participants the user may see; the count is of them all.
        "participants": access.visible(user, PartyMember)
        .filter(pk__in=activity.participants.values("pk"))
        .select_related("organization")
        .order_by("organization__path", "name"),
        "participant_count": activity.participants.count(),
        "photos": activity.photos.all(),
        "history": revisions(activity.history.all()),
        "can_edit": access.can_write(user, activity),
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
def activity_photo(request, pk: int):
    """An activity's photo or PDF, streamed to those who may see the activity (its co-hosts' secretaries
    too). The files live under MEDIA_ROOT, which no URL serves: this view is the only way to them."""
    photos = ActivityPhoto.objects.filter(activity__in=access.visible(request.user, Activity).values("pk"))
    photo = get_object_or_404(photos, pk=pk)
    return private_file_response(photo)


# --- the list --------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    """The activities the user may see, newest first, filtered; 50 a page in a constant number of queries."""
    user = request.user
    form = ActivityFilterForm(request.GET or None, parks=list(access.visible(user, Park)))
    form.is_valid()
    activities = (
        form.filter(access.visible(user, Activity))
        .select_related("park", "organization", "venue")
        .annotate(participant_count=Count("participants", distinct=True))
        .prefetch_related(Prefetch("co_hosts", queryset=Organization.objects.order_by("path")))
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_record": activity_hosts(user).exists()}
    return render(request, "activities/activity_list.html", context)


@login_required
def activity_export(request):
    """The list as filtered, every row, in the API's columns (an .xlsx file)."""
    user = request.user
    form = ActivityFilterForm(request.GET or None, parks=list(access.visible(user, Park)))
    form.is_valid()
    activities = form.filter(access.visible(user, Activity)).order_by("-starts_at", "-pk")
    return page_export(request, ACTIVITY_SHEET, activities)


# --- venues ----------------------------------------------------------------------------------------


@dataclass
class VenueMonth:
    venue: Venue
    days: list[tuple[date, list[VenueBooking]]] = field(default_factory=list)


@login_required
def venue_calendar(request):
    """A month of the bookings of a park's venues, day by day per venue (a list reads best on a phone)."""
    user = request.user
    today = timezone.localdate()
    parks = list(access.visible(user, Park))
    park_form = VenueCalendarForm(request.GET or None, parks=parks, venues=[])
    park_form.is_valid()
    park = park_form.chosen_park()
    venues = list(access.visible(user, Venue).filter(park=park).select_related("owner")) if park else []
    form = VenueCalendarForm(request.GET or None, parks=parks, venues=venues)
    form.is_valid()  # a bad month is shown as an error; the current month is shown instead
    month = form.value("month", today.replace(day=1))
    chosen = [venue for venue in venues if venue.pk == form.value("venue", None)] or venues
    start, end = local_datetime(month), local_datetime(add_months(month, 1))
    bookings = list(bookings_between([venue.pk for venue in chosen], start, end).order_by("starts_at", "pk"))
    visible_activities = set(
        access.visible(user, Activity)
        .filter(pk__in=[booking.activity_id for booking in bookings if booking.activity_id])
        .values_list("pk", flat=True)
    )
    context = {
        "form": form,
        "park": park,
        "month": month,
        "previous": add_months(month, -1).strftime("%Y-%m"),
        "next": add_months(month, 1).strftime("%Y-%m"),
        "venues": _by_venue(chosen, bookings, visible_activities),
        "count": len(bookings),
        "can_book": access.may_write_any(user, VenueBooking) and bool(venues),
    }
    return render(request, "activities/venue_calendar.html", context)


def _by_venue(venues: list[Venue], bookings: list[VenueBooking], visible_activities: set[int]) -> list[VenueMonth]:
    months = {venue.pk: VenueMonth(venue) for venue in venues}
    for booking in bookings:
        booking.local_start = timezone.localtime(booking.starts_at)
        booking.local_end = timezone.localtime(booking.ends_at)
        booking.activity_link = booking.activity_id in visible_activities
        days = months[booking.venue_id].days
        if not days or days[-1][0] != booking.local_start.date():
            days.append((booking.local_start.date(), []))
        days[-1][1].append(booking)
    return list(months.values())


@login_required
def venue_book(request):
    """Book a venue for one of the user's organizations; a clash is refused with the booking it hits."""
    user = request.user
    if not access.may_write_any(user, VenueBooking):
        raise PermissionDenied
    organizations = access.organizations_in_charge(
        user, Organization.objects.filter(kind__in=HOSTING_KINDS, dissolved_on__isnull=True)
    ).order_by("park__name", "path")
    park_ids = set(organizations.values_list("park_id", flat=True))
    venues = access.visible(user, Venue).filter(park_id__in=park_ids).select_related("park")
    initial = {"venue": request.GET.get("venue"), "starts_at": _next_hour()}
    form = BookingForm(request.POST or None, venues=venues, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        booking = VenueBooking(
            venue=data["venue"],
            organization=data["organization"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            purpose=data["purpose"],
        )
        try:
            booking_save(booking=booking, actor=user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The venue is booked."))
            local = timezone.localtime(booking.starts_at)
            return redirect(
                f"{reverse('venue-calendar')}?park={booking.venue.park_id}&month={local:%Y-%m}&venue={booking.venue_id}"
            )
    return render(request, "activities/venue_book.html", {"form": form})


def _next_hour() -> datetime:
    return timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


# --- designations ----------------------------------------------------------------------------------


@login_required
def designation_list(request):
    """Pioneer teams, demo posts, responsibility zones…: the counts in force today by kind, and the list."""
    user = request.user
    today = timezone.localdate()
    parks = list(access.visible(user, Park))
    organizations = list(
        access.visible(user, Organization).filter(kind__in=HOSTING_KINDS).order_by("park__name", "path")
    )
    form = DesignationFilterForm(request.GET or None, parks=parks, organizations=organizations)
    form.is_valid()
    visible = access.visible(user, Designation)
    park_ids = [form.value("park")] if form.value("park") else [park.pk for park in parks]
    counts = designation_counts(park_ids=park_ids, on=today, designations=visible)
    designations = (
        form.filter(visible, today)
        .select_related("park", "organization")
        .annotate(member_count=Count("members"))
        .order_by("park__name", "kind", "name", "pk")
    )
    page = Paginator(designations, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = [(kind, label, counts[kind]) for kind, label in Designation.Kind.choices]
    # Park admins add and change designations (activities.setup_views); no query: the scope is read.
    managed = {park.pk for park in parks if access.administers(user, park.pk)}
    context = {"form": form, "page": page, "kinds": kinds, "today": today, "managed": managed}
    return render(request, "activities/designation_list.html", context)
