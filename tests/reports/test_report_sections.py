"""The quarterly, half-year and annual sections of a report: ratings and star changes, red-star
allowances, the totals the case reports quote and the secretaries' duty-appraisal pack; what each
report kind holds, and that every key it writes has a label and survives JSON.

The world (tests/conftest.py): park A with a committee over branch A and joint branch B, and a party
group under branch A; park B with one branch. Branch A held a theme day on 2024-05-20 and raised a
matter there, led a volunteer service on 2024-06-15 (12 non-members), was rated four stars for 2024 Q2
(assessed 2024-06-28) and has that quarter's 200-yuan red-star allowance proposed.
"""

import json
from datetime import date, timedelta
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from activities import services as activity_services
from activities.models import Activity
from meetings import services as meeting_services
from meetings.models import Matter, Meeting
from organizations.models import Application, Classification, Organization, Rating, ScoringSheet, Subsidy, SubsidyKind
from organizations.pipeline import services as pipeline_services
from organizations.subsidies import services as subsidy_services
from parkparty.dates import local_datetime
from reports import periods, sections, services, workbook
from reports.models import Report, ReportKind
from tests import factories as f

TODAY = date(2025, 3, 10)


def context(world, kind: str, code: str, *, park=None, today: date = TODAY) -> sections.Context:
    return sections.Context(park=park or world.park, period=periods.parse(kind, code, today), today=today)


def run(key: str, ctx: sections.Context) -> dict:
    with translation.override("en"):
        return sections.SECTIONS[key](ctx)


def rows_by_name(result: dict) -> dict[str, dict]:
    return {row[0]: dict(zip(result["columns"], row, strict=True)) for row in result["rows"]}


def pick(figures: dict, *keys: str) -> dict:
    return {key: figures[key] for key in keys}


def confirmed_rating(organization, *, year: int, quarter: int, assessed_on: date, stars: int, **extra) -> Rating:
    sheet = ScoringSheet.objects.filter(park=organization.park).first() or ScoringSheet.objects.create(
        park=organization.park, year=year, title="评分细则"
    )
    values = {"status": Rating.Status.CONFIRMED, "classification": Classification.GROWING} | extra
    return Rating.objects.create(
        park=organization.park, organization=organization, sheet=sheet, year=year, quarter=quarter,
        assessed_on=assessed_on, stars=stars, **values,
    )  # fmt: skip


def held_meeting(host, kind: str, on: date, attendance=()) -> Meeting:
    return meeting_services.meeting_save(
        meeting=Meeting(host=host, kind=kind, status="held", topic=kind, held_at=local_datetime(on, 9)),
        attendance=[meeting_services.AttendanceLine(member) for member in attendance],
    )


def held_activity(host, kind: str, on: date, *, participants=(), non_members: int = 0) -> Activity:
    return activity_services.activity_save(
        activity=Activity(organization=host, kind=kind, title=kind, starts_at=local_datetime(on, 14),
                          non_member_count=non_members),
        participants=list(participants),
    )  # fmt: skip


def raised_matter(organization, raised_on: date, *, resolved_on: date | None = None) -> Matter:
    done = {"status": "resolved", "resolved_on": resolved_on, "resolution": "已协调"} if resolved_on else {}
    return meeting_services.matter_save(
        matter=Matter(park=organization.park, source="visit", organization=organization, category="policy",
                      title="政策咨询", raised_on=raised_on, **done)
    )  # fmt: skip


def paid(subsidy: Subsidy, on: date) -> Subsidy:
    subsidy = subsidy_services.subsidy_approve(subsidy=subsidy)
    return subsidy_services.subsidy_pay(subsidy=subsidy, voucher_no=f"记-{on:%Y%m%d}", paid_on=on)


# --- quarterly: ratings ----------------------------------------------------------------------------


def test_ratings_count_each_organization_by_its_latest_confirmed_rating(world):
    confirmed_rating(world.branch_b, year=2024, quarter=2, assessed_on=date(2024, 6, 20), stars=2)
    # A draft counts for nothing; a rating assessed after the quarter does not reach back into it.
    confirmed_rating(world.committee, year=2024, quarter=2, assessed_on=date(2024, 6, 25), stars=5,
                     status=Rating.Status.DRAFT)  # fmt: skip
    confirmed_rating(world.branch_a, year=2024, quarter=3, assessed_on=date(2024, 7, 2), stars=1)

    figures = run("ratings", context(world, "quarterly", "2024-Q2"))["figures"]

    assert pick(figures, "rated", "stars_1", "stars_2", "stars_4", "stars_5") == {
        "rated": 2, "stars_1": 0, "stars_2": 1, "stars_4": 1, "stars_5": 0
    }  # fmt: skip
    assert (figures["class_standard"], figures["class_growing"]) == (1, 1)
    assert (figures["good_or_above"], figures["good_or_above_rate"]) == (1, Decimal("0.5000"))


def test_star_changes_list_organizations_whose_stars_moved_in_the_quarter(world):
    confirmed_rating(world.branch_a, year=2024, quarter=3, assessed_on=date(2024, 9, 26), stars=2)
    confirmed_rating(world.branch_b, year=2024, quarter=3, assessed_on=date(2024, 9, 26), stars=3)
    # The committee keeps its stars from one quarter to the next: not a change.
    confirmed_rating(world.committee, year=2024, quarter=2, assessed_on=date(2024, 6, 20), stars=5)
    confirmed_rating(world.committee, year=2024, quarter=3, assessed_on=date(2024, 9, 20), stars=5)
    # Park B's branch moves too, but only in park B's report.
    confirmed_rating(world.other_branch, year=2024, quarter=2, assessed_on=date(2024, 6, 20), stars=1)
    confirmed_rating(world.other_branch, year=2024, quarter=3, assessed_on=date(2024, 9, 20), stars=4)

    result = run("star_changes", context(world, "quarterly", "2024-Q3"))

    assert result["columns"] == ["organization", "stars_before", "stars_now", "change"]
    # Tree order: branch A before branch B; a first rating has no "before" and so no change.
    assert result["rows"] == [["甲支部", 4, 2, -2], ["乙联合支部", None, 3, None]]
    other = run("star_changes", context(world, "quarterly", "2024-Q3", park=world.other_park))
    assert other["rows"] == [["乙园区支部", 1, 4, 3]]


def test_star_changes_of_a_running_quarter_count_ratings_up_to_today_only(world):
    confirmed_rating(world.branch_a, year=2024, quarter=3, assessed_on=date(2024, 9, 26), stars=2)

    mid_quarter = run("star_changes", context(world, "quarterly", "2024-Q3", today=date(2024, 8, 15)))

    assert mid_quarter["rows"] == []


# --- quarterly: red-star allowances ----------------------------------------------------------------


def test_allowances_list_the_quarters_standing_records_with_their_stars(world):
    Subsidy.objects.filter(pk=world.subsidy_a.pk).update(member=world.member_a)
    rating_b = confirmed_rating(world.branch_b, year=2024, quarter=2, assessed_on=date(2024, 6, 20), stars=5)
    allowance_b = Subsidy.objects.create(
        park=world.park, organization=world.branch_b, kind=SubsidyKind.RED_STAR_ALLOWANCE, period="2024-Q2",
        period_start=date(2024, 4, 1), amount=Decimal("300.00"), rating=rating_b,
    )  # fmt: skip
    paid(allowance_b, date(2024, 6, 25))
    # Paid after the quarter: the quarter's report shows it as it stood on 2024-06-30 (entered later, as it
    # was entered: proposed), whenever the report is built.
    paid_later = Subsidy.objects.create(
        park=world.park, organization=world.committee, kind=SubsidyKind.RED_STAR_ALLOWANCE, period="2024-Q2",
        period_start=date(2024, 4, 1), amount=Decimal("100.00"),
    )  # fmt: skip
    paid(paid_later, date(2024, 7, 20))
    # Not this report's: a record cancelled in the quarter, another kind, another quarter, another park.
    cancelled = subsidy_services.subsidy_cancel(
        subsidy=Subsidy.objects.create(
            park=world.park, organization=world.committee, kind=SubsidyKind.RED_STAR_ALLOWANCE, period="2024-Q2",
            period_start=date(2024, 4, 1), amount=Decimal("50.00"),
        ),
        reason="评定有误",
    )  # fmt: skip
    Subsidy.history.filter(id=cancelled.pk).update(history_date=local_datetime(date(2024, 6, 10), 9))
    for organization, kind, period in [
        (world.branch_a, SubsidyKind.ACTIVITY_FUND, "2024-Q2"),
        (world.branch_a, SubsidyKind.RED_STAR_ALLOWANCE, "2024-Q1"),
        (world.other_branch, SubsidyKind.RED_STAR_ALLOWANCE, "2024-Q2"),
    ]:
        Subsidy.objects.create(
            park=organization.park, organization=organization, kind=kind, period=period,
            period_start=date(2024, 1, 1), amount=Decimal("999.00"),
        )  # fmt: skip
    ctx = context(world, "quarterly", "2024-Q2")

    result = run("allowances", ctx)
    totals = run("allowance_totals", ctx)["figures"]

    assert result["rows"] == [
        ["园区党委", "", None, Decimal("100.00"), "proposed"],
        ["甲支部", "张三", 4, Decimal("200.00"), "proposed"],
        ["乙联合支部", "", 5, Decimal("300.00"), "paid"],
    ]
    assert totals == {
        "allowance_records": 3,
        "proposed_amount": Decimal("300.00"),
        "approved_amount": Decimal("0.00"),
        "paid_amount": Decimal("300.00"),
        "total_amount": Decimal("600.00"),
    }


def test_a_reversed_allowance_no_longer_stands(world):
    record = paid(world.subsidy_a, date(2024, 6, 20))
    subsidy_services.subsidy_reverse(subsidy=record, reason="重复发放", voucher_no="记-冲-1", paid_on=date(2024, 6, 25))
    ctx = context(world, "quarterly", "2024-Q2")

    assert run("allowances", ctx)["rows"] == []
    assert run("allowance_totals", ctx)["figures"]["total_amount"] == Decimal("0.00")


def test_an_allowance_reversed_after_the_quarter_stood_at_its_end(world):
    record = paid(world.subsidy_a, date(2024, 6, 20))
    subsidy_services.subsidy_reverse(subsidy=record, reason="重复发放", voucher_no="记-冲-1", paid_on=date(2024, 7, 25))

    rows = run("allowances", context(world, "quarterly", "2024-Q2"))["rows"]

    assert rows == [["甲支部", "", 4, Decimal("200.00"), "paid"]]


# --- half-year and annual: totals ------------------------------------------------------------------


def test_totals_count_what_happened_in_the_half_year_and_nothing_outside_it(world):
    held_activity(world.branch_b, "training", date(2024, 3, 5), participants=[world.member_b],
                             non_members=30)  # fmt: skip
    held_activity(world.branch_a, "training", date(2024, 7, 1), participants=[world.member_a], non_members=9)
    held_activity(world.other_branch, "training", date(2024, 3, 5), participants=[world.other_member])
    held_meeting(world.branch_b, "branch_committee", date(2024, 1, 8))
    held_meeting(world.branch_b, "branch_committee", date(2024, 7, 1))  # the second half
    held_meeting(world.other_branch, "branch_committee", date(2024, 2, 1))
    raised_matter(world.branch_b, date(2023, 12, 1), resolved_on=date(2024, 2, 1))  # raised before, solved in
    raised_matter(world.other_branch, date(2024, 3, 1), resolved_on=date(2024, 3, 2))
    paid(world.subsidy_a, date(2024, 6, 30))
    pipeline_services.application_create(
        application=Application(organization=world.branch_b, enterprise=world.enterprise_b, name="吴红",
                                applied_on=date(2024, 4, 2))
    )  # fmt: skip

    figures = run("totals", context(world, "half_year", "2024-H1"))["figures"]

    assert figures["meetings_held"] == 2  # branch A's theme day in May, branch B's committee in January
    assert (figures["matters_raised"], figures["matters_resolved"]) == (1, 1)
    assert (figures["trainings"], figures["training_attendances"]) == (1, 31)
    assert figures["subsidies_paid"] == Decimal("200.00")
    assert (figures["applications"], figures["new_members"]) == (1, 0)
    assert pick(figures, "designations", "designations_demo_post", "designations_pioneer_team") == {
        "designations": 1, "designations_demo_post": 1, "designations_pioneer_team": 0
    }  # fmt: skip
    assert (figures["covered_enterprises"], figures["total_enterprises"]) == (2, 3)
    assert figures["coverage_rate"] == Decimal("0.6667")


def test_the_annual_totals_take_the_whole_year(world):
    held_meeting(world.branch_b, "branch_committee", date(2024, 11, 4))
    paid(world.subsidy_a, date(2024, 12, 31))

    figures = run("totals", context(world, "annual", "2024"))["figures"]
    next_year = run("totals", context(world, "annual", "2025"))["figures"]

    assert (figures["meetings_held"], figures["subsidies_paid"]) == (2, Decimal("200.00"))
    assert pick(next_year, "meetings_held", "subsidies_paid", "matters_raised") == {
        "meetings_held": 0, "subsidies_paid": Decimal("0.00"), "matters_raised": 0
    }  # fmt: skip


def test_meetings_by_kind_count_meetings_and_members_present(world):
    held_meeting(world.branch_a, "theme_day", date(2024, 6, 18), attendance=[world.member_a])
    held_meeting(world.branch_b, "party_lesson", date(2024, 3, 28), attendance=[world.member_b])
    held_meeting(world.other_branch, "party_lesson", date(2024, 3, 28), attendance=[world.other_member])

    result = run("meetings_by_kind", context(world, "half_year", "2024-H1"))

    assert result["rows"] == [["party lesson", 1, 1], ["theme party day", 2, 2]]


# --- half-year and annual: the duty-appraisal pack -------------------------------------------------


def test_the_appraisal_pack_has_one_row_per_branch_with_its_own_figures(world):
    world.branch_a.secretary = world.member_a
    world.branch_a.save()
    # As if branch A had been entered with its secretary in 2023; the next one is named after the half year.
    Organization.history.filter(id=world.branch_a.pk).update(history_date=local_datetime(date(2023, 1, 5), 9))
    world.branch_a.secretary = f.PartyMemberFactory(organization=world.branch_a, name="新书记")
    world.branch_a.save()
    held_meeting(world.branch_a, "theme_day", date(2024, 6, 18))
    held_meeting(world.branch_a, "branch_committee", date(2024, 6, 3))
    held_meeting(world.group_a, "group_meeting", date(2024, 6, 3))  # a group's: not in the pack
    raised_matter(world.branch_a, date(2024, 2, 1), resolved_on=date(2024, 3, 1))
    raised_matter(world.branch_b, date(2024, 8, 1))  # the second half
    held_activity(world.branch_b, "lecture", date(2024, 4, 9))
    dissolved = f.OrganizationFactory(
        park=world.park, parent=world.committee, name="已撤销支部", dissolved_on=date(2023, 12, 31)
    )

    pack = rows_by_name(run("appraisal", context(world, "half_year", "2024-H1")))

    # Branch-kind organizations only, of this park, that existed in the half year; in tree order.
    assert list(pack) == ["园区党委", "甲支部", "乙联合支部"]
    assert dissolved.name not in pack
    branch_a = pack["甲支部"]
    # Six months of branch committee and theme day, two quarters of assembly and lesson: 16 required.
    assert (branch_a["secretary"], branch_a["stars"], branch_a["required"], branch_a["held"]) == ("张三", 4, 16, 3)
    assert branch_a["compliance_rate"] == Decimal("0.1875")
    assert "theme party day" in branch_a["missed"]  # held in May and June, not in the other months
    assert (branch_a["activities_led"], branch_a["matters_raised"], branch_a["matters_resolved"]) == (1, 2, 1)
    branch_b = pack["乙联合支部"]
    assert (branch_b["secretary"], branch_b["stars"], branch_b["held"]) == ("", None, 0)
    assert (branch_b["activities_led"], branch_b["matters_raised"]) == (1, 0)  # co-hosting branch A's is not leading
    # The committee has no meeting rule for its kind: nothing required, no rate.
    assert (pack["园区党委"]["required"], pack["园区党委"]["compliance_rate"]) == (0, None)


def test_a_branch_founded_mid_year_owes_only_the_windows_after_it(world):
    f.OrganizationFactory(park=world.park, parent=world.committee, name="新支部", established_on=date(2024, 5, 10))

    pack = rows_by_name(run("appraisal", context(world, "half_year", "2024-H1")))

    # June's branch committee and theme day; the quarter began before it existed.
    assert (pack["新支部"]["required"], pack["新支部"]["held"]) == (2, 0)


# --- query counts ----------------------------------------------------------------------------------


def add_branch(world, index: int) -> Organization:
    """A branch with everything the appraisal and star changes read: a secretary, ratings before and in
    the period, meetings, an activity it leads and a matter it raised and resolved."""
    branch = f.OrganizationFactory(park=world.park, parent=world.committee, name=f"新增支部{index}")
    branch.secretary = f.PartyMemberFactory(organization=branch)
    branch.save()
    confirmed_rating(branch, year=2024, quarter=1, assessed_on=date(2024, 3, 20), stars=3)
    confirmed_rating(branch, year=2024, quarter=2, assessed_on=date(2024, 6, 20), stars=4)
    held_meeting(branch, "theme_day", date(2024, 5, 6), attendance=[branch.secretary])
    held_activity(branch, "volunteer", date(2024, 5, 7), participants=[branch.secretary])
    raised_matter(branch, date(2024, 5, 8), resolved_on=date(2024, 5, 9))
    return branch


def queries(key: str, ctx: sections.Context) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        result = run(key, ctx)
    return len(captured), result


def test_the_appraisal_and_star_changes_cost_the_same_for_one_branch_as_for_many(world):
    add_branch(world, 0)
    half_year = context(world, "half_year", "2024-H1")
    quarter = context(world, "quarterly", "2024-Q2")
    appraisal_one, appraisal = queries("appraisal", half_year)
    changes_one, changes = queries("star_changes", quarter)
    for index in range(1, 5):
        add_branch(world, index)

    appraisal_many, appraisal_more = queries("appraisal", half_year)
    changes_many, changes_more = queries("star_changes", quarter)

    # The branches, the activities they led and the matters they raised (each grouped in SQL), and per
    # month the compliance selector's three: the rules, the organizations and the meetings held.
    assert appraisal_one == appraisal_many == 3 + 3 * 6
    assert len(appraisal_more["rows"]) == len(appraisal["rows"]) + 4
    # One query: each organization's stars now and before are correlated subqueries.
    assert changes_one == changes_many == 1
    assert len(changes_more["rows"]) == len(changes["rows"]) + 4


# --- every report kind -----------------------------------------------------------------------------


def report_for(world, kind: str, code: str, park=None) -> Report:
    period = periods.parse(kind, code, TODAY)
    return Report(park=park or world.park, kind=kind, period=code, starts_on=period.start, ends_before=period.end)


CODES = {ReportKind.MONTHLY: "2024-06", ReportKind.QUARTERLY: "2024-Q2", ReportKind.HALF_YEAR: "2024-H1",
         ReportKind.ANNUAL: "2024"}  # fmt: skip


def test_every_section_of_every_kind_is_registered_and_titled():
    for kind in ReportKind.values:
        keys = sections.KIND_SECTIONS[kind]
        assert keys and len(keys) == len(set(keys)), kind
        for key in keys:
            assert key in sections.SECTIONS and key in sections.TITLES, key


def test_every_report_kind_writes_json_whose_every_key_has_a_label(world):
    confirmed_rating(world.branch_b, year=2024, quarter=1, assessed_on=date(2024, 3, 20), stars=2)
    confirmed_rating(world.branch_b, year=2024, quarter=2, assessed_on=date(2024, 6, 20), stars=3)
    held_activity(world.branch_a, "training", date(2024, 6, 3), participants=[world.member_a], non_members=4)

    for kind, code in CODES.items():
        with translation.override("en"):
            data = services.report_data(report_for(world, kind, code), TODAY)
        stored = json.loads(json.dumps(data, cls=DjangoJSONEncoder))

        assert [entry["key"] for entry in stored["sections"]] == sections.KIND_SECTIONS[kind]
        for entry in stored["sections"]:
            keys = list(entry["figures"]) if "figures" in entry else entry["columns"]
            unlabelled = [key for key in keys if key not in sections.LABELS]
            assert not unlabelled, (kind, entry["key"], unlabelled)
            for row in entry.get("rows", []):
                assert len(row) == len(entry["columns"]), (kind, entry["key"])
        assert workbook.render(stored).startswith(b"PK")  # the workbook reads the same JSON


def test_no_report_of_park_a_names_anything_of_park_b(world):
    other = world.other_branch
    confirmed_rating(other, year=2024, quarter=1, assessed_on=date(2024, 3, 20), stars=1)
    confirmed_rating(other, year=2024, quarter=2, assessed_on=date(2024, 6, 20), stars=5)
    Subsidy.objects.create(
        park=world.other_park, organization=other, kind=SubsidyKind.RED_STAR_ALLOWANCE, period="2024-Q2",
        period_start=date(2024, 4, 1), amount=Decimal("300.00"),
    )  # fmt: skip
    held_meeting(other, "theme_day", date(2024, 6, 3), attendance=[world.other_member])
    raised_matter(other, date(2024, 6, 4))

    for kind, code in CODES.items():
        with translation.override("en"):
            data = services.report_data(report_for(world, kind, code), TODAY)
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)

        assert world.park.name in text
        assert other.name not in text and world.other_member.name not in text, kind
        assert world.other_park.name not in text, kind


def test_a_running_period_counts_up_to_today(world):
    today = date(2024, 5, 31)
    held_meeting(world.branch_b, "branch_committee", today + timedelta(days=20))

    figures = run("totals", context(world, "annual", "2024", today=today))["figures"]

    assert figures["meetings_held"] == 1  # branch A's theme day; June's meeting is not counted in May
