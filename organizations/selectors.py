"""Read queries over the roster: member counts and attendance. Aggregates run in SQL."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from organizations.models import Park, PartyMember


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
