"""The sections of a report, and which kind of report has which.

A section is a function of the report's `Context` that answers either figures
(`{"figures": {key: value}}`) or a table (`{"columns": [key, …], "rows": [[value, …], …]}`). Each calls
the selectors of the app that owns the data; none counts in Python what SQL can count. Keys are stable
English codes: the JSON and the API keep them, and `LABELS` translates them for the page and workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Subquery, Sum
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import ActivityKind, Designation
from activities.selectors import designation_counts, held_activities, member_participants_by_kind
from enterprises.selectors import (
    coverage_summary,
    covering_organization_name_on,
    enterprises_in_park_on,
    with_coverage_on,
)
from meetings.models import MeetingKind
from meetings.selectors import (
    add_months,
    compliance,
    held_meetings,
    matter_stats,
    matters_raised_and_resolved,
    matters_raised_and_resolved_by_organization,
    rotating_chairs,
    windows_ending_in,
)
from organizations.models import Classification, Park, Subsidy, SubsidyKind
from organizations.pipeline.selectors import became_full_members, member_stats
from organizations.ratings.selectors import latest_confirmed, rated_organizations, rating_stats
from organizations.selectors import organizations_existing, with_secretary_on
from organizations.subsidies.selectors import standing_on, subsidy_stats
from parkparty.dates import local_datetime
from parkparty.figures import rate

from . import alerts as alert_checks
from .models import ReportKind
from .periods import Period

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Context:
    park: Park
    period: Period
    today: date

    @property
    def park_ids(self) -> list[int]:
        return [self.park.pk]

    @property
    def parks(self):
        return Park.objects.filter(pk=self.park.pk)

    @property
    def as_of(self) -> date:
        """The day the figures are for: the period's last day, or today while it runs."""
        return self.period.as_of(self.today)

    @property
    def until(self) -> date:
        """The last day counted: selectors taking `since`/`until` include both ends."""
        return self.as_of

    @property
    def closed_on(self) -> date:
        """The day the period's alerts and next month's schedule are read on: the first day after the period
        once it has ended (its last month's meetings are then due), or today while it runs."""
        return min(self.period.end, self.today)

    @property
    def day_before(self) -> date:
        """The last day before the period: what "before" figures compare against."""
        return date.fromordinal(self.period.start.toordinal() - 1)

    def held_between(self, field_name: str) -> dict:
        """Filter arguments for a datetime field in the local days from the period's first to `until`
        (a running period's figures stop at today, like those of the date-based selectors)."""
        return {
            f"{field_name}__gte": local_datetime(self.period.start),
            f"{field_name}__lt": local_datetime(self.until + timedelta(days=1)),
        }


SECTIONS: dict[str, Callable[[Context], dict]] = {}


def section(key: str):
    def register(function: Callable[[Context], dict]):
        SECTIONS[key] = function
        return function

    return register


def table(columns: list[str], rows) -> dict:
    return {"columns": columns, "rows": [list(row) for row in rows]}


# --- monthly ---------------------------------------------------------------------------------------


@section("coverage")
def coverage(ctx: Context) -> dict:
    """Coverage on the period's last day against the last day before it: two queries."""
    now = coverage_summary(parks=ctx.parks, as_of=ctx.as_of)
    before = coverage_summary(parks=ctx.parks, as_of=ctx.day_before)
    rate_change = None
    if now["coverage_rate"] is not None and before["coverage_rate"] is not None:
        rate_change = now["coverage_rate"] - before["coverage_rate"]
    return {
        "figures": {
            "as_of": ctx.as_of,
            "total_enterprises": now["total_enterprises"],
            "covered_enterprises": now["covered_enterprises"],
            "coverage_rate": now["coverage_rate"],
            "standalone_covered": now["standalone_covered"],
            "joint_covered": now["joint_covered"],
            "work_covered": now["work_covered"],
            "branches": now["branches"],
            "previous_as_of": ctx.day_before,
            "previous_covered_enterprises": before["covered_enterprises"],
            "previous_coverage_rate": before["coverage_rate"],
            "covered_change": now["covered_enterprises"] - before["covered_enterprises"],
            "coverage_rate_change": rate_change,
        }
    }


@section("newly_uncovered")
def newly_uncovered(ctx: Context) -> dict:
    """Enterprises uncovered on the last day that were covered the day before the period began, or
    that entered the park during it: who the committee must reach this month. One query."""
    uncovered = with_coverage_on(enterprises_in_park_on(ctx.parks, ctx.as_of), ctx.as_of).filter(
        covering_formation__isnull=True
    )
    newly = uncovered.annotate(previous_organization=covering_organization_name_on(ctx.day_before)).filter(
        Q(previous_organization__isnull=False) | Q(entered_on__gte=ctx.period.start)
    )
    rows = newly.order_by("name", "pk").values_list("name", "entered_on", "previous_organization")
    return table(["enterprise", "entered_on", "previous_organization"], rows)


def _months(period: Period):
    month = period.start
    while month < period.end:
        yield month
        month = add_months(month, 1)


@dataclass
class ComplianceTotal:
    """One organization's 三会一课 over a report's period: required and held summed over its windows."""

    name: str
    required: int = 0
    held: int = 0
    missed: set[str] = field(default_factory=set)

    @property
    def rate(self):
        return rate(self.held, self.required)

    def missed_labels(self) -> str:
        kinds = dict(MeetingKind.choices)
        return "、".join(str(kinds.get(kind, kind)) for kind in sorted(self.missed))


def compliance_totals(ctx: Context) -> dict[int, ComplianceTotal]:
    """Organization id → its requirements whose window closed in the period (every month's; a
    quarter's in its third month…), held against required. Three queries per month that has ended by
    today, whatever the number of organizations; organizations with no rule for their kind are absent.
    A month still running is left out: its meetings are not due yet, and counting them would show
    nearly every branch as having missed them."""
    totals: dict[int, ComplianceTotal] = {}
    for month in _months(ctx.period):
        if add_months(month, 1) > ctx.today:
            break
        for row in compliance(park_ids=ctx.park_ids, windows=windows_ending_in(month)):
            entry = totals.setdefault(row.organization.pk, ComplianceTotal(row.organization.name))
            entry.required += row.required
            entry.held += row.held
            entry.missed.update(r.kind for r in row.requirements if not r.met)
    return totals


@section("compliance")
def meeting_compliance(ctx: Context) -> dict:
    """三会一课 per organization, held against required (see `compliance_totals`). Three queries a month."""
    rows = [
        [entry.name, entry.required, entry.held, entry.rate, entry.missed_labels()]
        for entry in sorted(compliance_totals(ctx).values(), key=lambda entry: entry.name)
    ]
    return table(["organization", "required", "held", "compliance_rate", "missed"], rows)


@section("activities")
def activities(ctx: Context) -> dict:
    """Activities held in the period by kind, with member and non-member participants. Two queries."""
    held = held_activities(ctx.park_ids).filter(**ctx.held_between("starts_at"))
    per_kind = {
        row["kind"]: row
        for row in held.values("kind").annotate(held=Count("pk"), non_members=Sum("non_member_count")).order_by()
    }
    members = member_participants_by_kind(held)
    rows = [
        [label, per_kind[kind]["held"], members.get(kind, 0), per_kind[kind]["non_members"] or 0]
        for kind, label in ActivityKind.choices
        if kind in per_kind
    ]
    return table(["activity_kind", "held", "member_participants", "non_member_participants"], rows)


@section("matters")
def matters(ctx: Context) -> dict:
    """Matters raised in the period and where they stood at its end (`as_of`, the rule of stats/matters),
    and those resolved in it whenever raised."""
    stats = matter_stats(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until, as_of=ctx.as_of)
    in_period = matters_raised_and_resolved(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until)
    return {
        "figures": {
            "raised": stats["raised"],
            "resolved": stats["resolved"],
            "open": stats["open"],
            "resolved_in_period": in_period["resolved"],
            "median_days_to_resolve": stats["median_days_to_resolve"],
        }
    }


@section("members")
def members(ctx: Context) -> dict:
    """The roster at the period's end (members_as_of, so a past report rebuilt today says the same), and
    the pipeline's changes in the period."""
    stats = member_stats(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until, as_of=ctx.as_of)
    became_full = became_full_members(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until)
    return {
        "figures": {
            "members": stats["members"],
            "probationary": stats["probationary"],
            "applications": stats["applications"],
            "new_members": stats["new_members"],
            "recommended": stats["recommended"],
            "recommended_share": stats["recommended_share"],
            "became_full": became_full,
        }
    }


@section("next_chair")
def next_chair(ctx: Context) -> dict:
    """Each joint body's rotating chair for the month after the period, as the schedule stood when the
    period closed (a chair named later is not shown). Two queries."""
    rows = [
        [chair.joint_body.name, chair.term_starts_on, chair.enterprise.name if chair.enterprise else ""]
        for chair in rotating_chairs(ctx.park_ids, ctx.period.end, recorded_by=ctx.closed_on)
    ]
    return table(["joint_body", "term_starts_on", "chair"], rows)


@section("alerts")
def alerts(ctx: Context) -> dict:
    """What was late or missing when the period closed (or today, while it runs). The chair checked is
    that of the month after the period: the month the `next_chair` table shows."""
    chair_month = ctx.period.end if ctx.period.end <= ctx.today else None
    return table(
        ["alert_kind", "alert", "subject", "detail", "due_on"],
        (a.as_row() for a in alert_checks.park_alerts(ctx.park_ids, ctx.closed_on, chair_month=chair_month)),
    )


# --- quarterly -------------------------------------------------------------------------------------


@section("ratings")
def ratings(ctx: Context) -> dict:
    """Organizations by the stars and class of their latest confirmed rating on `as_of`. One query."""
    stats = rating_stats(park_ids=ctx.park_ids, as_of=ctx.as_of)
    return {
        "figures": {
            "rated": stats["rated"],
            **{f"stars_{n}": count for n, count in stats["by_stars"].items()},
            **{f"class_{code}": count for code, count in stats["by_classification"].items()},
            "good_or_above": stats["good_or_above"],
            "good_or_above_rate": stats["good_or_above_rate"],
        }
    }


@section("star_changes")
def star_changes(ctx: Context) -> dict:
    """Organizations whose stars on `as_of` differ from their stars the day before the period began
    (dynamic adjustment, 动态调整), a first rating included. One query: two correlated subqueries per
    organization, whatever the number of organizations or of their past ratings."""
    before = latest_confirmed(ctx.day_before)
    changed = (
        rated_organizations(ctx.park_ids, ctx.as_of)
        .annotate(stars_before=Subquery(before.values("stars")[:1]))
        .filter(stars__isnull=False)
        .filter(Q(stars_before__isnull=True) | Q(stars__lt=F("stars_before")) | Q(stars__gt=F("stars_before")))
    )
    rows = [
        [name, stars_before, stars, None if stars_before is None else stars - stars_before]
        for name, stars_before, stars in changed.values_list("name", "stars_before", "stars")
    ]
    return table(["organization", "stars_before", "stars_now", "change"], rows)


def _allowances(ctx: Context):
    """The period's red-star allowances that stood on `as_of` (cancelled, reversed and reversal entries
    left out), each with its `status_on` that day: paid later, it shows as approved in the quarter's report."""
    return standing_on(ctx.park.pk, ctx.period.code, SubsidyKind.RED_STAR_ALLOWANCE, ctx.as_of)


@section("allowances")
def allowances(ctx: Context) -> dict:
    """The quarter's red-star allowances, proposed to paid, with the stars of the rating behind each.
    One query."""
    statuses = dict(Subsidy.Status.choices)
    records = _allowances(ctx).order_by("organization__path", "pk")
    rows = [
        [organization, recipient or "", stars, amount, str(statuses[status])]
        for organization, recipient, stars, amount, status in records.values_list(
            "organization__name", "member__name", "rating__stars", "amount", "status_on"
        )
    ]
    return table(["organization", "recipient", "stars", "amount", "status"], rows)


@section("allowance_totals")
def allowance_totals(ctx: Context) -> dict:
    """The quarter's red-star allowances summed by status. One query."""
    by_status = {
        f"{status}_amount": Sum("amount", filter=Q(status_on=status), default=ZERO)
        for status in (Subsidy.Status.PROPOSED, Subsidy.Status.APPROVED, Subsidy.Status.PAID)
    }
    row = _allowances(ctx).aggregate(
        allowance_records=Count("pk"), **by_status, total_amount=Sum("amount", default=ZERO)
    )
    return {"figures": row}


# --- half-year and annual --------------------------------------------------------------------------


def _training_totals(ctx: Context) -> dict:
    """Trainings held in the period and their attendances, members by name plus non-members counted.
    Two queries: summing non-members over a join with participants would count each once per member."""
    trainings = held_activities(ctx.park_ids).filter(kind=ActivityKind.TRAINING, **ctx.held_between("starts_at"))
    row = trainings.aggregate(trainings=Count("pk"), non_members=Sum("non_member_count", default=0))
    members = sum(member_participants_by_kind(trainings).values())
    return {"trainings": row["trainings"], "training_attendances": members + row["non_members"]}


def _designation_totals(ctx: Context) -> dict:
    """Designations in force on `as_of`, in all and by kind. One query."""
    counts = designation_counts(park_ids=ctx.park_ids, on=ctx.as_of)
    return {"designations": sum(counts.values()), **{f"designations_{kind}": n for kind, n in counts.items()}}


@section("totals")
def totals(ctx: Context) -> dict:
    """The totals the case reports quote: meetings held, problems solved, trainings and attendances,
    money paid, applications and new members, designations, coverage. Ten queries."""
    meetings_held = held_meetings(ctx.park_ids).filter(**ctx.held_between("held_at")).count()
    matter_counts = matters_raised_and_resolved(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until)
    paid = subsidy_stats(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until)
    pipeline = member_stats(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until, as_of=ctx.as_of)
    covered = coverage_summary(parks=ctx.parks, as_of=ctx.as_of)
    return {
        "figures": {
            "meetings_held": meetings_held,
            "matters_raised": matter_counts["raised"],
            "matters_resolved": matter_counts["resolved"],
            **_training_totals(ctx),
            "subsidies_paid": Decimal(paid["total"]),
            "applications": pipeline["applications"],
            "new_members": pipeline["new_members"],
            **_designation_totals(ctx),
            "total_enterprises": covered["total_enterprises"],
            "covered_enterprises": covered["covered_enterprises"],
            "coverage_rate": covered["coverage_rate"],
        }
    }


@section("meetings_by_kind")
def meetings_by_kind(ctx: Context) -> dict:
    """Meetings held in the period by kind, joint meetings included, with the members present. One query."""
    rows = (
        held_meetings(ctx.park_ids)
        .filter(**ctx.held_between("held_at"))
        .values("kind")
        .annotate(
            held=Count("pk", distinct=True),
            present=Count("attendance", filter=Q(attendance__status="present")),
        )
        .order_by()
    )
    per_kind = {row["kind"]: row for row in rows}
    return table(
        ["meeting_kind", "held", "members_present"],
        (
            [str(label), per_kind[kind]["held"], per_kind[kind]["present"]]
            for kind, label in MeetingKind.choices
            if kind in per_kind
        ),
    )


def _appraised(ctx: Context):
    """Branch-kind organizations that existed at some time between the period's start and `as_of`, with
    their secretary on `as_of` (`with_secretary_on`) and the stars of their latest confirmed rating on
    `as_of`. One query."""
    latest = latest_confirmed(ctx.as_of)
    # `as_of` is the last day counted: a branch established on it existed in the period.
    existing = organizations_existing(ctx.park_ids, ctx.period.start, ctx.as_of + timedelta(days=1))
    return with_secretary_on(existing, ctx.as_of).annotate(stars=Subquery(latest.values("stars")[:1]))


def _activities_led(ctx: Context) -> dict[int, int]:
    """Organization id → activities held in the period with it as the leading host. One query."""
    held = held_activities(ctx.park_ids).filter(**ctx.held_between("starts_at"))
    return dict(held.values("organization").annotate(n=Count("pk")).order_by().values_list("organization", "n"))


@section("appraisal")
def appraisal(ctx: Context) -> dict:
    """The secretaries' duty-appraisal pack (述职评议): per branch, its 三会一课 over the period, the
    activities it led, the matters it raised and resolved, and its stars. Each figure is the
    organization's own (not its subtree's), as the secretary reports for their branch. Three queries
    and three per month of the period (see `compliance_totals`), whatever the number of branches."""
    meetings = compliance_totals(ctx)
    led = _activities_led(ctx)
    matter_counts = matters_raised_and_resolved_by_organization(
        park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until
    )
    rows = [
        _appraisal_row(organization, meetings.get(organization.pk), led, matter_counts.get(organization.pk, {}))
        for organization in _appraised(ctx)
    ]
    return table(APPRAISAL_COLUMNS, rows)


def _appraisal_row(organization, meetings: ComplianceTotal | None, led: dict, matters: dict) -> list:
    """One branch of `_appraised` (its secretary's name and its stars annotated) as a row of the pack."""
    # A branch kind with no meeting rule in this park owes nothing: zero required, no rate.
    meetings = meetings or ComplianceTotal(organization.name)
    return [
        organization.name,
        organization.secretary_name_on or "",
        organization.stars,
        meetings.required,
        meetings.held,
        meetings.rate,
        meetings.missed_labels(),
        led.get(organization.pk, 0),
        matters.get("raised", 0),
        matters.get("resolved", 0),
    ]


APPRAISAL_COLUMNS = [
    "organization",
    "secretary",
    "stars",
    "required",
    "held",
    "compliance_rate",
    "missed",
    "activities_led",
    "matters_raised",
    "matters_resolved",
]


# --- which report has which sections ---------------------------------------------------------------

MONTHLY = ["coverage", "newly_uncovered", "compliance", "activities", "matters", "members", "next_chair", "alerts"]
QUARTERLY = [
    "coverage",
    "ratings",
    "star_changes",
    "allowances",
    "allowance_totals",
    "compliance",
    "matters",
    "members",
    "alerts",
]
# No separate compliance table: the appraisal pack has each branch's required, held and missed meetings.
HALF_YEAR_AND_ANNUAL = [
    "coverage",
    "totals",
    "meetings_by_kind",
    "activities",
    "matters",
    "members",
    "appraisal",
    "alerts",
]
KIND_SECTIONS: dict[str, list[str]] = {
    ReportKind.MONTHLY: MONTHLY,
    ReportKind.QUARTERLY: QUARTERLY,
    ReportKind.HALF_YEAR: HALF_YEAR_AND_ANNUAL,
    ReportKind.ANNUAL: HALF_YEAR_AND_ANNUAL,
}


def build(ctx: Context) -> list[dict]:
    return [{"key": key, **SECTIONS[key](ctx)} for key in KIND_SECTIONS[ctx.period.kind]]


# --- labels ----------------------------------------------------------------------------------------

TITLES = {
    "coverage": _("Coverage"),
    "newly_uncovered": _("Newly uncovered enterprises"),
    "compliance": _("Three meetings and one lesson: compliance"),
    "activities": _("Activities"),
    "matters": _("Matters raised and resolved"),
    "members": _("Members and the membership pipeline"),
    "next_chair": _("Rotating chair next month"),
    "alerts": _("Alerts"),
    "ratings": _("Star ratings"),
    "star_changes": _("Star changes"),
    "allowances": _("Red-star allowances"),
    "allowance_totals": _("Red-star allowances in total"),
    "totals": _("Totals"),
    "meetings_by_kind": _("Meetings held by kind"),
    "appraisal": _("Secretaries' duty appraisal"),
}

LABELS = {
    "as_of": _("As of"),
    "total_enterprises": _("Enterprises in the park"),
    "covered_enterprises": _("Covered enterprises"),
    "coverage_rate": _("Coverage rate"),
    "standalone_covered": _("Covered by a standalone organization"),
    "joint_covered": _("Covered by a joint organization"),
    "work_covered": _("Work coverage only"),
    "branches": _("Covering branches"),
    "previous_as_of": _("Previous date"),
    "previous_covered_enterprises": _("Covered enterprises before"),
    "previous_coverage_rate": _("Coverage rate before"),
    "covered_change": _("Change in covered enterprises"),
    "coverage_rate_change": _("Change in coverage rate"),
    "enterprise": _("Enterprise"),
    "entered_on": _("Entered the park on"),
    "previous_organization": _("Covered before by"),
    "organization": _("Organization"),
    "required": _("Required"),
    "held": _("Held"),
    "compliance_rate": _("Compliance rate"),
    "missed": _("Missed"),
    "activity_kind": _("Kind of activity"),
    "member_participants": _("Member participants"),
    "non_member_participants": _("Non-member participants"),
    "raised": _("Raised"),
    "resolved": _("Resolved"),
    "open": pgettext_lazy("matters", "Open"),
    "resolved_in_period": _("Resolved in the period"),
    "median_days_to_resolve": _("Median days to resolve"),
    "members": _("Party members"),
    "probationary": _("Probationary members"),
    "applications": _("Applications"),
    "new_members": _("New probationary members"),
    "recommended": _("Recommended by the union or youth league"),
    "recommended_share": _("Share recommended"),
    "became_full": _("Became full members"),
    "joint_body": _("Joint body"),
    "term_starts_on": _("Term starts on"),
    "chair": _("Chair"),
    "alert_kind": _("Alert code"),
    "alert": _("Alert"),
    "subject": _("Subject"),
    "detail": _("Detail"),
    "due_on": _("Due on"),
    # quarterly
    "rated": _("Organizations rated"),
    "stars_1": _("One star"),
    "stars_2": _("Two stars"),
    "stars_3": _("Three stars"),
    "stars_4": _("Four stars"),
    "stars_5": _("Five stars"),
    "good_or_above": _("Rated good or above"),
    "good_or_above_rate": _("Share rated good or above"),
    "stars_before": _("Stars before"),
    "stars_now": _("Stars now"),
    "change": _("Change in stars"),
    "recipient": _("Recipient"),
    "stars": _("Stars"),
    "amount": _("Amount (yuan)"),
    "status": _("Status"),
    "allowance_records": _("Allowance records"),
    "proposed_amount": _("Proposed (yuan)"),
    "approved_amount": _("Approved (yuan)"),
    "paid_amount": _("Paid (yuan)"),
    "total_amount": _("Total (yuan)"),
    # half-year and annual
    "meetings_held": _("Meetings held"),
    "matters_raised": _("Matters raised"),
    "matters_resolved": _("Matters resolved"),
    "trainings": _("Trainings held"),
    "training_attendances": _("Training attendances"),
    "subsidies_paid": _("Subsidies paid (yuan)"),
    "designations": _("Designations in force"),
    "meeting_kind": _("Kind of meeting"),
    "members_present": _("Members present"),
    "secretary": _("Secretary"),
    "activities_led": _("Activities led"),
}
# Classes and kinds of designation label their counts with the model's own (translated) choice labels.
LABELS |= {f"class_{code}": capfirst(label) for code, label in Classification.choices}
LABELS |= {f"designations_{code}": capfirst(label) for code, label in Designation.Kind.choices}


def is_rate(key: str) -> bool:
    """Shares of one, shown as percentages."""
    return key.endswith(("_rate", "_share", "_rate_change"))


def label(key: str) -> str:
    return str(LABELS.get(key, key))


def title(key: str) -> str:
    return str(TITLES.get(key, key))
