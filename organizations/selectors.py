"""Read queries for the pages: member counts, the organization tree, change history. Aggregates run in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from enterprises.models import Coverage, active_on
from organizations.models import Organization, Park, PartyMember

# Pages show the most recent changes; older ones stay in the admin's history view.
HISTORY_LIMIT = 50


def member_count(parks: QuerySet[Park]) -> int:
    """Members on the rosters of the parks' organizations, not counting those transferred out."""
    return (
        PartyMember.objects.filter(organization__park__in=parks)
        .exclude(status=PartyMember.Status.TRANSFERRED_OUT)
        .count()
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
