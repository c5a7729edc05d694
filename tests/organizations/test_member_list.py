"""The member list page (/organizations/members/?park=&as_of=&status=): the roster of a day, by the rule of
the member figures (members_as_of), 50 a page in a constant number of queries, with its Excel export;
personal data never on the page, in the export only as `access.sees_personal_data` allows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Park, PartyMember
from organizations.selectors import member_count
from tests import factories as f
from tests.parkparty.test_exports import by_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.force_login(world.users[role])
        return client

    return as_role


def listed(client, **params) -> list[str]:
    response = client.get(reverse("member-list"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return [member.name for member in response.context["page"].object_list]


def test_the_list_is_the_roster_of_its_day(world, login):
    f.PartyMemberFactory(organization=world.branch_a, name="赵新", joined_on=date(2024, 3, 1), full_member_on=None,
                         status=PartyMember.Status.PROBATIONARY)  # fmt: skip
    client = login("admin")
    park = world.park.pk
    assert sorted(listed(client, park=park, as_of="2024-02-29")) == sorted(["张三", "李四"])
    assert sorted(listed(client, park=park, as_of="2024-03-01")) == sorted(["张三", "李四", "赵新"])
    assert listed(client, park=park, as_of="2009-12-31") == []


@pytest.mark.parametrize("day", [date(2011, 1, 1), date(2024, 3, 1), date(2026, 12, 6)])
def test_the_list_counts_what_the_member_figure_counts(world, login, day):
    f.PartyMemberFactory(organization=world.branch_b, name="钱转出", status=PartyMember.Status.TRANSFERRED_OUT)
    response = login("viewer").get(reverse("member-list"), {"park": world.park.pk, "as_of": day.isoformat()})
    assert response.context["page"].paginator.count == member_count(Park.objects.filter(pk=world.park.pk), day)


def test_the_status_filter_reads_the_status_of_the_day(world, login):
    PartyMember.objects.filter(pk=world.member_b.pk).update(full_member_on=date(2025, 1, 1))
    client = login("admin")
    park = world.park.pk
    assert listed(client, park=park, as_of="2024-06-01", status="probationary") == ["李四"]
    assert listed(client, park=park, status="probationary") == []  # full today
    response = client.get(reverse("member-list"), {"park": park, "as_of": "2024-06-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Status on June 1, 2024" in response.content.decode()
    shown = {m.name: str(m.status_shown) for m in response.context["page"].object_list}
    assert shown["李四"] == "probationary member"


def test_a_secretary_lists_their_subtree_and_an_instructor_no_roster(world, login):
    assert listed(login("secretary_a"), park=world.park.pk, as_of="2024-06-01") == ["张三"]
    assert listed(login("instructor"), park=world.park.pk) == []


def test_a_park_outside_ones_scope_answers_as_a_park_that_does_not_exist(world, login):
    client = login("viewer")
    outside = client.get(reverse("member-list"), {"park": world.other_park.pk})
    missing = client.get(reverse("member-list"), {"park": 999_999})
    assert "park" in outside.context["form"].errors and "park" in missing.context["form"].errors
    assert list(outside.context["page"].object_list) == list(missing.context["page"].object_list)
    assert "王五" not in outside.content.decode()


def test_the_page_shows_no_personal_data_even_to_a_park_admin(world, login):
    PartyMember.objects.filter(pk=world.member_a.pk).update(phone="13812345678")
    content = login("admin").get(reverse("member-list"), {"park": world.park.pk}).content.decode()
    assert "张三" in content
    assert "13812345678" not in content and "138****5678" not in content


def test_the_export_holds_the_rows_of_the_dated_list_masked_for_a_viewer(world, login):
    PartyMember.objects.filter(pk=world.member_a.pk).update(phone="13812345678")
    f.PartyMemberFactory(organization=world.branch_a, name="赵新", joined_on=date(2024, 3, 1), full_member_on=None,
                         status=PartyMember.Status.PROBATIONARY)  # fmt: skip
    params = {"park": world.park.pk, "as_of": "2024-02-29"}
    viewer = by_header(login("viewer").get(reverse("member-export"), params))
    assert sorted(row_name(row) for row in viewer) == sorted(["张三", "李四"])
    assert "13812345678" not in str(viewer) and "138****5678" in str(viewer)
    admin = by_header(login("admin").get(reverse("member-export"), params))
    assert "13812345678" in str(admin)


def row_name(row: dict) -> str:
    return next(value for value in row.values() if value in ("张三", "李四", "赵新"))


def test_fifty_members_a_page_in_the_same_queries_as_two(world, login):
    client = login("viewer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("member-list"), {"park": world.park.pk, "as_of": "2026-12-01"})
        assert response.status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(55):
        f.PartyMemberFactory(organization=world.branch_b, enterprise=world.enterprise_b, name=f"党员{n:02d}")
    assert queries() == few
    page = client.get(reverse("member-list"), {"park": world.park.pk}).context["page"]
    assert (len(page.object_list), page.paginator.count) == (50, 57)
