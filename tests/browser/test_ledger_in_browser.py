"""The searchable picker in a real browser, on a phone: the park admin attaches a covering organization
by typing part of its name."""

import pytest
from playwright.sync_api import expect

from enterprises.models import Coverage
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def test_the_admin_picks_an_organization_by_typing_its_name_on_a_phone(
    new_page, log_in, live_server, world, screenshot_dir
):
    page = log_in(new_page(PHONE))
    page.goto(f"{live_server.url}/enterprises/{world.enterprise_uncovered.pk}/coverages/new/")

    # The select became a picker, and its label now names the picker's own text box.
    control = page.locator("#id_organization-ts-control")
    expect(control).to_be_visible()
    expect(page.locator("label[for='id_organization-ts-control']")).to_have_count(1)
    expect(page.locator("#id_organization")).to_have_attribute("aria-hidden", "true")
    expect(page.get_by_role("combobox")).to_have_count(1)
    control.click()
    # The picker's own words come from the catalog (base.html), in the page's language.
    control.fill("不存在的组织")
    expect(page.locator(".ts-dropdown .no-results")).to_have_text("没有匹配的选项")
    control.fill("联合")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("乙联合支部")
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "picker-phone.png", full_page=True)
    control.press("Enter")

    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    page.fill("input[name=started_on]", "2026-06-01")
    page.click("form.form-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/enterprises/{world.enterprise_uncovered.pk}/")
    coverage = Coverage.objects.get(enterprise=world.enterprise_uncovered)
    assert coverage.organization_id == world.branch_b.pk
