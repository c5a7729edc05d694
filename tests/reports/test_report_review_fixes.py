"""Regressions found in review of the reports: which month a closed report checks for a chair, a
running month left out of compliance, money as numbers in the workbook, the API's park filter."""

import io
from datetime import date

from django.utils import translation
from openpyxl import load_workbook

from meetings.models import ChairTerm
from parkparty.dates import local_datetime
from reports import periods, sections, workbook
from tests.conftest import client_for


def context(world, kind: str, code: str, today: date) -> sections.Context:
    return sections.Context(park=world.park, period=periods.parse(kind, code, today), today=today)


def chair_alerts(ctx) -> list[list]:
    with translation.override("en"):
        rows = sections.SECTIONS["alerts"](ctx)["rows"]
    return [row for row in rows if row[0] == "chair_missing"]


def test_a_closed_months_report_checks_the_chair_of_the_month_after_it(world):
    """October's report, made in late November, asks about November's chair (what its next_chair
    table shows), not December's."""
    ctx = context(world, "monthly", "2026-10", today=date(2026, 11, 21))
    assert [row[4] for row in chair_alerts(ctx)] == [date(2026, 11, 1)]
    term = ChairTerm.objects.create(
        joint_body=world.joint_body, starts_on=date(2026, 11, 1), enterprise=world.enterprise_a
    )
    named = ChairTerm.history.filter(id=term.pk)
    named.update(history_date=local_datetime(date(2026, 11, 2), 9))  # named after October closed
    assert [row[4] for row in chair_alerts(ctx)] == [date(2026, 11, 1)]  # the report says what was missing then
    named.update(history_date=local_datetime(date(2026, 10, 20), 9))  # named in October
    assert chair_alerts(ctx) == []  # December has no chair either, but that is not October's business


def test_a_running_month_is_left_out_of_compliance(world):
    """Made on the 2nd, a report of the running month owes nothing yet; the month before is counted
    once it has ended."""
    running = context(world, "monthly", "2024-06", today=date(2024, 6, 2))
    assert sections.SECTIONS["compliance"](running)["rows"] == []
    closed = context(world, "monthly", "2024-05", today=date(2024, 6, 1))
    rows = sections.SECTIONS["compliance"](closed)["rows"]
    assert rows and all(row[1] > 0 for row in rows)  # required meetings of May are counted


def test_money_in_the_workbook_is_a_number_excel_adds_up():
    data = {
        "title": "t",
        "sections": [
            {"key": "allowance_totals", "figures": {"paid_amount": "1234.50"}},
            {"key": "allowances", "columns": ["organization", "amount"], "rows": [["=1+1", "70.00"]]},
        ],
    }
    book = load_workbook(io.BytesIO(workbook.render(data)))
    figures, table = book.worksheets
    values = [row[1] for row in figures.iter_rows(values_only=True) if len(row) > 1]
    assert 1234.5 in values and "1234.50" not in values
    assert list(table.iter_rows(min_row=2, values_only=True)) == [("=1+1", 70)]
    assert table["A2"].data_type == "s"  # the organization's name stays text, never a formula


def test_the_api_answers_another_parks_id_as_one_that_does_not_exist(world):
    client = client_for(world, "admin")
    other = client.get("/api/v1/reports/", {"park": world.other_park.pk}, HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get("/api/v1/reports/", {"park": 999_999}, HTTP_ACCEPT_LANGUAGE="en")
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
