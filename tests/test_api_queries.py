"""Every API list answers in a constant number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

# Queries every session-authenticated list makes before its own: the session, the user, the user's
# grants (with their organizations' paths), and whether the user is an instructor.
AUTH = 4
# Then each list counts its rows for pagination and reads one page: +2.
# The instructors list also prefetches the page's current assignments: +1.
EXPECTED = {
    "parks": AUTH + 2,
    "districts": AUTH + 2,
    "grids": AUTH + 2,
    "organizations": AUTH + 2,
    "members": AUTH + 2,
    "enterprises": AUTH + 2,
    "coverages": AUTH + 2,
    "instructors": AUTH + 3,
}


def add_rows(world, n: int) -> None:
    """n more of everything in park A, so a per-row query would show as a larger count."""
    for _ in range(n):
        district = f.DistrictFactory(park=world.park)
        f.GridFactory(park=world.park, district=district)
        branch = f.OrganizationFactory(park=world.park, parent=world.committee)
        world.committee.refresh_from_db()
        enterprise = f.EnterpriseFactory(park=world.park, district=district)
        f.CoverageFactory(enterprise=enterprise, organization=branch)
        f.PartyMemberFactory(organization=branch, enterprise=enterprise)
        instructor = f.InstructorFactory(park=world.park)
        f.InstructorAssignmentFactory(instructor=instructor, enterprise=enterprise)


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/{path}/", {"page_size": 200})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_a_list_costs_the_same_queries_for_few_rows_and_many(world, as_role, path):
    client = as_role("admin")
    assert count(client, path) == EXPECTED[path]
    add_rows(world, 12)
    client = as_role("admin")  # a fresh request: the scope is read once per request
    assert count(client, path) == EXPECTED[path]
