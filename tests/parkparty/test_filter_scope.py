"""A list filtered by another park's row answers exactly as when filtered by a row that does not exist."""

import pytest

API = "/api/v1"
MISSING = 999_999_999


def _other(world, name: str) -> int:
    return {
        "park": world.other_park.pk,
        "organization": world.other_branch.pk,
        "enterprise": world.other_enterprise.pk,
    }[name]


@pytest.mark.parametrize(
    ("resource", "parameter"),
    [
        ("meetings", "park"), ("meetings", "host"), ("members", "organization"), ("members", "enterprise"),
        ("coverages", "enterprise"), ("enterprises", "park"), ("ratings", "organization"), ("subsidies", "park"),
        ("activities", "organization"), ("star-levels", "park"), ("matters", "enterprise"), ("districts", "park"),
    ],
)  # fmt: skip
def test_another_parks_id_in_a_filter_answers_as_a_missing_id(world, as_role, resource, parameter):
    client = as_role("admin")
    other = _other(world, "organization" if parameter == "host" else parameter)

    outside = client.get(f"{API}/{resource}/", {parameter: other})
    missing = client.get(f"{API}/{resource}/", {parameter: MISSING})

    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json()
    assert outside.json().keys() == {parameter}


def test_a_filter_by_ones_own_park_still_filters(world, as_role):
    response = as_role("admin").get(f"{API}/enterprises/", {"park": world.park.pk})

    assert response.status_code == 200
    assert response.json()["count"] == 3
