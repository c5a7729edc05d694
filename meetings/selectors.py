"""Reads over meetings and matters shared by the API, pages and reports. Counting runs in SQL.

Compliance: every rule has windows that line up with calendar months (a month, a quarter, a half
year, a year). Meetings held are counted once per (host, kind, month) in one query; a window's count
is the sum of its months, so a year of compliance for a whole park costs three queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from meetings.models import Attendance, ChairTerm, Guest, JointBody, Matter, Meeting, MeetingRule, Period
from organizations.models import Organization, PartyMember
from organizations.selectors import organizations_existing
from parkparty.dates import add_months, local_datetime, quarter_bounds
from parkparty.figures import rate
from parkparty.history import Revision, Source, revisions

if TYPE_CHECKING:
    from enterprises.models import Enterprise

MONTHS_IN = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}

# --- windows ---------------------------------------------------------------------------------------


def window_containing(period: str, month: date) -> tuple[date, date]:
    """[first month, first month after) of the period's window that contains `month`."""
    size = MONTHS_IN[period]
    start = date(month.year, (month.month - 1) // size * size + 1, 1)
    return start, add_months(start, size)


def windows_ending_in(month: date) -> dict[str, tuple[date, date]]:
    """The windows that close with this month: always the month; a quarter in March, June…"""
    windows = {}
    for period in MONTHS_IN:
        start, end = window_containing(period, month)
        if end == add_months(month, 1):
            windows[period] = (start, end)
    return windows


def windows_last_closed(today: date) -> dict[str, tuple[date, date]]:
    """For each period, the latest window that has closed before today: what is overdue now."""
    this_month = today.replace(day=1)
    return {period: window_containing(period, add_months(window_containing(period, this_month)[0], -1))
            for period in MONTHS_IN}  # fmt: skip


# --- counting --------------------------------------------------------------------------------------


def held_meetings(park_ids: list[int]) -> QuerySet[Meeting]:
    return Meeting.objects.filter(park_id__in=park_ids, status__in=[Meeting.Status.HELD, Meeting.Status.CONFIRMED])


def monthly_counts(park_ids: list[int], start: date, end: date, hosts: QuerySet | None = None) -> Counter:
    """Meetings held per (host id, kind, first day of month) in [start, end): one query. `hosts`
    narrows the count (a secretary's subtree) instead of counting the whole park."""
    meetings = held_meetings(park_ids)
    if hosts is not None:
        meetings = meetings.filter(host__in=hosts.values("pk"))
    rows = (
        meetings.filter(host__isnull=False, held_at__gte=local_datetime(start), held_at__lt=local_datetime(end))
        .annotate(month=TruncMonth("held_at"))
        .values("host_id", "kind", "month")
        .annotate(n=Count("pk"))
    )
    counts: Counter = Counter()
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        counts[(row["host_id"], row["kind"], month.replace(day=1))] += row["n"]
    return counts


def _count_in(counts: Counter, host_id: int, kind: str, window: tuple[date, date]) -> int:
    start, end = window
    total, month = 0, start
    while month < end:
        total += counts.get((host_id, kind, month), 0)
        month = add_months(month, 1)
    return total


# --- compliance ------------------------------------------------------------------------------------


@dataclass
class Requirement:
    kind: str
    period: str
    window: tuple[date, date]
    required: int
    held: int

    @property
    def met(self) -> bool:
        return self.held >= self.required


@dataclass
class OrganizationCompliance:
    organization: Organization
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def required(self) -> int:
        return sum(r.required for r in self.requirements)

    @property
    def held(self) -> int:
        """Meetings that count towards the requirements (more than required does not make up for a miss)."""
        return sum(min(r.held, r.required) for r in self.requirements)

    @property
    def rate(self):
        from parkparty.figures import rate

        return rate(self.held, self.required)


def _rules_by_park_and_kind(park_ids: list[int], periods) -> dict:
    rules = defaultdict(list)
    for rule in MeetingRule.objects.filter(park_id__in=park_ids, period__in=list(periods)):
        rules[(rule.park_id, rule.organization_kind)].append(rule)
    return rules


def _owes(organization: Organization, window: tuple[date, date]) -> bool:
    """An organization owes a window's meetings if it existed for all of it: a branch founded in
    mid-quarter owes that quarter nothing yet, but owes the next month's."""
    start, end = window
    dissolved = organization.dissolved_on
    return organization.established_on <= start and (dissolved is None or dissolved >= end)


def compliance(
    *, park_ids: list[int], windows: dict[str, tuple[date, date]], organizations: QuerySet | None = None
) -> list[OrganizationCompliance]:
    """Required against held, per organization, for the given windows (by period). Three queries."""
    rules = _rules_by_park_and_kind(park_ids, windows)
    if not rules or not windows:
        return []
    start = min(w[0] for w in windows.values())
    end = max(w[1] for w in windows.values())
    kinds = {org_kind for _park, org_kind in rules}
    candidates = organizations_existing(park_ids, start, end, kinds=kinds)
    if organizations is not None:
        candidates = candidates.filter(pk__in=organizations.values("pk"))
    counts = monthly_counts(park_ids, start, end, hosts=None if organizations is None else candidates)
    result = []
    for organization in candidates:
        row = OrganizationCompliance(organization)
        for rule in rules.get((organization.park_id, organization.kind), []):
            window = windows[rule.period]
            if _owes(organization, window):
                held = _count_in(counts, organization.pk, rule.kind, window)
                row.requirements.append(Requirement(rule.kind, rule.period, window, rule.times, held))
        if row.requirements:
            result.append(row)
    return result


@dataclass(frozen=True)
class RequiredMeeting:
    """One of the meetings a requirement asks for: the `slot`-th of its `required`, held if at least that
    many were. A month's required meetings are the rows behind stats/meetings: their number is `required`,
    the held ones' is `held` (a meeting beyond what was required fills no slot)."""

    organization: Organization
    requirement: Requirement
    slot: int

    @property
    def held(self) -> bool:
        return self.slot <= self.requirement.held


def required_meetings(rows: list[OrganizationCompliance]) -> list[RequiredMeeting]:
    """The required meetings of compliance rows, organization by organization, requirement by requirement."""
    return [
        RequiredMeeting(row.organization, requirement, slot)
        for row in rows
        for requirement in row.requirements
        for slot in range(1, requirement.required + 1)
    ]


def compliance_for_month(*, park_ids: list[int], month: date, organizations=None) -> list[OrganizationCompliance]:
    return compliance(park_ids=park_ids, windows=windows_ending_in(month), organizations=organizations)


def overdue(*, park_ids: list[int], today: date, organizations=None) -> list[tuple[Organization, Requirement]]:
    """Requirements of the last closed window of each period that were not met."""
    rows = compliance(park_ids=park_ids, windows=windows_last_closed(today), organizations=organizations)
    return [(row.organization, r) for row in rows for r in row.requirements if not r.met]


def attendance_rate(meeting: Meeting):
    """Present ÷ listed for one meeting (members on leave count as listed, not present). Reads the
    attendance the caller prefetched (lists), else one query (a meeting's page)."""
    from parkparty.figures import rate

    statuses = [row.status for row in meeting.attendance.all()]
    return rate(statuses.count(Attendance.Status.PRESENT), len(statuses))


# --- joint bodies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotatingChair:
    """A joint body's rotating chair (轮值主席) for a month: the term the month falls in, and the
    enterprise whose secretary chairs it, None while the schedule names no one."""

    joint_body: JointBody
    term_starts_on: date
    enterprise: Enterprise | None


def chair_terms_recorded_by(day: date) -> QuerySet[ChairTerm]:
    """Chair terms the portal had recorded by the end of `day` (the first entry of their history); a term
    with no history (bulk-loaded) counts as always known. A term's start is in the future when named, so
    its own date cannot tell whether the schedule of a past day named it."""
    history = ChairTerm.history.model.objects.filter(id=OuterRef("pk"))
    return ChairTerm.objects.filter(Exists(history.filter(history_date__date__lte=day)) | ~Exists(history))


def rotating_chairs(park_ids: list[int], month: date, *, recorded_by: date | None = None) -> list[RotatingChair]:
    """The chair of `month` of every joint body of the parks established before it, by name: the term
    starting with the month, or with its quarter for a body whose chair rotates quarterly; with
    `recorded_by`, as the schedule stood at the end of that day (`chair_terms_recorded_by`). Two queries,
    whatever the number of bodies."""
    bodies = JointBody.objects.filter(park_id__in=park_ids, established_on__lt=month)
    terms = ChairTerm.objects.all() if recorded_by is None else chair_terms_recorded_by(recorded_by)
    # A quarterly term that covers the month started at most two months before it.
    chairs = {
        (term.joint_body_id, term.starts_on): term.enterprise
        for term in terms.filter(
            joint_body__in=bodies, starts_on__lte=month, starts_on__gte=add_months(month, -2)
        ).select_related("enterprise")
    }
    result = []
    for body in bodies.order_by("name", "pk"):
        term_starts_on = window_containing(body.cadence, month)[0]
        result.append(RotatingChair(body, term_starts_on, chairs.get((body.pk, term_starts_on))))
    return result


# --- matters ---------------------------------------------------------------------------------------

# The statuses of a matter not yet done: what "open" counts.
STILL_OPEN = (Matter.Status.OPEN, Matter.Status.IN_PROGRESS)


def _status_recorded_on(day: date):
    """The matter's status in its history at the end of `day`; null if nothing was recorded by then."""
    history = Matter.history.model.objects.filter(id=OuterRef("pk"), history_date__date__lte=day)
    return Subquery(history.order_by("-history_date", "-history_id").values("status")[:1])


def matters_as_of(day: date, matters: QuerySet[Matter] | None = None) -> QuerySet[Matter]:
    """The matters (of `matters`, by default all) raised on or before `day`, each annotated with
    `status_on`, its status that day (统计口径, docs/architecture.md "Matters as of a date"):

    - resolved or closed if it is so now and its `resolved_on` is on or before `day`;
    - otherwise open or in progress: the one its history records at the end of the day; without such a
      record (entered later, or loaded without history) its status now if it is open or in progress,
      and in progress if it was resolved or closed after `day` (it was being worked on till then).

    The one rule behind the matter figures and the matters list's `as_of`, so the two agree. The history
    is read (one correlated subquery) only for the rows not done by then."""
    matters = Matter.objects.all() if matters is None else matters
    recorded = _status_recorded_on(day)
    status = Case(
        When(Q(status__in=Matter.DONE, resolved_on__lte=day), then=F("status")),
        When(Q(recorded__in=STILL_OPEN), then=F("recorded")),
        When(Q(status__in=STILL_OPEN), then=F("status")),
        default=Value(Matter.Status.IN_PROGRESS),
    )
    return matters.filter(raised_on__lte=day).alias(recorded=recorded).annotate(status_on=status)


def matters_open_on(day: date, matters: QuerySet[Matter] | None = None) -> QuerySet[Matter]:
    """The matters raised by `day` and not resolved or closed by then (see `matters_as_of`)."""
    return matters_as_of(day, matters).filter(status_on__in=STILL_OPEN)


def matters_in(park_ids: list[int], since: date | None, until: date | None) -> QuerySet[Matter]:
    matters = Matter.objects.filter(park_id__in=park_ids)
    if since:
        matters = matters.filter(raised_on__gte=since)
    if until:
        matters = matters.filter(raised_on__lte=until)
    return matters


def median_days_to_resolve(matters: QuerySet[Matter], field: str = "status") -> float | None:
    """The median of resolved_on - raised_on over resolved matters (resolved by `field`: `status_on` on a
    dated queryset), picked in SQL (ORDER BY … OFFSET)."""
    days = ExpressionWrapper(F("resolved_on") - F("raised_on"), output_field=DurationField())
    resolved = matters.filter(**{field: Matter.Status.RESOLVED}).annotate(days=days).order_by("days")
    n = resolved.count()
    if n == 0:
        return None
    middle = list(resolved.values_list("days", flat=True)[(n - 1) // 2 : n // 2 + 1])
    return sum(_as_days(value) for value in middle) / len(middle)


def _as_days(value) -> float:
    return value.days + value.seconds / 86400 if isinstance(value, timedelta) else value / 86_400_000_000


def matter_stats(
    *, park_ids: list[int], since: date | None = None, until: date | None = None, as_of: date | None = None
) -> dict:
    """Matters raised in the range and where they stood on `as_of` (today by default; stats/matters
    passes the end of the range): raised, resolved, open (open or in progress; closed ones are neither),
    the median days to resolve, by category. Statuses are `matters_as_of(as_of)`'s, so a past period
    counted as of its end says today what it said then, and `matters/?since=&until=&as_of=&status=` lists
    each count's rows. Three queries."""
    day = as_of or timezone.localdate()
    matters = matters_as_of(day, matters_in(park_ids, since, until))
    resolved = Q(status_on=Matter.Status.RESOLVED)
    still_open = Q(status_on__in=STILL_OPEN)
    totals = matters.aggregate(
        raised=Count("pk"), resolved=Count("pk", filter=resolved), open=Count("pk", filter=still_open)
    )
    by_category = (
        matters.values("category")
        .annotate(raised=Count("pk"), resolved=Count("pk", filter=resolved), open=Count("pk", filter=still_open))
        .order_by("category")
    )
    labels = dict(Matter.Category.choices)
    return {
        **totals,
        "as_of": day,
        "median_days_to_resolve": median_days_to_resolve(matters, "status_on"),
        "by_category": [{**row, "label": str(labels.get(row["category"], row["category"]))} for row in by_category],
    }


def _raised_between(since: date, until: date) -> Q:
    return Q(raised_on__gte=since, raised_on__lte=until)


def _resolved_between(since: date, until: date) -> Q:
    """Resolved in the range, whenever raised: a matter closed without a solution was not resolved."""
    return Q(status=Matter.Status.RESOLVED, resolved_on__gte=since, resolved_on__lte=until)


def matters_raised_and_resolved(*, park_ids: list[int], since: date, until: date) -> dict:
    """`raised`: matters raised from `since` to `until` (both included); `resolved`: those resolved in
    that range, whenever they were raised (unlike `matter_stats`, which follows the raised ones). One query."""
    return Matter.objects.filter(park_id__in=park_ids).aggregate(
        raised=Count("pk", filter=_raised_between(since, until)),
        resolved=Count("pk", filter=_resolved_between(since, until)),
    )


def matters_raised_and_resolved_by_organization(*, park_ids: list[int], since: date, until: date) -> dict[int, dict]:
    """Organization id → `raised` and `resolved` as in `matters_raised_and_resolved`, counting each
    organization's own matters (not its subtree's); organizations with neither are absent. One query."""
    raised, resolved = _raised_between(since, until), _resolved_between(since, until)
    rows = (
        Matter.objects.filter(raised | resolved, park_id__in=park_ids, organization__isnull=False)
        .values("organization")
        .annotate(raised=Count("pk", filter=raised), resolved=Count("pk", filter=resolved))
        .order_by()
    )
    return {row["organization"]: row for row in rows}


def matters_past_due_on(park_ids: list[int], today: date) -> QuerySet[Matter]:
    """Matters raised by `today` and neither resolved nor closed by then (`matters_open_on`) whose due date
    is before it, earliest due first, with their organization and enterprise: the list of a past day
    stays what it was when a matter is resolved later. One query."""
    due = Matter.objects.filter(park_id__in=park_ids, due_on__lt=today)
    return matters_open_on(today, due).select_related("organization", "enterprise").order_by("due_on", "pk")


# --- what a quarterly rating suggests (registered in MeetingsConfig.ready) --------------------------


def quarter_compliance(organization: Organization, year: int, quarter: int):
    """A rating's suggestion (Criterion.Source.MEETINGS): share of the quarter's required meetings held (monthly rules for each month, quarterly ones once)."""
    start, _end = quarter_bounds(year, quarter)
    required = held = 0
    only = Organization.objects.filter(pk=organization.pk)
    for month in (start, add_months(start, 1), add_months(start, 2)):
        for row in compliance_for_month(park_ids=[organization.park_id], month=month, organizations=only):
            required += row.required
            held += row.held
    return rate(held, required)


def quarter_matters_resolved(organization: Organization, year: int, quarter: int):
    """A rating's suggestion (Criterion.Source.MATTERS): share of the matters raised by the organization's subtree in the quarter that are resolved."""
    start, end = quarter_bounds(year, quarter)
    row = Matter.objects.filter(
        organization__path__startswith=organization.path, raised_on__gte=start, raised_on__lt=end
    ).aggregate(raised=Count("pk"), resolved=Count("pk", filter=Q(status=Matter.Status.RESOLVED)))
    return rate(row["resolved"], row["raised"])


# --- history ---------------------------------------------------------------------------------------


def meeting_history(meeting: Meeting) -> list[Revision]:
    """The minutes' changes with their reasons, and each attendance and guest row's before and after
    (a member marked absent after confirmation shows as present → absent, with the reason). Four
    queries, and one for the names of the members and enterprises a change names."""
    members = dict(
        PartyMember.objects.filter(
            pk__in=Attendance.history.filter(meeting_id=meeting.pk).values("member_id")
        ).values_list("pk", "name")
    )
    return revisions(
        meeting.history.all(),
        Source(
            Attendance.history.filter(meeting_id=meeting.pk),
            title=lambda record: members.get(record.member_id, ""),
            fields=("status", "reason"),
        ),
        Source(
            Guest.history.filter(meeting_id=meeting.pk), title=lambda record: record.name, fields=("role", "enterprise")
        ),
    )
