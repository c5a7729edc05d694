"""Read queries over the roster: member counts and attendance. Aggregates run in SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import Organization, Park, PartyMember


def persons(condition: Q | None = None):
    """An aggregate counting people, not roster rows: an ID-card number is unique within a park only, so a
    person on two parks' rosters (a transfer under way) counts once in a figure over several parks. A row
    without a number is one person. Two conditional counts in the same query."""
    condition = condition or Q()
    return Count("id_number", distinct=True, filter=condition & ~Q(id_number="")) + Count(
        "pk", filter=condition & Q(id_number="")
    )


def _recorded_status(day: date):
    """A member's status on `day` (统计口径, docs/architecture.md "Members as of a date"): transferred out
    if the member's history shows that status at the end of the day; else full if `full_member_on` is on
    or before it; else probationary. The roster has no date of leaving: the day the portal recorded the
    transfer is that date. A member with no history record by then takes the status of their first record
    (entered later, e.g. imported), or their status now (rows written without history).

    Only a member who is or ever was transferred out can have been transferred out on `day`: the history
    is read for those few alone (an uncorrelated set, then a CASE that PostgreSQL evaluates lazily). Read
    for every member, the correlated lookups cost minutes on PostgreSQL at a demo park's size once the
    members list groups them with their attendance."""
    transferred = PartyMember.Status.TRANSFERRED_OUT
    history = PartyMember.history.model.objects.filter(id=OuterRef("pk"))
    ever_transferred = PartyMember.history.model.objects.filter(status=transferred).values("id")
    recorded = Coalesce(
        Subquery(
            history.filter(history_date__date__lte=day).order_by("-history_date", "-history_id").values("status")[:1]
        ),
        Subquery(history.order_by("history_date", "history_id").values("status")[:1]),
        F("status"),
    )
    return Case(
        When(Q(status=transferred) | Q(pk__in=ever_transferred), then=recorded),
        default=F("status"),
    )


def statuses_on(day: date, *, members: QuerySet[PartyMember] | None = None) -> QuerySet[PartyMember]:
    """The members (of `members`, by default all) who had joined by `day`, each annotated with `status_on`:
    transferred out by the end of that day (see `_recorded_status`), else full from `full_member_on`, else
    probationary. `members_as_of` is those still on the roster; `status_on=transferred_out` those who had
    left by the day."""
    members = PartyMember.objects.all() if members is None else members
    transferred = PartyMember.Status.TRANSFERRED_OUT
    status = Case(
        When(Q(recorded_status=transferred), then=Value(transferred)),
        When(Q(full_member_on__lte=day), then=Value(PartyMember.Status.FULL)),
        default=Value(PartyMember.Status.PROBATIONARY),
    )
    return members.filter(joined_on__lte=day).alias(recorded_status=_recorded_status(day)).annotate(status_on=status)


def members_as_of(day: date, *, members: QuerySet[PartyMember] | None = None) -> QuerySet[PartyMember]:
    """The members (of `members`, by default all) on the roster on `day`: joined on or before it and not
    transferred out by its end, each annotated with `status_on` (full or probationary on that day). The
    one rule behind the member figures and the members list's `as_of`, so the two agree."""
    return statuses_on(day, members=members).exclude(status_on=PartyMember.Status.TRANSFERRED_OUT)


def party_organizations_on(day: date) -> QuerySet[Organization]:
    """The party organizations (committees, general branches, branches) in being on `day`: established on or
    before it and not dissolved by then."""
    return Organization.objects.filter(kind__in=Organization.BRANCH_KINDS, established_on__lte=day).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
    )


def secretaries_on(day: date, members: QuerySet[PartyMember]) -> QuerySet[PartyMember]:
    """Those of `members` who are the secretary of a party organization in being on `day` (the secretary
    recorded now: the portal keeps no dated history of who was secretary). The rule of the cross-appointment
    figures and the members list's `secretary=true`."""
    return members.filter(pk__in=secretary_ids_on(day))


def secretary_ids_on(day: date) -> QuerySet:
    """The ids of the members who are the secretary of a party organization in being on `day` (a subquery)."""
    return party_organizations_on(day).filter(secretary__isnull=False).values("secretary_id")


def organizations_as_of(day: date, *, organizations: QuerySet[Organization] | None = None) -> QuerySet[Organization]:
    """The organizations (of `organizations`, by default all) that existed on `day`: established on or
    before it, not dissolved by it (`Organization.is_active_on`)."""
    organizations = Organization.objects.all() if organizations is None else organizations
    return organizations.filter(established_on__lte=day).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))


# Which organizations the coverage figures count as branches on a day: the enterprise ledger, above this
# app, knows (`enterprises.selectors.branches_on`) and registers the rule in its ready(), so the
# organizations list's `counts_as_branch` is the figure's own rule.
BranchRule = Callable[[QuerySet[Organization], date], QuerySet[Organization]]
_branch_rule: BranchRule | None = None


def register_branch_rule(rule: BranchRule) -> None:
    global _branch_rule
    _branch_rule = rule


def counting_as_branch(organizations: QuerySet[Organization], day: date) -> QuerySet[Organization]:
    """Those of `organizations` that stats/coverage counts in `branches` on `day`."""
    if _branch_rule is None:
        raise LookupError("No app registered the coverage figures' branch rule (enterprises does).")
    return _branch_rule(organizations, day)


def member_count(parks: QuerySet[Park], as_of: date | None = None) -> int:
    """Members on the rosters of the parks' organizations on `as_of` (today by default), see
    `members_as_of`; a person on two of the parks' rosters counts once."""
    members = members_as_of(as_of or timezone.localdate(), members=PartyMember.objects.filter(park__in=parks))
    return members.aggregate(members=persons())["members"]


def members_in_several_parks() -> QuerySet[PartyMember]:
    """Members whose ID-card number is also on another park's roster: a transfer under way (issue 18 will
    bring transfers), or a typo. For the operators (superusers) only, in the Django admin and
    `manage.py members_in_several_parks`: a park admin never learns about another park's roster. One query."""
    shared = (
        PartyMember.objects.exclude(id_number="")
        .values("id_number")
        .annotate(parks=Count("park", distinct=True))
        .filter(parks__gt=1)
        .values("id_number")
    )
    return PartyMember.objects.filter(id_number__in=shared).order_by("id_number", "park", "pk")


def with_attendance(members: QuerySet) -> QuerySet:
    """Annotate each member with the meetings they were listed at and those they attended: part of
    the same query, so a roster of any length costs nothing more."""
    return members.annotate(
        meetings_listed=Count("attendance"),
        meetings_present=Count("attendance", filter=Q(attendance__status="present")),
    )


def organizations_existing(
    park_ids: list[int], start: date, end: date, *, kinds=Organization.BRANCH_KINDS
) -> QuerySet[Organization]:
    """The parks' organizations of `kinds` (by default the party organizations: committees, general
    branches and branches) that existed at some time in [start, end): established before `end` and not
    dissolved by `start`. In tree order; one query."""
    return (
        Organization.objects.filter(park_id__in=park_ids, kind__in=kinds, established_on__lt=end)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=start))
        .order_by("path")
    )


def with_secretary_on(organizations: QuerySet[Organization], day: date) -> QuerySet[Organization]:
    """Annotate each organization with `secretary_on_id` and `secretary_name_on`: its secretary as the
    portal had recorded it at the end of `day` (its history); one with no history by then (entered later)
    takes the secretary it was entered with, one with no history at all its secretary now. A past year's
    appraisal names who was secretary then. Two correlated subqueries; no query of its own."""
    history = Organization.history.model.objects.filter(id=OuterRef("pk"))
    at_day = history.filter(history_date__date__lte=day).order_by("-history_date", "-history_id")
    first = history.order_by("history_date", "history_id")
    secretary = Case(
        When(Exists(at_day), then=Subquery(at_day.values("secretary_id")[:1])),
        When(Exists(history), then=Subquery(first.values("secretary_id")[:1])),
        default=F("secretary_id"),
        output_field=IntegerField(),
    )
    # No ordering: the roster's default one joins organizations, which would shadow the outer table.
    name = PartyMember.objects.filter(pk=OuterRef("secretary_on_id")).order_by().values("name")[:1]
    return organizations.annotate(secretary_on_id=secretary).annotate(secretary_name_on=Subquery(name))
