"""The meeting pages: logging a meeting from a phone, its page and files, the calendar, compliance,
joint bodies and the matters board — what each persona may do, what is refused, and query counts."""

import struct
import zlib
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attachment, Attendance, ChairTerm, Guest, JointBody, Matter, Meeting
from meetings.services import AttendanceLine, matter_save, meeting_confirm, meeting_save
from meetings.services import rules_install_defaults as install_rules
from meetings.views import meeting_hosts
from organizations.models import Organization
from parkparty.dates import local_datetime
from parkparty.uploads import MAX_UPLOAD_BYTES
from tests import factories as f

# Every request of a logged-in user starts with: the session, the user, their grants, whether they are
# an instructor (see tests/enterprises/test_pages.py).
SESSION_AND_SCOPE = 4


def png_bytes(width: int = 8, height: int = 6) -> bytes:
    """A real (red) PNG, so that a browser draws the thumbnail."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xb3\x26\x1e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary directory, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.logout()
        client.force_login(world.users[role])
        return client

    return as_role


def yesterday_at(hour: int = 9):
    return local_datetime(timezone.localdate() - timedelta(days=1), hour)


def held(world, host=None, *, when=None, kind="theme_day", topic="主题党日：学习党章", attendance=None) -> Meeting:
    host = host or world.branch_a
    return meeting_save(
        meeting=Meeting(host=host, kind=kind, status="held", held_at=when or yesterday_at(), topic=topic),
        attendance=attendance if attendance is not None else [AttendanceLine(world.member_a)],
    )


def log_form(world, **overrides) -> dict:
    """What the log form posts for branch A: its one member present, held yesterday evening."""
    day = timezone.localdate() - timedelta(days=1)
    data = {
        "host": world.branch_a.pk,
        "kind": "theme_day",
        "held_at_0": day.isoformat(),
        "held_at_1": "19:30",
        "topic": "主题党日：重温入党誓词",
        "minutes": "全体党员重温入党誓词。",
        "decisions": "",
        "place": "一楼会议室",
        "venue": "",
        "chair": world.member_a.pk,
        "recorder": "",
        "attendance": [world.member_a.pk],
        f"status_{world.member_a.pk}": "present",
        f"reason_{world.member_a.pk}": "",
        "guest_name": ["", ""],
        "guest_role": ["", ""],
    }
    data.update(overrides)
    return data


def row_counts() -> tuple[int, int, int, int]:
    return Meeting.objects.count(), Attendance.objects.count(), Guest.objects.count(), Attachment.objects.count()


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def count_queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def joint_body(world, seats=3) -> JointBody:
    return f.JointBodyFactory(
        park=world.park,
        name="双联工作会议",
        organizations=[world.branch_a, world.branch_b],
        enterprises=[world.enterprise_a, world.enterprise_b],
        seats=[f.EnterpriseFactory(park=world.park, name=f"轮值企业{position}") for position in range(1, seats + 1)],
    )


def matter(world, **fields) -> Matter:
    values = {
        "park": world.park,
        "source": "red_proxy",
        "organization": world.branch_a,
        "enterprise": world.enterprise_a,
        "category": "recruitment",
        "title": "旺季用工缺口",
        "raised_on": timezone.localdate() - timedelta(days=10),
    }
    return matter_save(matter=Matter(**(values | fields)))


# --- every page, every persona ---------------------------------------------------------------------


def page_urls(world, meeting: Meeting, body: JointBody) -> dict[str, str]:
    return {
        "log": reverse("meeting-log"),
        "meeting": reverse("meeting-detail", args=[meeting.pk]),
        "edit": reverse("meeting-edit", args=[meeting.pk]),
        "calendar": reverse("meeting-calendar"),
        "compliance": reverse("meeting-compliance"),
        "joint bodies": reverse("joint-body-list"),
        "joint body": reverse("joint-body-detail", args=[body.pk]),
        "matters": reverse("matter-board"),
        "raise": reverse("matter-new"),
    }


# page → the roles that open it (200); the others get 403 or 404 (see the next table).
OPENS = {
    "log": ("admin", "secretary_a", "secretary_b"),
    "meeting": ("admin", "viewer", "secretary_a"),
    "edit": ("admin", "secretary_a"),
    "calendar": ("admin", "viewer", "secretary_a", "secretary_b", "instructor"),
    "compliance": ("admin", "viewer", "secretary_a", "secretary_b", "instructor"),
    "joint bodies": ("admin", "viewer", "secretary_a", "secretary_b", "instructor"),
    "joint body": ("admin", "viewer", "secretary_a", "secretary_b", "instructor"),
    "matters": ("admin", "viewer", "secretary_a", "secretary_b", "instructor"),
    "raise": ("admin", "secretary_a", "secretary_b", "instructor"),
}
REFUSED = {
    ("log", "viewer"): 403,
    ("log", "instructor"): 403,
    ("meeting", "secretary_b"): 404,
    ("meeting", "instructor"): 404,
    ("edit", "viewer"): 403,
    ("edit", "secretary_b"): 404,
    ("edit", "instructor"): 404,
    ("raise", "viewer"): 403,
}
ROLES = ("admin", "viewer", "secretary_a", "secretary_b", "instructor")


@pytest.mark.parametrize("page", OPENS)
@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role_as_the_access_model_says(world, login, page, role):
    urls = page_urls(world, held(world), joint_body(world))
    expected = 200 if role in OPENS[page] else REFUSED[(page, role)]
    response = login(role).get(urls[page])
    assert response.status_code == expected
    if expected == 200:
        assert b'action="/accounts/logout/"' in response.content


@pytest.mark.parametrize("page", OPENS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(world, client, page):
    url = page_urls(world, held(world), joint_body(world))[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_the_navigation_offers_logging_to_secretaries_and_not_to_viewers(world, login):
    log_link = f'href="{reverse("meeting-log")}"'
    assert log_link in login("secretary_a").get(reverse("overview")).content.decode()
    as_viewer = login("viewer").get(reverse("overview")).content.decode()
    assert log_link not in as_viewer
    assert f'href="{reverse("meeting-compliance")}"' in as_viewer


# --- who may log for whom --------------------------------------------------------------------------


def test_the_hosts_a_user_may_log_for_are_their_subtree_or_their_parks(world):
    def hosts(role):
        return set(meeting_hosts(world.users[role]))

    assert hosts("secretary_a") == {world.branch_a, world.group_a}
    assert hosts("admin") == set(Organization.objects.filter(park=world.park))
    assert hosts("viewer") == set() and hosts("instructor") == set()


def test_a_secretary_cannot_open_or_log_a_meeting_for_branch_b(world, login):
    meeting_b = held(world, world.branch_b, attendance=[AttendanceLine(world.member_b)])
    client = login("secretary_a")
    assert client.get(reverse("meeting-detail", args=[meeting_b.pk])).status_code == 404
    assert client.get(reverse("meeting-log"), {"host": world.branch_b.pk}).status_code == 404
    before = row_counts()
    response = client.post(reverse("meeting-log"), log_form(world, host=world.branch_b.pk, attendance=[]))
    assert response.status_code == 404
    assert row_counts() == before


def test_a_viewer_may_read_a_branch_but_not_log_its_meetings(world, login):
    response = login("viewer").get(reverse("meeting-log"), {"host": world.branch_a.pk})
    assert response.status_code == 403


def test_the_log_form_lists_the_hosts_members_present_and_defaults_to_now(world, login):
    in_group = f.PartyMemberFactory(organization=world.group_a, name="赵六")
    response = login("secretary_a").get(reverse("meeting-log"))
    form = response.context["form"]
    assert response.context["meeting"].host == world.branch_a  # the secretary's own branch
    assert [row.member for row in form.rows] == sorted([world.member_a, in_group], key=lambda m: m.name)
    assert {row.status.value() for row in form.rows} == {"present"}
    held_at = form["held_at"].value()
    assert abs(held_at - timezone.localtime()) < timedelta(minutes=2)
    content = response.content.decode()
    assert 'accept="image/*,application/pdf"' in content and "capture" not in content
    assert 'name="attendance"' in content


def test_a_committee_meeting_lists_the_branch_secretaries_not_every_member_of_the_park(world, login):
    Organization.objects.filter(pk=world.branch_b.pk).update(secretary=world.member_b)
    response = login("admin").get(reverse("meeting-log"), {"host": world.committee.pk})
    assert [row.member for row in response.context["form"].rows] == [world.member_b]


def test_the_log_form_proposes_the_kind_the_branch_still_owes_this_month(world, login):
    install_rules(park=world.park)
    held(world, kind="branch_committee", when=local_datetime(timezone.localdate().replace(day=1), 0, 1))
    response = login("secretary_a").get(reverse("meeting-log"))
    assert response.context["form"]["kind"].value() == "theme_day"  # the committee meeting is held
    held(world, kind="theme_day", when=local_datetime(timezone.localdate().replace(day=1), 0, 2))
    response = login("secretary_a").get(reverse("meeting-log"))
    owed = response.context["form"]["kind"].value()
    assert owed in ("general_assembly", "party_lesson")  # monthly ones met; a quarterly one is owed


def test_a_secretary_sees_only_their_subtrees_meetings_in_the_calendar(world, login):
    mine = held(world, topic="甲支部的主题党日")
    theirs = held(world, world.branch_b, topic="乙支部的主题党日", attendance=[AttendanceLine(world.member_b)])
    month = timezone.localdate() - timedelta(days=1)
    params = {"month": f"{month:%Y-%m}"}
    response = login("secretary_a").get(reverse("meeting-calendar"), params | {"host": world.branch_b.pk})
    assert "host" in response.context["form"].errors  # branch B is not in their scope
    shown = [m for week in response.context["weeks"] for day in week for m in day.meetings]
    assert shown == [mine]
    as_admin = login("admin").get(reverse("meeting-calendar"), params | {"host": world.committee.pk})
    shown = {m for week in as_admin.context["weeks"] for day in week for m in day.meetings}
    assert shown == {mine, theirs}


# --- logging a meeting -----------------------------------------------------------------------------


def test_logging_a_meeting_with_attendance_and_a_photo_saves_all_three(world, login, media_root):
    absent = f.PartyMemberFactory(organization=world.group_a, name="赵六")
    data = log_form(
        world,
        attendance=[world.member_a.pk, absent.pk],
        **{f"status_{absent.pk}": "absent", f"reason_{absent.pk}": "出差", "guest_name": ["陈总", ""],
           "guest_role": ["企业负责人", ""]},
    )  # fmt: skip
    data["attachments"] = [SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png")]
    client = login("secretary_a")
    response = client.post(reverse("meeting-log"), data)
    meeting = Meeting.objects.get(topic="主题党日：重温入党誓词")
    assert response.status_code == 302
    assert response.url == reverse("meeting-detail", args=[meeting.pk])
    assert (meeting.host, meeting.status, meeting.chair, meeting.created_by) == (
        world.branch_a, "held", world.member_a, world.users["secretary_a"])  # fmt: skip
    assert timezone.localtime(meeting.held_at).strftime("%H:%M") == "19:30"
    assert {(a.member, a.status, a.reason) for a in meeting.attendance.all()} == {
        (world.member_a, "present", ""), (absent, "absent", "出差")}  # fmt: skip
    assert [(g.name, g.role) for g in meeting.guests.all()] == [("陈总", "企业负责人")]
    attachment = meeting.attachments.get()
    assert (attachment.content_type, attachment.original_name) == ("image/png", "合影.png")
    assert stored_files(media_root) == [media_root / attachment.file.name]
    page = client.get(response.url).content.decode()
    assert 'class="message message-success"' in page  # "The meeting is logged."
    assert reverse("meeting-attachment", args=[attachment.pk]) in page


def bad_posts(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_UPLOAD_BYTES + 1 - 8))
    return {
        "a meeting held in the future": (log_form(world, held_at_0=tomorrow.isoformat()), "held_at"),
        "an outsider in attendance": (
            log_form(
                world, attendance=[world.member_a.pk, world.member_b.pk], **{f"status_{world.member_b.pk}": "present"}
            ),
            "attendance",
        ),
        "a text file named like a photo": (
            log_form(world, attachments=[SimpleUploadedFile("photo.jpg", b"just text, not a photo")]),
            "attachments",
        ),
        "a file over 10 MB": (log_form(world, attachments=[big]), "attachments"),
        "a chair from another branch": (log_form(world, chair=world.member_b.pk), "chair"),
        "an absence without a reason": (
            log_form(world, **{f"status_{world.member_a.pk}": "absent"}),
            f"reason_{world.member_a.pk}",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "a meeting held in the future",
        "an outsider in attendance",
        "a text file named like a photo",
        "a file over 10 MB",
        "a chair from another branch",
        "an absence without a reason",
    ],
)
def test_a_bad_meeting_is_refused_on_its_field_and_nothing_is_saved(world, login, media_root, case):
    data, field = bad_posts(world)[case]
    before = row_counts()
    response = login("admin").post(reverse("meeting-log"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field], form.errors
    for message in form.errors[field]:
        assert message in response.content.decode()  # shown on the page, next to the field
    assert form["topic"].value() == "主题党日：重温入党誓词"  # what was typed is kept
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_the_refusals_say_what_is_wrong(world, login):
    client = login("admin")
    posts = bad_posts(world)
    texts = {case: client.post(reverse("meeting-log"), posts[case][0]).context["form"].errors for case in posts}
    assert "未来" in str(texts["a meeting held in the future"]) or "future" in str(
        texts["a meeting held in the future"]
    )
    assert world.member_b.name in str(texts["an outsider in attendance"])
    assert "photo.jpg" in str(texts["a text file named like a photo"])
    assert "10 MB" in str(texts["a file over 10 MB"])


def test_a_good_photo_is_not_left_on_disk_when_a_second_file_is_refused(world, login, media_root):
    files = [
        SimpleUploadedFile("good.png", png_bytes()),
        SimpleUploadedFile("bad.jpg", b"<html>not an image</html>"),
    ]
    before = row_counts()
    response = login("secretary_a").post(reverse("meeting-log"), log_form(world, attachments=files))
    assert "attachments" in response.context["form"].errors
    assert row_counts() == before
    assert stored_files(media_root) == []


# --- a meeting's page, editing, confirming ---------------------------------------------------------


def test_the_meeting_page_shows_attendance_rate_guests_and_photos(world, login):
    absent = f.PartyMemberFactory(organization=world.branch_a, name="赵六")
    meeting = held(world, attendance=[AttendanceLine(world.member_a), AttendanceLine(absent, "absent", "出差")])
    Guest.objects.create(meeting=meeting, name="陈总", role="企业负责人")
    response = login("viewer").get(reverse("meeting-detail", args=[meeting.pk]))
    content = response.content.decode()
    assert 'data-figure="attendance-rate">50.0%<' in content
    assert "出差" in content and "陈总" in content
    assert response.context["can_edit"] is False and response.context["can_confirm"] is False


def test_the_confirm_button_is_for_park_admins_only_and_a_secretarys_post_is_refused(world, login):
    meeting = held(world)
    url = reverse("meeting-detail", args=[meeting.pk])
    confirm = reverse("meeting-confirm", args=[meeting.pk])
    assert confirm not in login("secretary_a").get(url).content.decode()
    assert login("secretary_a").post(confirm).status_code == 403
    assert login("secretary_b").post(confirm).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert confirm in login("admin").get(url).content.decode()
    response = login("admin").post(confirm)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "confirmed"
    assert confirm not in login("admin").get(url).content.decode()  # confirmed once


def test_confirming_asks_for_a_post(world, login):
    meeting = held(world)
    assert login("admin").get(reverse("meeting-confirm", args=[meeting.pk])).status_code == 405


def edit_form(world, meeting, **overrides) -> dict:
    data = log_form(world, topic=meeting.topic, **overrides)
    data["held_at_0"] = timezone.localtime(meeting.held_at).date().isoformat()
    data["held_at_1"] = timezone.localtime(meeting.held_at).strftime("%H:%M")
    return data


def test_editing_a_meeting_replaces_its_minutes_and_attendance(world, login):
    meeting = held(world)
    data = edit_form(world, meeting, minutes="补记：会后开展志愿服务。", **{f"status_{world.member_a.pk}": "leave"})
    response = login("secretary_a").post(reverse("meeting-edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "补记：会后开展志愿服务。"
    assert meeting.attendance.get().status == "leave"


def test_a_confirmed_meeting_is_locked_for_its_branch(world, login):
    meeting = meeting_confirm(meeting=held(world), actor=None)
    client = login("secretary_a")
    assert client.get(reverse("meeting-edit", args=[meeting.pk])).status_code == 403
    edit = edit_form(world, meeting, minutes="改动", reason="补充遗漏的讨论内容")
    assert client.post(reverse("meeting-edit", args=[meeting.pk]), edit).status_code == 403
    page = client.get(reverse("meeting-detail", args=[meeting.pk]))
    assert page.status_code == 200 and reverse("meeting-edit", args=[meeting.pk]) not in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_a_confirmed_meeting_changes_only_with_a_reason_which_the_history_shows(world, login):
    meeting = meeting_confirm(meeting=held(world), actor=None)
    url = reverse("meeting-edit", args=[meeting.pk])
    client = login("admin")
    assert 'name="reason"' in client.get(url).content.decode()
    refused = client.post(url, edit_form(world, meeting, minutes="改动"))
    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["reason"]
    meeting.refresh_from_db()
    assert meeting.minutes == "" and meeting.history.count() == 2
    saved = client.post(url, edit_form(world, meeting, minutes="改动", reason="补充遗漏的讨论内容"))
    assert saved.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.status) == ("改动", "confirmed")
    page = client.get(reverse("meeting-detail", args=[meeting.pk]))
    latest = page.context["history"][0]
    assert latest.reason == "补充遗漏的讨论内容"
    assert "补充遗漏的讨论内容" in page.content.decode()


def test_a_secretary_of_another_branch_cannot_edit(world, login):
    meeting = held(world)
    before = Meeting.objects.get(pk=meeting.pk).minutes
    response = login("secretary_b").post(reverse("meeting-edit", args=[meeting.pk]), edit_form(world, meeting))
    assert response.status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).minutes == before


# --- attachments -----------------------------------------------------------------------------------


@pytest.fixture
def photo(world):
    from meetings.services import attachment_add

    meeting = held(world)
    return attachment_add(meeting=meeting, upload=SimpleUploadedFile("合影.png", png_bytes()))


def test_an_attachment_is_streamed_with_its_stored_type_to_those_who_see_the_meeting(world, login, photo):
    response = login("secretary_a").get(reverse("meeting-attachment", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()  # read through: the test client closes it


def test_an_attachment_is_not_readable_by_another_branch_nor_anonymously(world, client, login, photo):
    url = reverse("meeting-attachment", args=[photo.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    assert login("secretary_b").get(url).status_code == 404
    assert login("instructor").get(url).status_code == 404


def test_no_url_serves_the_media_directory(world, login, photo):
    response = login("admin").get(f"/media/{photo.file.name}")
    assert response.status_code == 404


# --- compliance ------------------------------------------------------------------------------------


def last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_the_compliance_table_colours_each_month_by_the_requirements_closing_in_it(world, login):
    install_rules(park=world.park)
    month = last_month()
    for kind in ("branch_committee", "theme_day"):
        held(world, kind=kind, when=local_datetime(month, 10))
    response = login("admin").get(reverse("meeting-compliance"), {"year": month.year})
    rows = {row.organization: row for row in response.context["rows"]}
    assert set(rows) == {world.branch_a, world.branch_b, world.group_a}  # branches and groups have rules
    cell = rows[world.branch_a].cells[month.month - 1]
    if month.month % 3:  # no quarter closes: the two monthly rules, both met
        assert cell.status == "met"
    else:
        assert cell.status == "missed"  # the quarterly assembly and lesson were not held
    assert rows[world.branch_b].cells[month.month - 1].status == "missed"
    this_month = timezone.localdate().month
    if month.year == timezone.localdate().year:
        assert rows[world.branch_b].cells[this_month - 1].status in ("open", "met")
        assert all(c.status == "future" for c in rows[world.branch_b].cells[this_month:])
    content = response.content.decode()
    assert 'class="cell cell-missed"' in content


def test_a_secretary_sees_only_their_subtree_in_the_compliance_table(world, login):
    install_rules(park=world.park)
    response = login("secretary_a").get(reverse("meeting-compliance"))
    assert {row.organization for row in response.context["rows"]} == {world.branch_a, world.group_a}
    assert {entry.organization for entry in response.context["overdue"]} <= {world.branch_a, world.group_a}


def test_the_overdue_list_names_the_branches_that_missed_last_months_meetings(world, login):
    install_rules(park=world.park)
    response = login("viewer").get(reverse("meeting-compliance"))
    overdue = {
        (entry.organization, r.kind) for entry in response.context["overdue"] for _kind, _period, r in entry.missed
    }
    assert (world.branch_b, "branch_committee") in overdue
    assert (world.group_a, "group_meeting") in overdue


def test_a_bad_year_is_a_form_error_and_the_current_year_is_shown(world, login):
    response = login("admin").get(reverse("meeting-compliance"), {"year": "two thousand"})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert response.context["year"] == timezone.localdate().year


def add_branches(world, count: int) -> None:
    for _ in range(count):
        world.committee.refresh_from_db()
        branch = f.OrganizationFactory(park=world.park, parent=world.committee)
        member = f.PartyMemberFactory(organization=branch)
        meeting_save(
            meeting=Meeting(host=branch, kind="theme_day", status="held", held_at=local_datetime(last_month(), 9),
                            topic="主题党日"),
            attendance=[AttendanceLine(member)],
        )  # fmt: skip


def test_the_compliance_table_takes_as_many_queries_for_thirty_branches_as_for_five(world, login):
    # Per month up to this one: the rules, the organizations, the meetings counted per host, kind and
    # month (compliance_for_month); then the same three for the overdue list, and the user's parks.
    install_rules(park=world.park)
    client = login("admin")
    add_branches(world, 3)
    five = count_queries(client, reverse("meeting-compliance"))
    add_branches(world, 25)
    thirty = count_queries(client, reverse("meeting-compliance"))
    assert five == thirty
    months = timezone.localdate().month
    assert thirty <= SESSION_AND_SCOPE + 1 + 3 * months + 3


# --- the calendar ----------------------------------------------------------------------------------


def test_the_calendar_takes_as_many_queries_for_twenty_five_meetings_as_for_five(world, login):
    # session + scope, the organizations to choose from, the month's meetings (host joined in), whether
    # the user may log for the host.
    client = login("admin")
    day = timezone.localdate() - timedelta(days=1)
    members = [f.PartyMemberFactory(organization=world.branch_a) for _ in range(5)]

    def add(count):
        for n in range(count):
            held(world, when=local_datetime(day, 8, n), attendance=[AttendanceLine(m) for m in members])

    add(5)
    params = {"host": world.branch_a.pk, "month": f"{day:%Y-%m}"}
    five = count_queries(client, reverse("meeting-calendar"), **params)
    add(20)
    twenty_five = count_queries(client, reverse("meeting-calendar"), **params)
    assert five == twenty_five == SESSION_AND_SCOPE + 3


def test_a_bad_month_is_a_form_error_and_the_current_month_is_shown(world, login):
    response = login("secretary_a").get(reverse("meeting-calendar"), {"month": "2024-13"})
    assert "month" in response.context["form"].errors
    assert response.context["month"] == timezone.localdate().replace(day=1)


# --- joint bodies ----------------------------------------------------------------------------------


def test_the_joint_body_page_highlights_this_months_and_next_months_chair(world, login):
    body = joint_body(world)
    client = login("admin")
    year = timezone.localdate().year
    response = client.post(reverse("joint-body-schedule", args=[body.pk]), {"year": year})
    assert response.status_code == 302
    assert ChairTerm.objects.filter(joint_body=body, starts_on__year=year).count() == 12
    page = client.get(reverse("joint-body-detail", args=[body.pk]))
    seats = [seat.enterprise.name for seat in body.seats.all()]
    this_month = timezone.localdate().month
    assert page.context["current"].enterprise.name == seats[(this_month - 1) % 3]
    if this_month < 12:
        assert page.context["following"].enterprise.name == seats[this_month % 3]
    content = page.content.decode()
    assert 'class="is-current"' in content
    client.post(reverse("joint-body-schedule", args=[body.pk]), {"year": year})  # idempotent
    assert ChairTerm.objects.filter(joint_body=body, starts_on__year=year).count() == 12


def test_the_joint_body_page_lists_the_years_joint_meetings(world, login):
    body = joint_body(world)
    meeting = meeting_save(
        meeting=Meeting(joint_body=body, kind="joint_meeting", status="held", held_at=yesterday_at(), topic="双联会议"),
        attendance=[AttendanceLine(world.member_a), AttendanceLine(world.member_b)],
    )
    url = reverse("joint-body-detail", args=[body.pk])
    year = timezone.localtime(meeting.held_at).year
    assert list(login("viewer").get(url, {"year": year}).context["meetings"]) == [meeting]
    assert list(login("viewer").get(url, {"year": year - 1}).context["meetings"]) == []


def test_only_park_admins_generate_a_schedule(world, login):
    body = joint_body(world)
    url = reverse("joint-body-detail", args=[body.pk])
    schedule = reverse("joint-body-schedule", args=[body.pk])
    assert schedule not in login("secretary_a").get(url).content.decode()
    assert login("secretary_a").post(schedule, {"year": 2024}).status_code == 403
    assert login("viewer").post(schedule, {"year": 2024}).status_code == 403
    assert not ChairTerm.objects.filter(joint_body=body).exists()


def test_the_joint_body_list_shows_each_bodys_chair_now(world, login):
    body = joint_body(world)
    ChairTerm.objects.create(
        joint_body=body, starts_on=timezone.localdate().replace(day=1), enterprise=body.seats.first().enterprise
    )
    response = login("secretary_b").get(reverse("joint-body-list"))
    chairs = {row.name: row.chair_name for row in response.context["bodies"]}
    assert chairs["双联工作会议"] == "轮值企业1"


# --- matters ---------------------------------------------------------------------------------------


def test_the_board_puts_matters_in_columns_and_marks_overdue_ones(world, login):
    late = matter(world, due_on=timezone.localdate() - timedelta(days=1))
    matter(world, title="融资需求", category="financing", status="in_progress")
    response = login("admin").get(reverse("matter-board"))
    columns = {column.status: column for column in response.context["columns"]}
    assert late in columns["open"].cards
    assert [card.title for card in columns["in_progress"].cards] == ["融资需求"]
    card = next(card for card in columns["open"].cards if card.pk == late.pk)
    assert card.is_overdue and card.days == 10 and card.may_write
    overdue = login("admin").get(reverse("matter-board"), {"overdue": "on"})
    assert [c.pk for column in overdue.context["columns"] for c in column.cards] == [late.pk]


def test_the_board_filters_by_category_and_enterprise(world, login):
    matter(world, title="融资需求", category="financing")
    matter(world, title="子女入学", category="livelihood", enterprise=world.enterprise_b, organization=world.branch_b)
    client = login("admin")

    def titles(**params):
        columns = client.get(reverse("matter-board"), params).context["columns"]
        return {card.title for column in columns for card in column.cards}

    assert titles(category="financing") == {"融资需求"}
    assert titles(q="电商") == {"子女入学"}  # enterprise_b is 乙电商有限公司


def test_a_secretary_sees_only_their_subtrees_matters_on_the_board(world, login):
    mine = matter(world)
    theirs = matter(world, organization=world.branch_b, enterprise=world.enterprise_b)
    columns = login("secretary_a").get(reverse("matter-board")).context["columns"]
    shown = {card.pk for column in columns for card in column.cards}
    assert mine.pk in shown and theirs.pk not in shown


def test_a_matter_resolved_without_a_resolution_is_refused_and_nothing_saved(world, login):
    item = matter(world)
    url = reverse("matter-status", args=[item.pk])
    today = timezone.localdate().isoformat()
    response = login("secretary_a").post(url, {"status": "resolved", "resolution": "", "resolved_on": today})
    assert response.status_code == 200
    assert "resolution" in response.context["form"].errors
    item.refresh_from_db()
    assert (item.status, item.resolved_on) == ("open", None)
    no_date = login("secretary_a").post(url, {"status": "closed", "resolution": "企业已自行解决", "resolved_on": ""})
    assert "resolved_on" in no_date.context["form"].errors
    item.refresh_from_db()
    assert item.status == "open"


def test_a_matter_resolved_with_a_resolution_goes_back_to_the_board(world, login):
    item = matter(world)
    board = reverse("matter-board") + "?category=recruitment"
    response = login("secretary_a").post(
        reverse("matter-status", args=[item.pk]),
        {"status": "resolved", "resolution": "协调邻近企业共享用工20人", "resolved_on": timezone.localdate(),
         "next": board},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == board
    item.refresh_from_db()
    assert (item.status, item.resolution) == ("resolved", "协调邻近企业共享用工20人")


def test_a_matter_outside_ones_scope_cannot_be_moved(world, login):
    item = matter(world)
    url = reverse("matter-status", args=[item.pk])
    assert login("secretary_b").post(url, {"status": "in_progress"}).status_code == 404
    assert login("viewer").post(url, {"status": "in_progress"}).status_code == 403
    assert login("secretary_b").post(url, {"status": "x", "next": "https://evil.example/"}).status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def test_the_status_form_does_not_send_one_to_another_site(world, login):
    item = matter(world)
    response = login("admin").post(
        reverse("matter-status", args=[item.pk]), {"status": "in_progress", "next": "https://evil.example/"}
    )
    assert response.url == reverse("matter-board")


def matter_form(world, **overrides) -> dict:
    return {
        "title": "厂房租金减免政策咨询",
        "category": "policy",
        "source": "red_proxy",
        "raised_on": timezone.localdate().isoformat(),
        "organization": world.branch_a.pk,
        "enterprise": world.enterprise_a.pk,
        "meeting": "",
        "description": "",
        "assignee": "组织部",
        "due_on": "",
    } | overrides


def test_a_secretary_raises_a_matter_for_their_branch(world, login):
    response = login("secretary_a").post(reverse("matter-new"), matter_form(world))
    assert response.status_code == 302
    raised = Matter.objects.get(title="厂房租金减免政策咨询")
    assert (raised.park, raised.organization, raised.raised_by) == (
        world.park,
        world.branch_a,
        world.users["secretary_a"],
    )


def test_a_secretary_cannot_raise_a_matter_for_another_branch(world, login):
    before = Matter.objects.count()
    response = login("secretary_a").post(
        reverse("matter-new"), matter_form(world, organization=world.branch_b.pk, enterprise="")
    )
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert Matter.objects.count() == before


def test_an_instructor_raises_a_matter_for_an_assigned_enterprise_only(world, login):
    client = login("instructor")
    data = matter_form(world, organization="", enterprise=world.enterprise_uncovered.pk, source="visit")
    assert client.post(reverse("matter-new"), data).status_code == 302
    refused = client.post(reverse("matter-new"), data | {"enterprise": world.enterprise_a.pk, "title": "另一个"})
    assert "enterprise" in refused.context["form"].errors
    assert not Matter.objects.filter(title="另一个").exists()


def test_a_matter_raised_at_a_meeting_names_the_meeting(world, login):
    response = login("admin").post(reverse("matter-new"), matter_form(world, source="meeting"))
    assert "meeting" in response.context["form"].errors
    meeting = held(world)
    ok = login("admin").post(reverse("matter-new"), matter_form(world, source="meeting", meeting=meeting.pk))
    assert ok.status_code == 302
    assert Matter.objects.get(title="厂房租金减免政策咨询").meeting == meeting


def add_matters(world, count: int) -> None:
    statuses = ["open", "in_progress", "resolved", "closed"]
    for n in range(count):
        status = statuses[n % 4]
        done = status in ("resolved", "closed")
        enterprise = f.EnterpriseFactory(park=world.park)
        matter(world, title=f"事项{n}", status=status, enterprise=enterprise,
               resolution="已协调" if done else "", resolved_on=timezone.localdate() if done else None)  # fmt: skip


def test_the_matters_board_takes_as_many_queries_for_twenty_five_matters_as_for_five(world, login):
    # session + scope, the parks to filter by, the counts per status, one query per status column,
    # which cards the user may change.
    client = login("secretary_a")
    add_matters(world, 5)
    five = count_queries(client, reverse("matter-board"))
    add_matters(world, 20)
    twenty_five = count_queries(client, reverse("matter-board"))
    assert five == twenty_five == SESSION_AND_SCOPE + 1 + 1 + 4 + 1


def test_the_meeting_page_takes_as_many_queries_for_many_members_and_files(world, login):
    client = login("admin")
    meeting = held(world)
    url = reverse("meeting-detail", args=[meeting.pk])
    few = count_queries(client, url)
    members = f.PartyMemberFactory.create_batch(20, organization=world.branch_a)
    meeting_save(meeting=meeting, attendance=[AttendanceLine(m) for m in [world.member_a, *members]])
    from meetings.services import attachment_add

    for n in range(5):
        attachment_add(meeting=meeting, upload=SimpleUploadedFile(f"{n}.png", png_bytes(n + 1)))
    assert count_queries(client, url) == few
