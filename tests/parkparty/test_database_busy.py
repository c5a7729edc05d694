"""The last resort under SQLite: a write that waited out the busy timeout answers 503, not 500.

The settings make every transaction wait its turn for SQLite's write lock (tests/parkparty/
test_sqlite_concurrency.py); only a write that waited longer than the busy timeout is refused, with a
translated message and Retry-After: JSON in the API, a plain page elsewhere. The lock is simulated
here: the service raises what SQLite raises then.
"""

import pytest
from django.db import OperationalError
from django.urls import reverse

# Imported before any patch: the views bind `matter_save` at import, and the first request of a session
# would otherwise import them while meetings.services.matter_save is patched, keeping the fake for good.
import meetings.views  # noqa: F401
from parkparty.errors import RETRY_AFTER
from tests.conftest import client_for

LOCKED = OperationalError("database is locked")


def locked(*args, **kwargs):
    raise LOCKED


def matter(world) -> dict:
    return {
        "park": world.park.pk,
        "source": "visit",
        "category": "recruitment",
        "title": "busy",
        "raised_on": "2026-12-01",
    }


def test_an_api_write_that_waited_out_the_lock_answers_503_with_retry_after(world, monkeypatch):
    monkeypatch.setattr("meetings.services.matter_save", locked)
    response = client_for(world, "admin").post("/api/v1/matters/", matter(world), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response.json() == {
        "detail": "The portal is busy with other changes and could not complete this one. Try again in a moment."
    }


def test_a_page_that_waited_out_the_lock_answers_a_plain_503_page(world, monkeypatch):
    monkeypatch.setattr("meetings.views._matter_form", locked)
    client = client_for(world, "admin")
    response = client.post(reverse("matter-new"), {"title": "busy"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response["Content-Type"].startswith("text/html")
    assert b"could not complete this one" in response.content


def test_other_database_errors_are_not_passed_off_as_busy(world, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: meetings_matter")

    monkeypatch.setattr("meetings.services.matter_save", broken)
    with pytest.raises(OperationalError):
        client_for(world, "admin").post("/api/v1/matters/", matter(world))


class _BusyTransactions:
    """What parkparty.once sees of django.db.transaction when BEGIN IMMEDIATE waits out the timeout."""

    @staticmethod
    def atomic():
        raise LOCKED


def test_a_form_whose_submission_transaction_waited_out_the_lock_answers_503(world, monkeypatch):
    # The one-time token's transaction opens in a middleware, before the view: not a view's exception.
    monkeypatch.setattr("parkparty.once.transaction", _BusyTransactions)
    client = client_for(world, "admin")
    data = {"title": "busy", "submission_token": "a-token-of-sixteen-chars"}
    response = client.post(reverse("matter-new"), data, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
