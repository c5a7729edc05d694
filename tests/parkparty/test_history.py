"""The audit trail: every record a committee may be asked about keeps its history, rows of a list keep
their own before and after, and one presenter shows them in local time, by label and by name."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities.models import PlanTarget, Venue
from enterprises.models import Enterprise, Instructor
from meetings import services
from meetings.models import Attachment, Attendance, ChairTerm, Guest, JointBody, Meeting, MeetingRule, RotationSeat
from meetings.selectors import meeting_history
from organizations.models import District, Grid, Park, RatingEvidence, StarLevel, SubsidyRate
from parkparty.dates import local_datetime
from parkparty.history import revisions
from parkparty.models import Grant
from tests import factories as f

pytestmark = pytest.mark.django_db


# The models the first wave kept no history of (the others had it already).
NEWLY_AUDITED = [Grant, Park, District, Grid, StarLevel, SubsidyRate, RatingEvidence, Instructor, MeetingRule]
NEWLY_AUDITED += [JointBody, RotationSeat, ChairTerm, Attendance, Guest, Attachment, Venue, PlanTarget]


@pytest.mark.parametrize("model", NEWLY_AUDITED)
def test_the_record_keeps_a_history(model):
    assert hasattr(model, "history")


def test_an_instructors_phone_stays_out_of_the_history():
    assert "phone" not in {field.name for field in Instructor.history.model._meta.fields}


def _confirmed_meeting(world) -> Meeting:
    meeting = Meeting(host=world.branch_a, status="held", kind="theme_day", topic="主题党日")
    meeting.held_at = local_datetime(date(2024, 5, 20), 9)
    services.meeting_save(meeting=meeting, attendance=[services.AttendanceLine(world.member_a)])
    return services.meeting_confirm(meeting=meeting, actor=None)


def _mark_absent(world, meeting: Meeting, reason: str = "补记：当天病假") -> None:
    line = services.AttendanceLine(world.member_a, Attendance.Status.ABSENT, "病假")
    services.meeting_save(meeting=meeting, attendance=[line], reason=reason)


def test_changed_attendance_on_confirmed_minutes_shows_before_and_after(world):
    meeting = _confirmed_meeting(world)
    _mark_absent(world, meeting)

    with translation.override("en"):
        history = meeting_history(meeting)
        label = {name: str(Attendance._meta.get_field(name).verbose_name) for name in ("status", "reason")}

    change = next(revision for revision in history if revision.title == world.member_a.name and revision.kind == "~")
    assert sorted((d.field, d.before, d.after) for d in change.deltas) == sorted(
        [(label["status"], "present", "absent"), (label["reason"], "—", "病假")]
    )
    assert any(revision.reason == "补记：当天病假" for revision in history)


def test_the_meeting_page_shows_the_attendance_change_in_chinese(world, client):
    meeting = _confirmed_meeting(world)
    _mark_absent(world, meeting)
    client.force_login(world.users["admin"])

    page = client.get(reverse("meeting-detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert f"<strong>{world.member_a.name}</strong>" in page
    assert "<del>出席</del> → <ins>缺席</ins>" in page
    assert "补记：当天病假" in page


def test_a_member_added_and_one_removed_show_as_created_and_deleted_with_their_status(world):
    other = f.PartyMemberFactory(organization=world.branch_a, name="王五")
    meeting = _confirmed_meeting(world)
    services.meeting_save(meeting=meeting, attendance=[services.AttendanceLine(other)], reason="名单有误")

    with translation.override("en"):
        rows = {(r.title, r.kind): [(d.before, d.after) for d in r.deltas] for r in meeting_history(meeting)}

    assert rows[("王五", "+")] == [("—", "present")]
    assert rows[(world.member_a.name, "-")] == [("present", "—")]


def test_saving_the_same_attendance_again_writes_no_attendance_record(world):
    meeting = _confirmed_meeting(world)
    records = Attendance.history.filter(meeting_id=meeting.pk).count()

    services.meeting_save(meeting=meeting, attendance=[services.AttendanceLine(world.member_a)], reason="核对，无变化")

    assert Attendance.history.filter(meeting_id=meeting.pk).count() == records


def test_a_renamed_guest_role_is_a_change_of_that_guest(world):
    meeting = Meeting(host=world.branch_a, status="held", kind="theme_day", topic="恳谈会")
    meeting.held_at = local_datetime(date(2024, 5, 20), 9)
    services.meeting_save(meeting=meeting, guests=[services.GuestLine("赵总", "董事长")])
    services.meeting_save(meeting=meeting, guests=[services.GuestLine("赵总", "总经理")])

    with translation.override("en"):
        latest = meeting_history(meeting)[0]

    assert (latest.title, latest.kind) == ("赵总", "~")
    assert [(d.before, d.after) for d in latest.deltas] == [("董事长", "总经理")]
    assert Guest.objects.filter(meeting=meeting).count() == 1


def test_a_foreign_key_change_shows_the_names_not_ids(world):
    enterprise = Enterprise.objects.get(pk=world.enterprise_a.pk)
    other_district = f.DistrictFactory(park=world.park, name="二片区")
    enterprise.district, enterprise.grid = other_district, None
    enterprise.save()

    latest = revisions(enterprise.history.all())[0]

    district = next(d for d in latest.deltas if d.field == str(Enterprise._meta.get_field("district").verbose_name))
    assert (district.before, district.after) == ("一片区", "二片区")


def test_a_time_shows_in_shanghai_time_not_utc(world):
    meeting = _confirmed_meeting(world)
    meeting.held_at = local_datetime(date(2024, 5, 20), 15, 30)
    services.meeting_save(meeting=meeting, reason="时间记错")

    with translation.override("zh-hans"):
        latest = next(r for r in meeting_history(meeting) if r.deltas)

    (held,) = (d for d in latest.deltas if d.field == str(Meeting._meta.get_field("held_at").verbose_name))
    assert "+00:00" not in held.before + held.after
    assert "2024年5月20日" in held.after and "15:30" in held.after
    assert "09:00" in held.before


def test_the_history_costs_the_same_queries_for_one_change_as_for_ten(world):
    meeting = _confirmed_meeting(world)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            meeting_history(meeting)
        return len(captured)

    one = queries()
    for n in range(10):
        other = f.PartyMemberFactory(organization=world.branch_a, name=f"成员{n}")
        services.meeting_save(meeting=meeting, attendance=[services.AttendanceLine(other)], reason=f"第{n}次更正")
    assert queries() == one


def test_saving_an_attendance_list_costs_the_same_queries_for_three_members_as_for_thirty(world):
    def members(n: int, tag: str):
        return [f.PartyMemberFactory(organization=world.branch_a, name=f"{tag}{i}") for i in range(n)]

    def save_queries(people) -> int:
        meeting = Meeting(host=world.branch_a, status="held", kind="theme_day", topic="主题党日")
        meeting.held_at = local_datetime(date(2024, 5, 20), 9)
        with CaptureQueriesContext(connection) as captured:
            services.meeting_save(meeting=meeting, attendance=[services.AttendanceLine(m) for m in people])
        return len(captured)

    three, thirty = members(3, "甲"), members(30, "乙")
    assert save_queries(three) == save_queries(thirty)


def test_a_corrected_attendance_row_keeps_the_reason_given_on_the_minutes(world):
    meeting = _confirmed_meeting(world)
    _mark_absent(world, meeting, reason="补记：当天病假")

    change = next(r for r in meeting_history(meeting) if r.title == world.member_a.name and r.kind == "~")

    assert change.reason == "补记：当天病假"
