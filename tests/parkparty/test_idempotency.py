"""`Idempotency-Key` on API writes (parkparty.idempotency): a retry gets the first answer again, never a
second record; the key is the user's own; a key reused for another request, or still in flight, is
refused; and every API view that writes honours it."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.views import APIView

from meetings import api as meetings_api
from meetings.models import Meeting
from parkparty import idempotency
from parkparty.models import IdempotencyKey
from tests import factories as f
from tests.meetings.test_meetings_api import meeting_payload

API = "/api/v1"
KEY = "0b4c5e2e-7d1f-4a55-9a0e-3f6d2c1b9a87"


def post(client, payload, key=KEY, path="/meetings/"):
    return client.post(f"{API}{path}", payload, format="json", HTTP_IDEMPOTENCY_KEY=key, HTTP_ACCEPT_LANGUAGE="en")


def test_a_repeated_create_replays_the_first_answer_and_writes_once(world, as_role):
    client = as_role("secretary_a")
    before = Meeting.objects.count()
    first = post(client, meeting_payload(world))
    again = post(client, meeting_payload(world))
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Meeting.objects.count() == before + 1


def test_the_same_json_with_its_keys_in_another_order_is_the_same_request(world, as_role):
    client = as_role("secretary_a")
    payload = meeting_payload(world)
    post(client, payload)
    again = post(client, dict(reversed(payload.items())))
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")


def test_the_same_key_with_another_body_is_refused(world, as_role):
    client = as_role("secretary_a")
    before = Meeting.objects.count()
    post(client, meeting_payload(world))
    other = post(client, meeting_payload(world, topic="另一个主题"))
    assert other.status_code == 422
    assert other.json() == {"detail": "This Idempotency-Key was already used for a different request."}
    assert Meeting.objects.count() == before + 1


def test_another_users_key_is_another_key(world, as_role):
    before = Meeting.objects.count()
    mine = post(as_role("secretary_a"), meeting_payload(world))
    theirs = post(as_role("admin"), meeting_payload(world))
    assert mine.status_code == theirs.status_code == 201
    assert not theirs.has_header("Idempotent-Replayed")
    assert mine.json()["id"] != theirs.json()["id"]
    assert Meeting.objects.count() == before + 2


def test_without_the_header_every_post_writes(world, as_role):
    client = as_role("secretary_a")
    before = Meeting.objects.count()
    for _ in range(2):
        assert client.post(f"{API}/meetings/", meeting_payload(world), format="json").status_code == 201
    assert Meeting.objects.count() == before + 2
    assert IdempotencyKey.objects.count() == 0


def test_a_refused_write_lets_the_key_go(world, as_role):
    """Nothing was written by a 400: the client corrects the body and sends it with the same key."""
    client = as_role("secretary_a")
    before = Meeting.objects.count()
    refused = post(client, meeting_payload(world, topic=""))
    assert refused.status_code == 400
    assert IdempotencyKey.objects.count() == 0
    saved = post(client, meeting_payload(world))
    assert saved.status_code == 201
    assert Meeting.objects.count() == before + 1


def test_a_repeated_patch_replays_its_answer(world, as_role):
    client = as_role("secretary_a")
    path = f"{API}/meetings/{world.meeting_a.pk}/"
    first = client.patch(path, {"topic": "改过的主题"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = client.patch(path, {"topic": "改过的主题"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 200
    assert (again.content, again["Idempotent-Replayed"]) == (first.content, "true")


def test_a_key_still_in_flight_is_a_conflict(world, as_role):
    client = as_role("secretary_a")
    post(client, meeting_payload(world))
    IdempotencyKey.objects.update(status=None)  # as while the first request runs
    before = Meeting.objects.count()
    response = post(client, meeting_payload(world))
    assert response.status_code == 409
    assert Meeting.objects.count() == before


def test_a_claim_whose_request_died_is_taken_over(world, as_role):
    """A claim with no answer past STALE (its process was killed mid-request) is run again."""
    client = as_role("secretary_a")
    assert post(client, meeting_payload(world)).status_code == 201
    IdempotencyKey.objects.update(status=None, created_at=timezone.now() - idempotency.STALE - timedelta(seconds=1))
    before = Meeting.objects.count()
    again = post(client, meeting_payload(world))
    assert (again.status_code, again.has_header("Idempotent-Replayed")) == (201, False)
    assert Meeting.objects.count() == before + 1
    assert IdempotencyKey.objects.get().status == 201


def test_a_key_older_than_a_day_is_forgotten(world, as_role):
    client = as_role("secretary_a")
    before = Meeting.objects.count()
    post(client, meeting_payload(world))
    IdempotencyKey.objects.update(created_at=timezone.now() - idempotency.TTL - timedelta(minutes=1))
    again = post(client, meeting_payload(world))
    assert (again.status_code, again.has_header("Idempotent-Replayed")) == (201, False)
    assert Meeting.objects.count() == before + 2


@pytest.mark.parametrize("key", ["", "x" * 256, "含中文"])
def test_a_key_that_is_not_visible_ascii_is_a_400_on_the_header(world, as_role, key):
    client = as_role("secretary_a")
    response = client.post(
        f"{API}/meetings/", meeting_payload(world), format="json", HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1")
    )
    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]


def test_a_read_ignores_the_header(world, as_role):
    response = as_role("secretary_a").get(f"{API}/meetings/", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 200
    assert IdempotencyKey.objects.count() == 0


def _api_views(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "cls", None) is not None:
            yield prefix + str(pattern.pattern), pattern.callback


def _writes(callback) -> bool:
    if getattr(callback, "actions", None) is not None:  # a viewset's route: the methods it maps
        return any(method.upper() in idempotency.WRITE_METHODS for method in callback.actions)
    return any(hasattr(callback.cls, method.lower()) for method in idempotency.WRITE_METHODS)


def test_every_api_view_that_writes_honours_the_key():
    views = [(route, callback) for route, callback in _api_views() if issubclass(callback.cls, APIView)]
    writing = [(route, callback.cls) for route, callback in views if _writes(callback)]
    assert len(writing) > 20  # the walk found the API
    assert [route for route, cls in writing if not issubclass(cls, idempotency.IdempotentWrites)] == []


def test_the_schema_declares_the_header_on_writes_only(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = schema["paths"]["/api/v1/meetings/"]
    assert "Idempotency-Key" in [p["name"] for p in operations["post"]["parameters"] if p["in"] == "header"]
    assert {"409", "422"} <= set(operations["post"]["responses"])
    assert "Idempotency-Key" not in [p["name"] for p in operations["get"].get("parameters", [])]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_sent_while_the_first_is_running_is_a_conflict_and_writes_nothing(monkeypatch):
    park = f.ParkFactory()
    branch = f.OrganizationFactory(park=park)
    member = f.PartyMemberFactory(organization=branch)
    user = f.UserFactory()
    f.GrantFactory(user=user, role="secretary", organization=branch)
    world = type("World", (), {"branch_a": branch, "member_a": member})
    running, real_save = threading.Event(), meetings_api.services.meeting_save

    def slow_save(**kwargs):
        running.set()
        time.sleep(0.5)  # the duplicate arrives now
        return real_save(**kwargs)

    monkeypatch.setattr(meetings_api.services, "meeting_save", slow_save)
    answers = {}

    def send(name, wait_for=None):
        try:
            client = APIClient()
            client.force_login(user)
            if wait_for is not None:
                wait_for.wait(timeout=10)
            answers[name] = post(client, meeting_payload(world))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=("first",)), threading.Thread(target=send, args=("second", running))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert (answers["first"].status_code, answers["second"].status_code) == (201, 409)
    assert Meeting.objects.filter(host=branch).count() == 1
    replay = post(APIClient(), {})  # anonymous: refused before any key is read
    assert replay.status_code in (401, 403)
