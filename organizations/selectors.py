"""Read queries over the roster: member counts and attendance. Aggregates run in SQL."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from organizations.models import Organization, Park, PartyMember


def member_count(parks: QuerySet[Park]) -> int:
    """Members on the rosters of the parks' organizations, not counting those transferred out."""
    return (
        PartyMember.objects.filter(organization__park__in=parks)
        .exclude(status=PartyMember.Status.TRANSFERRED_OUT)
        .count()
    )


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
