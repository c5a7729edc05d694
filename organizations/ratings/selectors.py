"""Reads about ratings shared by the API, pages and reports: stars on a date, rating statistics, the
star map, and the scores the portal suggests from what it knows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from organizations.models import GOOD_OR_ABOVE, MAX_STARS, Classification, Organization, Rating, ScoringSheet
from parkparty.figures import rate

CENT = Decimal("0.01")


def sheet_in_use(sheet: ScoringSheet) -> bool:
    return sheet.ratings.filter(status=Rating.Status.CONFIRMED).exists()


def sheet_for(*, park_id: int, year: int) -> ScoringSheet | None:
    """The sheet a rating of this year uses: the year's latest version, else the latest earlier one."""
    return ScoringSheet.objects.filter(park_id=park_id, year__lte=year).order_by("-year", "-version").first()


# --- the star level on a date ----------------------------------------------------------------------


def _active_on(as_of: date) -> Q:
    return Q(established_on__lte=as_of) & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of))


def latest_confirmed(as_of: date, organization: str = "pk") -> QuerySet[Rating]:
    """Per organization, the confirmed rating of the latest quarter among those assessed on or before
    `as_of` (a late re-inspection of an earlier quarter does not override a later quarter's stars). A
    correlated subquery served by the rating_latest_confirmed index."""
    return Rating.objects.filter(
        organization=OuterRef(organization), status=Rating.Status.CONFIRMED, assessed_on__lte=as_of
    ).order_by("-year", "-quarter", "-assessed_on", "-pk")


def organizations_rated_on(as_of: date, park_ids: list[int] | None = None) -> QuerySet[Organization]:
    """The organizations a rating is counted for on `as_of`: committees, general branches and branches
    established by that day and not dissolved by it (of `park_ids`, or of every park)."""
    organizations = Organization.objects.filter(_active_on(as_of), kind__in=Organization.BRANCH_KINDS)
    return organizations if park_ids is None else organizations.filter(park_id__in=park_ids)


def rated_organizations(park_ids: list[int] | None, as_of: date) -> QuerySet[Organization]:
    """The park's party organizations on `as_of`, each with the stars and class of its latest confirmed
    rating (null when never rated) and that rating's id. One query."""
    latest = latest_confirmed(as_of)
    return (
        organizations_rated_on(as_of, park_ids)
        .annotate(
            stars=Subquery(latest.values("stars")[:1]),
            classification=Subquery(latest.values("classification")[:1]),
            rating_id=Subquery(latest.values("pk")[:1]),
        )
        .order_by("path")
    )


def ratings_in_force(
    as_of: date, *, ratings: QuerySet[Rating] | None = None, park_ids: list[int] | None = None
) -> QuerySet[Rating]:
    """The ratings in force on `as_of`: for each organization of `organizations_rated_on`, its latest
    confirmed rating assessed on or before the day (`latest_confirmed`). These are the rows
    `rating_stats` counts and `ratings/?as_of=` lists, among `ratings` (all by default). `park_ids`
    only narrows the organizations looked at."""
    in_force = rated_organizations(park_ids, as_of).filter(rating_id__isnull=False).order_by().values("rating_id")
    return (Rating.objects.all() if ratings is None else ratings).filter(pk__in=in_force)


def good_or_above() -> Q:
    """A rating good or above: of the demonstration or the up-to-standard class."""
    return Q(classification__in=GOOD_OR_ABOVE)


def rating_stats(*, park_ids: list[int], as_of: date) -> dict:
    """The ratings in force on `as_of` (`ratings_in_force`: one per organization), by stars and by class,
    and the share rated good or above (demonstration or standard). One query: per organization, two
    index probes for its latest rating, whatever the number of past ratings."""
    aggregates = {"rated": Count("pk")}
    aggregates |= {f"stars_{n}": Count("pk", filter=Q(stars=n)) for n in range(1, MAX_STARS + 1)}
    aggregates |= {f"class_{c}": Count("pk", filter=Q(classification=c)) for c in Classification.values}
    aggregates["good"] = Count("pk", filter=good_or_above())
    row = ratings_in_force(as_of, park_ids=park_ids).order_by().aggregate(**aggregates)
    return {
        "rated": row["rated"],
        "by_stars": {str(n): row[f"stars_{n}"] for n in range(1, MAX_STARS + 1)},
        "by_classification": {c: row[f"class_{c}"] for c in Classification.values},
        "good_or_above": row["good"],
        "good_or_above_rate": rate(row["good"], row["rated"]),
    }


# --- suggested scores ------------------------------------------------------------------------------


# Criterion source → the share (0…1, or None when nothing was due) an organization achieved in a
# quarter. The apps that hold the records register them from their AppConfig.ready(): ratings sit
# below meetings and activities in the import graph and ask them through this table.
Suggester = Callable[[Organization, int, int], Decimal | None]
SUGGESTERS: dict[str, Suggester] = {}


def register_suggester(source: str, suggester: Suggester) -> None:
    SUGGESTERS[source] = suggester


def suggestions(*, organization: Organization, year: int, quarter: int, sheet: ScoringSheet) -> dict[int, Decimal]:
    """criterion id → the score the portal suggests: the share the organization achieved of what the
    criterion measures, times its maximum. Criteria with nothing to measure (or nothing due) get none."""
    result = {}
    shares: dict[str, Decimal | None] = {}
    for criterion in sheet.criteria.all():
        suggest = SUGGESTERS.get(criterion.source)
        if suggest is None:
            continue
        if criterion.source not in shares:
            shares[criterion.source] = suggest(organization, year, quarter)
        share = shares[criterion.source]
        if share is not None:
            result[criterion.pk] = (criterion.max_points * share).quantize(CENT)
    return result


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1
