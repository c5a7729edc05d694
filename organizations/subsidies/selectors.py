"""Reads on the subsidy ledger shared by the API, pages, exports and reports."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from organizations.models import DuesCollection, Subsidy, SubsidyKind, SubsidyRule

ZERO = Decimal("0.00")


def rule_in_force(*, park_id: int, kind: str, on: date) -> SubsidyRule | None:
    """The park's rule of this kind on a date: the latest that took effect on or before it."""
    return SubsidyRule.objects.filter(park_id=park_id, kind=kind, valid_from__lte=on).order_by("-valid_from").first()


def standing(park_id: int, period: str, kind: str) -> QuerySet[Subsidy]:
    """Records of a park, period and kind that stand: not cancelled, not reversals, not reversed."""
    return Subsidy.objects.filter(
        park_id=park_id, period=period, kind=kind, reverses__isnull=True, reversal__isnull=True
    ).exclude(status=Subsidy.Status.CANCELLED)


def _status_recorded_by(day: date) -> Coalesce:
    """The outer record's status in its history at the end of `day`, else (entered later) that of its first
    history entry; null for a record written without history."""
    history = Subsidy.history.model.objects.filter(id=OuterRef("pk"))
    at_day = history.filter(history_date__date__lte=day).order_by("-history_date", "-history_id")
    first = history.order_by("history_date", "history_id")
    return Coalesce(Subquery(at_day.values("status")[:1]), Subquery(first.values("status")[:1]))


def standing_on(park_id: int, period: str, kind: str, day: date) -> QuerySet[Subsidy]:
    """`standing` as the ledger stood at the end of `day`, each record annotated with `status_on`: paid
    if paid by then (`paid_on`); else the status its history records at the end of that day (proposed,
    approved or cancelled), or for a record entered later the status it was entered with, as
    `members_as_of` reads the roster; a record without history takes its status now, approved if it was
    paid after the day (a payment follows an approval). Records cancelled by then, and payments reversed by then (by a
    reversal dated on or before the day), are left out; a cancellation or reversal after the day leaves
    the record as it stood. So a report of a past quarter rebuilt after its allowances were paid shows
    them as they were at the quarter's end. One query."""
    status = Subsidy.Status
    recorded = _status_recorded_by(day)
    status_on = Case(
        When(Q(status=status.PAID, paid_on__lte=day), then=Value(status.PAID)),
        When(Q(recorded__in=[status.PROPOSED, status.APPROVED, status.CANCELLED]), then=F("recorded")),
        When(Q(status=status.PAID), then=Value(status.APPROVED)),
        default=F("status"),
    )
    reversed_by_then = Subsidy.objects.filter(reverses=OuterRef("pk"), paid_on__lte=day)
    return (
        Subsidy.objects.filter(park_id=park_id, period=period, kind=kind, reverses__isnull=True)
        .exclude(Exists(reversed_by_then))
        .alias(recorded=recorded)
        .annotate(status_on=status_on)
        .exclude(status_on=status.CANCELLED)
    )


# Kinds paid to the organization, one per period, whoever is named to receive the money: the red-star
# allowance follows the organization's rating (the run names its secretary), a dues return its dues.
PER_ORGANIZATION_KINDS = (SubsidyKind.RED_STAR_ALLOWANCE, SubsidyKind.DUES_RETURN)


def existing(subsidy: Subsidy) -> QuerySet[Subsidy]:
    """Standing records for the same recipient (organization and person; the organization alone for the
    kinds paid per organization), kind and period."""
    records = standing(subsidy.park_id, subsidy.period, subsidy.kind).filter(organization_id=subsidy.organization_id)
    if subsidy.kind not in PER_ORGANIZATION_KINDS:
        records = records.filter(member_id=subsidy.member_id)
    return records.exclude(pk=subsidy.pk)


def paid_between(
    since: date | None = None, until: date | None = None, *, entries: QuerySet[Subsidy] | None = None
) -> QuerySet[Subsidy]:
    """The money paid between `since` and `until` (both included, either open), as ledger entries: each
    paid record on the day it was paid, and each reversal as its own negative entry on the day it was
    paid, so that the entries sum to the money paid net of reversals (a payment reversed within the
    range nets to zero; one reversed after `until` still counts). Proposed, approved and cancelled
    records are left out. These are the rows `subsidy_stats` sums and `subsidies/?since=&until=` lists,
    among `entries` (all by default)."""
    entries = (Subsidy.objects.all() if entries is None else entries).filter(status=Subsidy.Status.PAID)
    if since:
        entries = entries.filter(paid_on__gte=since)
    if until:
        entries = entries.filter(paid_on__lte=until)
    return entries


def paid(park_ids: list[int], *, kind: str | None = None, since: date | None = None, until: date | None = None):
    """Paid entries of the parks (reversals included, negative), by the date they were paid."""
    entries = Subsidy.objects.filter(park_id__in=park_ids)
    if kind:
        entries = entries.filter(kind=kind)
    return paid_between(since, until, entries=entries)


def subsidy_stats(
    *, park_ids: list[int], kind: str | None = None, since: date | None = None, until: date | None = None
) -> dict:
    """Money paid, net of reversals: the total, by kind and by year paid, and the entries it sums
    (`paid_records`, of which `reversals`). One query, grouped in SQL."""
    rows = (
        paid(park_ids, kind=kind, since=since, until=until)
        .annotate(year=ExtractYear("paid_on"))
        .values("kind", "year")
        .annotate(amount=Sum("amount"), entries=Count("pk"), reversals=Count("pk", filter=Q(reverses__isnull=False)))
        .order_by()
    )
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    entries = reversals = 0
    for row in rows:
        by_kind[row["kind"]] += row["amount"]
        by_year[row["year"]] += row["amount"]
        entries += row["entries"]
        reversals += row["reversals"]
    total = sum(by_kind.values(), ZERO)
    return {
        "total": _money(total),
        "by_kind": {code: _money(by_kind[code]) for code in SubsidyKind.values if code in by_kind},
        "by_year": {str(year): _money(by_year[year]) for year in sorted(by_year)},
        "paid_records": entries,
        "reversals": reversals,
    }


def _money(amount: Decimal) -> str:
    return str(Decimal(amount).quantize(Decimal("0.01")))


def with_returns(dues: QuerySet[DuesCollection]) -> QuerySet[DuesCollection]:
    """Dues with the return proposed or approved (`returning`) and paid net of reversals (`returned`)."""
    return dues.annotate(
        returned=Sum("subsidies__amount", filter=Q(subsidies__status=Subsidy.Status.PAID), default=ZERO),
        returning=Sum("subsidies__amount", filter=Q(subsidies__status__in=Subsidy.OPEN_STATUSES), default=ZERO),
    )


def return_owed(dues: DuesCollection, rules: list[SubsidyRule]) -> Decimal:
    """The return owed on dues under the dues-return rule in force that month (`rules`: the park's
    dues-return rules, any order)."""
    in_force = [rule for rule in rules if rule.valid_from <= dues.month]
    if not in_force:
        return ZERO
    share = max(in_force, key=lambda rule: rule.valid_from).share
    return (dues.amount * share).quantize(Decimal("0.01"))
