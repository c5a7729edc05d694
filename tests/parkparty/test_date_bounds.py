"""One rule for every date a person enters (parkparty.dates.DateBounds): from 1921 on; a fact not
after today, a plan at most five calendar years ahead. Checked on the model field, so the API's
serializers and the services' full_clean both answer it on the field."""

import pytest

API = "/api/v1"
OUT_OF_BOUNDS = ["0001-01-01", "9999-12-31"]


@pytest.mark.parametrize("day", [*OUT_OF_BOUNDS, "2027-01-01"])
@pytest.mark.parametrize("field", ["joined_on", "full_member_on"])
def test_a_members_date_outside_the_portals_years_or_ahead_is_refused_on_its_field(world, as_role, field, day):
    response = as_role("admin").patch(f"{API}/members/{world.member_a.pk}/", {field: day}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(("field", "day"), [("raised_on", d) for d in [*OUT_OF_BOUNDS, "2027-01-01"]]
                         + [("due_on", d) for d in OUT_OF_BOUNDS])  # fmt: skip
def test_a_matters_date_outside_the_portals_years_is_refused_on_its_field(world, as_role, field, day):
    response = as_role("admin").patch(f"{API}/matters/{world.matter_a.pk}/", {field: day}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_due_date_a_year_ahead_is_a_plan_and_is_taken(world, as_role):
    response = as_role("admin").patch(f"{API}/matters/{world.matter_a.pk}/", {"due_on": "2027-12-01"}, format="json")

    assert response.status_code == 200, response.content


def test_an_enterprise_cannot_leave_twice(world, as_role):
    url = f"{API}/enterprises/{world.enterprise_uncovered.pk}/leave/"
    first = as_role("admin").post(url, {"status": "closed", "on": "2026-12-01"})
    second = as_role("admin").post(url, {"status": "moved_out", "on": "2026-12-02"})

    assert first.status_code == 200, first.content
    assert second.status_code == 400 and "status" in second.json()
