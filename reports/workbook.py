"""The report as an Excel workbook: a sheet of figures first, then one sheet per table.

Written from the report's stored JSON (what the page and the API show, so the three agree) with
openpyxl's write-only mode: rows stream to the file, so a park of thousands of branches costs memory for
one row at a time, not for the sheet.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from parkparty.exports import text_cell

from . import sections

# Excel refuses sheet titles longer than 31 characters or containing []:*?/\
_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def render(data: dict) -> bytes:
    book = Workbook(write_only=True)
    figures = [s for s in data["sections"] if "figures" in s]
    tables = [s for s in data["sections"] if "columns" in s]
    if figures:
        _figures_sheet(book, data, figures)
    for position, entry in enumerate(tables, start=1):
        _table_sheet(book, entry, position)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(text: str, position: int) -> str:
    return f"{position} {text.translate(_FORBIDDEN)}"[:31]


def _bold(sheet, value: str) -> WriteOnlyCell:
    cell = text_cell(sheet, value)
    cell.font = Font(bold=True)
    return cell


def _figures_sheet(book, data: dict, entries: list[dict]) -> None:
    sheet = book.create_sheet(_sheet_title(data["title"], 0))
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 18
    sheet.append([_bold(sheet, data["title"])])
    for entry in entries:
        sheet.append([])
        sheet.append([_bold(sheet, sections.title(entry["key"]))])
        for key, value in entry["figures"].items():
            sheet.append([text_cell(sheet, sections.label(key)), _cell(sheet, key, value)])


def _table_sheet(book, entry: dict, position: int) -> None:
    sheet = book.create_sheet(_sheet_title(sections.title(entry["key"]), position))
    for index in range(len(entry["columns"])):
        sheet.column_dimensions[chr(ord("A") + index)].width = 24
    sheet.append([_bold(sheet, sections.label(column)) for column in entry["columns"]])
    for row in entry["rows"]:
        sheet.append([_cell(sheet, column, value) for column, value in zip(entry["columns"], row, strict=True)])


def _cell(sheet, key: str, value):
    """Typed cells: rates as percentages, dates as dates, text never a formula."""
    if value is None:
        return None
    if sections.is_rate(key):
        try:
            cell = WriteOnlyCell(sheet, value=Decimal(str(value)))
        except InvalidOperation:
            return text_cell(sheet, value)
        cell.number_format = "0.00%"
        return cell
    if isinstance(value, str) and len(value) == 10 and key.endswith(("_on", "as_of")):
        try:
            cell = WriteOnlyCell(sheet, value=date.fromisoformat(value))
        except ValueError:
            return text_cell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str) and _is_money(key):  # JSON keeps Decimals as strings; Excel must add them up
        try:
            cell = WriteOnlyCell(sheet, value=Decimal(value))
        except InvalidOperation:
            return text_cell(sheet, value)
        cell.number_format = "#,##0.00"
        return cell
    return text_cell(sheet, value) if isinstance(value, str) else value


def _is_money(key: str) -> bool:
    return key == "amount" or key.endswith(("_amount", "_paid"))
