"""The overview's member card is as of the page's date (issue 14), by the rule of `members/?as_of=`, in
the same number of queries as today's."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import PartyMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def members_card(client, **params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("overview"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.context["members"], len(queries.captured_queries)


def test_the_member_card_counts_the_roster_of_the_pages_date(world, client):
    client.force_login(world.users["viewer"])
    park = world.park.pk
    today, today_queries = members_card(client, park=park)
    f.PartyMemberFactory(organization=world.branch_a, joined_on=date(2024, 3, 1), full_member_on=None,
                         status=PartyMember.Status.PROBATIONARY)  # fmt: skip
    then, then_queries = members_card(client, park=park, as_of="2024-02-29")
    assert then == today  # 张三 and 李四: the new member joined after that day
    assert members_card(client, park=park, as_of="2024-03-01")[0] == today + 1
    assert members_card(client, park=park, as_of="2009-12-31")[0] == 0
    assert then_queries == today_queries
