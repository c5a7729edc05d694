"""Change history with values: who changed what, when, from which value to which, and why.

`organizations.selectors.change_history` names the fields a change touched; ratings and the subsidy
ledger show the values too (a score lowered from 36 to 30, a record moved from approved to paid), as
the committee checks them. One query, whatever the number of records shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import ForeignKey, QuerySet

from organizations.selectors import HISTORY_LIMIT


@dataclass(frozen=True)
class Delta:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Revision:
    when: datetime
    who: object  # the user, or None for changes made outside a request
    kind: str  # "+" created, "~" changed, "-" deleted
    title: str  # what changed, when the records are of several objects (the items of a rating)
    deltas: list[Delta]
    reason: str


def _shown(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(field, ForeignKey):
        return f"#{value}"
    choices = dict(field.flatchoices) if field.choices else {}
    return str(choices.get(value, value))


def _deltas(record, previous) -> list[Delta]:
    if previous is None or record.history_type != "~":
        return []
    model = record.instance_type
    deltas = []
    for change in record.diff_against(previous).changes:
        field = model._meta.get_field(change.field)
        deltas.append(Delta(str(field.verbose_name), _shown(field, change.old), _shown(field, change.new)))
    return deltas


def revisions(records: QuerySet, *, limit: int = HISTORY_LIMIT, title: Callable | None = None) -> list[Revision]:
    """The latest changes, newest first, each diffed against the previous record of the same object
    (records of several objects may be mixed: the items of one rating)."""
    rows = list(records.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    result = []
    for index, record in enumerate(rows[:limit]):
        previous = next((older for older in rows[index + 1 :] if older.id == record.id), None)
        result.append(
            Revision(
                when=record.history_date,
                who=record.history_user,
                kind=record.history_type,
                title=title(record) if title else "",
                deltas=_deltas(record, previous),
                reason=record.history_change_reason or "",
            )
        )
    return result
