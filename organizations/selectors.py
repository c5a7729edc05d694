"""Read queries for the pages: member counts and change history. Aggregates run in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from organizations.models import Park, PartyMember

# Pages show the most recent changes; older ones stay in the admin's history view.
HISTORY_LIMIT = 50


def member_count(parks: QuerySet[Park]) -> int:
    """Members on the rosters of the parks' organizations, not counting those transferred out."""
    return (
        PartyMember.objects.filter(organization__park__in=parks)
        .exclude(status=PartyMember.Status.TRANSFERRED_OUT)
        .count()
    )


@dataclass(frozen=True)
class Change:
    """One history record as a page shows it."""

    when: datetime
    who: object  # the user, or None for changes made outside a request (imports, scripts)
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    fields: list[str]


def change_history(records: QuerySet, limit: int = HISTORY_LIMIT) -> list[Change]:
    """The latest changes of one object, newest first, each with the labels of the fields it changed.

    One query: one record more than shown is fetched so the oldest shown one can be diffed too.
    """
    rows = list(records.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    previous_records = [*rows[1:], None]
    return [
        Change(
            when=record.history_date,
            who=record.history_user,
            kind=record.history_type,
            fields=_changed_field_labels(record, previous),
        )
        for record, previous in zip(rows[:limit], previous_records[:limit], strict=True)
    ]


def _changed_field_labels(record, previous) -> list[str]:
    if previous is None or record.history_type != "~":
        return []
    model = record.instance_type
    delta = record.diff_against(previous)
    return [str(model._meta.get_field(name).verbose_name) for name in delta.changed_fields]


def with_attendance(members: QuerySet) -> QuerySet:
    """Annotate each member with the meetings they were listed at and those they attended: part of
    the same query, so a roster of any length costs nothing more."""
    return members.annotate(
        meetings_listed=Count("attendance"),
        meetings_present=Count("attendance", filter=Q(attendance__status="present")),
    )
