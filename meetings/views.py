"""Pages of meetings (三会一课, joint meetings): logging one from a phone, its page and its files, the
calendar, the committee's compliance table, joint bodies with their rotating chairs, and the matters board.

Every queryset starts from `access.visible` (outside the user's scope a row does not exist: 404); a
write the user may not make is refused (403); writes go through `meetings.services`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from meetings.api import MATTER_SHEET, MEETING_SHEET
from meetings.forms import (
    CalendarForm,
    ComplianceForm,
    MatterFilterForm,
    MatterForm,
    MatterStatusForm,
    MeetingForm,
)
from meetings.models import Attachment, Attendance, ChairTerm, JointBody, Matter, Meeting, MeetingKind, Period
from meetings.selectors import (
    MONTHS_IN,
    Requirement,
    add_months,
    attendance_rate,
    compliance,
    compliance_for_month,
    meeting_history,
    overdue,
    window_containing,
)
from meetings.services import (
    LOCKED,
    attachment_add,
    chair_on,
    chair_schedule_generate,
    eligible_members,
    matter_days_to_resolve,
    matter_save,
    meeting_confirm,
    meeting_save,
    require_unlocked,
)
from organizations.models import Organization, Park, PartyMember
from parkparty import access
from parkparty.dates import local_datetime
from parkparty.exports import page_export
from parkparty.figures import rate
from parkparty.pages import chosen_row
from parkparty.relations import related_rows
from parkparty.uploads import private_file_response

# --- who may do what -------------------------------------------------------------------------------


def meeting_hosts(user) -> QuerySet[Organization]:
    """The organizations the user may log meetings for (and raise matters for).

    A new meeting is the user's to write when it would be in `access.writable(user, Meeting)`, whose
    policy writes by park for a park admin and by the host's path for a secretary: the organizations
    of a park admin's parks and of a secretary's subtrees, which is `access.organizations_in_charge`.
    `access.visible(user, Organization)` alone would also hold a viewer's parks, which are read-only.
    A dissolved organization holds no more meetings.
    """
    organizations = access.visible(user, Organization).filter(dissolved_on__isnull=True)
    return access.organizations_in_charge(user, organizations)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- logging and editing a meeting -----------------------------------------------------------------


@login_required
def meeting_log(request):
    """Log a held meeting for one host: every member listed present, a photo, in under a minute."""
    user = request.user
    hosts = list(meeting_hosts(user).select_related("park"))
    host = chosen_row(request, "host", hosts, access.visible(request.user, Organization))
    meeting = Meeting(host=host, status=Meeting.Status.HELD, created_by=user)
    form = _meeting_form(request, meeting, initial=_log_defaults(host) if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid() and _save_meeting(request, form, meeting):
        messages.success(request, _("The meeting is logged."))
        return redirect("meeting-detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "hosts": hosts})


def _log_defaults(host: Organization) -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {"kind": _likely_kind(host, now.date()), "held_at": now}


def _likely_kind(host: Organization, today: date) -> str:
    """The kind most often due that the host still owes in the month or quarter running now (a monthly
    one first); a theme party day when nothing is owed. Half years and years are left out: their
    meetings are rare, and a year's window would make the count read the whole park's year."""
    windows = {period: window_containing(period, today.replace(day=1)) for period in (Period.MONTH, Period.QUARTER)}
    rows = compliance(park_ids=[host.park_id], windows=windows, organizations=Organization.objects.filter(pk=host.pk))
    owed = [r for row in rows for r in row.requirements if not r.met]
    owed.sort(key=lambda r: (MONTHS_IN[r.period], list(MeetingKind.values).index(r.kind)))
    return owed[0].kind if owed else MeetingKind.THEME_DAY


def attendance_roster(meeting: Meeting) -> QuerySet[PartyMember]:
    """Who the attendance sheet lists: the host's own roster and its party groups' (a branch meeting
    includes its groups), and the secretaries of the organizations right under it (a committee's
    monthly meeting is theirs); for a joint meeting, the member organizations' secretaries. Not the
    whole subtree that `eligible_members` allows: a park committee's would be hundreds of rows."""
    eligible = eligible_members(meeting)
    if meeting.host_id is None:
        return eligible.filter(pk__in=meeting.joint_body.organizations.values("secretary"))
    host = meeting.host
    children = Organization.objects.filter(path__startswith=host.path, depth=host.depth + 1)
    groups = children.filter(kind=Organization.Kind.GROUP)
    return eligible.filter(
        Q(organization=host)
        | Q(organization__in=groups)
        | Q(pk__in=children.exclude(pk__in=groups).values("secretary"))
    )


def _meeting_form(request, meeting: Meeting, **kwargs) -> MeetingForm:
    user = request.user
    members = access.visible(user, PartyMember)
    recorded = kwargs.pop("recorded", None)
    roster = members.filter(Q(pk__in=attendance_roster(meeting).values("pk")) | Q(pk__in=list(recorded or ())))
    return MeetingForm(
        request.POST or None,
        request.FILES or None,
        roster=list(roster.select_related("organization").order_by("name", "pk")),
        members=members,
        venues=access.visible(user, related_rows(Meeting, "venue"))
        .filter(park_id=_park_id(meeting))
        .select_related("owner"),
        recorded=recorded,
        **kwargs,
    )


def _park_id(meeting: Meeting) -> int:
    return meeting.host.park_id if meeting.host_id else meeting.joint_body.park_id


FORM_FIELDS = ("kind", "held_at", "topic", "minutes", "decisions", "place", "venue", "chair", "recorder")


def _save_meeting(request, form: MeetingForm, meeting: Meeting, previous_guests=()) -> bool:
    """Meeting, attendance, guests and files all or nothing: a bad file saves nothing at all.

    A file already stored when a later one is refused is removed again: the database rolls back, the
    disk does not.
    """
    data = form.cleaned_data
    for name in FORM_FIELDS:
        setattr(meeting, name, data[name])
    was_new, stored = meeting.pk is None, []
    try:
        with transaction.atomic():
            meeting_save(
                meeting=meeting,
                attendance=form.attendance_lines(),
                guests=form.guest_lines(previous_guests),
                reason=data.get("reason", ""),
                actor=request.user,
            )
            for upload in data["attachments"]:
                stored.append(_attach(meeting, upload, request.user, data.get("reason", "")))
    except ValidationError as error:
        for attachment in stored:
            attachment.file.delete(save=False)
        if was_new:
            meeting.pk, meeting._state.adding = None, True
        form.add_service_errors(error)
        return False
    return True


def _attach(meeting: Meeting, upload, user, reason: str) -> Attachment:
    try:
        return attachment_add(meeting=meeting, upload=upload, actor=user, reason=reason)
    except ValidationError as error:
        # Name the file: a phone's photos are picked several at a time.
        raise ValidationError({"file": [f"{upload.name}: {text}" for text in error.messages]}) from error


@login_required
def meeting_edit(request, pk: int):
    """The log form for a recorded meeting; confirmed minutes change only with a reason, kept in history."""
    user = request.user
    meeting = get_object_or_404(access.visible(user, Meeting).select_related("host", "joint_body"), pk=pk)
    try:
        require_unlocked(meeting=meeting, actor=user)
    except PermissionDenied as refusal:
        # Django's 403 page shows no reason; the branch should read why it cannot edit.
        context = {"meeting": meeting, "message": str(refusal)}
        return render(request, "meetings/meeting_locked.html", context, status=403)
    if not access.can_write(user, meeting):
        raise PermissionDenied
    previous_guests = list(meeting.guests.all())
    recorded = {row.member_id: (row.status, row.reason) for row in meeting.attendance.all()}
    form = _meeting_form(
        request,
        meeting,
        initial={name: getattr(meeting, name) for name in FORM_FIELDS},
        recorded=recorded,
        guests=previous_guests,
        locked=meeting.status == Meeting.Status.CONFIRMED,
    )
    if request.method == "POST" and form.is_valid():
        if meeting.status == Meeting.Status.PLANNED:
            meeting.status = Meeting.Status.HELD  # the log form records that it took place
        if _save_meeting(request, form, meeting, previous_guests):
            messages.success(request, _("The meeting is saved."))
            return redirect("meeting-detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "editing": True})


# --- a meeting's page, its files, confirming it ----------------------------------------------------


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = get_object_or_404(
        access.visible(user, Meeting).select_related(
            "park", "host", "joint_body", "venue", "chair", "recorder", "created_by"
        ),
        pk=pk,
    )
    attendance = list(meeting.attendance.select_related("member__organization"))
    context = {
        "meeting": meeting,
        "attendance": attendance,
        "tally": {status: sum(row.status == status for row in attendance) for status in Attendance.Status.values},
        "attendance_rate": attendance_rate(meeting),
        "guests": meeting.guests.select_related("enterprise"),
        "attachments": access.visible(user, Attachment).filter(meeting=meeting),
        "matters": access.visible(user, Matter).filter(meeting=meeting).select_related("enterprise"),
        "history": meeting_history(meeting),
        "can_edit": access.can_write(user, meeting),
        "locked_message": LOCKED,
        "can_confirm": meeting.status == Meeting.Status.HELD and access.administers(user, meeting.park_id),
        "can_raise": access.may_write_any(user, Matter),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_POST
def meeting_confirm_view(request, pk: int):
    meeting = get_object_or_404(access.visible(request.user, Meeting), pk=pk)
    try:
        meeting_confirm(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The minutes are confirmed and now locked."))
    return redirect("meeting-detail", meeting.pk)


@login_required
def meeting_attachment(request, pk: int):
    """A meeting's photo or PDF, streamed to those who may see the meeting. The files live under
    MEDIA_ROOT, which no URL serves: this view is the only way to them."""
    attachment = get_object_or_404(access.visible(request.user, Attachment), pk=pk)
    return private_file_response(attachment)


# --- the calendar ----------------------------------------------------------------------------------


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    meetings: list[Meeting] = field(default_factory=list)


@login_required
def meeting_calendar(request):
    """A month of an organization's meetings (its subtree's too): a grid, a list of days on a phone."""
    user = request.user
    today = timezone.localdate()
    hosts = list(access.visible(user, Organization).select_related("park").order_by("path"))
    form = CalendarForm(request.GET or None, hosts=hosts)
    form.is_valid()  # a bad month is shown as an error; the current month is shown instead
    host = form.chosen_host()
    month = form.chosen("month", today.replace(day=1))
    weeks = []
    if host is not None:
        weeks = _month_grid(month, today, _meetings_in(access.visible(user, Meeting), host, month))
    context = {
        "form": form,
        "host": host,
        "month": month,
        "previous": add_months(month, -1).strftime("%Y-%m"),
        "next": add_months(month, 1).strftime("%Y-%m"),
        "weeks": weeks,
        "weekdays": weeks[0] if weeks else [],
        "count": sum(len(day.meetings) for week in weeks for day in week),
        "can_log": host is not None and meeting_hosts(user).filter(pk=host.pk).exists(),
    }
    return render(request, "meetings/calendar.html", context)


def _meetings_in(meetings: QuerySet[Meeting], host: Organization, month: date) -> list[Meeting]:
    """Held in the month, or planned for it: one query."""
    return list(_in_month(meetings, host, month).select_related("host"))


def _in_month(meetings: QuerySet[Meeting], host: Organization, month: date) -> QuerySet[Meeting]:
    start, end = local_datetime(month), local_datetime(add_months(month, 1))
    held = Q(held_at__gte=start, held_at__lt=end)
    planned = Q(held_at__isnull=True, scheduled_at__gte=start, scheduled_at__lt=end)
    return meetings.filter(held | planned, host__path__startswith=host.path)


@login_required
def meeting_export(request):
    """The calendar's month of the chosen organization's meetings (its subtree's too), in the API's
    columns; with no organization chosen, nothing (the calendar shows nothing either)."""
    user = request.user
    hosts = list(access.visible(user, Organization).select_related("park").order_by("path"))
    form = CalendarForm(request.GET or None, hosts=hosts)
    form.is_valid()
    host = form.chosen_host()
    meetings = access.visible(user, Meeting)
    if host is None:
        meetings = meetings.none()
    else:
        meetings = _in_month(meetings, host, form.chosen("month", timezone.localdate().replace(day=1)))
    return page_export(request, MEETING_SHEET, meetings.order_by("held_at", "scheduled_at", "pk"))


def _month_grid(month: date, today: date, meetings: list[Meeting]) -> list[list[Day]]:
    by_day: dict[date, list[Meeting]] = {}
    for meeting in meetings:
        when = timezone.localtime(meeting.held_at or meeting.scheduled_at)
        meeting.local_time = when
        by_day.setdefault(when.date(), []).append(meeting)
    for items in by_day.values():
        items.sort(key=lambda item: item.local_time)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return [[Day(day, day.month == month.month, day == today, by_day.get(day, [])) for day in week] for week in weeks]


# --- compliance ------------------------------------------------------------------------------------


@dataclass
class Cell:
    month: date
    status: str  # met, missed, open (the month is running), none (nothing due), future
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """What the cell's colour stands for, e.g. "支委会 1/1 · 主题党日 0/1" (a tooltip, and read aloud)."""
        return " · ".join(f"{MeetingKind(r.kind).label} {r.held}/{r.required}" for r in self.requirements)


@dataclass
class ComplianceRow:
    organization: Organization
    cells: list[Cell]
    level: int = 0


@login_required
def meeting_compliance(request):
    """Branches and groups × the months of a year, each month coloured by the requirements closing in
    it; and the overdue list. Rows are the organizations the user may see (a secretary's subtree)."""
    user = request.user
    today = timezone.localdate()
    form = ComplianceForm(request.GET or None, parks=list(access.visible(user, Park)))
    form.is_valid()
    park = form.chosen_park()
    year = form.value("year", today.year)
    context = {"form": form, "park": park, "year": year, "months": [date(year, m, 1) for m in range(1, 13)]}
    if park is not None:
        organizations = access.visible(user, Organization)
        rows = compliance_table(park, year, today, organizations)
        missed = _overdue_by_organization(overdue(park_ids=[park.pk], today=today, organizations=organizations))
        context.update(
            rows=rows,
            totals=_totals(rows),
            overdue=missed,
            overdue_count=sum(len(entry.missed) for entry in missed),
            previous_year=year - 1,
            next_year=year + 1,
        )
    return render(request, "meetings/compliance.html", context)


def compliance_table(park: Park, year: int, today: date, organizations: QuerySet) -> list[ComplianceRow]:
    """Three queries per month up to the current one (`compliance_for_month`), whatever the number of
    organizations; later months are "future" without a query."""
    this_month = today.replace(day=1)
    months = [date(year, m, 1) for m in range(1, 13)]
    rows: dict[int, ComplianceRow] = {}
    for index, month in enumerate(months):
        if month > this_month:
            break
        for result in compliance_for_month(park_ids=[park.pk], month=month, organizations=organizations):
            row = rows.get(result.organization.pk)
            if row is None:
                cells = [Cell(m, "future" if m > this_month else "none") for m in months]
                row = rows[result.organization.pk] = ComplianceRow(result.organization, cells)
            row.cells[index] = Cell(month, _cell_status(result.requirements, month == this_month), result.requirements)
    ordered = sorted(rows.values(), key=lambda row: row.organization.path)
    top = min((row.organization.depth for row in ordered), default=1)
    for row in ordered:
        row.level = row.organization.depth - top
    return ordered


def _cell_status(requirements: list[Requirement], running: bool) -> str:
    if not requirements:
        return "none"
    if all(r.met for r in requirements):
        return "met"
    return "open" if running else "missed"


@dataclass
class Overdue:
    organization: Organization
    missed: list[tuple[str, str, Requirement]]  # (kind's name, period's name, requirement)


def _overdue_by_organization(items: list[tuple[Organization, Requirement]]) -> list[Overdue]:
    """One line per organization (a branch that missed a month usually misses several requirements)."""
    grouped: dict[int, Overdue] = {}
    for organization, requirement in items:
        entry = grouped.setdefault(organization.pk, Overdue(organization, []))
        entry.missed.append((MeetingKind(requirement.kind).label, period_name(requirement), requirement))
    return sorted(grouped.values(), key=lambda entry: entry.organization.path)


def period_name(requirement: Requirement) -> str:
    """The window a requirement was due in: "2026年10月", "2026 Q3", "first half of 2026", "the year 2025"."""
    start = requirement.window[0]
    if requirement.period == Period.MONTH:
        return formats.date_format(start, "YEAR_MONTH_FORMAT")
    if requirement.period == Period.QUARTER:
        return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    if requirement.period == Period.HALF_YEAR:
        half = _("first half of %(year)s") if start.month == 1 else _("second half of %(year)s")
        return half % {"year": start.year}
    return _("the year %(year)s") % {"year": start.year}


def _totals(rows: list[ComplianceRow]) -> dict:
    """Requirements of the closed months: how many, how many met."""
    closed = [r for row in rows for cell in row.cells if cell.status in ("met", "missed") for r in cell.requirements]
    met = sum(r.met for r in closed)
    return {"required": len(closed), "met": met, "rate": rate(met, len(closed))}


# --- joint bodies ----------------------------------------------------------------------------------


@login_required
def joint_body_list(request):
    today = timezone.localdate()
    chair = ChairTerm.objects.filter(joint_body=OuterRef("pk"), starts_on__lte=today).order_by("-starts_on")
    bodies = (
        access.visible(request.user, JointBody)
        .select_related("park")
        .annotate(
            chair_name=Subquery(chair.values("enterprise__name")[:1]),
            organization_count=Count("organizations", distinct=True),
            enterprise_count=Count("enterprises", distinct=True),
        )
        .order_by("park__name", "name")
    )
    return render(request, "meetings/joint_body_list.html", {"bodies": bodies})


@login_required
def joint_body_detail(request, pk: int):
    """Members, rotation list, a year's chairs (this term's and the next highlighted), its meetings."""
    user = request.user
    body = get_object_or_404(access.visible(user, JointBody).select_related("park"), pk=pk)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    current = chair_on(body, today)
    following = chair_on(body, window_containing(body.cadence, today.replace(day=1))[1])
    organizations = list(body.organizations.order_by("path"))
    enterprises = list(body.enterprises.order_by("name"))
    context = {
        "body": body,
        "year": year,
        "terms": body.terms.filter(starts_on__year=year).select_related("enterprise"),
        "current": current,
        "following": following if following and following != current else None,
        "seats": body.seats.select_related("enterprise"),
        "organizations": organizations,
        "enterprises": enterprises,
        "openable_organizations": _openable(user, Organization, organizations),
        "openable_enterprises": _openable(user, Enterprise, enterprises),
        "meetings": access.visible(user, Meeting)
        .filter(Q(held_at__year=year) | Q(held_at__isnull=True, scheduled_at__year=year), joint_body=body)
        .select_related("chair"),
        "can_generate": access.can_write(user, body),
    }
    return render(request, "meetings/joint_body_detail.html", context)


def _year(raw: str | None, default: int) -> int:
    try:
        year = int(raw or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _openable(user, model, rows: list) -> set[int]:
    """Which of these the user may open, so the page links only to pages that exist for them."""
    return set(access.visible(user, model).filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True))


@login_required
@require_POST
def joint_body_schedule(request, pk: int):
    """Generate a year's rotating chairs (idempotent: terms already there are kept)."""
    body = get_object_or_404(access.visible(request.user, JointBody), pk=pk)
    year = _year(request.POST.get("year"), timezone.localdate().year)
    try:
        terms = chair_schedule_generate(joint_body=body, year=year, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The %(year)s schedule has %(count)s terms.") % {"year": year, "count": len(terms)})
    return redirect(f"{reverse('joint-body-detail', args=[body.pk])}?year={year}")


# --- matters ---------------------------------------------------------------------------------------

# Cards per column; the column's count says how many match in all. Done work shows only its latest:
# a year of a busy park is a hundred resolved matters, and a phone stacks the columns.
BOARD_LIMIT = {
    Matter.Status.OPEN: 50,
    Matter.Status.IN_PROGRESS: 50,
    Matter.Status.RESOLVED: 12,
    Matter.Status.CLOSED: 12,
}


@dataclass
class Column:
    status: str
    label: str
    cards: list[Matter]
    count: int


@login_required
def matter_board(request):
    """Matters by status. Queries: the parks, the counts, one per column, which cards the user may change."""
    user = request.user
    today = timezone.localdate()
    form = MatterFilterForm(request.GET or None, parks=list(access.visible(user, Park)))
    form.is_valid()
    matters = form.filter(access.visible(user, Matter), today)
    counts = dict(matters.order_by().values_list("status").annotate(n=Count("pk")))
    columns = [
        Column(status, label, _column(matters, status), counts.get(status, 0))
        for status, label in Matter.Status.choices
    ]
    cards = [card for column in columns for card in column.cards]
    may_write = set(access.writable(user, Matter).filter(pk__in=[c.pk for c in cards]).values_list("pk", flat=True))
    for card in cards:
        card.is_overdue = bool(card.due_on and card.due_on < today and card.status not in Matter.DONE)
        card.days = matter_days_to_resolve(card) if card.status in Matter.DONE else (today - card.raised_on).days
        card.may_write = card.pk in may_write
    context = {
        "form": form,
        "columns": columns,
        "today": today,
        "status_choices": Matter.Status.choices,
        "can_raise": access.may_write_any(user, Matter),
    }
    return render(request, "meetings/matter_board.html", context)


@login_required
def matter_export(request):
    """The board's matters as filtered, every one of them (the board shows the first of each column)."""
    user = request.user
    form = MatterFilterForm(request.GET or None, parks=list(access.visible(user, Park)))
    form.is_valid()
    matters = form.filter(access.visible(user, Matter), timezone.localdate())
    return page_export(request, MATTER_SHEET, matters.order_by("-raised_on", "-pk"))


def _column(matters: QuerySet[Matter], status: str) -> list[Matter]:
    # Open work by due date (undated last); done work latest first.
    order = ["-resolved_on", "-pk"] if status in Matter.DONE else ["due_on", "raised_on", "pk"]
    rows = matters.filter(status=status).select_related("enterprise", "organization", "park").order_by(*order)
    return list(rows[: BOARD_LIMIT[status]])


@login_required
def matter_status(request, pk: int):
    """Move a matter on. Resolved or closed needs a resolution and a day: refused otherwise, nothing saved."""
    user = request.user
    matter = get_object_or_404(access.visible(user, Matter).select_related("enterprise"), pk=pk)
    if not access.can_write(user, matter):
        raise PermissionDenied
    today = timezone.localdate()
    initial = {"status": matter.status, "resolution": matter.resolution, "resolved_on": matter.resolved_on or today}
    form = MatterStatusForm(request.POST or None, initial=initial)
    back = _safe_next(request, reverse("matter-board"))
    if request.method == "POST" and form.is_valid():
        try:
            matter_save(matter=form.apply(matter), actor=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
            matter.refresh_from_db()
        else:
            messages.success(request, _("“%(title)s” is now %(status)s.") % {
                "title": matter.title, "status": matter.get_status_display()})  # fmt: skip
            return redirect(back)
    return render(request, "meetings/matter_status.html", {"form": form, "matter": matter, "back": back})


@login_required
def matter_new(request):
    """Raise a matter: an admin in their parks, a secretary for their organization, an instructor for
    one of their enterprises. Whether the new matter is the user's to write is asked of the access
    module itself, before the transaction commits."""
    user = request.user
    if not access.may_write_any(user, Matter):
        raise PermissionDenied
    form = _matter_form(request)
    if request.method == "POST" and form.is_valid():
        matter = form.matter(user)
        try:
            with transaction.atomic():
                matter_save(matter=matter)
                if not access.can_write(user, matter):
                    raise ValidationError({form.required_field or "organization": _(
                        "You may raise matters only for your organizations or your enterprises.")})  # fmt: skip
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The matter is raised."))
            return redirect("matter-board")
    return render(request, "meetings/matter_form.html", {"form": form})


def _matter_form(request) -> MatterForm:
    user = request.user
    scope = access.scope_of(user)
    parks = list(access.in_parks_worked_in(user, access.visible(user, Park)))
    # An admin picks freely; a secretary names their organization; an instructor their enterprise.
    require = None if scope.is_admin else "organization" if scope.is_secretary else "enterprise"
    recent = timezone.now() - timedelta(days=120)
    # Instructors raise what they find on their visits; a meeting's page passes the meeting along.
    initial = {"source": Matter.Source.VISIT if require == "enterprise" else Matter.Source.RED_PROXY}
    initial |= {name: request.GET[name] for name in ("meeting", "source", "organization") if request.GET.get(name)}
    form = MatterForm(
        request.POST or None,
        initial=initial,
        parks=parks,
        meetings=access.visible(user, Meeting).filter(park__in=parks, held_at__gte=recent).order_by("-held_at"),
        enterprises=access.visible(user, Enterprise).filter(park__in=parks).order_by("name"),
        organizations=meeting_hosts(user).filter(park__in=parks),
        require=require,
    )
    form.required_field = require
    return form
