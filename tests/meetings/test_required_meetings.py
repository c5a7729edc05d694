"""stats/meetings counts required meetings (issue 14, drill-down): `required-meetings/?period=` lists one row per
meeting a rule required in the windows closing that month, `held` when enough were held; its count is the
statistic's `required`, with `held=true` its `held`.

The world's park A has the default rules and branch A's theme day of 2024-05-20. Here a branch owes two
theme days a month, and branch A holds two more in May 2024: three held, two count. In May 2024 branch A owes
2 theme days (held) and a committee meeting (missed), branch B the same (all missed), group A a group meeting
(missed): 7 required, 2 held."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import services
from meetings.models import Meeting, MeetingRule
from parkparty.dates import local_datetime

API = "/api/v1"


@pytest.fixture
def may(world):
    MeetingRule.objects.filter(park=world.park, kind="theme_day", organization_kind="branch").update(times=2)
    for day in (3, 28):
        services.meeting_save(
            meeting=Meeting(host=world.branch_a, kind="theme_day", status="held", topic="主题党日",
                            held_at=local_datetime(date(2024, 5, day), 9)),
            attendance=[],
        )  # fmt: skip


def get(client, url: str, **params) -> dict:
    response = client.get(url.replace("http://testserver", ""), params)
    assert response.status_code == 200, response.content
    return response.json()


def _count(client, url: str) -> int:
    # The filters stay in the URL: a GET's data would replace its query string.
    return get(client, f"{url}&page_size=1")["count"]


@pytest.mark.parametrize("role", ["admin", "viewer", "token"])
def test_required_and_held_link_to_exactly_their_required_meetings(world, as_role, may, role):
    client = as_role(role)
    body = get(client, f"{API}/stats/meetings/", park=world.park.pk, period="2024-05")
    assert (body["required"], body["held"]) == (7, 2)
    assert set(body["links"]) == {"required", "held"}
    for name, url in body["links"].items():
        assert _count(client, url) == body[name], (name, url)
    rows = {row["organization"]: row for row in body["branches"]}
    assert (rows[world.branch_a.pk]["required"], rows[world.branch_a.pk]["held"]) == (3, 2)
    for row in body["branches"]:
        for name, url in row["links"].items():
            assert _count(client, url) == row[name], (row["name"], name, url)


def test_each_required_meeting_says_whether_it_was_held_and_opens_the_meetings_held_for_it(world, as_role, may):
    client = as_role("admin")
    rows = get(client, f"{API}/required-meetings/", period="2024-05", organization=world.branch_a.pk)["results"]
    assert sorted((row["kind"], row["slot"], row["held"]) for row in rows) == [
        ("branch_committee", 1, False), ("theme_day", 1, True), ("theme_day", 2, True)
    ]  # fmt: skip
    theme_day = next(row for row in rows if row["kind"] == "theme_day")
    assert (theme_day["window_from"], theme_day["window_until"], theme_day["required"]) == (
        "2024-05-01",
        "2024-05-31",
        2,
    )
    assert get(client, theme_day["meetings"])["count"] == 3
    missed = get(client, f"{API}/required-meetings/", park=world.park.pk, period="2024-05", held="false")
    assert missed["count"] == 5


def test_a_quarter_closing_in_the_month_is_required_in_it(world, as_role):
    client = as_role("admin")
    june = get(
        client, f"{API}/required-meetings/", park=world.park.pk, period="2024-06", organization=world.branch_b.pk
    )
    assert {row["kind"] for row in june["results"]} == {
        "theme_day",
        "branch_committee",
        "general_assembly",
        "party_lesson",
    }
    assert {row["period"] for row in june["results"] if row["kind"] == "party_lesson"} == {"quarter"}


def test_the_list_is_for_those_who_read_the_statistics(world, as_role):
    params = {"period": "2024-05"}
    assert as_role("secretary_a").get(f"{API}/required-meetings/", params).status_code == 403
    assert as_role("anonymous").get(f"{API}/required-meetings/", params).status_code == 401
    response = as_role("admin").get(f"{API}/required-meetings/", {**params, "organization": world.other_branch.pk})
    assert response.status_code == 400
    assert "organization" in response.json()
    assert as_role("admin").get(f"{API}/required-meetings/", {**params, "park": world.other_park.pk}).status_code == 404
    assert as_role("admin").get(f"{API}/required-meetings/").status_code == 400


def test_the_list_costs_the_same_queries_for_one_organization_and_many(world, as_role, may):
    def count(**params) -> int:
        with CaptureQueriesContext(connection) as ctx:
            get(as_role("admin"), f"{API}/required-meetings/", period="2024-06", page_size=200, **params)
        return len(ctx.captured_queries)

    # The session and user, the rules, the organizations owing, the month's meeting counts.
    assert count(park=world.park.pk) == count(park=world.park.pk, organization=world.branch_a.pk)
