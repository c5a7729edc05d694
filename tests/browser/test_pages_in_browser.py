"""A person's paths through the pages in a real browser: log in, read the overview, search the
ledger, walk the tree, and the same on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def test_the_admin_logs_in_and_sees_the_coverage_figures_and_the_chart(new_page, log_in, screenshot_dir):
    page = log_in(new_page())
    expect(page.locator("[data-figure=total]")).to_have_text("3")
    expect(page.locator("[data-figure=covered]")).to_have_text("2")
    expect(page.locator("[data-figure=rate]")).to_have_text("66.7%")
    # ECharts draws into a canvas it creates inside the holder: the chart really rendered.
    expect(page.locator("#coverage-chart canvas")).to_have_count(1)
    assert page.locator("#coverage-chart").bounding_box()["height"] >= 200
    if screenshot_dir:
        page.wait_for_timeout(600)  # let the bars finish growing
        page.screenshot(path=screenshot_dir / "overview-desktop.png", full_page=True)


def test_the_ledger_filters_by_a_name(new_page, log_in, live_server):
    page = log_in(new_page())
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.locator("table.ledger tbody tr")).to_have_count(3)
    page.fill("input[name=q]", "陶瓷")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/enterprises/\?q="))
    rows = page.locator("table.ledger tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("甲陶瓷有限公司")


def test_an_organization_opens_from_the_tree(new_page, log_in, live_server, world):
    page = log_in(new_page())
    page.click("nav.nav a[href='/organizations/']")
    page.get_by_role("link", name="甲支部", exact=True).click()
    page.wait_for_url(f"{live_server.url}/organizations/{world.branch_a.pk}/")
    expect(page.locator("h1")).to_contain_text("甲支部")
    expect(page.locator("main")).to_contain_text("甲陶瓷有限公司")  # the enterprise it covers today


def test_the_ledger_fits_a_phone_screen_without_sideways_scrolling(new_page, log_in, live_server, screenshot_dir):
    page = log_in(new_page(PHONE))
    if screenshot_dir:
        page.locator("#coverage-chart canvas").wait_for()
        page.wait_for_timeout(600)
        page.screenshot(path=screenshot_dir / "overview-phone.png", full_page=True)
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.locator("table.ledger tbody tr")).to_have_count(3)
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " viewport: document.documentElement.clientWidth})"
    )
    assert widths["page"] <= widths["viewport"], widths
    assert widths["body"] <= widths["viewport"], widths
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "ledger-phone.png", full_page=True)
