"""Building blocks of the Excel files the portal writes (the subsidy ledger, the periodic reports)."""

from openpyxl.cell import WriteOnlyCell


def text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell that stays text: openpyxl stores a string starting with "=" as a formula, and names and
    notes are typed by people (a secretary names the members), so "=HYPERLINK(…)" would run in Excel."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
