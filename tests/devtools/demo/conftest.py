"""The demo, loaded once for every module of this package.

Loading all four parks takes most of a minute, too long to repeat for every test or every module.
As Django's TestCase.setUpTestData does, the data lives in an outer atomic block; each test's own
transaction (pytest-django's django_db) is a savepoint inside it, so a test's writes, including a
second `load_demo` (idempotence, a new password), are undone after it, and the outer rollback at the
end of the package undoes the load. Nothing is ever committed, so no other package sees it.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase

from tests.conftest import FROZEN_TODAY, outer_atomic


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The demo's output, built up to the suite's frozen today (tests/conftest.py), which is also the
    demo's own default reference day, so that the loads inside tests build the same demo. --force: the
    test settings run with DEBUG off, where the logins are otherwise refused. The reports' tasks are sent
    when the transaction commits, which this one never does: they run as the load ends, as a commit
    would."""
    with outer_atomic(django_db_blocker):
        output = StringIO()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", "--force", f"--today={FROZEN_TODAY:%Y-%m-%d}", stdout=output)
        yield output.getvalue()
