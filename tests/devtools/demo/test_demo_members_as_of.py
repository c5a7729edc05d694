"""On the demo, the member statistic as of a date counts exactly the rows `members/?as_of=` lists, for
every park and each article's date (issue 14): one rule, organizations.selectors.members_as_of."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from organizations.models import Park

pytestmark = pytest.mark.django_db

API = "/api/v1"
DATES = ["2015-03-24", "2019-12-31", "2020-09-29", "2023-07-10", "2026-12-06"]


def get(client: APIClient, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_member_statistic_equals_the_dated_list_on_every_demo_park():
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    for park in Park.objects.order_by("code").values_list("pk", flat=True):
        for day in DATES:
            stats = get(client, f"{API}/stats/members/", park=park, as_of=day)
            listed = get(client, f"{API}/members/", park=park, as_of=day, page_size=1)["count"]
            probationary = get(client, f"{API}/members/", park=park, as_of=day, status="probationary", page_size=1)
            assert (stats["members"], stats["probationary"]) == (listed, probationary["count"]), (park, day)
