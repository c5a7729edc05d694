"""Strict skips: what did not run is said plainly, and in CI it is a failure.

- A test marked ``postgres`` is skipped, with a reason, when the default database is not PostgreSQL;
  one marked ``redis`` when REDIS_URL is not set (the real-worker tests carry both).
- Every skipped test that carries the ``browser``, ``postgres`` or ``redis`` marker is listed at the
  end of every run, grouped by marker and reason, so a developer without Chromium, PostgreSQL or
  Redis sees what did not run. A skip is listed under the marker that caused it.
- With ``CI=true`` (any case) the session fails if any such test was skipped. ``CI_ALLOWED_SKIPS``
  (comma-separated marker names) exempts markers from that rule; ``.ci/run`` sets it to ``postgres``
  for its SQLite run only (where the ``postgres`` + ``redis`` tests skip for want of PostgreSQL), and
  runs the suite again on PostgreSQL and Redis with nothing exempt.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

STRICT_MARKERS = ("browser", "postgres", "redis")

_skipped_key = pytest.StashKey[list]()
_skipped_by_key = pytest.StashKey[str]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _allowed_skips() -> set[str]:
    return {name.strip() for name in os.environ.get("CI_ALLOWED_SKIPS", "").split(",") if name.strip()}


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_skipped_key] = []
    # Declared in pyproject.toml too; repeated here so the plugin works under --strict-markers anywhere.
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright")
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (skipped on other databases)")
    config.addinivalue_line("markers", "redis: needs Redis at REDIS_URL (skipped without it)")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which real services this run uses, so a log shows whether PostgreSQL and Redis were tested."""
    from django.conf import settings

    if not settings.configured:
        return []
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    celery = "eager" if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) else "broker"
    ci = "CI=true (skips of browser/postgres tests fail the run)" if _in_ci() else "not CI"
    return [f"services: database {database}, cache {cache}, celery {celery}; {ci}"]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is not None:
        from django.db import connection

        if connection.vendor != "postgresql":
            item.stash[_skipped_by_key] = "postgres"
            reason = f"needs PostgreSQL; the default database is {connection.vendor}"
            pytest.skip(f"{reason} (set DATABASE_URL=postgres://... to run it)")
    if item.get_closest_marker("redis") is not None:
        from django.conf import settings

        if not getattr(settings, "REDIS_URL", ""):
            item.stash[_skipped_by_key] = "redis"
            pytest.skip("needs Redis; REDIS_URL is not set (set REDIS_URL=redis://... to run it)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    marker = item.stash.get(_skipped_by_key, None) or next(
        (name for name in STRICT_MARKERS if item.get_closest_marker(name) is not None), None
    )
    if marker is not None:
        item.config.stash[_skipped_key].append((marker, item.nodeid, _skip_reason(report)))


def _failing_skips(config: pytest.Config) -> list[tuple[str, str, str]]:
    allowed = _allowed_skips()
    return [entry for entry in config.stash.get(_skipped_key, []) if entry[0] not in allowed]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash.get(_skipped_key, [])
    if not skipped:
        return
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for marker, nodeid, reason in skipped:
        groups[(marker, reason)].append(nodeid)
    terminalreporter.write_sep("=", "skipped browser / postgres tests")
    for (marker, reason), nodeids in sorted(groups.items()):
        terminalreporter.write_line(f"Skipped {marker} tests ({reason}): {len(nodeids)}")
        for nodeid in nodeids:
            terminalreporter.write_line(f"    {nodeid}")
    if _in_ci():
        failing = _failing_skips(config)
        allowed = sorted(_allowed_skips() & {marker for marker, _, _ in skipped})
        if failing:
            terminalreporter.write_line(
                f"CI=true: {len(failing)} browser/postgres test(s) were skipped; in CI every one of them "
                "must run, so this session fails.",
                red=True,
                bold=True,
            )
        if allowed:
            names = ", ".join(allowed)
            terminalreporter.write_line(f"CI_ALLOWED_SKIPS: skips of {names} tests do not fail this run.")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _in_ci() and _failing_skips(session.config) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
