"""The engine: read a kind's sheet from a workbook, apply each row through the kind's importer, and
report every row; write all of it or nothing.

A preview is the import itself inside a transaction that is always rolled back, so it finds every
refusal the services would make (a credit code in use, a coverage before the firm entered), rows that
refer to organizations made earlier in the file included, and a confirmed import can only fail where
the ledger changed in between. A commit is rolled back as soon as one row has an error. Rows are
streamed (openpyxl's read-only mode): memory grows with the report, not with the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from parkparty import ledger_cache
from parkparty.imports import Action, Column, ImportKind, Row

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# What a report keeps: every count, the first errors, and the first rows of each other action
# (the preview page shows at most 200 rows, errors first).
MAX_ERRORS = 1_000
KEPT_ROWS = 200
_ZIP = b"PK\x03\x04"
# The report's count of each action.
COUNTED = {Action.CREATE: "created", Action.UPDATE: "updated", Action.UNCHANGED: "unchanged"}


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    def add(self, number: int, action: Action, label: str, errors: list[tuple[str | None, str]] = ()) -> None:
        if action == Action.ERROR:
            self.error_rows += 1
        else:
            counted = COUNTED[action]
            setattr(self, counted, getattr(self, counted) + 1)
        for column, message in errors:
            if len(self.errors) < MAX_ERRORS:
                self.errors.append({"row": number, "column": column, "message": message})
        if action != Action.ERROR and len(self.rows) < KEPT_ROWS:
            self.rows.append({"row": number, "action": str(action), "label": label})

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_rows": self.error_rows,
            "errors": self.errors,
            "rows": self.rows,
        }


def check_file(file) -> None:
    """At most 10 MB, and a zip (an .xlsx is one) by its first bytes, whatever its name says."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError({"file": _("A workbook may be at most 10 MB.")})
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    if head != _ZIP:
        raise ValidationError({"file": _("This is not an Excel workbook (.xlsx).")})


def _open(file):
    check_file(file)
    try:
        # data_only: a formula's last computed value, never the formula itself.
        return load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise ValidationError({"file": _("This is not an Excel workbook (.xlsx).")}) from None


def run(kind: ImportKind, *, park, file, actor, commit: bool) -> dict:
    """Import the first sheet of `file` into `park` as `actor`; with commit false, nothing is kept.
    Raises ValidationError({"file": ...}) for a file that is no workbook or is too long."""
    workbook = _open(file)
    report = Report()
    try:
        if not workbook.worksheets:
            raise ValidationError({"file": _("This is not an Excel workbook (.xlsx).")})
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        with ledger_cache.quiet(), transaction.atomic():
            columns = _match_header(kind, next(rows, ()), report)
            if columns is not None:
                _apply_rows(kind, kind.importer(park=park, actor=actor), rows, columns, report)
            if report.errors or report.error_rows or not commit:
                transaction.set_rollback(True)
            else:
                ledger_cache.bump_ledger_version()  # once, after commit, for every row
    except (BadZipFile, OSError, SyntaxError):
        # A zip whose sheet is broken is found only when it is read (the XML parsers' errors, of
        # ElementTree and lxml alike, are SyntaxErrors).
        raise ValidationError({"file": _("This is not an Excel workbook (.xlsx).")}) from None
    finally:
        workbook.close()
    return report.as_dict()


def normalized(header) -> str:
    text = "" if header is None else str(header)
    return text.replace("（", "(").replace("）", ")").replace("*", "").strip()


def _match_header(kind: ImportKind, header: tuple, report: Report) -> list[tuple[int, Column]] | None:
    """Each column of the kind found in the header row, by name in any order; unknown, repeated and
    missing required columns are errors of row 1. None when the rows cannot be read at all."""
    by_name = {normalized(column.header): column for column in kind.columns}
    found: list[tuple[int, Column]] = []
    seen: set[str] = set()
    errors: list[tuple[str, str]] = []
    fatal = False
    for index, cell in enumerate(header):
        name = normalized(cell)
        if not name:
            continue
        if name in seen:
            errors.append((name, _("This column appears twice.")))
            fatal = True
        elif name in by_name:
            found.append((index, by_name[name]))
        else:
            errors.append((name, _("Unknown column: correct its name or remove it.")))
        seen.add(name)
    for column in kind.columns:
        if column.required and normalized(column.header) not in seen:
            errors.append((column.header, _("This column is required and is missing.")))
            fatal = True
    for column, message in errors:
        report.errors.append({"row": 1, "column": column, "message": message})
    return None if fatal else found


def _apply_rows(kind: ImportKind, importer, rows, columns: list[tuple[int, Column]], report: Report) -> None:
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise ValidationError(
                {"file": _("A workbook may have at most %(rows)s rows of data.") % {"rows": f"{MAX_ROWS:,}"}}
            )
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        _apply_row(kind, importer, number, cells, columns, report)


def _apply_row(kind: ImportKind, importer, number: int, cells: tuple, columns, report: Report) -> None:
    values, errors = _parsed(cells, columns)
    label = str(values.get("name") or "")
    if not errors:
        try:
            with transaction.atomic():  # a refused row leaves nothing behind, even on a preview
                action, label = importer.apply(Row(number, values))
        except ValidationError as error:
            errors = _located(kind, error)
        except IntegrityError:
            errors = [(None, _("Someone changed the ledger at the same time; import the file again."))]
    if errors:
        report.add(number, Action.ERROR, label, errors)
    else:
        report.add(number, action, label)


def _parsed(cells: tuple, columns) -> tuple[dict, list[tuple[str | None, str]]]:
    values, errors = {}, []
    for index, column in columns:
        raw = cells[index] if index < len(cells) else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if column.required:
                errors.append((column.header, _("This column is required.")))
            values[column.field] = None
            continue
        try:
            values[column.field] = column.parse(raw)
        except ValidationError as error:
            errors += [(column.header, message) for message in error.messages]
    return values, errors


def _located(kind: ImportKind, error: ValidationError) -> list[tuple[str | None, str]]:
    if not hasattr(error, "error_dict"):
        return [(None, message) for message in error.messages]
    return [(kind.header_of(name), message) for name, messages in error.message_dict.items() for message in messages]
