"""A sheet of new logins read from an .xlsx upload, and the sheet of their temporary passwords."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from accounts.services import COLUMNS, HEADINGS, CreatedAccount
from parkparty.exports import text_cell

# A sheet of logins is a committee's staff list, not a ledger: a bound keeps a wrong file from
# holding a request for minutes.
MAX_ROWS = 2000
REQUIRED = ("username", "full_name", "role")


def read_rows(upload) -> list[dict]:
    """The rows of the first sheet as dicts keyed like accounts.services.COLUMNS, each with its `row`
    number; empty rows are skipped. A file that is not a workbook, or lacks a column, is refused on
    the `file` field."""
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise ValidationError({"file": _("This file is not an Excel workbook (.xlsx).")}) from None
    try:
        lines = book.worksheets[0].iter_rows(values_only=True) if book.worksheets else iter(())
        keys = _keys(next(lines, ()))
        rows = []
        for number, values in enumerate(lines, start=2):
            row = {key: _cell(value) for key, value in zip(keys, values, strict=False) if key}
            if not any(row.values()):
                continue
            if len(rows) == MAX_ROWS:
                raise ValidationError({"file": _("A sheet has at most %(max)s logins.") % {"max": MAX_ROWS}})
            rows.append({"row": number, **row})
    finally:
        book.close()
    return rows


def _keys(headings) -> list[str | None]:
    by_heading = {heading: key for key, heading in COLUMNS} | {key: key for key, _heading in COLUMNS}
    keys = [by_heading.get(_cell(heading)) for heading in headings]
    missing = [HEADINGS[key] for key in REQUIRED if key not in keys]
    if missing:
        raise ValidationError(
            {"file": _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}}
        )
    return keys


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a user name typed as a number
    return str(value).strip()


def passwords_workbook(created: list[CreatedAccount]) -> bytes:
    """The new logins with their temporary passwords, to hand out; generated once, never stored."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Temporary passwords"))
    sheet.append([text_cell(sheet, heading) for heading in (_("Row"), "用户名", "姓名", _("Temporary password"))])
    for entry in created:
        user = entry.user
        sheet.append(
            [entry.row, *(text_cell(sheet, v) for v in (user.username, user.first_name, entry.temporary_password))]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
