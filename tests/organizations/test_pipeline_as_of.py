"""The pipeline and the cross-appointment figures as of a date (issue 14): every count of stats/members has a
`links` entry, and the list it opens (`applications/?as_of=&stage=`, `?reached=&since=&until=`,
`members/?as_of=&secretary=&post=`) has exactly that many rows, by the selectors the statistic uses.

Park A of the world has the activist 周青 (applied 2022-09-01, activist 2023-03-01, recommended). Here it also
gets 早甲 (applied 2019-03-01 … probationary 2021-10-01, full 2022-10-01, recommended by the union), 早乙
(applied 2021-01-10 … probationary 2023-08-01) and 退出 (applied 2020-05-01, withdrawn 2021-02-01). Branch A's
secretary is 张三 (owner, union chair), branch B's 李四 (senior manager); 新丙 (joined 2018, owner) is the
secretary of 临时支部, established 2022-01-01 and dissolved 2025-01-01; 新丁 joined 2024-03-01 and is 甲
支部's middle manager.
"""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Application, Organization, PartyMember
from tests import factories as f

API = "/api/v1"
DATES = ["2019-02-28", "2021-12-31", "2023-12-31", "2026-12-06"]


def application(world, name, **dates):
    return Application.objects.create(park=world.park, organization=world.branch_a, name=name, **dates)


@pytest.fixture
def pipeline(world):
    application(world, "早甲", applied_on=date(2019, 3, 1), activist_on=date(2019, 9, 1), target_on=date(2020, 9, 1),
                probationary_on=date(2021, 10, 1), full_on=date(2022, 10, 1), stage="full", recommended_by="union")  # fmt: skip
    application(world, "早乙", applied_on=date(2021, 1, 10), activist_on=date(2021, 7, 1), target_on=date(2022, 7, 1),
                probationary_on=date(2023, 8, 1), stage="probationary")  # fmt: skip
    application(world, "退出", applied_on=date(2020, 5, 1), withdrawn_on=date(2021, 2, 1))


@pytest.fixture
def secretaries(world):
    PartyMember.objects.filter(pk=world.member_a.pk).update(post=PartyMember.Post.OWNER, mass_post="union_chair")
    PartyMember.objects.filter(pk=world.member_b.pk).update(post=PartyMember.Post.SENIOR_MANAGER)
    Organization.objects.filter(pk=world.branch_a.pk).update(secretary=world.member_a)
    Organization.objects.filter(pk=world.branch_b.pk).update(secretary=world.member_b)
    interim = f.OrganizationFactory(park=world.park, parent=Organization.objects.get(pk=world.committee.pk), name="临时支部",
                                    established_on=date(2022, 1, 1), dissolved_on=date(2025, 1, 1))  # fmt: skip
    new_c = f.PartyMemberFactory(organization=interim, name="新丙", joined_on=date(2018, 1, 1),
                                 full_member_on=date(2019, 1, 1), post=PartyMember.Post.OWNER)  # fmt: skip
    Organization.objects.filter(pk=interim.pk).update(secretary=new_c)
    f.PartyMemberFactory(organization=world.branch_a, name="新丁", joined_on=date(2024, 3, 1),
                         status=PartyMember.Status.PROBATIONARY, full_member_on=None,
                         post=PartyMember.Post.MIDDLE_MANAGER)  # fmt: skip


def stats(client, **params) -> dict:
    response = client.get(f"{API}/stats/members/", params)
    assert response.status_code == 200, response.content
    return response.json()


def rows(client, url: str) -> list[dict]:
    parts = urlsplit(url)
    response = client.get(parts.path, {**{k: v[0] for k, v in parse_qs(parts.query).items()}, "page_size": 500})
    assert response.status_code == 200, (url, response.content)
    return response.json()["results"]


def names(client, path: str, **params) -> set[str]:
    response = client.get(f"{API}/{path}", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def figures(body: dict) -> dict[str, int]:
    found = {key: body[key] for key in ("members", "probationary", "applications", "new_members", "recommended")}
    for group in ("stages", "cross_appointment"):
        found |= {f"{group}.{k}": v for k, v in body[group].items() if isinstance(v, int)}
    return found


@pytest.mark.parametrize("params", [{}, {"since": "2021-01-01", "until": "2023-12-31"}])
def test_each_count_opens_exactly_its_rows(world, as_role, pipeline, secretaries, params):
    client = as_role("admin")
    for day in DATES:
        body = stats(client, park=world.park.pk, as_of=day, **params)
        counted = figures(body)
        assert set(counted) == set(body["links"]), day
        for name, value in counted.items():
            assert len(rows(client, body["links"][name])) == value, (day, params, name, body["links"][name])


def test_dated_stages_differ_from_todays(world, as_role, pipeline):
    client = as_role("admin")
    park = world.park.pk
    zeros = {"applicant": 0, "activist": 0, "target": 0, "probationary": 0, "full": 0, "withdrawn": 0}
    assert stats(client, park=park, as_of="2021-12-31")["stages"] == zeros | {
        "probationary": 1,
        "activist": 1,
        "withdrawn": 1,
    }
    assert stats(client, park=park)["stages"] == zeros | {"full": 1, "probationary": 1, "activist": 1, "withdrawn": 1}
    # The list as of the day: each row's stage on it, and today's stage beside it.
    listed = client.get(f"{API}/applications/", {"park": park, "as_of": "2021-12-31"}).json()["results"]
    assert {row["name"]: (row["stage_on"], row["stage"]) for row in listed} == {
        "早甲": ("probationary", "full"),
        "早乙": ("activist", "probationary"),
        "退出": ("withdrawn", "applicant"),
    }
    assert names(client, "applications/", park=park, as_of="2021-12-31", stage="activist") == {"早乙"}
    assert names(client, "applications/", park=park, stage="withdrawn") == {"退出"}


def test_the_flows_count_the_period_and_stop_at_the_day_counted(world, as_role, pipeline):
    client = as_role("admin")
    park = world.park.pk
    body = stats(client, park=park, as_of="2021-12-31")
    # Up to the day counted, not all time: 周青 applied in 2022.
    assert (body["until"], body["applications"], body["new_members"], body["recommended"]) == ("2021-12-31", 3, 1, 1)
    body = stats(client, park=park, since="2021-01-01", until="2023-12-31")
    assert (body["applications"], body["new_members"], body["recommended"]) == (2, 2, 1)
    assert names(client, "applications/", park=park, since="2021-01-01", until="2023-12-31") == {"早乙", "周青"}
    assert names(client, "applications/", park=park, reached="probationary", since="2022-01-01") == {"早乙"}
    assert names(client, "applications/", park=park, recommended="true") == {"早甲", "周青"}


def test_cross_appointment_as_of_a_date(world, as_role, secretaries):
    client = as_role("admin")
    park = world.park.pk
    cross = stats(client, park=park, as_of="2023-12-31")["cross_appointment"]
    assert (cross["secretaries"], cross["owners"], cross["senior_managers"], cross["mass_organization_heads"]) == (
        3,
        2,
        1,
        1,
    )
    assert cross["members_middle_or_higher"] == 3  # 张三, 李四, 新丙; 新丁 had not joined
    # Today 临时支部 is dissolved: its secretary no longer counts; 新丁 has joined.
    cross = stats(client, park=park)["cross_appointment"]
    assert (cross["secretaries"], cross["owners"], cross["members_middle_or_higher"]) == (2, 1, 4)
    assert names(client, "members/", park=park, as_of="2023-12-31", secretary="true") == {"张三", "李四", "新丙"}
    assert names(client, "members/", park=park, secretary="true", post="owner") == {"张三"}
    assert names(client, "members/", park=park, as_of="2021-12-31", secretary="true") == {"张三", "李四"}
    assert "新丙" in names(client, "members/", park=park, secretary="false")


def test_member_rows_as_of_a_date_show_that_days_status(world, as_role, secretaries):
    client = as_role("admin")
    park = world.park.pk
    PartyMember.objects.filter(name="新丁").update(status="full", full_member_on=date(2025, 3, 1))
    listed = client.get(f"{API}/members/", {"park": park, "as_of": "2024-06-30"}).json()["results"]
    assert {row["name"]: row["status_on"] for row in listed}["新丁"] == "probationary"
    assert {row["name"]: row["status"] for row in listed}["新丁"] == "full"
    assert {row["status_on"] for row in client.get(f"{API}/members/", {"park": park}).json()["results"]} == {None}


def test_left_by_a_date(world, as_role):
    client = as_role("admin")
    gone = f.PartyMemberFactory(organization=world.branch_a, name="转出", joined_on=date(2015, 1, 1),
                                full_member_on=date(2016, 1, 1))  # fmt: skip
    gone.status = PartyMember.Status.TRANSFERRED_OUT
    gone.save()
    park = world.park.pk
    assert names(client, "members/", park=park, as_of="2026-12-06", status="transferred_out") == {"转出"}
    assert "转出" not in names(client, "members/", park=park, as_of="2026-12-06")
    assert names(client, "members/", park=park, as_of="2014-12-31", status="transferred_out") == set()


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("applications/", {"as_of": "2019-02-30"}, "as_of"),
        ("applications/", {"since": "yesterday"}, "since"),
        ("applications/", {"until": "2019-13-01"}, "until"),
        ("applications/", {"reached": "elected"}, "reached"),
        ("applications/", {"stage": "member"}, "stage"),
        ("members/", {"as_of": "yesterday", "secretary": "true"}, "as_of"),
        ("stats/members/", {"as_of": "2019-02-30"}, "as_of"),
        ("stats/members/", {"since": "2021-01-01", "until": "2020-01-01"}, "until"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(world, as_role, path, params, named):
    response = as_role("admin").get(f"{API}/{path}", params)
    assert response.status_code == 400, response.content
    assert named in response.json()


def count_queries(client, path: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}/{path}", params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("applications/", {"as_of": "2023-12-31", "stage": "activist,probationary,withdrawn"}),
        ("applications/", {"reached": "probationary", "since": "2020-01-01", "recommended": "false"}),
        ("members/", {"as_of": "2023-12-31", "secretary": "true", "post": "owner,senior_manager"}),
        ("stats/members/", {"as_of": "2023-12-31", "since": "2020-01-01"}),
    ],
)
def test_as_many_queries_for_many_rows_as_for_few(world, as_role, pipeline, secretaries, path, params):
    client = as_role("admin")
    few = count_queries(client, path, {"park": world.park.pk, **params})
    for n in range(6):
        application(world, f"多{n}", applied_on=date(2019, 3, 1), activist_on=date(2019, 9, 1),
                    target_on=date(2020, 9, 1), probationary_on=date(2021, 10, 1), stage="probationary")  # fmt: skip
        branch = f.OrganizationFactory(
            park=world.park, parent=Organization.objects.get(pk=world.committee.pk), established_on=date(2016, 1, 1)
        )
        member = f.PartyMemberFactory(organization=branch, post=PartyMember.Post.OWNER)
        Organization.objects.filter(pk=branch.pk).update(secretary=member)
    assert count_queries(client, path, {"park": world.park.pk, **params}) == few
