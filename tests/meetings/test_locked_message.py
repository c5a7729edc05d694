"""Every write a branch tries on confirmed minutes answers with the one message that says why
(meetings.services.LOCKED): the API's PATCH and PUT of the meeting and its attendance, a file sent
through the API, and the page's edit form, read or sent. Not a bare 403, not a field error first."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override

from meetings import services
from meetings.models import Meeting
from parkparty.dates import local_datetime

API = "/api/v1"


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def confirmed(world) -> Meeting:
    meeting = Meeting(host=world.branch_a, kind="theme_day", status="held", topic="主题党日",
                      held_at=local_datetime(date(2024, 5, 20), 9))  # fmt: skip
    services.meeting_save(meeting=meeting, attendance=[services.AttendanceLine(world.member_a)])
    return services.meeting_confirm(meeting=meeting, actor=None)


def _english_lock() -> str:
    with override("en"):
        return str(services.LOCKED)


@pytest.mark.parametrize(
    "change",
    [{"attendance": []}, {"attendance": [{"member": 0}]}, {"minutes": "改过的记录", "reason": "想改一下"},
     {"held_at": "not a time"}, {}],
    ids=["cleared attendance", "attendance with an unknown member", "minutes with a reason", "a bad field", "nothing"],
)  # fmt: skip
def test_a_patch_of_confirmed_minutes_answers_that_they_are_locked(world, as_role, confirmed, change):
    response = as_role("secretary_a").patch(f"{API}/meetings/{confirmed.pk}/", change, format="json", **EN)
    assert (response.status_code, response.json()) == (403, {"detail": _english_lock()})


def test_a_put_of_confirmed_minutes_answers_that_they_are_locked(world, as_role, confirmed):
    body = {"host": world.branch_a.pk, "kind": "theme_day", "topic": "另一个主题", "reason": "想改一下",
            "held_at": "2024-05-20T09:00:00+08:00", "attendance": []}  # fmt: skip
    response = as_role("secretary_a").put(f"{API}/meetings/{confirmed.pk}/", body, format="json", **EN)
    assert (response.status_code, response.json()) == (403, {"detail": _english_lock()})
    assert confirmed.attendance.count() == 1


@pytest.mark.parametrize("with_file", [True, False], ids=["a file", "no file"])
def test_a_file_sent_to_confirmed_minutes_answers_that_they_are_locked(world, as_role, confirmed, with_file):
    data = {"reason": "补传照片"}
    if with_file:
        data["file"] = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")
    response = as_role("secretary_a").post(
        f"{API}/meetings/{confirmed.pk}/attachments/", data, format="multipart", **EN
    )
    assert (response.status_code, response.json()) == (403, {"detail": _english_lock()})
    assert not confirmed.attachments.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_edit_page_of_confirmed_minutes_says_they_are_locked(world, client, confirmed, method):
    client.force_login(world.users["secretary_a"])
    response = getattr(client, method)(reverse("meeting-edit", args=[confirmed.pk]), **EN)
    assert response.status_code == 403
    assert _english_lock() in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.minutes == ""


def test_the_edit_page_of_another_branchs_minutes_stays_not_found(world, client, confirmed):
    client.force_login(world.users["secretary_b"])
    assert client.get(reverse("meeting-edit", args=[confirmed.pk])).status_code == 404


def test_a_park_admin_still_edits_confirmed_minutes(world, client, confirmed):
    client.force_login(world.users["admin"])
    assert client.get(reverse("meeting-edit", args=[confirmed.pk])).status_code == 200


def test_the_page_of_confirmed_minutes_tells_the_branch_they_are_locked(world, client, confirmed):
    client.force_login(world.users["secretary_a"])
    page = client.get(reverse("meeting-detail", args=[confirmed.pk]), **EN).content.decode()
    assert _english_lock() in page
    assert reverse("meeting-edit", args=[confirmed.pk]) not in page
