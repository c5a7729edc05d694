"""A park admin inspects a branch on a phone (the suggestion shown, the total and stars following the
scores as they are typed), confirms the rating, proposes the quarter's allowances; a second park admin approves one (four eyes:
not the proposer) and the first pays it from the ledger."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from organizations.models import Rating, Subsidy
from parkparty.models import Role
from tests import factories as f
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def fits_the_screen(page) -> None:
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth})"
    )
    assert widths["page"] <= widths["viewport"], widths


def test_an_admin_rates_confirms_and_pays_the_allowance(new_page, log_in, live_server, world, screenshot_dir):
    f.GrantFactory(user=f.UserFactory(username="treasurer"), role=Role.PARK_ADMIN, park=world.park)
    page = log_in(new_page(PHONE), "admin")
    page.click("nav.nav a[href='/ratings/new/']")
    page.wait_for_url(re.compile(r"/ratings/new/"))
    # Which organization and quarter: each change reloads the page with the sheet and suggestions.
    page.fill(".rating-target input[name=year]", "2024")
    page.select_option(".rating-target select[name=quarter]", "2")
    page.wait_for_url(re.compile(r"quarter=2"))
    page.select_option(".rating-target select[name=organization]", str(world.branch_b.pk))
    page.wait_for_url(re.compile(rf"organization={world.branch_b.pk}"))
    expect(page.locator(".rating-target input[name=year]")).to_have_value("2024")
    fits_the_screen(page)

    criteria = {c.source or c.title: c for c in world.sheet.criteria.all()}
    meetings, matters = criteria["meetings"], criteria["matters"]
    activities = next(c for c in criteria.values() if not c.source and not c.is_veto)
    item = page.locator(f"[data-criterion='{meetings.pk}']")
    expect(item.locator("[data-suggestion]")).to_contain_text("0")  # branch B held none of its meetings
    expect(page.locator("[data-total]")).to_have_text("0.00")

    page.fill(f"input[name=score_{meetings.pk}]", "36")
    expect(item).to_have_class(re.compile("overrides"))  # not the suggestion: a reason is asked for
    page.fill(f"input[name=reason_{meetings.pk}]", "会议记录在纸质台账")
    page.fill(f"input[name=score_{activities.pk}]", "27")
    expect(page.locator("[data-total]")).to_have_text("63.00")
    expect(page.locator("[data-stars]")).to_have_attribute("data-value", "2")
    page.fill(f"input[name=score_{matters.pk}]", "27")
    expect(page.locator("[data-total]")).to_have_text("90.00")
    expect(page.locator("[data-stars]")).to_have_attribute("data-value", "5")
    expect(page.locator("[data-stars]")).to_have_text("★★★★★")
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "inspection-phone.png", full_page=True)
    page.click("button[name=confirm]")

    page.wait_for_url(re.compile(r"/ratings/\d+/$"))
    rating = Rating.objects.get(organization=world.branch_b, year=2024, quarter=2)
    assert (rating.total, rating.stars, rating.status) == (Decimal("90.00"), 5, "confirmed")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "confirmed")
    expect(page.locator("[data-figure=total]")).to_have_text("90.00")
    fits_the_screen(page)

    page.click("nav.nav a[href='/ratings/']")
    page.wait_for_url(re.compile(r"/ratings/$"))
    expect(page.locator(f".tile[data-organization='{world.branch_b.pk}']")).to_have_attribute("data-stars", "5")
    expect(page.locator("[data-count-stars='5']")).to_have_text("1")
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "star-map-phone.png", full_page=True)

    page.click("nav.nav a[href='/subsidies/']")
    page.wait_for_url(re.compile(r"/subsidies/$"))
    page.click(".run-allowances summary")
    page.fill(".run-allowances input[name=year]", "2024")
    page.select_option(".run-allowances select[name=quarter]", "2")
    page.click(".run-allowances button[type=submit]")
    page.wait_for_url(re.compile(r"period=2024-Q2"))
    expect(page.locator(".message-success")).to_contain_text("1")
    record = Subsidy.objects.get(organization=world.branch_b, period="2024-Q2")
    assert record.amount == Decimal("300.00")

    row = page.locator(f"tr[data-subsidy='{record.pk}']")
    # The admin proposed it: approving it is refused, with the reason, and nothing changes.
    row.locator("button[data-action=approve]").click()
    expect(page.locator(".alert")).to_be_visible()
    assert Subsidy.objects.get(pk=record.pk).status == "proposed"
    second = log_in(new_page(PHONE), "treasurer")
    second.goto(f"{live_server.url}/subsidies/?period=2024-Q2")
    second.locator(f"tr[data-subsidy='{record.pk}'] button[data-action=approve]").click()
    expect(second.locator(f"tr[data-subsidy='{record.pk}'] [data-status]")).to_have_attribute("data-status", "approved")

    page.goto(f"{live_server.url}/subsidies/?period=2024-Q2")
    row = page.locator(f"tr[data-subsidy='{record.pk}']")
    row.locator("details[data-action=pay] summary").click()
    row.locator("input[name=voucher_no]").fill("记-2024-118")
    row.locator("details[data-action=pay] button[type=submit]").click()
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "paid")
    expect(row).to_contain_text("记-2024-118")
    expect(page.locator("[data-figure=paid]")).to_have_text("300.00")
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "ledger-phone.png", full_page=True)
    record.refresh_from_db()
    assert (record.status, record.voucher_no) == ("paid", "记-2024-118")
