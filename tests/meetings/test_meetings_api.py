"""Meetings, matters and joint bodies through the API: the rules hold, and nothing half-saves."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import services
from meetings.models import Attachment, Attendance, Matter, Meeting
from organizations.models import PartyMember
from parkparty.dates import local_datetime
from tests import factories as f

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def yesterday_at_nine() -> str:
    return local_datetime(timezone.localdate() - timedelta(days=1), 9).isoformat()


def meeting_payload(world, **overrides) -> dict:
    return {
        "host": world.branch_a.pk,
        "kind": "theme_day",
        "held_at": yesterday_at_nine(),
        "topic": "学习党章",
        "minutes": "学习了党章第一章。",
        "attendance": [{"member": world.member_a.pk, "status": "present"}],
        **overrides,
    }


def held_meeting(world, **fields) -> Meeting:
    fields = {"kind": "theme_day", **fields}
    meeting = Meeting(host=world.branch_a, status="held", topic="主题党日", **fields)
    meeting.held_at = meeting.held_at or local_datetime(date(2024, 5, 20), 9)
    return services.meeting_save(meeting=meeting, attendance=[services.AttendanceLine(world.member_a)])


def test_a_secretary_logs_a_meeting_with_attendance(world, as_role):
    colleague = f.PartyMemberFactory(organization=world.group_a, enterprise=world.enterprise_a)
    payload = meeting_payload(
        world,
        chair=world.member_a.pk,
        attendance=[
            {"member": world.member_a.pk, "status": "present"},
            {"member": colleague.pk, "status": "absent", "reason": "出差"},
        ],
        guests=[{"name": "王老板", "role": "出资人"}],
    )
    response = as_role("secretary_a").post(f"{API}/meetings/", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["park"], body["attendance_rate"]) == ("held", world.park.pk, "0.5000")
    assert {row["member"] for row in body["attendance"]} == {world.member_a.pk, colleague.pk}
    assert body["guests"][0]["name"] == "王老板"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"held_at": "2999-01-01T09:00:00+08:00"}, "held_at", id="held in the future"),
        pytest.param({"attendance": "outsider"}, "attendance", id="attendance of a non-member"),
        pytest.param({"chair": "outsider"}, "chair", id="chair outside the host"),
        pytest.param({"recorder": "outsider"}, "recorder", id="recorder outside the host"),
        pytest.param({"attendance": "absent without reason"}, "attendance", id="absence without a reason"),
    ],
)
def test_bad_meetings_are_refused_naming_the_field_and_nothing_is_saved(world, as_role, overrides, field):
    outsider = world.member_b.pk  # visible to the admin, but a member of branch B, not A
    replacements = {
        "outsider": outsider,
        "absent without reason": [{"member": world.member_a.pk, "status": "absent", "reason": ""}],
    }
    for key, value in overrides.items():
        overrides[key] = replacements.get(value, value)
    if overrides.get("attendance") == outsider:
        overrides["attendance"] = [{"member": outsider, "status": "present"}]
    before = (Meeting.objects.count(), Attendance.objects.count())
    response = as_role("admin").post(f"{API}/meetings/", meeting_payload(world, **overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert (Meeting.objects.count(), Attendance.objects.count()) == before


def test_a_secretary_can_neither_read_nor_write_another_branchs_meetings(world, as_role):
    meeting = held_meeting(world)
    assert as_role("secretary_b").get(f"{API}/meetings/{meeting.pk}/").status_code == 404
    assert as_role("secretary_b").patch(f"{API}/meetings/{meeting.pk}/", {"topic": "改"}).status_code == 404
    response = as_role("secretary_b").post(f"{API}/meetings/", meeting_payload(world))
    assert response.status_code == 400
    assert "host" in response.json()
    assert [m["id"] for m in as_role("secretary_b").get(f"{API}/meetings/").json()["results"]] == []


def test_confirmed_minutes_change_only_with_a_reason_which_the_history_keeps(world, as_role):
    meeting = held_meeting(world)
    assert as_role("secretary_a").post(f"{API}/meetings/{meeting.pk}/confirm/").status_code == 403
    assert as_role("admin").post(f"{API}/meetings/{meeting.pk}/confirm/").json()["status"] == "confirmed"

    url = f"{API}/meetings/{meeting.pk}/"
    refused = as_role("admin").patch(url, {"minutes": "改过的记录"})
    assert refused.status_code == 400
    assert "reason" in refused.json()
    meeting.refresh_from_db()
    assert meeting.minutes == ""

    accepted = as_role("admin").patch(url, {"minutes": "改过的记录", "reason": "补记讨论内容"})
    assert accepted.status_code == 200
    latest = meeting.history.latest()
    assert (latest.minutes, latest.history_change_reason) == ("改过的记录", "补记讨论内容")
    assert accepted.json()["status"] == "confirmed"


@pytest.mark.parametrize(
    "change",
    [{"attendance": []}, {"minutes": "改过的记录"}, {"topic": "另一个主题"}],
    ids=["cleared attendance", "minutes", "topic"],
)
def test_confirmed_minutes_and_their_attendance_are_locked_for_the_branch(world, as_role, change):
    meeting = held_meeting(world)
    services.meeting_confirm(meeting=meeting, actor=None)
    before = (meeting.minutes, meeting.topic, list(meeting.attendance.values_list("member", "status")))
    url = f"{API}/meetings/{meeting.pk}/"
    response = as_role("secretary_a").patch(url, {**change, "reason": "想改一下"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.topic, list(meeting.attendance.values_list("member", "status"))) == before
    assert before[2], "the meeting under test has attendance to lose"
    assert as_role("secretary_a").get(url).status_code == 200


def test_a_secretary_cannot_add_a_file_to_confirmed_minutes(world, as_role):
    meeting = held_meeting(world)
    services.meeting_confirm(meeting=meeting, actor=None)
    upload = SimpleUploadedFile("补充.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    with pytest.raises(PermissionDenied, match="已确认并锁定"):
        services.attachment_add(meeting=meeting, upload=upload, actor=world.users["secretary_a"], reason="补充")
    assert meeting.attachments.count() == 0


def test_minutes_are_confirmed_only_by_the_confirm_action_and_stay_confirmed(world, as_role):
    meeting = held_meeting(world)
    url = f"{API}/meetings/{meeting.pk}/"
    assert as_role("admin").patch(url, {"status": "confirmed"}).status_code == 400
    services.meeting_confirm(meeting=meeting, actor=None)
    reopened = as_role("admin").patch(url, {"status": "held", "reason": "重开"})
    assert reopened.status_code == 400
    assert "status" in reopened.json()


def test_a_meeting_time_outside_this_century_is_refused(world, as_role):
    response = as_role("admin").post(f"{API}/meetings/", meeting_payload(world, held_at="0051-10-09T18:38:32+08:00"))
    assert response.status_code == 400
    assert "held_at" in response.json()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        pytest.param("photo.png", PNG, True, id="a PNG"),
        pytest.param("minutes.pdf", b"%PDF-1.7\n" + b"0" * 100, True, id="a PDF"),
        pytest.param("photo.jpg", b"just text pretending to be a photo", False, id="text named .jpg"),
        pytest.param("photo.png", PNG + b"\x00" * (10 * 1024 * 1024), False, id="over 10 MB"),
    ],
)
def test_attachments_are_typed_by_content_and_capped_at_10_mb(world, as_role, name, content, accepted):
    meeting = held_meeting(world)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = as_role("secretary_a").post(
        f"{API}/meetings/{meeting.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == (201 if accepted else 400), response.content
    assert Attachment.objects.filter(meeting=meeting).count() == (1 if accepted else 0)
    if not accepted:
        assert "file" in response.json()


def test_a_matter_cannot_be_resolved_without_a_resolution(world, as_role):
    payload = {"park": world.park.pk, "source": "visit", "enterprise": world.enterprise_uncovered.pk,
               "category": "recruitment", "title": "旺季缺工", "raised_on": "2024-03-01"}  # fmt: skip
    created = as_role("instructor").post(f"{API}/matters/", payload)
    assert created.status_code == 201, created.content
    url = f"{API}/matters/{created.json()['id']}/"
    refused = as_role("admin").patch(url, {"status": "resolved", "resolved_on": "2024-03-10"})
    assert refused.status_code == 400
    assert "resolution" in refused.json()
    assert Matter.objects.get(pk=created.json()["id"]).status == "open"
    done = as_role("admin").patch(url, {"status": "resolved", "resolved_on": "2024-03-10", "resolution": "调剂员工"})
    assert (done.status_code, done.json()["days_to_resolve"]) == (200, 9)


def test_an_instructor_raises_matters_only_for_assigned_enterprises(world, as_role):
    payload = {"park": world.park.pk, "source": "visit", "enterprise": world.enterprise_a.pk,
               "category": "policy", "title": "政策咨询", "raised_on": "2024-03-01"}  # fmt: skip
    before = Matter.objects.count()
    response = as_role("instructor").post(f"{API}/matters/", payload)
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert Matter.objects.count() == before


def test_matter_statistics_count_and_take_the_median_in_sql(world, as_role):
    Matter.objects.all().delete()  # start from none: the world's own matter is open
    for days, category in [(2, "financing"), (4, "financing"), (10, "recruitment"), (None, "livelihood")]:
        matter = Matter(
            park=world.park, source="red_proxy", category=category, title="诉求", raised_on=date(2024, 1, 1)
        )
        if days is not None:
            matter.status, matter.resolution = "resolved", "已解决"
            matter.resolved_on = date(2024, 1, 1) + timedelta(days=days)
        services.matter_save(matter=matter)
    body = as_role("viewer").get(f"{API}/stats/matters/", {"park": world.park.pk}).json()
    assert (body["raised"], body["resolved"], body["open"], body["median_days_to_resolve"]) == (4, 3, 1, 4.0)
    financing = next(row for row in body["by_category"] if row["category"] == "financing")
    assert (financing["raised"], financing["resolved"]) == (2, 2)
    assert as_role("secretary_a").get(f"{API}/stats/matters/", {"park": world.park.pk}).status_code == 403


def test_the_rotating_chair_schedule_follows_the_rotation_and_is_idempotent(world, as_role):
    body = f.JointBodyFactory(
        park=world.park,
        organizations=[world.branch_a, world.branch_b],
        seats=[world.enterprise_a, world.enterprise_b],
    )
    url = f"{API}/joint-bodies/{body.pk}/schedule/"
    assert as_role("secretary_a").post(url, {"year": 2019}).status_code == 403
    assert as_role("admin").post(url, {"year": 2019}).status_code == 200
    assert as_role("admin").post(url, {"year": 2019}).status_code == 200  # twice: nothing changes
    terms = list(body.terms.order_by("starts_on").values_list("enterprise_id", flat=True))
    assert terms == [world.enterprise_a.pk, world.enterprise_b.pk] * 6
    services.chair_schedule_generate(joint_body=body, year=2020, actor=None)
    assert body.terms.filter(starts_on=date(2020, 1, 1)).get().enterprise == world.enterprise_a  # carries on


def test_meeting_compliance_counts_required_against_held(world, as_role):
    services.rules_install_defaults(park=world.park)
    # Branch A holds its monthly theme day and committee meeting in May 2024; branch B holds nothing.
    for kind in ("theme_day", "branch_committee"):
        held_meeting(world, kind=kind)
    body = as_role("viewer").get(f"{API}/stats/meetings/", {"park": world.park.pk, "period": "2024-05"}).json()
    rows = {row["organization"]: row for row in body["branches"]}
    assert (rows[world.branch_a.pk]["required"], rows[world.branch_a.pk]["held"]) == (2, 2)
    assert (rows[world.branch_b.pk]["required"], rows[world.branch_b.pk]["held"]) == (2, 0)
    # The group's monthly group meeting is due too.
    assert rows[world.group_a.pk]["required"] == 1
    assert (body["required"], body["held"], body["compliance_rate"]) == (5, 2, "0.4000")


@pytest.mark.parametrize("period", ["2024-13", "2024-5", "May", "2999-01"])
def test_a_malformed_or_future_period_is_a_400(world, as_role, period):
    response = as_role("viewer").get(f"{API}/stats/meetings/", {"park": world.park.pk, "period": period})
    assert response.status_code == 400
    assert "period" in response.json()


def test_the_meeting_list_costs_the_same_queries_for_few_meetings_and_many(world, as_role):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert as_role("admin").get(f"{API}/meetings/", {"page_size": 200}).status_code == 200
        return len(ctx.captured_queries)

    held_meeting(world)
    few = count()
    for day in range(1, 15):
        members = [services.AttendanceLine(f.PartyMemberFactory(organization=world.branch_a)) for _ in range(2)]
        meeting = Meeting(host=world.branch_a, kind="theme_day", status="held", topic="会",
                          held_at=local_datetime(date(2024, 6, day), 9))  # fmt: skip
        services.meeting_save(meeting=meeting, attendance=members)
    assert count() == few
    assert PartyMember.objects.count() > 20


def test_a_joint_body_founded_mid_year_gets_chairs_from_its_founding_term_on(world):
    alliance = f.JointBodyFactory(
        park=world.park, name="产业链联盟", kind="chain_alliance", established_on=date(2023, 6, 20), cadence="quarter",
        seats=[world.enterprise_a],
    )  # fmt: skip
    terms = services.chair_schedule_generate(joint_body=alliance, year=2023, actor=None)
    assert [term.starts_on for term in terms] == [date(2023, 4, 1), date(2023, 7, 1), date(2023, 10, 1)]
    with pytest.raises(ValidationError):
        services.chair_schedule_generate(joint_body=alliance, year=2022, actor=None)


def test_each_member_carries_their_attendance_rate(world, as_role):
    colleague = f.PartyMemberFactory(organization=world.branch_a)
    lines = [services.AttendanceLine(world.member_a), services.AttendanceLine(colleague, "leave", "病假")]
    services.meeting_save(
        meeting=Meeting(host=world.branch_a, kind="party_lesson", status="held", topic="党课",
                        held_at=local_datetime(date(2024, 6, 3), 9)),
        attendance=lines,
    )  # fmt: skip
    rows = {
        row["id"]: row
        for row in as_role("admin").get(f"{API}/members/", {"organization": world.branch_a.pk}).json()["results"]
    }
    # member A: the world's theme day and this lesson, both present; the colleague: on leave once.
    assert (rows[world.member_a.pk]["meetings_listed"], rows[world.member_a.pk]["attendance_rate"]) == (2, "1.0000")
    assert (rows[colleague.pk]["meetings_present"], rows[colleague.pk]["attendance_rate"]) == (0, "0.0000")
