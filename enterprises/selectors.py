"""Read queries over the ledger, shared by the API, pages and reports. Aggregates run in SQL."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment, active_on
from organizations.models import Organization, Park, PartyMember
from organizations.selectors import members_as_of
from parkparty.figures import rate
from parkparty.ledger_cache import cached

GROUPINGS = ("district", "grid", "industry", "formation")


def in_park_on(on: date, prefix: str = "") -> Q:
    """Enterprises in their park on that date: entered on or before it, not moved out or closed by it."""
    return Q(**{f"{prefix}entered_on__lte": on}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})
    )


def enterprises_in_park_on(parks: QuerySet[Park], on: date) -> QuerySet[Enterprise]:
    """Enterprises that were in one of the parks on that date (entered, and not yet moved out or closed)."""
    return Enterprise.objects.filter(in_park_on(on), park__in=parks)


def enterprises_listed_on(enterprises: QuerySet[Enterprise], on: date) -> QuerySet[Enterprise]:
    """The rows `coverage_summary` counts as of the date, for a list: those of `enterprises` in the park
    that day, with the covering organization, its formation and `has_instructor` as of that day (so a
    filter on them reads that day's coverage, and `covered=false` lists that day's uncovered firms)."""
    return with_current_coverage(enterprises.filter(in_park_on(on)), on)


def work_covered(value: bool = True) -> Q:
    """Work coverage (工作覆盖) on annotated enterprises: no organization covers it, an instructor is assigned."""
    condition = Q(covering_organization_id__isnull=True, has_instructor=True)
    return condition if value else ~condition


def with_current_coverage(enterprises: QuerySet[Enterprise], on: date) -> QuerySet[Enterprise]:
    """For lists: the covering organization's id, formation and name, and `has_instructor`, as subqueries.

    A list shows one page: the database evaluates these for the rows it returns, and a count of the
    list drops them (Django leaves unreferenced annotations out of count()). Aggregates over a whole
    park use `with_coverage_on`'s join instead.
    """
    in_force = _coverage_in_force(on)
    assignments = InstructorAssignment.objects.filter(active_on(on), enterprise=OuterRef("pk"))
    return enterprises.annotate(
        covering_organization_id=Subquery(in_force.values("organization_id")[:1]),
        covering_formation=Subquery(in_force.values("organization__formation")[:1]),
        covering_organization_name=covering_organization_name_on(on),
        has_instructor=Exists(assignments),
    )


def _coverage_in_force(on: date) -> QuerySet[Coverage]:
    """The outer enterprise's coverage in force on the date: at most one, the service keeps them apart."""
    return Coverage.objects.filter(active_on(on), enterprise=OuterRef("pk"))


def covering_organization_name_on(on: date) -> Subquery:
    """The name of the organization covering the outer enterprise on the date, null when none did: a
    correlated subquery to annotate enterprises with, so it costs no query of its own."""
    return Subquery(_coverage_in_force(on).values("organization__name")[:1])


def with_coverage_on(enterprises: QuerySet[Enterprise], on: date) -> QuerySet[Enterprise]:
    """Annotate `covering_formation` (null when uncovered) and `has_instructor` as of the date.

    A LEFT JOIN on the coverage in force: the service keeps coverages of one enterprise from
    overlapping, so the join never repeats an enterprise.
    """
    assignments = InstructorAssignment.objects.filter(active_on(on), enterprise=OuterRef("pk"))
    return enterprises.annotate(
        coverage_on=FilteredRelation("coverages", condition=active_on(on, "coverages__")),
        covering_organization_id=F("coverage_on__organization_id"),
        covering_formation=F("coverage_on__organization__formation"),
        has_instructor=Exists(assignments),
    )


def _counts() -> dict:
    covered = Q(covering_formation__isnull=False)
    is_branch = Q(coverage_on__organization__kind__in=Organization.BRANCH_KINDS)
    return {
        "total_enterprises": Count("pk"),
        "covered_enterprises": Count("pk", filter=covered),
        "standalone_covered": Count("pk", filter=Q(covering_formation=Organization.Formation.STANDALONE)),
        "joint_covered": Count("pk", filter=Q(covering_formation=Organization.Formation.JOINT)),
        "work_covered": Count("pk", filter=work_covered()),
        # Committees, general branches and branches covering at least one of these enterprises that day.
        "branches": Count("covering_organization_id", filter=is_branch, distinct=True),
    }


def coverage_summary(*, parks: QuerySet[Park], as_of: date, group_by: str | None = None) -> dict:
    """Coverage of the parks' enterprises as of a date: one query, two with a grouping."""
    enterprises = with_coverage_on(enterprises_in_park_on(parks, as_of), as_of)
    summary = enterprises.aggregate(**_counts())
    summary["coverage_rate"] = rate(summary["covered_enterprises"], summary["total_enterprises"])
    if group_by:
        summary["groups"] = coverage_groups(enterprises, group_by)
    return summary


def branches_on(organizations: QuerySet[Organization], on: date) -> QuerySet[Organization]:
    """`coverage_summary`'s `branches` as rows: those of `organizations` of the counted kinds (committees,
    general branches, branches) covering at least one enterprise in its park that day."""
    covering = Coverage.objects.filter(active_on(on), in_park_on(on, "enterprise__"))
    return organizations.filter(kind__in=Organization.BRANCH_KINDS, pk__in=covering.values("organization_id"))


def cached_coverage_summary(*, park_ids: list[int], as_of: date, group_by: str | None = None) -> dict:
    """`coverage_summary`, computed once per ledger version: dashboards poll it far more often than
    the ledger changes. Costs one query (the version) on a hit."""
    parts = (",".join(map(str, sorted(park_ids))), as_of.isoformat(), group_by or "")
    return cached(
        "coverage",
        parts,
        lambda: coverage_summary(parks=Park.objects.filter(pk__in=park_ids), as_of=as_of, group_by=group_by),
    )


def _group_expressions(group_by: str) -> tuple:
    unassigned = Value(_("(none)"))
    if group_by == "district":
        return F("district_id"), Coalesce(F("district__name"), unassigned)
    if group_by == "grid":
        return F("grid_id"), Coalesce(F("grid__name"), unassigned)
    if group_by == "industry":
        return F("industry"), F("industry")
    if group_by == "formation":
        return F("covering_formation"), F("covering_formation")
    raise ValueError(group_by)


def coverage_groups(enterprises: QuerySet[Enterprise], group_by: str) -> list[dict]:
    key, label = _group_expressions(group_by)
    rows = (
        enterprises.annotate(group_key=key, group_label=label)
        .values("group_key", "group_label")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(covering_formation__isnull=False)))
        .order_by("group_label")
    )
    formations = dict(Organization.Formation.choices)
    groups = []
    for row in rows:
        label_text = row["group_label"]
        if group_by == "formation":
            label_text = str(formations.get(label_text, _("uncovered")))
        elif group_by == "industry" and not label_text:
            label_text = _("(none)")
        groups.append(
            {
                "key": row["group_key"],
                "label": label_text,
                "total_enterprises": row["total"],
                "covered_enterprises": row["covered"],
                "coverage_rate": rate(row["covered"], row["total"]),
            }
        )
    return groups


def enterprises_needing_own_branch(enterprises: QuerySet[Enterprise], on: date) -> QuerySet[Enterprise]:
    """The ledger finding: 3 or more full members on that day and no own (standalone) branch covering it
    then. Members as `members_as_of` counts them (a member transferred out since still counts on a day
    before), so the finding of a past day stays what it was."""
    own_branch = Coverage.objects.filter(
        active_on(on), enterprise=OuterRef("pk"), organization__formation=Organization.Formation.STANDALONE
    )
    full = members_as_of(on, members=PartyMember.objects.filter(enterprise=OuterRef("pk"))).filter(
        status_on=PartyMember.Status.FULL
    )
    full_count = full.order_by().values("enterprise").annotate(n=Count("pk")).values("n")
    return (
        enterprises.filter(entered_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .annotate(full_members=Coalesce(Subquery(full_count, output_field=IntegerField()), 0))
        .filter(full_members__gte=3)
        .exclude(Exists(own_branch))
    )


def _count_per_organization(queryset: QuerySet) -> Subquery:
    """A correlated COUNT per organization row; a JOIN of two relations would multiply the counts."""
    counted = queryset.filter(organization=OuterRef("pk")).order_by().values("organization")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def organization_tree_rows(organizations: QuerySet[Organization], on: date) -> QuerySet[Organization]:
    """The organizations in tree order (by materialized path), in one query, each annotated with
    `covered_enterprises` (enterprises in the park it covers on the date) and `member_count`
    (members on its own roster, not transferred out)."""
    coverages = Coverage.objects.filter(active_on(on), enterprise__entered_on__lte=on).filter(
        Q(enterprise__left_on__isnull=True) | Q(enterprise__left_on__gt=on)
    )
    members = PartyMember.objects.exclude(status=PartyMember.Status.TRANSFERRED_OUT)
    return organizations.annotate(
        covered_enterprises=_count_per_organization(coverages),
        member_count=_count_per_organization(members),
    ).order_by("path")


def coverages_on(on: date, *, coverages: QuerySet[Coverage] | None = None) -> QuerySet[Coverage]:
    """Coverages in force on the date: the ones `coverage_summary` joins (at most one per enterprise)."""
    if coverages is None:
        coverages = Coverage.objects.all()
    return coverages.filter(active_on(on))


def assignments_on(
    on: date, *, assignments: QuerySet[InstructorAssignment] | None = None
) -> QuerySet[InstructorAssignment]:
    """Instructor assignments in force on the date (the work coverage of `coverage_summary` reads the same
    rule). An enterprise's leaving ends its assignments, so these are all of firms in the park that day."""
    if assignments is None:
        assignments = InstructorAssignment.objects.all()
    return assignments.filter(active_on(on))


def instructors_on(on: date, *, instructors: QuerySet[Instructor] | None = None) -> QuerySet[Instructor]:
    """Instructors on the ledger on the date: those with at least one assignment in force that day.

    An instructor row has no dates of its own (its history starts whenever it was entered, which for
    imported rows says nothing of the day they were sent), so the assignments are the record.
    """
    if instructors is None:
        instructors = Instructor.objects.all()
    return instructors.filter(pk__in=assignments_on(on).values("instructor_id"))
