"""Reads about activities, venues, designations and plans shared by the API, pages and reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from activities.models import Activity, AnnualPlan, Designation, PlanTarget, VenueBooking
from meetings.models import Meeting
from parkparty.dates import add_months, local_datetime, quarter_bounds
from parkparty.figures import rate


def held_activities(park_ids: list[int]) -> QuerySet[Activity]:
    return Activity.objects.filter(park_id__in=park_ids, status=Activity.Status.HELD)


def member_participants_by_kind(activities: QuerySet[Activity]) -> dict[str, int]:
    """Kind → members listed as participants of these activities, a member once per activity they took
    part in; non-members are a number on each activity, not counted here. One query, grouped in SQL."""
    participations = Activity.participants.through.objects.filter(activity__in=activities.values("pk"))
    return dict(participations.values("activity__kind").annotate(n=Count("pk")).values_list("activity__kind", "n"))


@dataclass(frozen=True)
class Progress:
    target: PlanTarget
    done: int

    @property
    def rate(self):
        return rate(self.done, self.target.target)

    @property
    def percent(self) -> int:
        """For a progress bar: at most 100."""
        return min(100, self.done * 100 // self.target.target)


def _held_counts(plans: list[AnnualPlan]) -> Counter:
    """(counts, park, year, kind) → held activities or meetings, for the plans' parks and years. Two queries."""
    park_ids = {plan.park_id for plan in plans}
    years = {plan.year for plan in plans}
    counts: Counter = Counter()
    activities = (
        held_activities(list(park_ids))
        .annotate(year=ExtractYear("starts_at"))
        .filter(year__in=years)
        .values("park_id", "year", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in activities:
        counts[(PlanTarget.Counts.ACTIVITIES, row["park_id"], row["year"], row["kind"])] = row["n"]
    meetings = (
        Meeting.objects.filter(park_id__in=park_ids, status__in=[Meeting.Status.HELD, Meeting.Status.CONFIRMED])
        .annotate(year=ExtractYear("held_at"))
        .filter(year__in=years)
        .values("park_id", "year", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in meetings:
        counts[(PlanTarget.Counts.MEETINGS, row["park_id"], row["year"], row["kind"])] = row["n"]
    return counts


def plan_progress(plans: list[AnnualPlan]) -> dict[int, list[Progress]]:
    """plan id → each target with what was held towards it in the plan's park and year. Plans must come
    with their targets prefetched. Two queries, whatever the number of plans."""
    if not plans:
        return {}
    counts = _held_counts(plans)
    return {
        plan.pk: [
            Progress(target, counts[(target.counts, plan.park_id, plan.year, target.kind)])
            for target in plan.targets.all()
        ]
        for plan in plans
    }


def designations_as_of(day: date, designations: QuerySet[Designation] | None = None) -> QuerySet[Designation]:
    """The designations (of `designations`, by default all) in force on `day`: awarded on or before it and
    not ended by then (`[started_on, ended_on)`). The one rule behind the designation figures and the
    designations list's `as_of`."""
    designations = Designation.objects.all() if designations is None else designations
    return designations.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)


def designations_in_force(park_ids: list[int], on: date) -> QuerySet[Designation]:
    return designations_as_of(on, Designation.objects.filter(park_id__in=park_ids))


def designation_counts(
    *, park_ids: list[int], on: date, designations: QuerySet[Designation] | None = None
) -> dict[str, int]:
    """Designations in force on a date, by kind (Quanzhou: 389 pioneer teams, 382 demo posts …). Among
    `designations` when given (those a secretary may see of their subtree). One query."""
    in_force = designations_in_force(park_ids, on)
    if designations is not None:
        in_force = in_force.filter(pk__in=designations.values("pk"))
    rows = in_force.values("kind").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(Designation.Kind.values, 0)
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


def bookings_between(venue_ids: list[int], start, end) -> QuerySet[VenueBooking]:
    """Bookings of the venues overlapping [start, end): the venue calendar."""
    return VenueBooking.objects.filter(venue_id__in=venue_ids, starts_at__lt=end, ends_at__gt=start).select_related(
        "venue", "organization", "activity", "meeting"
    )


# --- what a quarterly rating suggests (registered in ActivitiesConfig.ready) ------------------------


def quarter_activity_months(organization, year: int, quarter: int):
    """A rating's suggestion (Criterion.Source.ACTIVITIES): the share of the quarter's three months in
    which the organization's subtree held an activity, as host or co-host (a branch is expected to hold
    one a month, the 主题党日 rhythm). The months still to come count only once they have begun. One query."""
    start, end = quarter_bounds(year, quarter)
    end = min(end, add_months(timezone.localdate().replace(day=1), 1))
    months_due = sum(1 for month in (start, add_months(start, 1), add_months(start, 2)) if month < end)
    in_subtree = Q(organization__path__startswith=organization.path) | Q(co_hosts__path__startswith=organization.path)
    held = Activity.objects.filter(
        in_subtree,
        status=Activity.Status.HELD,
        starts_at__gte=local_datetime(start),
        starts_at__lt=local_datetime(end),
    )
    months = held.annotate(month=TruncMonth("starts_at")).values("month").distinct().count()
    return rate(months, months_due)
