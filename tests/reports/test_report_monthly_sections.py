"""The monthly sections' figures that come from the owning apps' selectors: who was covered before, the
members at each kind of activity, matters resolved in the month, members who became full, next month's
chair. The world is that of tests/conftest.py (see tests/reports/test_report_sections.py)."""

from datetime import date

from activities.models import ActivityKind
from enterprises.models import Coverage
from meetings.models import ChairTerm, JointBody
from parkparty.dates import local_datetime
from tests import factories as f
from tests.reports.test_report_sections import context, held_activity, raised_matter, run


def test_newly_uncovered_names_who_covered_an_enterprise_before_the_month(world):
    Coverage.objects.filter(enterprise=world.enterprise_b).update(ended_on=date(2024, 6, 10))
    f.EnterpriseFactory(park=world.park, name="丁新入园企业", entered_on=date(2024, 6, 5))

    rows = run("newly_uncovered", context(world, "monthly", "2024-06"))["rows"]

    # 丙小微企业 was uncovered before June too: not news this month.
    assert rows == [
        ["丁新入园企业", date(2024, 6, 5), None],
        ["乙电商有限公司", date(2015, 1, 1), world.branch_b.name],
    ]


def test_activities_count_member_participants_per_kind_apart_from_non_members(world):
    held_activity(world.branch_b, "training", date(2024, 6, 3), participants=[world.member_b], non_members=4)

    rows = run("activities", context(world, "monthly", "2024-06"))["rows"]

    # Branch A's volunteer service of 2024-06-15 had member A and 12 non-members.
    assert {label: (held, members, others) for label, held, members, others in rows} == {
        ActivityKind.TRAINING.label: (1, 1, 4),
        ActivityKind.VOLUNTEER.label: (1, 1, 12),
    }


def test_matters_resolved_in_the_month_count_whenever_they_were_raised(world):
    raised_matter(world.branch_b, date(2024, 4, 1), resolved_on=date(2024, 6, 5))
    raised_matter(world.branch_b, date(2024, 6, 2), resolved_on=date(2024, 7, 1))

    figures = run("matters", context(world, "monthly", "2024-06"))["figures"]

    # `resolved` is June's matters resolved by the month's end: the one of June is solved only in July, so
    # June's report, built then or rebuilt now, says open; `resolved_in_period` is April's.
    assert (figures["raised"], figures["resolved"], figures["open"], figures["resolved_in_period"]) == (1, 0, 1, 1)


def test_next_chair_names_the_chair_of_the_term_that_covers_the_month_after(world):
    alliance = JointBody.objects.create(
        park=world.park,
        name="产业链党建联盟",
        kind="chain_alliance",
        established_on=date(2020, 1, 1),
        cadence="quarter",
    )
    term = ChairTerm.objects.create(joint_body=alliance, starts_on=date(2024, 7, 1), enterprise=world.enterprise_b)
    ChairTerm.history.filter(id=term.pk).update(history_date=local_datetime(date(2024, 6, 15), 9))  # named then
    # The monthly conference's chair for August is named only after July closed: not shown in July's report.
    later = ChairTerm.objects.create(
        joint_body=world.joint_body, starts_on=date(2024, 8, 1), enterprise=world.enterprise_a
    )
    ChairTerm.history.filter(id=later.pk).update(history_date=local_datetime(date(2024, 8, 2), 9))

    rows = run("next_chair", context(world, "monthly", "2024-07"))["rows"]

    # August: the alliance's chair is that of the third quarter; the monthly conference names no one yet.
    assert {name: (starts_on, chair) for name, starts_on, chair in rows} == {
        "产业链党建联盟": (date(2024, 7, 1), world.enterprise_b.name),
        world.joint_body.name: (date(2024, 8, 1), ""),
    }


def test_members_who_became_full_in_the_month_count_even_if_transferred_out_since(world):
    f.PartyMemberFactory(organization=world.branch_a, full_member_on=date(2024, 6, 20))
    f.PartyMemberFactory(organization=world.branch_b, status="transferred_out", full_member_on=date(2024, 6, 5))
    f.PartyMemberFactory(organization=world.branch_b, full_member_on=date(2024, 7, 1))
    f.PartyMemberFactory(organization=world.other_branch, full_member_on=date(2024, 6, 10))

    figures = run("members", context(world, "monthly", "2024-06"))["figures"]

    assert figures["became_full"] == 2
