"""Writes about activities, venue bookings, designations and annual plans that carry business rules.

API views, pages, the admin and the demo loader call these; each validates everything before it writes
anything and runs in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityPhoto,
    AnnualPlan,
    Designation,
    PlanTarget,
    Venue,
    VenueBooking,
    kinds_counted,
)
from meetings.services import HOSTING_KINDS
from organizations.models import Organization, PartyMember
from parkparty import access
from parkparty.dates import date_errors, year_in_range
from parkparty.history import sync_rows, user_or_none
from parkparty.uploads import store_upload

# --- venues ----------------------------------------------------------------------------------------


@transaction.atomic
def venue_save(*, venue: Venue, actor=None) -> Venue:
    """A venue of a park: the park's own, or an enterprise's of that park."""
    if venue.owner_id is not None and venue.owner.park_id != venue.park_id:
        raise ValidationError({"owner": _("This enterprise is in another park.")})
    if Venue.objects.filter(park_id=venue.park_id, name=venue.name).exclude(pk=venue.pk).exists():
        raise ValidationError({"name": _("The park has a venue of this name.")})
    venue.full_clean()
    venue.save()
    access.require_writable(actor, venue)
    return venue


# --- venue bookings --------------------------------------------------------------------------------


def overlapping(venue: Venue, starts_at: datetime, ends_at: datetime) -> QuerySet[VenueBooking]:
    return VenueBooking.objects.filter(venue=venue, starts_at__lt=ends_at, ends_at__gt=starts_at)


def _booking_errors(booking: VenueBooking) -> dict[str, str]:
    errors = {}
    if booking.starts_at is None or booking.ends_at is None or booking.ends_at <= booking.starts_at:
        return {"ends_at": _("A booking ends after it starts.")}
    # Before the overlap query: a time in year 1 has no UTC equivalent to compare with (a 500 before this).
    if bounds := date_errors(booking, ["starts_at", "ends_at"]):
        return bounds
    if booking.organization.park_id != booking.venue.park_id:
        errors["venue"] = _("This venue is in another park.")
    owner = booking.venue.owner
    if owner is not None and not booking.venue.shared and not _covers(booking.organization, owner.pk):
        errors["venue"] = _("This venue is not shared: only its enterprise's organization books it.")
    clash = overlapping(booking.venue, booking.starts_at, booking.ends_at).exclude(pk=booking.pk).first()
    if clash is not None:
        errors["starts_at"] = _("The venue is booked from %(start)s to %(end)s.") % {
            "start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
        }
    return errors


def _covers(organization: Organization, enterprise_id: int) -> bool:
    from enterprises.models import Coverage, active_on

    return Coverage.objects.filter(
        active_on(timezone.localdate()), enterprise_id=enterprise_id, organization__path__startswith=organization.path
    ).exists()


@transaction.atomic
def booking_save(*, booking: VenueBooking, actor=None) -> VenueBooking:
    """Book a venue. The venue's row is locked while its bookings are checked, so two people booking the
    same hour at once cannot both succeed."""
    Venue.objects.select_for_update().filter(pk=booking.venue_id).first()
    errors = _booking_errors(booking)
    if errors:
        raise ValidationError(errors)
    if booking.created_by_id is None:
        booking.created_by = user_or_none(actor)
    booking.full_clean()
    booking.save()
    access.require_writable(actor, booking)
    return booking


# --- activities ------------------------------------------------------------------------------------


def _time_errors(activity: Activity) -> dict[str, str]:
    if activity.starts_at is None:
        return {"starts_at": _("Give the time the activity starts.")}
    if bounds := date_errors(activity, ["starts_at"]):
        return bounds
    if activity.status == Activity.Status.HELD and activity.starts_at > timezone.now():
        return {"starts_at": _("An activity cannot have been held in the future.")}
    return {}


def hosts_members(hosts: list[Organization]) -> QuerySet[PartyMember]:
    """Members who may take part by name: those of the hosts' subtrees."""
    in_subtrees = Q()
    for host in hosts:
        in_subtrees |= Q(organization__path__startswith=host.path)
    return PartyMember.objects.filter(in_subtrees).exclude(status=PartyMember.Status.TRANSFERRED_OUT)


def activity_errors(
    activity: Activity,
    co_hosts: list[Organization],
    participants: list[PartyMember],
    *,
    eligible: set[int] | None = None,
) -> dict:
    """Why `activity_save` would refuse the activity, by field. `eligible`: the ids of the hosts'
    members, for a bulk loader that holds the rosters; without it, one query asks."""
    errors = _time_errors(activity)
    hosts = [activity.organization, *co_hosts]
    if any(host.kind not in HOSTING_KINDS for host in hosts):
        errors["organization"] = _("Activities are hosted by party organizations, not by this kind of unit.")
    if any(host.park_id != activity.organization.park_id for host in co_hosts):
        errors["co_hosts"] = _("Co-hosts must be organizations of the same park.")
    if activity.venue_id and activity.venue.park_id != activity.organization.park_id:
        errors["venue"] = _("This venue is in another park.")
    if participants and "co_hosts" not in errors:
        if eligible is None:
            asked = hosts_members(hosts).filter(pk__in=[m.pk for m in participants])
            eligible = set(asked.values_list("pk", flat=True))
        outsiders = [member.name for member in participants if member.pk not in eligible]
        if outsiders:
            errors["participants"] = _("Not members of the hosts: %(names)s.") % {"names": "、".join(outsiders)}
    return errors


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    co_hosts: list[Organization] | None = None,
    participants: list[PartyMember] | None = None,
    actor=None,
) -> Activity:
    """Record or change an activity with its co-hosts and participants (None: keep those stored). With a
    venue, the venue is booked for the activity's time, refused when someone else holds it."""
    co_hosts = list(co_hosts) if co_hosts is not None else (list(activity.co_hosts.all()) if activity.pk else [])
    participants = (
        list(participants) if participants is not None else (list(activity.participants.all()) if activity.pk else [])
    )
    co_hosts = [host for host in co_hosts if host.pk != activity.organization_id]
    errors = activity_errors(activity, co_hosts, participants)
    if errors:
        raise ValidationError(errors)
    activity.park_id = activity.organization.park_id
    if activity.created_by_id is None:
        activity.created_by = user_or_none(actor)
    activity.full_clean()
    activity.save()
    activity.co_hosts.set(co_hosts)
    activity.participants.set(participants)
    access.require_writable(actor, activity)
    _book_venue(activity, actor)
    return activity


def _book_venue(activity: Activity, actor) -> None:
    booking = VenueBooking.objects.filter(activity=activity).first()
    if activity.venue_id is None or activity.status == Activity.Status.CANCELLED:
        if booking is not None:
            booking.delete()  # the hold on the venue is released; the activity keeps its record
        return
    booking = booking or VenueBooking(activity=activity)
    booking.venue = activity.venue
    booking.organization = activity.organization
    booking.starts_at = activity.starts_at
    booking.ends_at = activity.starts_at + timedelta(minutes=activity.duration_minutes)
    booking.purpose = activity.title[:150]
    try:
        booking_save(booking=booking, actor=actor)
    except ValidationError as error:
        raise ValidationError({"venue": error.messages}) from error


@transaction.atomic
def photo_add(*, activity: Activity, upload: UploadedFile, actor=None) -> ActivityPhoto:
    access.require_writable(actor, activity)
    return store_upload(ActivityPhoto(activity=activity), upload, actor)


# --- designations ----------------------------------------------------------------------------------


@transaction.atomic
def designation_save(*, designation: Designation, members: list[PartyMember] | None = None, actor=None) -> Designation:
    """A designation of an organization, with members of its subtree."""
    designation.park_id = designation.organization.park_id
    errors = designation_errors(designation, members or [])
    if errors:
        raise ValidationError(errors)
    designation.full_clean()
    designation.save()
    if members is not None:
        designation.members.set(members)
    access.require_writable(actor, designation)
    return designation


def designation_errors(
    designation: Designation, members: list[PartyMember], *, eligible: set[int] | None = None
) -> dict:
    """Why `designation_save` would refuse it: dates in order and not in the future, members from the
    organization's subtree (`eligible`, their ids, when the caller holds the roster)."""
    errors = {}
    if designation.started_on is None:
        errors["started_on"] = _("Give the day the designation starts.")
    elif designation.started_on > timezone.localdate():
        errors["started_on"] = _("A designation cannot start in the future.")
    errors = date_errors(designation, ["started_on", "ended_on"]) | errors
    if designation.ended_on and designation.started_on and designation.ended_on <= designation.started_on:
        errors["ended_on"] = _("A designation ends after it starts.")
    if members:
        if eligible is None:
            eligible = set(hosts_members([designation.organization]).values_list("pk", flat=True))
        outsiders = [member.name for member in members if member.pk not in eligible]
        if outsiders:
            errors["members"] = _("Not members of the organization: %(names)s.") % {"names": "、".join(outsiders)}
    return errors


# --- annual plans ----------------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, plan: AnnualPlan, targets: list[PlanTarget] | None = None, actor=None) -> AnnualPlan:
    """A park's plan for a year, with its targets (replacing the stored ones when given)."""
    errors = {}
    if not year_in_range(plan.year or 0):
        errors["year"] = _("Give a year between 2000 and five years from now.")
    elif AnnualPlan.objects.filter(park_id=plan.park_id, year=plan.year).exclude(pk=plan.pk).exists():
        errors["year"] = _("The park has a plan for this year: change that one.")
    for target in targets or []:
        if target.counts not in PlanTarget.Counts.values or target.kind not in kinds_counted(target.counts):
            errors["targets"] = _("“%(kind)s” is not a kind of %(counts)s.") % {
                "kind": target.kind,
                "counts": target.get_counts_display(),
            }
        elif target.target is None or target.target < 1:
            errors["targets"] = _("A target is at least 1.")
    if targets and len({(t.counts, t.kind) for t in targets}) != len(targets):
        errors["targets"] = _("A kind is targeted twice.")
    if errors:
        raise ValidationError(errors)
    plan.full_clean()
    plan.save()
    if targets is not None:
        for target in targets:
            target.plan = plan
            # A kind the plan targets already is a change of that target (twice in the list is refused above).
            target.full_clean(validate_unique=False, validate_constraints=False)
        sync_rows(plan.targets.all(), targets, key=lambda t: (t.counts, t.kind), fields=["label", "target"])
    access.require_writable(actor, plan)
    return plan
