"""The Content-Security-Policy holds in a real browser: the admin walks the main pages and the API docs,
and none of them breaks a rule of the policy (no inline script or style, nothing from elsewhere).
Chromium reports every refusal as a `securitypolicyviolation` event and a console error."""

import pytest
from playwright.sync_api import expect

from reports.models import Report

pytestmark = pytest.mark.browser

# Recorded on every document before its own scripts run (Playwright's init scripts are not subject to
# the page's policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


def watched(page) -> list[str]:
    """Console messages that speak of the Content Security Policy, gathered as the page runs."""
    complaints: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and complaints.append(message.text))
    page.add_init_script(LISTEN)
    return complaints


def visit(page, url: str, complaints: list[str]) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__violations")
    assert violations == [], (url, violations)
    assert complaints == [], (url, complaints)


def test_the_main_pages_break_no_rule_of_the_policy(new_page, log_in, live_server, world):
    page = new_page()
    complaints = watched(page)
    log_in(page)
    base = live_server.url
    for path in (
        "/",
        "/enterprises/",
        f"/enterprises/{world.enterprise_a.pk}/",
        "/organizations/",
        f"/organizations/{world.branch_a.pk}/",
        "/meetings/calendar/",
        "/meetings/compliance/",
        f"/reports/{world.report_a.pk}/",
        "/ratings/",
        "/subsidies/",
        f"/subsidies/{world.subsidy_a.pk}/",
        "/meetings/new/",
    ):
        visit(page, base + path, complaints)
    # The overview's chart draws its tooltip on hover: ECharts' default one carries style attributes.
    page.goto(base + "/")
    page.locator("#coverage-chart canvas").hover()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__violations") == []
    assert complaints == []


def test_the_api_docs_render_under_their_own_allowance(new_page, log_in, live_server):
    page = new_page()
    complaints = watched(page)
    log_in(page)
    visit(page, f"{live_server.url}/api/docs/", complaints)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Park party-building portal API")


def test_the_report_page_still_prints_and_polls_from_its_script_file(new_page, log_in, live_server, world):
    page = new_page()
    complaints = watched(page)
    log_in(page)
    visit(page, f"{live_server.url}/reports/{world.report_a.pk}/", complaints)
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("[data-print]")
    assert page.evaluate("window.__printed") is True

    # While a report is being made the page reloads itself (every POLL_SECONDS).
    Report.objects.filter(pk=world.report_a.pk).update(status=Report.Status.QUEUED)
    visit(page, f"{live_server.url}/reports/{world.report_a.pk}/", complaints)
    expect(page.locator("[data-working]")).to_be_visible()
    script = page.locator("script[src*='report-detail']")
    assert script.get_attribute("data-poll-seconds")
    page.wait_for_event("load", timeout=15_000)
