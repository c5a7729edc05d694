"""Read queries over the roster: member counts and attendance. Aggregates run in SQL."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from organizations.models import Organization, Park, PartyMember


def persons(condition: Q | None = None):
    """An aggregate counting people, not roster rows: an ID-card number is unique within a park only, so a
    person on two parks' rosters (a transfer under way) counts once in a figure over several parks. A row
    without a number is one person. Two conditional counts in the same query."""
    condition = condition or Q()
    return Count("id_number", distinct=True, filter=condition & ~Q(id_number="")) + Count(
        "pk", filter=condition & Q(id_number="")
    )


def member_count(parks: QuerySet[Park]) -> int:
    """Members on the rosters of the parks' organizations, not counting those transferred out; a person
    on two of the parks' rosters counts once."""
    members = PartyMember.objects.filter(park__in=parks).exclude(status=PartyMember.Status.TRANSFERRED_OUT)
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
