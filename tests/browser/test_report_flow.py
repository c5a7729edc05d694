"""A park admin asks for a month's report on a phone: a malformed period is refused next to its field,
then the report is built (eager tasks) and its page shows every section; printed, the page drops the
navigation and the buttons; the workbook downloads and opens."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import Report
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def test_a_park_admin_generates_prints_and_downloads_a_report_on_a_phone(new_page, log_in, live_server, world):
    page = log_in(new_page(PHONE), "admin")
    page.goto(f"{live_server.url}/reports/generate/")
    page.select_option("select[name=park]", str(world.park.pk))
    page.select_option("select[name=kind]", "monthly")
    page.fill("input[name=period]", "2024-13")
    page.click(".submit-bar button[type=submit]")
    expect(page.locator("input[name=period]")).to_have_attribute("aria-invalid", "true")
    assert not Report.objects.filter(park=world.park, period="2024-13").exists()

    page.fill("input[name=period]", "2024-06")
    page.click(".submit-bar button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    report = Report.objects.get(park=world.park, kind="monthly", period="2024-06")
    assert report.status == Report.Status.DONE
    # Every section the report holds is on the page, in the order it was built.
    keys = [section["key"] for section in report.data["sections"]]
    assert page.locator("section[data-section]").evaluate_all("s => s.map(e => e.dataset.section)") == keys
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths

    page.emulate_media(media="print")
    expect(page.locator("nav.nav")).to_be_hidden()
    expect(page.locator(".toolbar.no-print")).to_be_hidden()
    expect(page.locator("section[data-section='coverage']")).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.click(f"a[href='/reports/{report.pk}/download/']")
    with open(download.value.path(), "rb") as file:
        book = load_workbook(io.BytesIO(file.read()))
    assert len(book.worksheets) >= 2
