"""Change history (django-simple-history): the reason kept with a change, rows kept in step with a
list so each keeps its own record, and the one presenter every page's history goes through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, DateField, DateTimeField, ForeignKey, Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

# simple-history keeps a change's reason in a varchar(100): a longer one would fail on PostgreSQL
# (SQLite does not enforce the length, so only PostgreSQL shows it).
CHANGE_REASON_LENGTH = 100


def change_reason_errors(reason: str, *, missing: str) -> dict[str, str]:
    """{"reason": message} when the reason of a change is blank (`missing` says what to write) or too long
    for the history to keep."""
    if not reason.strip():
        return {"reason": missing}
    if len(reason) > CHANGE_REASON_LENGTH:
        return {"reason": _("Say why in at most %(max)s characters.") % {"max": CHANGE_REASON_LENGTH}}
    return {}


def user_or_none(actor):
    """The user to record as having done something: a signed-in user, else nobody (the demo loader, a
    task, an anonymous caller)."""
    return actor if actor is not None and actor.is_authenticated else None


# --- rows kept in step with a list, one history record per row ----------------------------------


def sync_rows(
    current: QuerySet, wanted: list[Model], *, key: Callable[[Model], object], fields: list[str], reason: str = ""
) -> None:
    """Make the rows of `current` the `wanted` ones, matched by `key`: a row that is the same stays, a
    changed one is updated, a missing one deleted and a new one created, each with its history record
    (deleting the list and bulk-creating it again, which writes no history, kept neither the before
    nor the after). `reason` is kept with each row's record, as with the change of the row they belong
    to. A fixed number of queries for the creates and the updates, whatever the length."""
    stored = {key(row): row for row in current}
    created, changed = [], []
    for row in wanted:
        old = stored.pop(key(row), None)
        if old is None:
            created.append(row)
        elif any(getattr(old, name) != getattr(row, name) for name in fields):
            for name in fields:
                setattr(old, name, getattr(row, name))
            changed.append(old)
    model = current.model
    for old in stored.values():  # one by one, so each removed row leaves its "deleted" record
        old._change_reason = reason
        old.delete()
    if created:
        bulk_create_with_history(created, model, default_change_reason=reason)
    if changed:
        bulk_update_with_history(changed, model, fields, default_change_reason=reason)


# --- the one history presenter ----------------------------------------------------------------------

# Pages show the most recent changes; older ones stay in the admin's history view.
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Delta:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Revision:
    """One history record as a page shows it: local time, who, what (field labels, values by name)."""

    when: datetime
    who: object  # the user, or None for changes made outside a request (imports, scripts, tasks)
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    title: str  # which row, when records of several rows are shown together (an attendance's member)
    deltas: list[Delta]
    reason: str


@dataclass(frozen=True)
class Source:
    """History records of one model for a page. `title` names the row a record is of; `fields` are shown
    with their values when such a row is added or removed (a member listed, a guest dropped)."""

    records: QuerySet
    title: Callable[[object], str] | None = None
    fields: tuple[str, ...] = ()


def revisions(*sources: Source | QuerySet, limit: int = HISTORY_LIMIT) -> list[Revision]:
    """The latest changes of one or more models' records, newest first, each diffed against the previous
    record of the same row. One query per source, and one per model whose rows a changed foreign key
    names, whatever the number of records."""
    picked = []
    for source in (s if isinstance(s, Source) else Source(s) for s in sources):
        rows = list(source.records.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
        for index, record in enumerate(rows[:limit]):
            previous = next((older for older in rows[index + 1 :] if older.id == record.id), None)
            picked.append((record, previous, source))
    picked.sort(key=lambda entry: (entry[0].history_date, entry[0].history_id), reverse=True)
    picked = picked[:limit]
    raw = [_raw_deltas(record, previous, source) for record, previous, source in picked]
    names = _names_of_rows([change for changes in raw for change in changes])
    return [
        Revision(
            when=record.history_date,
            who=record.history_user,
            kind=record.history_type,
            title=source.title(record) if source.title else "",
            deltas=[_delta(change, names) for change in changes],
            reason=record.history_change_reason or "",
        )
        for (record, _previous, source), changes in zip(picked, raw, strict=True)
    ]


def _delta(change: tuple, names: dict) -> Delta:
    field, old, new = change
    return Delta(str(field.verbose_name), _shown(field, old, names), _shown(field, new, names))


def _raw_deltas(record, previous, source: Source) -> list[tuple]:
    meta = record.instance_type._meta
    if record.history_type == "~" and previous is not None:
        return [(meta.get_field(c.field), c.old, c.new) for c in record.diff_against(previous).changes]
    if record.history_type in "+-" and source.fields:
        values = [(meta.get_field(name), _stored(record, meta.get_field(name))) for name in source.fields]
        if record.history_type == "+":
            return [(field, None, value) for field, value in values if value not in (None, "")]
        return [(field, value, None) for field, value in values if value not in (None, "")]
    return []


def _stored(record, field):
    return getattr(record, field.attname)


def _names_of_rows(changes: list[tuple]) -> dict[tuple[type, object], str]:
    """The names of the rows the changed foreign keys point at: one query per related model."""
    wanted: dict[type, set] = {}
    for field, old, new in changes:
        if isinstance(field, ForeignKey):
            wanted.setdefault(field.related_model, set()).update(v for v in (old, new) if v is not None)
    names = {}
    for model, pks in wanted.items():
        for pk, row in model._default_manager.in_bulk(list(pks)).items():
            names[(model, pk)] = str(row)
    return names


def _shown(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(field, ForeignKey):
        return names.get((field.related_model, value), _("(removed)"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, DateTimeField):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(field, DateField):
        return date_format(value, "DATE_FORMAT")
    return str(value)
