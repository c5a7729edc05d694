"""GET /api/v1/stats/coverage/: the contract in DESIGN.md, exact as of any date, in constant queries."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import services
from organizations.models import Organization
from tests import factories as f

URL = "/api/v1/stats/coverage/"


def stats(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_reports_the_park_as_of_today_with_every_contract_field(world, as_role):
    body = stats(as_role("viewer"), park=world.park.pk)
    assert body["park"] == world.park.pk
    assert body["total_enterprises"] == 3
    assert body["covered_enterprises"] == 2
    assert body["coverage_rate"] == "0.6667"
    assert body["standalone_covered"] == 1
    assert body["joint_covered"] == 1
    # The uncovered enterprise has an instructor: work coverage without organization coverage.
    assert body["work_covered"] == 1
    assert body["branches"] == 2
    assert "groups" not in body


def test_as_of_counts_only_enterprises_in_the_park_and_coverages_in_force_that_day(world, as_role):
    late = f.EnterpriseFactory(park=world.park, entered_on=date(2020, 3, 1))
    services.coverage_start(enterprise=late, organization=world.branch_a, on=date(2021, 1, 1))
    services.enterprise_leave(enterprise=world.enterprise_b, status="moved_out", on=date(2022, 6, 30))

    before = stats(as_role("admin"), park=world.park.pk, as_of="2019-12-31")
    assert (before["total_enterprises"], before["covered_enterprises"]) == (3, 2)
    between = stats(as_role("admin"), park=world.park.pk, as_of="2020-06-01")
    assert (between["total_enterprises"], between["covered_enterprises"]) == (4, 2)
    after = stats(as_role("admin"), park=world.park.pk, as_of="2022-07-01")
    assert (after["total_enterprises"], after["covered_enterprises"], after["joint_covered"]) == (3, 2, 0)
    # Branch B covers nothing once its only enterprise has moved out.
    assert after["branches"] == 1


def test_a_park_with_no_enterprises_has_a_null_rate(as_role, world):
    empty = f.ParkFactory(code="empty")
    f.GrantFactory(user=world.users["viewer"], role="park_viewer", park=empty)
    body = stats(as_role("viewer"), park=empty.pk)
    assert body["total_enterprises"] == 0
    assert body["coverage_rate"] is None


def test_without_a_park_it_sums_every_park_in_the_callers_scope(world, as_role):
    f.GrantFactory(user=world.users["viewer"], role="park_viewer", park=world.other_park)
    body = stats(as_role("viewer"))
    assert body["park"] is None
    assert (body["total_enterprises"], body["covered_enterprises"]) == (4, 3)
    # The admin of park A alone does not see park B's enterprise in the sum.
    assert stats(as_role("admin"))["total_enterprises"] == 3


@pytest.mark.parametrize("group_by", ["district", "grid", "industry", "formation"])
def test_groups_add_up_to_the_totals(world, as_role, group_by):
    body = stats(as_role("admin"), park=world.park.pk, group_by=group_by)
    assert sum(g["total_enterprises"] for g in body["groups"]) == body["total_enterprises"]
    assert sum(g["covered_enterprises"] for g in body["groups"]) == body["covered_enterprises"]
    for group in body["groups"]:
        assert set(group) == {"key", "label", "total_enterprises", "covered_enterprises", "coverage_rate"}


def test_grouping_by_district_names_the_district(world, as_role):
    groups = stats(as_role("admin"), park=world.park.pk, group_by="district")["groups"]
    district = next(g for g in groups if g["key"] == world.district.pk)
    assert (district["label"], district["total_enterprises"], district["coverage_rate"]) == ("一片区", 1, "1.0000")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "2019-13-01"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"group_by": "colour"}, "group_by"),
        ({"park": "abc"}, "park"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(world, as_role, params, field):
    response = as_role("admin").get(URL, {"park": world.park.pk, **params})
    assert response.status_code == 400
    assert field in response.json()


def test_it_runs_a_constant_number_of_queries_whatever_the_park_size(world, as_role):
    client = as_role("admin")
    client.get(URL, {"park": world.park.pk})  # warm the session and scope caches

    def count_queries():
        cache.clear()  # measure the computation, not a cache hit
        with CaptureQueriesContext(connection) as ctx:
            stats(client, park=world.park.pk, group_by="district")
        return len(ctx.captured_queries)

    small = count_queries()
    # session, user, grants, instructor; the ledger version; the summary; the groups
    assert small == 7
    branch = world.branch_b
    for _ in range(25):
        enterprise = f.EnterpriseFactory(park=world.park)
        f.CoverageFactory(enterprise=enterprise, organization=branch)
        f.InstructorAssignmentFactory(instructor=world.instructor, enterprise=enterprise)
    assert count_queries() == small


def test_branches_count_only_committees_general_branches_and_branches(world, as_role):
    station = f.OrganizationFactory(
        park=world.park,
        parent=world.committee,
        kind=Organization.Kind.DISTRICT_STATION,
        formation=Organization.Formation.REGIONAL,
    )
    f.CoverageFactory(enterprise=world.enterprise_uncovered, organization=station)
    body = stats(as_role("admin"), park=world.park.pk)
    assert body["covered_enterprises"] == 3
    assert body["branches"] == 2


def test_the_ledger_finding_lists_enterprises_with_three_full_members_and_no_own_branch(world, as_role):
    # Enterprise B is covered by a joint branch: three full members there make it a finding.
    for _ in range(2):
        f.PartyMemberFactory(organization=world.branch_b, enterprise=world.enterprise_b)
    # Enterprise A has its own standalone branch: three full members are as they should be.
    for _ in range(2):
        f.PartyMemberFactory(organization=world.branch_a, enterprise=world.enterprise_a)
    # Probationary members do not count.
    for _ in range(3):
        f.PartyMemberFactory(
            organization=world.branch_a,
            enterprise=world.enterprise_uncovered,
            status="probationary",
            full_member_on=None,
        )
    response = as_role("admin").get("/api/v1/enterprises/", {"needs_own_branch": "true"})
    assert [row["id"] for row in response.json()["results"]] == [world.enterprise_b.pk]


def test_figures_are_served_from_the_cache_until_a_committed_write_changes_the_ledger(
    world, as_role, django_capture_on_commit_callbacks
):
    client = as_role("viewer")
    assert stats(client, park=world.park.pk)["covered_enterprises"] == 2
    with CaptureQueriesContext(connection) as cached_call:
        stats(client, park=world.park.pk)
    assert not any("enterprises_enterprise" in q["sql"] for q in cached_call.captured_queries)

    with django_capture_on_commit_callbacks(execute=True):
        services.coverage_start(enterprise=world.enterprise_uncovered, organization=world.branch_a, on=date(2024, 1, 1))
    assert stats(client, park=world.park.pk)["covered_enterprises"] == 3


def test_a_write_through_the_admin_or_a_bulk_load_also_changes_the_version(world, django_capture_on_commit_callbacks):
    from parkparty.ledger_cache import bump_ledger_version, ledger_version

    before = ledger_version()
    with django_capture_on_commit_callbacks(execute=True):
        world.enterprise_a.employees = 99
        world.enterprise_a.save()  # any save, not only the services' (the admin saves models directly)
    assert ledger_version() == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        bump_ledger_version()  # what bulk loaders call: bulk_create sends no signals
    assert ledger_version() == before + 2
