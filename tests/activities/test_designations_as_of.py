"""Designations as of a date (issue 14): `stats/designations?as_of=` counts those in force that day
(activities.selectors.designations_as_of: awarded on or before it, not ended by then) and each count links
to `designations/?as_of=&kind=`, which lists exactly those rows. `on=` and `active_on=` are the old names.

The world's park A has branch A's demo post 党员示范岗 (since 2023-07-01). Here park A also gets branch B's
pioneer team 先锋队 (2020-01-01 to 2023-01-01) and branch A's responsibility zone 责任区 (since 2024-03-01)."""

from datetime import date

import pytest

from activities import services
from activities.models import Designation

API = "/api/v1"


@pytest.fixture
def designations(world):
    services.designation_save(
        designation=Designation(organization=world.branch_b, kind="pioneer_team", name="先锋队",
                                started_on=date(2020, 1, 1), ended_on=date(2023, 1, 1))
    )  # fmt: skip
    services.designation_save(
        designation=Designation(organization=world.branch_a, kind="responsibility_zone", name="责任区",
                                started_on=date(2024, 3, 1))
    )  # fmt: skip


def listed(client, **params) -> set[str]:
    response = client.get(f"{API}/designations/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def stats(client, **params) -> dict:
    response = client.get(f"{API}/stats/designations/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_list_as_of_a_date_gives_the_designations_in_force_that_day(world, as_role, designations):
    client = as_role("admin")
    park = world.park.pk
    assert listed(client, park=park, as_of="2019-12-31") == set()
    assert listed(client, park=park, as_of="2022-12-31") == {"先锋队"}
    # Ended on 2023-01-01: not in force from that day.
    assert listed(client, park=park, as_of="2023-01-01") == set()
    assert listed(client, park=park, as_of="2024-03-01") == {"党员示范岗", "责任区"}
    assert listed(client, park=park, as_of="2024-03-01", kind="demo_post") == {"党员示范岗"}
    assert listed(client, park=park) == {"党员示范岗", "责任区", "先锋队"}


def test_the_statistic_answers_as_of_and_the_old_name_for_old_clients(world, as_role, designations):
    client = as_role("viewer")
    body = stats(client, park=world.park.pk, as_of="2022-06-01")
    assert (body["as_of"], body["on"], body["total"], body["by_kind"]["pioneer_team"]) == (
        "2022-06-01", "2022-06-01", 1, 1
    )  # fmt: skip
    response = client.get(f"{API}/stats/designations/", {"park": world.park.pk, "on": "2022-06-01"})
    assert response["Deprecation"] == "true"
    assert (response.json()["as_of"], response.json()["total"]) == ("2022-06-01", 1)
    assert stats(client, park=world.park.pk)["as_of"] == "2026-12-06"


def test_the_lists_old_date_name_is_still_read(world, as_role, designations):
    response = as_role("admin").get(f"{API}/designations/", {"park": world.park.pk, "active_on": "2022-06-01"})
    assert response["Deprecation"] == "true"
    assert {row["name"] for row in response.json()["results"]} == {"先锋队"}


def _count(client, url: str) -> int:
    # The filters stay in the URL: a GET's data would replace its query string.
    response = client.get(f"{url.replace('http://testserver', '')}&page_size=1")
    assert response.status_code == 200, response.content
    return response.json()["count"]


@pytest.mark.parametrize("role", ["admin", "viewer", "token"])
@pytest.mark.parametrize("as_of", ["2022-06-01", "2024-03-01", None])
def test_each_count_links_to_exactly_its_rows(world, as_role, designations, role, as_of):
    client = as_role(role)
    body = stats(client, park=world.park.pk, **({"as_of": as_of} if as_of else {}))
    assert set(body["links"]) == {"total"} | {f"by_kind.{kind}" for kind in Designation.Kind.values}
    assert _count(client, body["links"]["total"]) == body["total"]
    for kind, n in body["by_kind"].items():
        assert _count(client, body["links"][f"by_kind.{kind}"]) == n, kind
