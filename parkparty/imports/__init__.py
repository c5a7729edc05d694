"""Excel imports of the ledger (台账): the registry of import kinds and what a kind is made of.

The base knows how to read a workbook, match its headers, report every row and write all or nothing
(`parkparty.imports.run`); what a row means, each feature app says for its own models in
`<app>/imports.py` (`KINDS`), registered from its AppConfig.ready() (`parkparty.apps.FeatureConfig`).
A new kind (accounts in bulk, say) is an `ImportKind` in the app that owns the model:

    KINDS = [ImportKind(key="accounts", label=_("accounts"), columns=(...), importer=AccountImporter)]

where `AccountImporter(park=, actor=)` has `apply(row) -> Action` that writes the row through the
app's services (the engine runs it inside a savepoint and rolls everything back on a preview).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import TextChoices
from django.utils.functional import Promise

from parkparty.imports import cells


class Action(TextChoices):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Column:
    """One column of a kind's sheet, matched by its header (the name the parks' ledgers use)."""

    header: str
    field: str  # key of the parsed value in `Row.values`
    parse: Callable[[Any], Any] = cells.text
    required: bool = False
    note: str | Promise = ""  # what to write, for the template's notes sheet
    example: Any = ""
    # The values a choice column accepts, written in the notes sheet.
    allowed: Callable[[], list[str]] | None = None


@dataclass
class Row:
    """A data row of the sheet: its Excel row number and the parsed value of each column present."""

    number: int
    values: dict[str, Any]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    def __getitem__(self, name: str):
        return self.values[name]


class Importer(Protocol):
    def apply(self, row: Row) -> tuple[Action, str]:
        """Write the row through the services (or find it unchanged) and say what was done, with a
        short label for the report (a name; never personal data). Refusals are ValidationErrors
        keyed by column field."""


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str | Promise
    columns: tuple[Column, ...]
    # Called once per run with park= and actor=; its `apply` is called once per row, in order.
    importer: Callable[..., Importer]
    # Where the services name a field differently from the column (model field → column field).
    field_columns: dict[str, str] = field(default_factory=dict)
    order: int = 100

    def header_of(self, name: str | None) -> str | None:
        name = self.field_columns.get(name, name)
        return next((column.header for column in self.columns if column.field == name), None)


_KINDS: dict[str, ImportKind] = {}


def register_kinds(*kinds: ImportKind) -> None:
    """Idempotent, like the other registries: an app's ready() may run again."""
    for kind in kinds:
        if _KINDS.get(kind.key, kind) != kind:
            raise ImproperlyConfigured(f"Two import kinds named {kind.key}.")
        _KINDS[kind.key] = kind


def kinds() -> list[ImportKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def kind_of(key: str) -> ImportKind | None:
    return _KINDS.get(key)
