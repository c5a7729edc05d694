"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every test here is marked `browser`: without /usr/bin/chromium it is skipped with a reason, and the CI
plugin (tests/plugins/ci.py) turns such a skip into a failure when CI=true.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import real_clock

CHROMIUM = Path("/usr/bin/chromium")
# Headless in a container: no sandbox (no user namespaces), no GPU, /dev/shm is small, and nothing
# should reach out to the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pass-1234-word"  # tests.factories.UserFactory
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="package", autouse=True)
def _real_clock(frozen_clock):
    """A browser checks cookies against its own clock, which the suite's frozen clock does not reach."""
    with real_clock(frozen_clock):
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium not found at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the ORM calls
    # the tests make (fixtures, the database flush). They are synchronous, so that refusal is moot here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """A fresh browser context (cookies, viewport) per call; Chinese first, as the users are."""
    contexts = []

    def open_page(viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def log_in(live_server, transactional_db, world):
    """Log in through the login form, as a person would; returns the page on the overview."""

    def as_user(page, username: str = "admin"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return as_user


@pytest.fixture
def screenshot_dir() -> Path | None:
    """Set SCREENSHOT_DIR to keep screenshots of the pages for a person to look at (never committed)."""
    directory = os.environ.get("SCREENSHOT_DIR")
    return Path(directory) if directory else None
