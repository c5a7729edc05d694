"""The ledger's lists as of a date (issue 14): each gives the rows stats/coverage counts that day.

The world's park has enterprise A (branch A, standalone), enterprise B (branch B, joint) and an uncovered
one with an instructor, all since 2015/2016. Here a late firm enters in 2020 and is covered from 2021,
enterprise B moves out in 2022 and the instructor's assignment ends in 2023: so on 2020-06-01 the park had
two uncovered firms, a joint branch and work coverage, and today it has none of those.
"""

from datetime import date
from urllib.parse import urlsplit

import pytest

from enterprises import services
from organizations import services as organization_services
from organizations.models import Organization
from tests import factories as f

API = "/api/v1"
PAST = date(2020, 6, 1)


@pytest.fixture
def ledger(world):
    late = f.EnterpriseFactory(park=world.park, name="丁新入园企业", entered_on=date(2020, 3, 1))
    services.coverage_start(enterprise=late, organization=world.branch_a, on=date(2021, 1, 1))
    services.enterprise_leave(enterprise=world.enterprise_b, status="moved_out", on=date(2022, 6, 30))
    services.assignment_end(assignment=world.instructor.assignments.get(), on=date(2023, 1, 1))
    world.late = late
    return world


def get(client, path, **params):
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(body) -> set[int]:
    return {row["id"] for row in body["results"]}


def test_each_coverage_count_links_to_a_list_of_as_many_rows_on_a_past_date_and_today(ledger, as_role):
    admin = as_role("admin")
    past = get(admin, "stats/coverage/", park=ledger.park.pk, as_of=PAST.isoformat())
    today = get(admin, "stats/coverage/", park=ledger.park.pk)
    # The dated answer is not today's: every count below is checked where the two differ.
    assert (past["total_enterprises"], past["covered_enterprises"], past["joint_covered"]) == (4, 2, 1)
    assert (past["work_covered"], past["branches"]) == (1, 2)
    assert (today["total_enterprises"], today["covered_enterprises"], today["joint_covered"]) == (3, 2, 0)
    assert (today["work_covered"], today["branches"]) == (0, 1)
    for body in (past, today):
        counts = {name: value for name, value in body.items() if type(value) is int and name != "park"}
        assert set(body["links"]) == set(counts)
        for name, url in body["links"].items():
            parts = urlsplit(url)
            assert f"as_of={body['as_of']}" in parts.query and f"park={ledger.park.pk}" in parts.query
            listed = admin.get(f"{parts.path}?{parts.query}")
            assert listed.json()["count"] == counts[name], (name, url)


def test_the_uncovered_firms_of_a_past_day_are_that_days_not_todays(ledger, as_role):
    admin = as_role("admin")
    uncovered = get(admin, "enterprises/", park=ledger.park.pk, as_of=PAST.isoformat(), covered="false")
    assert ids(uncovered) == {ledger.enterprise_uncovered.pk, ledger.late.pk}
    today = get(admin, "enterprises/", park=ledger.park.pk, as_of="2026-12-06", covered="false")
    assert ids(today) == {ledger.enterprise_uncovered.pk}
    # Without a date the ledger lists every firm it holds, enterprise B (moved out) among them.
    assert ids(get(admin, "enterprises/", park=ledger.park.pk, covered="false")) == {
        ledger.enterprise_uncovered.pk,
        ledger.enterprise_b.pk,
    }
    # The rows show the coverage of that day: enterprise B, gone today, was covered by its joint branch.
    rows = {
        row["id"]: row for row in get(admin, "enterprises/", park=ledger.park.pk, as_of=PAST.isoformat())["results"]
    }
    assert rows[ledger.enterprise_b.pk]["covering_organization"] == ledger.branch_b.pk
    assert rows[ledger.enterprise_b.pk]["covering_formation"] == "joint"
    assert rows[ledger.late.pk]["covering_organization"] is None
    assert rows[ledger.enterprise_uncovered.pk]["has_instructor"] is True


def test_an_enterprise_not_yet_in_the_park_or_gone_is_not_listed_that_day(ledger, as_role):
    admin = as_role("admin")
    before = get(admin, "enterprises/", park=ledger.park.pk, as_of="2019-12-31")
    assert ledger.late.pk not in ids(before) and ledger.enterprise_b.pk in ids(before)
    after = get(admin, "enterprises/", park=ledger.park.pk, as_of="2022-06-30")
    assert ledger.enterprise_b.pk not in ids(after)


def test_organizations_as_of_are_those_existing_that_day(ledger, as_role):
    newer = f.OrganizationFactory(park=ledger.park, parent=ledger.committee, established_on=date(2021, 1, 1))
    organization_services.organization_dissolve(organization=ledger.group_a, on=date(2020, 1, 1))
    admin = as_role("admin")
    past = ids(get(admin, "organizations/", park=ledger.park.pk, as_of=PAST.isoformat()))
    assert newer.pk not in past and ledger.group_a.pk not in past and ledger.branch_b.pk in past
    assert ledger.group_a.pk in ids(get(admin, "organizations/", park=ledger.park.pk, as_of="2019-12-31"))
    assert {newer.pk, ledger.group_a.pk} <= ids(get(admin, "organizations/", park=ledger.park.pk))


def test_organizations_counting_as_branch_leave_out_stations_groups_and_the_committee_covering_nothing(ledger, as_role):
    station = f.OrganizationFactory(
        park=ledger.park, kind=Organization.Kind.DISTRICT_STATION, formation=Organization.Formation.REGIONAL
    )
    covered_by_station = f.EnterpriseFactory(park=ledger.park)
    services.coverage_start(enterprise=covered_by_station, organization=station, on=date(2019, 1, 1))
    admin = as_role("admin")
    branches = get(admin, "organizations/", park=ledger.park.pk, as_of=PAST.isoformat(), counts_as_branch="true")
    assert ids(branches) == {ledger.branch_a.pk, ledger.branch_b.pk}
    assert ids(get(admin, "organizations/", park=ledger.park.pk, counts_as_branch="true")) == {ledger.branch_a.pk}
    others = get(admin, "organizations/", park=ledger.park.pk, counts_as_branch="false")
    assert {station.pk, ledger.committee.pk, ledger.branch_b.pk} <= ids(others)
    assert ledger.branch_a.pk not in ids(others)


def test_coverages_as_of_are_those_in_force_that_day(ledger, as_role):
    admin = as_role("admin")
    past = get(admin, "coverages/", park=ledger.park.pk, as_of=PAST.isoformat())
    assert {row["enterprise"] for row in past["results"]} == {ledger.enterprise_a.pk, ledger.enterprise_b.pk}
    today = get(admin, "coverages/", park=ledger.park.pk, as_of="2026-12-06")
    assert {row["enterprise"] for row in today["results"]} == {ledger.enterprise_a.pk, ledger.late.pk}


def test_active_on_is_still_read_as_as_of_and_says_it_is_deprecated(ledger, as_role):
    response = as_role("admin").get(f"{API}/coverages/", {"park": ledger.park.pk, "active_on": PAST.isoformat()})
    assert response.status_code == 200
    assert {row["enterprise"] for row in response.json()["results"]} == {ledger.enterprise_a.pk, ledger.enterprise_b.pk}
    assert response["Deprecation"] == "true"
    assert "active_on is deprecated, use as_of" in response["Warning"]
    assert "Deprecation" not in as_role("admin").get(f"{API}/coverages/", {"as_of": PAST.isoformat()})


def test_instructors_as_of_are_those_with_an_assignment_in_force_that_day(ledger, as_role):
    admin = as_role("admin")
    past = get(admin, "instructors/", park=ledger.park.pk, as_of=PAST.isoformat())
    assert ids(past) == {ledger.instructor.pk}
    assert past["results"][0]["enterprises"] == [ledger.enterprise_uncovered.pk]
    assert ids(get(admin, "instructors/", park=ledger.park.pk, as_of="2024-01-01")) == set()
    # Without a date: every instructor of the ledger, with the enterprises assigned today (none).
    today = get(admin, "instructors/", park=ledger.park.pk)
    assert ids(today) == {ledger.instructor.pk} and today["results"][0]["enterprises"] == []


def test_instructors_by_title_are_those_of_that_exact_rank(ledger, as_role):
    admin = as_role("admin")
    title = ledger.instructor.title or "县级领导干部"
    type(ledger.instructor).objects.filter(pk=ledger.instructor.pk).update(title=title)
    query = {"park": ledger.park.pk, "as_of": PAST.isoformat()}
    assert ids(get(admin, "instructors/", **query, title=title)) == {ledger.instructor.pk}
    assert ids(get(admin, "instructors/", **query, title=title[:-1])) == set()


def test_assignments_as_of_are_those_in_force_that_day(ledger, as_role):
    admin = as_role("admin")
    past = get(admin, "instructor-assignments/", park=ledger.park.pk, as_of=PAST.isoformat())
    assert [row["enterprise"] for row in past["results"]] == [ledger.enterprise_uncovered.pk]
    assert get(admin, "instructor-assignments/", park=ledger.park.pk, as_of="2024-01-01")["count"] == 0
    assert get(admin, "instructor-assignments/", park=ledger.park.pk)["count"] == 1


@pytest.mark.parametrize(
    "path", ["enterprises/", "organizations/", "coverages/", "instructors/", "instructor-assignments/"]
)
def test_a_date_that_is_not_one_is_a_400_naming_as_of(world, as_role, path):
    response = as_role("admin").get(f"{API}/{path}", {"as_of": "2020-13-01"})
    assert response.status_code == 400
    assert "as_of" in response.json()


# The dated list: the session, the user, the user's grants, whether the user is an instructor (4), the
# `park` filter's choice (1), the page's count (1) and its rows (1), with that day's coverage and
# instructors as correlated subqueries of the same query.
LIST_QUERIES = 7


def test_the_dated_enterprise_list_costs_the_same_queries_for_one_row_or_many(
    ledger, as_role, django_assert_num_queries
):
    admin = as_role("admin")
    params = {"park": ledger.park.pk, "as_of": PAST.isoformat(), "covered": "false"}
    with django_assert_num_queries(LIST_QUERIES):
        assert admin.get(f"{API}/enterprises/", params).json()["count"] == 2
    for n in range(8):
        f.EnterpriseFactory(park=ledger.park, name=f"戊{n}", entered_on=date(2019, 1, 1))
    with django_assert_num_queries(LIST_QUERIES):
        assert admin.get(f"{API}/enterprises/", params).json()["count"] == 10


def test_the_schema_lists_as_of_and_marks_active_on_deprecated(world, as_role):
    schema = as_role("admin").get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/coverages/"]["get"]["parameters"]}
    assert parameters["active_on"]["deprecated"] is True
    assert not parameters["as_of"].get("deprecated")
    for path in ("enterprises", "organizations", "instructors", "instructor-assignments"):
        assert "as_of" in {p["name"] for p in schema["paths"][f"/api/v1/{path}/"]["get"]["parameters"]}
    links = schema["components"]["schemas"]["CoverageStats"]["properties"]["links"]
    assert links["type"] == "object"
