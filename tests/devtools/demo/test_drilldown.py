"""Every count in a statistics answer links to the rows it counts (issue 14, drill-down).

Each `/stats/` endpoint is asked about each demo park as of its report's date; every integer it answers
(at the top level or in a nested object, lists of groups aside) must have an entry in `links`, and
following that link must give exactly that many rows.
"""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from organizations.models import Park

pytestmark = pytest.mark.django_db

# Each park at the date of the report its figures come from (docs/figures.md).
PARKS = {
    "dehua-chengdong": date(2019, 12, 31),
    "yutai": date(2020, 9, 29),
    "quanzhou": date(2023, 7, 10),
    "kaihua": date(2015, 3, 24),
}


def dated(route: str, day: date) -> dict:
    """The date parameters of a route: a stock as of the day, a flow over the year up to it, a month."""
    if route == "stats-meetings":
        return {"period": f"{day:%Y-%m}"}
    if route in ("stats-subsidies", "stats-matters"):
        return {"since": (day - timedelta(days=365)).isoformat(), "until": day.isoformat()}
    return {"as_of": day.isoformat()}


def counts(body: dict, prefix: str = "") -> dict:
    """Every integer of the answer by dotted path (the echoed `park` aside)."""
    found = {}
    for key, value in body.items():
        path = f"{prefix}{key}"
        if isinstance(value, bool) or path == "park":
            continue
        if isinstance(value, int):
            found[path] = value
        elif isinstance(value, dict) and key != "links":
            found.update(counts(value, f"{path}."))
    return found


@pytest.fixture
def admin():
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    return client


ROUTES = [
    "stats-coverage",
    "stats-members",
    "stats-ratings",
    "stats-subsidies",
    "stats-matters",
    "stats-meetings",
    "stats-designations",
]


def test_every_statistics_route_is_walked():
    _, v1 = get_resolver().namespace_dict["v1"]
    names = {name for name in v1.reverse_dict if isinstance(name, str) and name.startswith("stats-")}
    assert names == set(ROUTES)


# Routes whose answers do not carry `links` yet (work in progress; a route leaves this set when it does).
PENDING = {"stats-coverage", "stats-members", "stats-ratings"}


@pytest.mark.parametrize("code", PARKS)
@pytest.mark.parametrize(
    "route",
    [pytest.param(route, marks=[pytest.mark.xfail(strict=True)] if route in PENDING else []) for route in ROUTES],
)
def test_each_count_opens_its_rows(admin, route, code):
    park = Park.objects.get(code=code)
    response = admin.get(reverse(f"v1:{route}"), {"park": park.pk, **dated(route, PARKS[code])})
    assert response.status_code == 200, response.content
    body = response.json()
    links = body.get("links") or {}
    missing = set(counts(body)) - set(links)
    assert not missing, f"counts without a link: {sorted(missing)}"
    values = counts(body)
    for name, url in links.items():
        parts = urlsplit(url)
        # The filters stay in the URL: a GET's data would replace its query string (Django's test client).
        listed = admin.get(f"{parts.path}?{parts.query}&page_size=1")
        assert listed.status_code == 200, (name, url, listed.content)
        assert listed.json()["count"] == values[name], (
            f"{name}: {values[name]}, the list {url} has {listed.json()['count']}"
        )
