"""Members as of a date (issue 14): `members/?as_of=` lists the roster of that day and `stats/members?as_of=`
counts exactly those rows, by one rule (organizations.selectors.members_as_of): joined on or before the
day, not transferred out by its end (the day the portal recorded the transfer), full from full_member_on.

The world's park A has members A and B (joined 2010-07-01, full 2011-07-01) and the activist 周青 (applied
2022-09-01, activist since 2023-03-01). Here park A also gets 新甲 (joined 2020-05-01, full 2021-05-01),
新乙 (joined 2024-03-01, probationary) and 转出 (joined 2015-01-01, full 2016-01-01, transfer recorded on
2025-03-01)."""

from datetime import date

import pytest
from django.db.models import Max

from organizations.models import PartyMember
from organizations.pipeline import services as pipeline_services
from parkparty.dates import local_datetime
from tests import factories as f

API = "/api/v1"
DATES = ["2009-12-31", "2015-01-01", "2020-12-31", "2021-05-01", "2024-03-01", "2025-02-28", "2025-03-01", "2026-12-06"]


def recorded_on(member: PartyMember, day: date, *, last: bool = False) -> None:
    """Date the member's first (or last) history record on `day`, as if the portal had written it then."""
    records = PartyMember.history.filter(id=member.pk)
    pk = records.aggregate(pk=Max("history_id"))["pk"] if last else records.order_by("history_id")[0].pk
    PartyMember.history.filter(history_id=pk).update(history_date=local_datetime(day, 12))


@pytest.fixture
def roster(world):
    new_a = f.PartyMemberFactory(organization=world.branch_a, name="新甲", joined_on=date(2020, 5, 1),
                                 full_member_on=date(2021, 5, 1))  # fmt: skip
    new_b = f.PartyMemberFactory(organization=world.branch_b, name="新乙", joined_on=date(2024, 3, 1),
                                 status=PartyMember.Status.PROBATIONARY, full_member_on=None)  # fmt: skip
    gone = f.PartyMemberFactory(organization=world.branch_a, name="转出", joined_on=date(2015, 1, 1),
                                full_member_on=date(2016, 1, 1))  # fmt: skip
    recorded_on(gone, date(2016, 1, 2))
    gone.status = PartyMember.Status.TRANSFERRED_OUT
    gone.save()
    recorded_on(gone, date(2025, 3, 1), last=True)
    return {"new_a": new_a, "new_b": new_b, "gone": gone}


def listed(client, **params) -> set[str]:
    response = client.get(f"{API}/members/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def stats(client, **params) -> dict:
    response = client.get(f"{API}/stats/members/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_list_as_of_a_date_is_that_days_roster(world, as_role, roster):
    client = as_role("admin")
    park = world.park.pk
    assert listed(client, park=park, as_of="2009-12-31") == set()
    assert listed(client, park=park, as_of="2020-12-31") == {"张三", "李四", "转出", "新甲"}
    assert listed(client, park=park, as_of="2025-02-28") == {"张三", "李四", "转出", "新甲", "新乙"}
    # Transferred out on 2025-03-01: off the roster from that day.
    assert listed(client, park=park, as_of="2025-03-01") == {"张三", "李四", "新甲", "新乙"}
    # Without a date, every row, as before.
    assert "转出" in listed(client, park=park)


def test_status_as_of_a_date_is_the_status_on_that_day(world, as_role, roster):
    client = as_role("admin")
    park = world.park.pk
    assert listed(client, park=park, as_of="2021-04-30", status="probationary") == {"新甲"}
    assert listed(client, park=park, as_of="2021-05-01", status="probationary") == set()
    assert listed(client, park=park, as_of="2024-03-01", status="probationary") == {"新乙"}
    assert listed(client, park=park, as_of="2024-03-01", status="full") == {"张三", "李四", "转出", "新甲"}


@pytest.mark.parametrize("role", ["admin", "viewer", "token"])
def test_the_statistic_counts_exactly_the_rows_the_list_gives(world, as_role, roster, role):
    client = as_role(role)
    for day in DATES:
        for params in ({"park": world.park.pk}, {}):  # one park, and the caller's whole scope
            body = stats(client, as_of=day, **params)
            assert body["as_of"] == day
            assert body["members"] == len(listed(client, as_of=day, **params)), (day, params)
            assert body["probationary"] == len(listed(client, as_of=day, status="probationary", **params))


def test_the_statistic_defaults_to_the_end_of_the_range_and_then_today(world, as_role, roster):
    client = as_role("admin")
    park = world.park.pk
    assert stats(client, park=park, until="2020-12-31")["members"] == 4
    assert stats(client, park=park, until="2020-12-31")["as_of"] == "2020-12-31"
    assert stats(client, park=park)["members"] == 4  # 张三, 李四, 新甲, 新乙: 转出 has left


def test_applications_at_each_stage_as_of_a_date(world, as_role):
    client = as_role("admin")
    park = world.park.pk
    zeros = {"applicant": 0, "activist": 0, "target": 0, "probationary": 0, "full": 0, "withdrawn": 0}
    assert stats(client, park=park, as_of="2022-08-31")["stages"] == zeros
    assert stats(client, park=park, as_of="2023-02-28")["stages"] == zeros | {"applicant": 1}
    assert stats(client, park=park, as_of="2023-03-01")["stages"] == zeros | {"activist": 1}
    pipeline_services.application_withdraw(application=world.application_a, on=date(2024, 1, 10), reason="迁出")
    assert stats(client, park=park, as_of="2024-01-09")["stages"] == zeros | {"activist": 1}
    assert stats(client, park=park, as_of="2024-01-10")["stages"] == zeros | {"withdrawn": 1}


@pytest.mark.parametrize("value", ["2019-13-01", "yesterday", "2019-02-30"])
def test_a_bad_date_is_a_400_naming_as_of_on_the_list_and_the_statistic(world, as_role, value):
    client = as_role("admin")
    for path in ("members/", "stats/members/"):
        response = client.get(f"{API}/{path}", {"as_of": value})
        assert response.status_code == 400, path
        assert "as_of" in response.json(), path
