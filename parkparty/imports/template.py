"""The template of a kind: its sheet with the headers and one example row, and a notes sheet (说明)
saying of each column whether it is required, what it takes and in what format."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from parkparty.imports import ImportKind, cells

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTES_SHEET = "说明"


def render(kind: ImportKind) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = cells.zh(kind.label)[:31]
    sheet.append([column.header for column in kind.columns])
    # Our own constants, no formula; a choice's example is its label in Chinese, read when written.
    sheet.append([column.example() if callable(column.example) else column.example for column in kind.columns])
    for index, column in enumerate(kind.columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, 2 * len(column.header))
        if isinstance(column.example, str):
            sheet.cell(row=2, column=index).number_format = "@"  # codes and phones stay text
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append([_("Column"), _("Required"), _("Allowed values"), _("Format and notes")])
    for column in kind.columns:
        allowed = "、".join(column.allowed()) if column.allowed else ""
        notes.append([column.header, "是" if column.required else "否", allowed, str(column.note)])
    for letter, width in zip("ABCD", (18, 8, 40, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(kind: ImportKind) -> HttpResponse:
    answer = HttpResponse(render(kind), content_type=XLSX)
    answer["Content-Disposition"] = f'attachment; filename="{kind.key}-template-{timezone.localdate():%Y%m%d}.xlsx"'
    return answer
