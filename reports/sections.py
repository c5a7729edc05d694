"""The sections of a report, and which kind of report has which.

A section is a function of the report's `Context` that answers either figures
(`{"figures": {key: value}}`) or a table (`{"columns": [key, …], "rows": [[value, …], …]}`). Each calls
the selectors of the app that owns the data; none counts in Python what SQL can count. Keys are stable
English codes: the JSON and the API keep them, and `LABELS` translates them for the page and workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import Activity, ActivityKind
from activities.selectors import held_activities
from enterprises.models import Coverage, active_on
from enterprises.selectors import coverage_summary, enterprises_in_park_on, rate, with_coverage_on
from meetings.models import ChairTerm, JointBody, Matter, MeetingKind
from meetings.selectors import add_months, compliance, matter_stats, window_containing, windows_ending_in
from organizations.models import Park, PartyMember
from organizations.pipeline.selectors import member_stats
from parkparty.dates import local_datetime

from . import alerts as alert_checks
from .models import ReportKind
from .periods import Period


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
    before_day = date.fromordinal(ctx.period.start.toordinal() - 1)
    before = coverage_summary(parks=ctx.parks, as_of=before_day)
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
            "previous_as_of": before_day,
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
    before_day = date.fromordinal(ctx.period.start.toordinal() - 1)
    covered_before = Coverage.objects.filter(active_on(before_day), enterprise=OuterRef("pk"))
    uncovered = with_coverage_on(enterprises_in_park_on(ctx.parks, ctx.as_of), ctx.as_of).filter(
        covering_formation__isnull=True
    )
    newly = uncovered.annotate(previous_organization=Subquery(covered_before.values("organization__name")[:1])).filter(
        Q(previous_organization__isnull=False) | Q(entered_on__gte=ctx.period.start)
    )
    rows = newly.order_by("name", "pk").values_list("name", "entered_on", "previous_organization")
    return table(["enterprise", "entered_on", "previous_organization"], rows)


def _months(period: Period):
    month = period.start
    while month < period.end:
        yield month
        month = add_months(month, 1)


@section("compliance")
def meeting_compliance(ctx: Context) -> dict:
    """三会一课 per organization: the requirements whose window closed in the period (every month; a
    quarter's in its third month…), held against required. Three queries a month."""
    totals: dict[int, list] = {}
    for month in _months(ctx.period):
        if month > ctx.as_of:
            break
        for row in compliance(park_ids=ctx.park_ids, windows=windows_ending_in(month)):
            entry = totals.setdefault(row.organization.pk, [row.organization.name, 0, 0, set()])
            entry[1] += row.required
            entry[2] += row.held
            entry[3].update(r.kind for r in row.requirements if not r.met)
    kinds = dict(MeetingKind.choices)
    rows = [
        [name, required, held, rate(held, required), "、".join(str(kinds.get(k, k)) for k in sorted(missed))]
        for name, required, held, missed in sorted(totals.values(), key=lambda entry: entry[0])
    ]
    return table(["organization", "required", "held", "compliance_rate", "missed"], rows)


@section("activities")
def activities(ctx: Context) -> dict:
    """Activities held in the period by kind, with member and non-member participants. Two queries."""
    held = held_activities(ctx.park_ids).filter(
        starts_at__gte=local_datetime(ctx.period.start), starts_at__lt=local_datetime(ctx.period.end)
    )
    per_kind = {
        row["kind"]: row
        for row in held.values("kind").annotate(held=Count("pk"), non_members=Sum("non_member_count")).order_by()
    }
    members = dict(
        Activity.participants.through.objects.filter(activity__in=held.values("pk"))
        .values("activity__kind")
        .annotate(n=Count("pk"))
        .values_list("activity__kind", "n")
    )
    rows = [
        [label, per_kind[kind]["held"], members.get(kind, 0), per_kind[kind]["non_members"] or 0]
        for kind, label in ActivityKind.choices
        if kind in per_kind
    ]
    return table(["activity_kind", "held", "member_participants", "non_member_participants"], rows)


@section("matters")
def matters(ctx: Context) -> dict:
    """Matters raised in the period and where they stand, and those resolved in it whenever raised."""
    stats = matter_stats(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until)
    resolved_in_period = Matter.objects.filter(
        park_id__in=ctx.park_ids,
        status=Matter.Status.RESOLVED,
        resolved_on__gte=ctx.period.start,
        resolved_on__lte=ctx.until,
    ).count()
    return {
        "figures": {
            "raised": stats["raised"],
            "resolved": stats["resolved"],
            "open": stats["open"],
            "resolved_in_period": resolved_in_period,
            "median_days_to_resolve": stats["median_days_to_resolve"],
        }
    }


@section("members")
def members(ctx: Context) -> dict:
    """The roster now, and the pipeline's changes in the period."""
    stats = member_stats(park_ids=ctx.park_ids, since=ctx.period.start, until=ctx.until)
    became_full = PartyMember.objects.filter(
        organization__park_id__in=ctx.park_ids, full_member_on__gte=ctx.period.start, full_member_on__lte=ctx.until
    ).count()
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
    """Each joint body's rotating chair for the month after the period. Two queries."""
    next_month = ctx.period.end
    bodies = list(JointBody.objects.filter(park_id__in=ctx.park_ids, established_on__lt=next_month).order_by("name"))
    terms = {
        (term.joint_body_id, term.starts_on): term.enterprise.name
        for term in ChairTerm.objects.filter(
            joint_body__in=bodies, starts_on__lte=next_month, starts_on__gte=add_months(next_month, -2)
        ).select_related("enterprise")
    }
    rows = []
    for body in bodies:
        term_start = window_containing(body.cadence, next_month)[0]
        rows.append([body.name, term_start, terms.get((body.pk, term_start), "")])
    return table(["joint_body", "term_starts_on", "chair"], rows)


@section("alerts")
def alerts(ctx: Context) -> dict:
    """What was late or missing when the period closed (or today, while it runs)."""
    on = min(ctx.period.end, ctx.today)
    return table(
        ["alert_kind", "alert", "subject", "detail", "due_on"],
        (a.as_row() for a in alert_checks.park_alerts(ctx.park_ids, on)),
    )


# --- which report has which sections ---------------------------------------------------------------

MONTHLY = ["coverage", "newly_uncovered", "compliance", "activities", "matters", "members", "next_chair", "alerts"]
KIND_SECTIONS: dict[str, list[str]] = {
    ReportKind.MONTHLY: MONTHLY,
    ReportKind.QUARTERLY: ["coverage", "compliance", "matters", "members", "alerts"],
    ReportKind.HALF_YEAR: ["coverage", "compliance", "activities", "matters", "members", "alerts"],
    ReportKind.ANNUAL: ["coverage", "compliance", "activities", "matters", "members", "alerts"],
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
}


def is_rate(key: str) -> bool:
    """Shares of one, shown as percentages."""
    return key.endswith(("_rate", "_share", "_rate_change"))


def label(key: str) -> str:
    return str(LABELS.get(key, key))


def title(key: str) -> str:
    return str(TITLES.get(key, key))
