"""A report of a past period rebuilt today equals the one built at the time (issue 14), and its figures
are the API's statistics as of the period's end.

Each report is built, then records dated after the period's end are added (a member who joins, a matter
resolved, a rating, an allowance paid, an enterprise entering and covered, a transfer out, a conversion,
a designation, a meeting and an activity, next month's chair and a secretary named): the report rebuilt gives the same
data, alerts included. The world is that of tests/conftest.py; its records are of 2024.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from activities.models import Designation
from activities.services import designation_save
from enterprises.models import Coverage
from meetings import services as meeting_services
from meetings.models import Matter
from organizations.models import Application, PartyMember, Stage, Subsidy
from reports import periods, sections
from tests import factories as f
from tests.conftest import FROZEN_TODAY, client_for
from tests.reports.test_report_sections import confirmed_rating, held_activity, held_meeting, paid, raised_matter

API = "/api/v1"
AFTER = date(2024, 8, 5)  # the day of every later record: after each period below has ended

PERIODS = [("monthly", "2024-06"), ("quarterly", "2024-Q2"), ("half_year", "2024-H1")]


def build(world, kind: str, code: str) -> list[dict]:
    ctx = sections.Context(park=world.park, period=periods.parse(kind, code, FROZEN_TODAY), today=FROZEN_TODAY)
    with translation.override("en"):
        return sections.build(ctx)


def by_key(data: list[dict]) -> dict[str, dict]:
    return {entry["key"]: entry for entry in data}


def set_the_scene(world) -> dict:
    """What stands at the end of June 2024 and is put right (or changed) only later: a probationary member
    due for conversion, a matter past its due date, an enterprise with three full members and no branch of
    its own, a joint body with no chair for July."""
    application = Application.objects.create(
        park=world.park, organization=world.branch_a, name="钱预备", stage=Stage.PROBATIONARY,
        applied_on=date(2021, 3, 1), activist_on=date(2021, 9, 1), target_on=date(2022, 9, 1),
        probationary_on=date(2023, 6, 20),
    )  # fmt: skip
    late = raised_matter(world.branch_b, date(2024, 3, 1))
    late.due_on = date(2024, 6, 15)
    meeting_services.matter_save(matter=late)
    full = f.PartyMemberFactory.create_batch(3, organization=world.branch_a, enterprise=world.enterprise_uncovered)
    return {"application": application, "late_matter": late, "full_members": full}


def add_later_records(world, scene: dict) -> None:
    """Records dated after every period's end, each of which would change a figure read as of today."""
    newcomer = f.PartyMemberFactory(organization=world.branch_b, joined_on=AFTER, full_member_on=None,
                                    status=PartyMember.Status.PROBATIONARY)  # fmt: skip
    for matter in (world.matter_a, scene["late_matter"]):  # raised in the period, resolved later
        matter.status, matter.resolved_on, matter.resolution = Matter.Status.RESOLVED, AFTER, "已协调"
        meeting_services.matter_save(matter=matter)
    raised_matter(world.branch_b, AFTER)
    confirmed_rating(world.branch_b, year=2024, quarter=2, assessed_on=AFTER, stars=5)
    paid(world.subsidy_a, AFTER)
    firm = f.EnterpriseFactory(park=world.park, name="戊后入园企业", entered_on=AFTER)
    Coverage.objects.create(enterprise=firm, organization=world.branch_a, started_on=AFTER)
    moved = scene["full_members"][0]  # a transfer out, recorded today: the enterprise had three full members then
    moved.status = PartyMember.Status.TRANSFERRED_OUT
    moved.save()
    world.member_b.status = PartyMember.Status.TRANSFERRED_OUT
    world.member_b.save()
    world.branch_b.secretary = newcomer
    world.branch_b.save()  # a new secretary, named today: the appraisal of 2024 names who it named then
    application = scene["application"]
    application.stage, application.full_on = Stage.FULL, AFTER
    application.save()
    designation_save(
        designation=Designation(organization=world.branch_b, kind="pioneer_team", name="党员先锋队", started_on=AFTER)
    )
    held_meeting(world.branch_b, "branch_committee", AFTER)
    held_activity(world.branch_a, "training", AFTER, participants=[world.member_a], non_members=5)
    meeting_services.chair_schedule_generate(joint_body=world.joint_body, year=2024, actor=None)


@pytest.mark.parametrize(("kind", "code"), PERIODS)
def test_a_past_report_rebuilt_after_later_records_is_the_same(world, kind, code):
    scene = set_the_scene(world)
    before = build(world, kind, code)
    alerts = {row[0] for row in by_key(before)["alerts"]["rows"]}
    # The scene's alerts are there to be kept (no meeting rule is met by the world's one theme day).
    assert {"meeting_overdue", "own_branch_needed", "conversion_due", "matter_past_due", "chair_missing"} <= alerts

    add_later_records(world, scene)

    assert build(world, kind, code) == before


def test_the_later_records_change_todays_figures(world):
    """The test above is honest: the same records change the figures and alerts of today."""
    scene = set_the_scene(world)
    before = build(world, "annual", "2026")
    add_later_records(world, scene)
    after = by_key(build(world, "annual", "2026"))
    before = by_key(before)
    assert after["coverage"]["figures"]["total_enterprises"] == before["coverage"]["figures"]["total_enterprises"] + 1
    assert after["members"]["figures"]["members"] != before["members"]["figures"]["members"]
    assert {row[0] for row in after["alerts"]["rows"]} != {row[0] for row in before["alerts"]["rows"]}


def number(value):
    return None if value is None else Decimal(str(value))


@pytest.mark.parametrize(("kind", "code"), PERIODS)
def test_a_past_reports_figures_are_the_statistics_as_of_its_end(world, kind, code):
    scene = set_the_scene(world)
    add_later_records(world, scene)
    period = periods.parse(kind, code, FROZEN_TODAY)
    data = by_key(build(world, kind, code))
    client = client_for(world, "viewer")
    park, as_of, since = world.park.pk, period.last_day.isoformat(), period.start.isoformat()

    def stats(route: str, **params) -> dict:
        response = client.get(f"{API}/stats/{route}/", {"park": park, **params})
        assert response.status_code == 200, response.content
        return response.json()

    coverage = data["coverage"]["figures"]
    answer = stats("coverage", as_of=as_of)
    for key in ("total_enterprises", "covered_enterprises", "standalone_covered", "joint_covered", "work_covered"):
        assert coverage[key] == answer[key], key
    assert number(coverage["coverage_rate"]) == number(answer["coverage_rate"])

    members = data["members"]["figures"]
    answer = stats("members", since=since, until=as_of, as_of=as_of)
    for key in ("members", "probationary", "applications", "new_members", "recommended"):
        assert members[key] == answer[key], key

    matters = data["matters"]["figures"]
    answer = stats("matters", since=since, until=as_of)
    assert answer["as_of"] == as_of
    assert (matters["raised"], matters["resolved"], matters["open"]) == (
        answer["raised"],
        answer["resolved"],
        answer["open"],
    )

    if "ratings" in data:
        ratings = data["ratings"]["figures"]
        answer = stats("ratings", as_of=as_of)
        assert (ratings["rated"], ratings["good_or_above"]) == (answer["rated"], answer["good_or_above"])
        assert {key: ratings[f"stars_{key}"] for key in answer["by_stars"]} == answer["by_stars"]

    if "totals" in data:
        totals = data["totals"]["figures"]
        assert totals["subsidies_paid"] == Decimal(stats("subsidies", since=since, until=as_of)["total"])
        assert totals["designations"] == stats("designations", as_of=as_of)["total"]
        assert (totals["matters_raised"], totals["covered_enterprises"]) == (
            matters["raised"],
            coverage["covered_enterprises"],
        )


def test_a_quarters_allowance_paid_later_is_not_paid_in_its_report(world):
    """The allowance the world proposed for 2024 Q2, paid in August: the quarter's report says what it
    said at the quarter's end, and the ledger's money paid by then is none of it."""
    paid(world.subsidy_a, AFTER)
    data = by_key(build(world, "quarterly", "2024-Q2"))
    assert [row[-1] for row in data["allowances"]["rows"]] == [Subsidy.Status.PROPOSED]
    assert data["allowance_totals"]["figures"]["paid_amount"] == Decimal("0.00")
