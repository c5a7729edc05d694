"""reports.alerts: each kind of alert appears when its rule is broken, goes when it is put right, and a
park's alerts never name another park's organizations, enterprises, members, matters or joint bodies."""

from datetime import date

import pytest
from django.utils import translation

from meetings import services as meeting_services
from meetings.models import ChairTerm, Matter, Meeting, MeetingKind
from organizations.models import Application, Stage
from parkparty.dates import local_datetime
from reports.alerts import KINDS, park_alerts
from tests import factories as f

pytestmark = pytest.mark.django_db

# The world's records are of 2024: its branches were founded in 2015, its joint body in 2018.
TODAY = date(2024, 6, 10)


def alerts_of(park, kind: str, today: date = TODAY) -> list:
    with translation.override("en"):
        return [alert for alert in park_alerts([park.pk], today) if alert.kind == kind]


def subjects(park, kind: str, today: date = TODAY) -> set[str]:
    return {alert.subject for alert in alerts_of(park, kind, today)}


def meeting_label(kind: str) -> str:
    with translation.override("en"):
        return str(MeetingKind(kind).label)


def probationary(world, name: str, since: date, *, park=None, organization=None) -> Application:
    return Application.objects.create(
        park=park or world.park,
        organization=organization or world.branch_a,
        name=name,
        stage=Stage.PROBATIONARY,
        applied_on=date(2020, 3, 1),
        activist_on=date(2020, 9, 1),
        target_on=date(2021, 9, 1),
        probationary_on=since,
    )


def matter(park, organization, title: str, due_on: date, **fields) -> Matter:
    return meeting_services.matter_save(
        matter=Matter(
            park=park,
            source="visit",
            organization=organization,
            category="policy",
            title=title,
            raised_on=date(2024, 3, 1),
            due_on=due_on,
            **fields,
        )
    )


# --- required meetings -----------------------------------------------------------------------------


def test_a_monthly_meeting_not_held_last_month_is_overdue_and_one_held_is_not(world):
    # Branch A held its theme day in May 2024 (the world's meeting); joint branch B held nothing.
    theme_day = meeting_label("theme_day")
    overdue = alerts_of(world.park, "meeting_overdue")
    details = {(alert.subject, alert.detail) for alert in overdue}
    assert (world.branch_b.name, f"{theme_day}: 0 of 1 held") in details
    assert not any(subject == world.branch_a.name and detail.startswith(theme_day) for subject, detail in details)
    # The window that closed: May, its last day the due date; the alert opens the organization.
    alert = next(a for a in overdue if a.subject == world.branch_b.name and a.detail.startswith(theme_day))
    assert alert.due_on == date(2024, 5, 31)
    assert alert.link == ("organization-detail", world.branch_b.pk)


def test_holding_the_meeting_clears_the_alert(world):
    theme_day = meeting_label("theme_day")
    meeting_services.meeting_save(
        meeting=Meeting(host=world.branch_b, kind="theme_day", status="held", topic="主题党日",
                        held_at=local_datetime(date(2024, 5, 28), 9)),
        attendance=[meeting_services.AttendanceLine(world.member_b)],
    )  # fmt: skip
    overdue = alerts_of(world.park, "meeting_overdue")
    assert not any(a.subject == world.branch_b.name and a.detail.startswith(theme_day) for a in overdue)
    # The branch committee meeting of May is still owed.
    assert any(
        a.subject == world.branch_b.name and a.detail.startswith(meeting_label("branch_committee")) for a in overdue
    )


# --- own branch ------------------------------------------------------------------------------------


def test_an_enterprise_with_three_full_members_and_no_standalone_branch_needs_its_own(world):
    assert subjects(world.park, "own_branch_needed") == set()
    # Enterprise B is covered by a joint branch and has one full member: two more make three.
    f.PartyMemberFactory.create_batch(2, organization=world.branch_b, enterprise=world.enterprise_b)
    [alert] = alerts_of(world.park, "own_branch_needed")
    assert (alert.subject, alert.detail) == (world.enterprise_b.name, "3 full members")
    assert alert.link == ("enterprise-detail", world.enterprise_b.pk)


def test_an_enterprise_with_its_own_standalone_branch_needs_none(world):
    # Enterprise A is covered by standalone branch A.
    f.PartyMemberFactory.create_batch(3, organization=world.branch_a, enterprise=world.enterprise_a)
    assert subjects(world.park, "own_branch_needed") == set()


# --- conversion ------------------------------------------------------------------------------------


def test_a_probationary_member_whose_year_ends_within_thirty_days_is_due_and_one_far_off_is_not(world):
    due = probationary(world, "陈预备", date(2023, 6, 25))  # a year on: 2024-06-25, 15 days ahead
    probationary(world, "林预备", date(2024, 1, 15))  # 2025-01-15: months away
    [alert] = alerts_of(world.park, "conversion_due")
    assert (alert.subject, alert.due_on, alert.link) == ("陈预备", date(2024, 6, 25), ("application-detail", due.pk))
    assert alert.detail == world.branch_a.name
    # The world's activist (eligible to become a development target since 2024-03-01) is no conversion.
    assert world.application_a.name not in subjects(world.park, "conversion_due")


def test_a_conversion_already_late_stays_due(world):
    probationary(world, "陈预备", date(2023, 4, 1))
    assert subjects(world.park, "conversion_due") == {"陈预备"}


# --- matters ---------------------------------------------------------------------------------------


def test_a_matter_past_its_due_date_is_listed_until_resolved(world):
    matter(world.park, world.branch_a, "厂房漏水", date(2024, 6, 1))
    matter(world.park, world.branch_a, "用工备案", date(2024, 6, 30))  # not due yet
    matter(
        world.park, world.branch_a, "贷款贴息", date(2024, 5, 1),
        status=Matter.Status.RESOLVED, resolution="已办结", resolved_on=date(2024, 5, 20),
    )  # fmt: skip
    [alert] = alerts_of(world.park, "matter_past_due")
    assert (alert.subject, alert.detail, alert.due_on) == ("厂房漏水", world.branch_a.name, date(2024, 6, 1))


# --- rotating chairs -------------------------------------------------------------------------------


def test_a_joint_body_without_next_months_chair_is_listed_until_the_schedule_is_generated(world):
    [alert] = alerts_of(world.park, "chair_missing")
    assert (alert.subject, alert.due_on) == (world.joint_body.name, date(2024, 7, 1))
    assert alert.link == ("joint-body-detail", world.joint_body.pk)
    meeting_services.chair_schedule_generate(joint_body=world.joint_body, year=2024, actor=None)
    recorded_on(date(2024, 6, 20))
    assert subjects(world.park, "chair_missing") == {world.joint_body.name}  # on 2024-06-10 no one was named yet
    recorded_on(date(2024, 6, 5))
    assert alerts_of(world.park, "chair_missing") == []


def recorded_on(day: date, **terms) -> None:
    """Date the history of the chair terms (`terms`: a filter) as if the schedule had been made on `day`."""
    ids = ChairTerm.objects.filter(**terms).values("pk")
    ChairTerm.history.filter(id__in=ids).update(history_date=local_datetime(day, 9))


def test_in_december_the_chair_of_january_is_of_next_years_schedule(world):
    december = date(2024, 12, 5)
    meeting_services.chair_schedule_generate(joint_body=world.joint_body, year=2024, actor=None)
    recorded_on(date(2024, 1, 5))
    assert subjects(world.park, "chair_missing", december) == {world.joint_body.name}
    meeting_services.chair_schedule_generate(joint_body=world.joint_body, year=2025, actor=None)
    recorded_on(date(2024, 12, 1), starts_on__year=2025)
    assert subjects(world.park, "chair_missing", december) == set()


# --- one park's alerts -----------------------------------------------------------------------------


def test_another_parks_alerts_never_show_in_this_parks(world):
    """Park B gets one alert of every kind; park A's list names none of its records."""
    park_b, branch_b = world.other_park, world.other_branch
    meeting_services.rules_install_defaults(park=park_b)
    enterprise = f.EnterpriseFactory(park=park_b, name="乙园区无支部企业")
    f.PartyMemberFactory.create_batch(3, organization=branch_b, enterprise=enterprise)
    probationary(world, "乙园区预备党员", date(2023, 6, 20), park=park_b, organization=branch_b)
    matter(park_b, branch_b, "乙园区逾期事项", date(2024, 6, 1))
    f.JointBodyFactory(
        park=park_b, name="乙园区联席会", established_on=date(2019, 1, 1), seats=[world.other_enterprise]
    )

    with translation.override("en"):
        in_b = park_alerts([park_b.pk], TODAY)
        in_a = park_alerts([world.park.pk], TODAY)
    assert {alert.kind for alert in in_b} == set(KINDS)
    assert {alert.subject for alert in in_b}.isdisjoint(alert.subject for alert in in_a)
    b_links = {alert.link for alert in in_b if alert.link}
    assert b_links.isdisjoint(alert.link for alert in in_a)
    # Both together: park A's and park B's, nothing lost or doubled.
    with translation.override("en"):
        both = park_alerts([world.park.pk, park_b.pk], TODAY)
    assert sorted(map(repr, both)) == sorted(map(repr, in_a + in_b))
