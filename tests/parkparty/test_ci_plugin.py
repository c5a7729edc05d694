"""The strict-skip plugin (tests/plugins/ci.py), run on small inner sessions with pytester."""

import pytest
from django.db import connections

from tests.plugins import ci

pytest_plugins = ["pytester"]

INNER_TESTS = """
import pytest

@pytest.mark.browser
def test_clicks():
    pytest.skip("Chromium not found at /usr/bin/chromium")

@pytest.mark.postgres
def test_locks_rows():
    pass

def test_plain():
    pass
"""


@pytest.fixture
def inner(pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("CI_ALLOWED_SKIPS", raising=False)
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    pytester.makepyfile(test_inner=INNER_TESTS)

    def run(*args):
        # pytest-django stays out of the inner session: the outer one has configured Django already.
        return pytester.runpytest_inprocess("-p", "no:django", "-p", "no:cacheprovider", *args, plugins=[ci])

    return run


def test_lists_skipped_browser_and_postgres_tests_and_passes_outside_ci(inner):
    result = inner()
    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "Skipped browser tests (Chromium not found at /usr/bin/chromium): 1",
            "    test_inner.py::test_clicks",
            "Skipped postgres tests (needs PostgreSQL; the default database is sqlite *): 1",
            "    test_inner.py::test_locks_rows",
        ]
    )


def test_ci_true_turns_those_skips_into_a_failed_session(inner, monkeypatch):
    monkeypatch.setenv("CI", "TRUE")
    result = inner()
    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["CI=true: 2 browser/postgres test(s) were skipped*this session fails."])


def test_ci_allowed_skips_exempts_a_marker_but_not_the_other(inner, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("CI_ALLOWED_SKIPS", "postgres")
    result = inner()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["CI=true: 1 browser/postgres test(s) were skipped*"])

    monkeypatch.setenv("CI_ALLOWED_SKIPS", "postgres,browser")
    assert inner().ret == pytest.ExitCode.OK


def test_postgres_tests_run_on_postgresql(inner, monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    monkeypatch.setenv("CI", "true")
    result = inner("-k", "not clicks")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    assert "Skipped" not in result.stdout.str()


def test_no_tests_collected_stays_a_failure_in_ci(inner, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = inner("-k", "nothing_matches_this")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
