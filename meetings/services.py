"""Writes about meetings, joint bodies and matters that carry business rules.

API views, pages, the admin and the demo loader call these; each validates everything before it
writes anything and runs in one transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from meetings.models import (
    Attachment,
    Attendance,
    ChairTerm,
    Guest,
    JointBody,
    Matter,
    Meeting,
    MeetingKind,
    MeetingRule,
    Period,
)
from organizations.models import Organization, Park, PartyMember
from parkparty import access
from parkparty.dates import date_errors, year_in_range
from parkparty.history import change_reason_errors, sync_rows
from parkparty.uploads import store_upload

# --- who belongs to a meeting ----------------------------------------------------------------------


def eligible_members(meeting: Meeting) -> QuerySet[PartyMember]:
    """Members who may attend, chair or record: the host's subtree (a branch meeting includes its
    groups), or for a joint meeting the subtrees of the joint body's member organizations."""
    if meeting.host_id is not None:
        paths = [meeting.host.path]
    else:
        paths = list(meeting.joint_body.organizations.values_list("path", flat=True))
    if not paths:
        return PartyMember.objects.none()
    in_subtrees = Q()
    for path in paths:
        in_subtrees |= Q(organization__path__startswith=path)
    return PartyMember.objects.filter(in_subtrees).exclude(status=PartyMember.Status.TRANSFERRED_OUT)


@dataclass(frozen=True)
class AttendanceLine:
    member: PartyMember
    status: str = Attendance.Status.PRESENT
    reason: str = ""


@dataclass(frozen=True)
class GuestLine:
    name: str
    role: str = ""
    enterprise_id: int | None = None


# A year 51 is a typing slip (and Asia/Shanghai had no standard offset then, so such a time cannot even
# be written as RFC 3339): meeting times lie in the fields' DateBounds, checked before anything compares them.


def _time_errors(meeting: Meeting) -> dict[str, str]:
    return date_errors(meeting, ["scheduled_at", "held_at"])


def meeting_errors(
    meeting: Meeting, attendance: list[AttendanceLine], *, eligible: set[int] | None = None
) -> dict[str, str]:
    """Everything `meeting_save` refuses in a meeting and its attendance, by field; empty when it is
    fine. `eligible` is the ids of `eligible_members(meeting)`, for a bulk loader that asked once per
    host; without it, one query asks."""
    errors: dict[str, str] = _time_errors(meeting)
    if errors:
        return errors
    if meeting.status != Meeting.Status.PLANNED and meeting.held_at and meeting.held_at > timezone.now():
        errors["held_at"] = _("A meeting cannot have been held in the future.")
    if meeting.status == Meeting.Status.PLANNED and not meeting.scheduled_at:
        errors["scheduled_at"] = _("Give the time the meeting is planned for.")
    if meeting.host_id and meeting.host.kind not in HOSTING_KINDS:
        errors["host"] = _("Meetings are hosted by party organizations, not by this kind of unit.")
    elif _dissolved_by_then(meeting):
        errors["host"] = _("This organization was dissolved on %(day)s and holds no more meetings.") % {
            "day": date_format(meeting.host.dissolved_on)
        }
    if eligible is None:
        eligible = set(eligible_members(meeting).values_list("pk", flat=True))
    for field in ("chair", "recorder"):
        person = getattr(meeting, field)
        if person is not None and person.pk not in eligible:
            errors[field] = _("The chair and the recorder must be members of the host.")
    outsiders = [line.member.name for line in attendance if line.member.pk not in eligible]
    if outsiders:
        errors["attendance"] = _("Not members of the host: %(names)s.") % {"names": "、".join(outsiders)}
    if any(line.status == Attendance.Status.ABSENT and not line.reason.strip() for line in attendance):
        errors.setdefault("attendance", _("Give a reason for every absence."))
    if len({line.member.pk for line in attendance}) != len(attendance):
        errors.setdefault("attendance", _("A member is listed twice."))
    return errors


def _dissolved_by_then(meeting: Meeting) -> bool:
    """A dissolved organization holds no more meetings: none on or after the day it was dissolved.
    Its earlier minutes stay open to corrections."""
    if meeting.host_id is None:
        return False  # a joint meeting: its body has no dissolution date
    moment = meeting.held_at or meeting.scheduled_at
    dissolved_on = meeting.host.dissolved_on
    return dissolved_on is not None and moment is not None and timezone.localdate(moment) >= dissolved_on


HOSTING_KINDS = (
    Organization.Kind.WORKING_COMMITTEE,
    Organization.Kind.COMMITTEE,
    Organization.Kind.GENERAL_BRANCH,
    Organization.Kind.BRANCH,
    Organization.Kind.GROUP,
    Organization.Kind.DISTRICT_STATION,
    Organization.Kind.ALLIANCE,
)

# Confirmed minutes, their attendance and files are locked (meetings.policies): the branch that wrote
# them reads them, and only a park admin corrects them.
LOCKED = gettext_lazy("These minutes are confirmed and locked: ask a park admin to correct them.")


@transaction.atomic
def meeting_save(
    *,
    meeting: Meeting,
    attendance: list[AttendanceLine] | None = None,
    guests: list[GuestLine] | None = None,
    reason: str = "",
    actor=None,
) -> Meeting:
    """Create or change a meeting with its attendance and guests, all or nothing.

    `attendance` / `guests` replace the lists when given. Confirmed minutes are locked: a change needs
    a `reason`, which the history keeps next to the before and after.
    """
    if meeting.pk:
        _check_unlocked(meeting, reason, actor)
    elif meeting.status == Meeting.Status.CONFIRMED:
        raise ValidationError({"status": _("Minutes are confirmed by a park admin, and stay confirmed.")})
    meeting.park_id = meeting.host.park_id if meeting.host_id else meeting.joint_body.park_id
    lines = attendance if attendance is not None else _current_attendance(meeting)
    errors = meeting_errors(meeting, lines)
    if reason:
        errors |= change_reason_errors(reason, missing="")
    if errors:
        raise ValidationError(errors)
    meeting.full_clean(exclude=["park"])
    if reason:
        meeting._change_reason = reason
    meeting.save()
    if attendance is not None:
        _replace_attendance(meeting, attendance, reason)
    if guests is not None:
        sync_rows(
            meeting.guests.all(),
            [Guest(meeting=meeting, **vars(line)) for line in guests],
            key=_guest_key(),
            fields=["role", "enterprise_id"],
            reason=reason,
        )
    access.require_writable(actor, meeting)
    return meeting


def require_unlocked(*, meeting: Meeting, actor) -> None:
    """Refuse (403) a write on confirmed minutes the actor may not correct, saying why (LOCKED): the API
    and the pages ask before they read the input, so a branch hears "locked", not a field error or a
    bare 403. Minutes not confirmed are left to the write's own checks."""
    if meeting.status == Meeting.Status.CONFIRMED:
        access.require_writable(actor, meeting, LOCKED)


def _check_unlocked(meeting: Meeting, reason: str, actor) -> None:
    stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
    confirmed = Meeting.Status.CONFIRMED
    if stored.status == confirmed:
        access.require_writable(actor, stored, LOCKED)
    if (stored.status == confirmed) != (meeting.status == confirmed):
        raise ValidationError({"status": _("Minutes are confirmed by a park admin, and stay confirmed.")})
    if stored.status == confirmed:
        errors = change_reason_errors(reason, missing=_("The minutes are confirmed: say why they change."))
        if errors:
            raise ValidationError(errors)


def _current_attendance(meeting: Meeting) -> list[AttendanceLine]:
    if not meeting.pk:
        return []
    rows = meeting.attendance.select_related("member")
    return [AttendanceLine(row.member, row.status, row.reason) for row in rows]


def _replace_attendance(meeting: Meeting, lines: list[AttendanceLine], reason: str) -> None:
    """Row by row, so each member's status keeps its before and after (and the change's reason)."""
    wanted = [Attendance(meeting=meeting, member=line.member, status=line.status, reason=line.reason) for line in lines]
    sync_rows(
        meeting.attendance.all(), wanted, key=lambda row: row.member_id, fields=["status", "reason"], reason=reason
    )


def _guest_key():
    """Guests are matched by name (the second of two namesakes with the second), stored rows and new
    ones counted apart: a changed role or firm is a change of that guest, not a new guest."""
    seen: Counter = Counter()

    def key(guest: Guest) -> tuple[str, int]:
        seen[guest.pk is None, guest.name] += 1
        return guest.name, seen[guest.pk is None, guest.name]

    return key


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, actor) -> Meeting:
    """A park admin confirms held minutes; from then on they are locked."""
    access.require_admin(actor, meeting.park_id, _("Only a park admin confirms minutes."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError({"status": _("Only held meetings can be confirmed.")})
    meeting.status = Meeting.Status.CONFIRMED
    meeting._change_reason = _("confirmed")
    meeting.save(update_fields=["status"])
    return meeting


# --- attachments -----------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, meeting: Meeting, upload: UploadedFile, actor=None, reason: str = "") -> Attachment:
    """Attach a photo or PDF. Confirmed minutes are locked: a file added to them needs a reason too,
    which the meeting's history keeps. The stored row decides: a caller's copy may predate the
    confirmation."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    confirmed = meeting.status == Meeting.Status.CONFIRMED
    access.require_writable(actor, meeting, LOCKED if confirmed else "")
    if confirmed:
        errors = change_reason_errors(reason, missing=_("The minutes are confirmed: say why they change."))
        if errors:
            raise ValidationError(errors)
        meeting._change_reason = reason
        meeting.save(update_fields=["status"])  # a history row with the reason; nothing changes (an empty
        # update_fields would skip the save, and the history with it)
    return store_upload(Attachment(meeting=meeting), upload, actor)


# --- rules -----------------------------------------------------------------------------------------

# DOMAIN.md's 三会一课 and related rules: (kind, organization kind, period, times).
DEFAULT_RULES = (
    (MeetingKind.GENERAL_ASSEMBLY, Organization.Kind.BRANCH, Period.QUARTER, 1),
    (MeetingKind.BRANCH_COMMITTEE, Organization.Kind.BRANCH, Period.MONTH, 1),
    (MeetingKind.PARTY_LESSON, Organization.Kind.BRANCH, Period.QUARTER, 1),
    (MeetingKind.THEME_DAY, Organization.Kind.BRANCH, Period.MONTH, 1),
    (MeetingKind.LIFE_MEETING, Organization.Kind.BRANCH, Period.YEAR, 1),
    (MeetingKind.DEMOCRATIC_APPRAISAL, Organization.Kind.BRANCH, Period.YEAR, 1),
    (MeetingKind.GROUP_MEETING, Organization.Kind.GROUP, Period.MONTH, 1),
)


@transaction.atomic
def rules_install_defaults(*, park: Park, actor=None) -> int:
    """Write the default rules the park does not have yet; returns how many were added."""
    access.require_admin(actor, park.pk, _("Only a park admin sets the park's meeting rules."))
    existing = set(park.meeting_rules.values_list("kind", "organization_kind"))
    rules = [
        MeetingRule(park=park, kind=kind, organization_kind=org_kind, period=period, times=times)
        for kind, org_kind, period, times in DEFAULT_RULES
        if (kind, org_kind) not in existing
    ]
    bulk_create_with_history(rules, MeetingRule)
    return len(rules)


def meeting_rule_errors(rule: MeetingRule) -> dict[str, str]:
    errors = {}
    if rule.organization_kind not in Organization.Kind.values:
        errors["organization_kind"] = _("Choose a kind of organization.")
    duplicate = MeetingRule.objects.filter(
        park_id=rule.park_id, kind=rule.kind, organization_kind=rule.organization_kind
    ).exclude(pk=rule.pk)
    if "organization_kind" not in errors and duplicate.exists():
        errors["kind"] = _("The park has a rule for this kind of meeting and organization: change that one.")
    if rule.pk and MeetingRule.objects.filter(pk=rule.pk).exclude(park_id=rule.park_id).exists():
        errors["park"] = _("A meeting rule cannot move to another park.")
    return errors


@transaction.atomic
def meeting_rule_save(*, rule: MeetingRule, actor=None) -> MeetingRule:
    """Add or change one of the park's rules: at least `times` meetings of a kind per period for every
    organization of a kind. The compliance figures read them as they are now, for past months too."""
    access.require_admin(actor, rule.park_id, _("Only a park admin sets the park's meeting rules."))
    errors = meeting_rule_errors(rule)
    if errors:
        raise ValidationError(errors)
    rule.full_clean()
    rule.save()
    return rule


# --- joint bodies ----------------------------------------------------------------------------------


def _term_starts(joint_body: JointBody, year: int) -> list[date]:
    """The first days of the year's months (or quarters), from the one the body was founded in."""
    step = 1 if joint_body.cadence == Period.MONTH else 3
    founded = joint_body.established_on
    founding_term = date(founded.year, (founded.month - 1) // step * step + 1, 1)
    return [start for month in range(1, 13, step) if (start := date(year, month, 1)) >= founding_term]


@transaction.atomic
def chair_schedule_generate(*, joint_body: JointBody, year: int, actor) -> list[ChairTerm]:
    """The year's rotating chairs: the rotation list in order, carrying on from the last chair before
    the year. Idempotent: terms already in the year are kept, and asking twice changes nothing."""
    access.require_admin(actor, joint_body.park_id, _("Only a park admin sets the rotating chairs."))
    seats = list(joint_body.seats.select_related("enterprise"))
    if not seats:
        raise ValidationError({"seats": _("The joint body has no rotation list.")})
    if not year_in_range(year):
        raise ValidationError({"year": _("Give a year between 2000 and five years from now.")})
    if year < joint_body.established_on.year:
        raise ValidationError({"year": _("The joint body was founded after this year.")})
    existing = {term.starts_on: term for term in joint_body.terms.filter(starts_on__year=year)}
    previous = joint_body.terms.filter(starts_on__lt=date(year, 1, 1)).order_by("-starts_on").first()
    order = [seat.enterprise_id for seat in seats]
    index = (
        (order.index(previous.enterprise_id) + 1) % len(order) if previous and previous.enterprise_id in order else 0
    )
    terms = []
    for starts_on in _term_starts(joint_body, year):
        term = existing.get(starts_on)
        if term is None:
            term = ChairTerm.objects.create(joint_body=joint_body, starts_on=starts_on, enterprise_id=order[index])
        # A chair whose enterprise has since left the rotation is kept; the next term takes the next seat.
        index = (order.index(term.enterprise_id) + 1 if term.enterprise_id in order else index + 1) % len(order)
        terms.append(term)
    return terms


def chair_on(joint_body: JointBody, on: date) -> ChairTerm | None:
    """The term in force on a day: the latest that started on or before it."""
    return joint_body.terms.filter(starts_on__lte=on).order_by("-starts_on").select_related("enterprise").first()


# --- matters ---------------------------------------------------------------------------------------


def matter_errors(matter: Matter) -> dict[str, str]:
    """Every reason this matter cannot stand, keyed by field; empty when it is fine."""
    errors: dict[str, str] = {}
    if matter.status in Matter.DONE:
        if not matter.resolution.strip():
            errors["resolution"] = _("Say how the matter was resolved or why it was closed.")
        if not matter.resolved_on:
            errors["resolved_on"] = _("Give the day the matter was resolved or closed.")
    elif matter.resolved_on:
        errors["resolved_on"] = _("An open matter has no resolution date.")
    if matter.resolved_on and matter.raised_on and matter.resolved_on < matter.raised_on:
        errors["resolved_on"] = _("A matter cannot be resolved before it was raised.")
    if matter.raised_on and matter.raised_on > timezone.localdate():
        errors["raised_on"] = _("A matter cannot be raised in the future.")
    if matter.resolved_on and matter.resolved_on > timezone.localdate():
        errors["resolved_on"] = _("A matter cannot be resolved in the future.")
    if matter.source == Matter.Source.MEETING and not matter.meeting_id:
        errors["meeting"] = _("Name the meeting the matter was raised at.")
    for field in ("meeting", "organization", "enterprise"):
        related = getattr(matter, field)
        if related is not None and related.park_id != matter.park_id:
            errors[field] = _("This belongs to another park.")
    return errors


@transaction.atomic
def matter_save(*, matter: Matter, actor=None) -> Matter:
    errors = matter_errors(matter)
    if errors:
        raise ValidationError(errors)
    matter.full_clean()
    matter.save()
    access.require_writable(actor, matter)
    return matter


def matter_days_to_resolve(matter: Matter) -> int | None:
    if matter.resolved_on is None:
        return None
    return (matter.resolved_on - matter.raised_on).days
