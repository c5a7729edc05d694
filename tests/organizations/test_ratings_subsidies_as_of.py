"""Ratings in force on a date and money paid in a range (issue 14): `ratings/?as_of=` lists exactly the
ratings `stats/ratings?as_of=` counts, and `subsidies/?since=&until=` exactly the entries whose amounts
`stats/subsidies` sums, each by one selector (organizations.ratings.selectors.ratings_in_force,
organizations.subsidies.selectors.paid_between); every count's `links` entry opens its rows.

The world's branch A has a confirmed 4-star rating of 2024 Q2 (assessed 2024-06-28) and a proposed
red-star allowance of 200.00 for that quarter. Here:
- branch A is rated 5 stars (demonstration) for 2024 Q3, assessed 2024-09-27;
- branch B is rated 2 stars for 2024 Q2 (assessed 2024-06-28), and has a draft of 5 stars for Q3;
- 旧支部 (established 2015, dissolved 2025-01-01) is rated 3 stars for 2024 Q2;
- branch A's allowance is paid on 2024-07-15 and reversed on 2025-02-01; branch B's secretary
  allowance of 600.00 is paid on 2024-08-01; an activity fund of 300.00 is approved, not paid; a
  special fund of 50.00 is cancelled."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Organization, Rating, Subsidy, SubsidyKind
from organizations.ratings import services as rating_services
from organizations.subsidies import services as subsidy_services
from tests import factories as f

API = "/api/v1"
TODAY = "2026-12-06"


def rate(world, organization, year: int, quarter: int, assessed_on: date, scores, *, confirm: bool = True):
    criteria = list(world.sheet.criteria.all())
    rating = rating_services.rating_save(
        rating=Rating(organization=organization, sheet=world.sheet, year=year, quarter=quarter,
                      assessed_on=assessed_on),
        items=[rating_services.ItemLine(c, Decimal(s), reason="巡查核实") for c, s in zip(criteria, scores, strict=True)],
    )  # fmt: skip
    return rating_services.rating_confirm(rating=rating) if confirm else rating


@pytest.fixture
def ratings(world):
    rate(world, world.branch_a, 2024, 3, date(2024, 9, 27), (40, 30, 25, 0))  # 95: five stars
    rate(world, world.branch_b, 2024, 2, date(2024, 6, 28), (30, 20, 10, 0))  # 60: two stars
    rate(world, world.branch_b, 2024, 3, date(2024, 9, 27), (40, 30, 30, 0), confirm=False)
    old = f.OrganizationFactory(park=world.park, parent=world.committee, name="旧支部")
    rate(world, old, 2024, 2, date(2024, 6, 28), (30, 20, 20, 0))  # 70: three stars
    Organization.objects.filter(pk=old.pk).update(dissolved_on=date(2025, 1, 1))


@pytest.fixture
def ledger(world):
    record = subsidy_services.subsidy_approve(subsidy=world.subsidy_a)
    record = subsidy_services.subsidy_pay(subsidy=record, voucher_no="记-2024-071", paid_on=date(2024, 7, 15))
    subsidy_services.subsidy_reverse(subsidy=record, reason="重复发放", voucher_no="记-2025-003",
                                     paid_on=date(2025, 2, 1))  # fmt: skip

    def propose(kind: str, period: str, amount: str) -> Subsidy:
        return subsidy_services.subsidy_propose(
            subsidy=Subsidy(organization=world.branch_b, kind=kind, period=period, amount=Decimal(amount))
        )

    secretary = subsidy_services.subsidy_approve(subsidy=propose(SubsidyKind.SECRETARY_ALLOWANCE, "2024-H1", "600"))
    subsidy_services.subsidy_pay(subsidy=secretary, voucher_no="记-2024-090", paid_on=date(2024, 8, 1))
    subsidy_services.subsidy_approve(subsidy=propose(SubsidyKind.ACTIVITY_FUND, "2024-H2", "300"))
    subsidy_services.subsidy_cancel(subsidy=propose(SubsidyKind.SPECIAL_FUND, "2024", "50"), reason="重复")


def get(client, path: str, **params) -> dict:
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def rows(client, path: str, **params) -> list[dict]:
    return get(client, path, page_size=500, **params)["results"]


def follow(client, url: str) -> list[dict]:
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}&page_size=500")  # with `data`, the query would be dropped
    assert response.status_code == 200, (url, response.content)
    return response.json()["results"]


def counts(body: dict, prefix: str = "") -> dict:
    found = {}
    for key, value in body.items():
        if isinstance(value, bool) or f"{prefix}{key}" == "park" or key == "links":
            continue
        if isinstance(value, int):
            found[f"{prefix}{key}"] = value
        elif isinstance(value, dict):
            found |= counts(value, f"{prefix}{key}.")
    return found


# --- ratings ---------------------------------------------------------------------------------------


def stars_listed(client, **params) -> dict[str, int]:
    return {row["organization"]: row["stars"] for row in rows(client, "ratings/", **params)}


def test_the_ratings_in_force_on_a_past_date_differ_from_todays(world, as_role, ratings):
    client = as_role("admin")
    park = world.park.pk
    old = Organization.objects.get(name="旧支部").pk
    assert stars_listed(client, park=park, as_of="2024-06-27") == {}
    july = {world.branch_a.pk: 4, world.branch_b.pk: 2, old: 3}
    assert stars_listed(client, park=park, as_of="2024-07-31") == july
    # Q3 re-rates branch A (B's Q3 is a draft); 旧支部 is dissolved by today.
    assert stars_listed(client, park=park, as_of=TODAY) == {world.branch_a.pk: 5, world.branch_b.pk: 2}
    past, now = get(client, "stats/ratings/", park=park, as_of="2024-07-31"), get(client, "stats/ratings/", park=park)
    assert (past["rated"], past["by_stars"]["4"], past["good_or_above"]) == (3, 1, 1)
    assert (now["rated"], now["by_stars"]["5"], now["by_stars"]["4"], now["as_of"]) == (2, 1, 0, TODAY)
    # Without a date the list is every rating, drafts included, as before.
    assert len(rows(client, "ratings/", park=park)) == 5


@pytest.mark.parametrize("day", ["2024-06-27", "2024-07-31", "2024-12-31", TODAY])
@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_each_rating_count_opens_exactly_its_rows(world, as_role, ratings, day, role):
    client = as_role(role)
    body = get(client, "stats/ratings/", park=world.park.pk, as_of=day)
    assert set(body["links"]) == set(counts(body))
    for name, value in counts(body).items():
        listed = follow(client, body["links"][name])
        assert len(listed) == value, (day, name, body["links"][name])
        assert all(row["status"] == "confirmed" and row["park"] == world.park.pk for row in listed)


def test_the_filters_reproduce_each_group_of_the_statistic(world, as_role, ratings):
    client = as_role("viewer")
    dated = {"park": world.park.pk, "as_of": "2024-07-31"}
    assert set(stars_listed(client, **dated, stars="3,4")) == {
        world.branch_a.pk,
        Organization.objects.get(name="旧支部").pk,
    }
    assert set(stars_listed(client, **dated, good_or_above="true")) == {world.branch_a.pk}
    assert len(stars_listed(client, **dated, good_or_above="false")) == 2
    assert set(stars_listed(client, **dated, classification="growing")) == {
        world.branch_b.pk,
        Organization.objects.get(name="旧支部").pk,
    }


def test_the_star_map_as_of_a_date_counts_the_ratings_in_force(world, client, as_role, ratings):
    client.force_login(world.users["admin"])
    for day, rated in (("2024-07-31", 3), (TODAY, 2)):
        page = client.get(reverse("star-map"), {"park": world.park.pk, "as_of": day})
        assert page.status_code == 200
        assert page.context["stats"]["rated"] == rated == len(rows(as_role("admin"), "ratings/", as_of=day))


def test_a_secretary_lists_the_ratings_in_force_in_their_subtree(world, as_role, ratings):
    client = as_role("secretary_a")
    assert stars_listed(client, as_of="2024-07-31") == {world.branch_a.pk: 4}
    assert stars_listed(client, as_of=TODAY) == {world.branch_a.pk: 5}


def test_the_deprecated_on_reads_as_as_of(world, as_role, ratings):
    response = as_role("viewer").get(f"{API}/stats/ratings/", {"park": world.park.pk, "on": "2024-07-31"})
    assert response.status_code == 200
    assert (response.json()["as_of"], response.json()["rated"]) == ("2024-07-31", 3)
    assert response["Deprecation"] == "true"
    assert "as_of=2024-07-31" in response.json()["links"]["rated"]


# --- subsidies -------------------------------------------------------------------------------------


RANGES = [
    ({"since": "2024-01-01", "until": "2024-12-31"}, "800.00", 2, 0),
    ({"since": "2024-01-01", "until": TODAY}, "600.00", 3, 1),
    ({"since": "2025-01-01"}, "-200.00", 1, 1),
    ({"until": "2024-07-31"}, "200.00", 1, 0),
    ({"since": "2024-07-16", "until": "2024-07-31"}, "0.00", 0, 0),
    ({"since": "2024-01-01", "until": "2024-12-31", "kind": "red_star_allowance"}, "200.00", 1, 0),
    ({}, "600.00", 3, 1),
]


@pytest.mark.parametrize(("params", "total", "entries", "reversals"), RANGES)
def test_the_money_paid_in_a_range_is_the_sum_of_the_entries_listed(world, as_role, ledger, params, total, entries,
                                                                    reversals):  # fmt: skip
    client = as_role("viewer")
    body = get(client, "stats/subsidies/", park=world.park.pk, **params)
    assert (body["total"], body["paid_records"], body["reversals"]) == (total, entries, reversals)
    assert set(body["links"]) == set(counts(body)) == {"paid_records", "reversals"}
    listed = follow(client, body["links"]["paid_records"])
    assert len(listed) == entries
    assert sum((Decimal(row["amount"]) for row in listed), Decimal("0.00")) == Decimal(total)
    assert len(follow(client, body["links"]["reversals"])) == reversals
    if params:  # the list reads since/until itself (without status=paid)
        assert len(rows(client, "subsidies/", park=world.park.pk, **params)) == entries


def test_a_reversal_is_its_own_negative_row_on_the_day_it_was_paid(world, as_role, ledger):
    listed = rows(as_role("admin"), "subsidies/", park=world.park.pk, since="2024-01-01", until=TODAY,
                  kind="red_star_allowance")  # fmt: skip
    assert sorted((row["paid_on"], row["amount"]) for row in listed) == [
        ("2024-07-15", "200.00"), ("2025-02-01", "-200.00"),
    ]  # fmt: skip
    # Without dates the ledger still lists every record, proposed, approved and cancelled ones included.
    assert len(rows(as_role("admin"), "subsidies/", park=world.park.pk)) == 5


def test_the_subsidy_page_over_a_range_shows_the_statistics_money_and_rows(world, client, ledger):
    client.force_login(world.users["admin"])
    response = client.get(
        reverse("subsidy-list"), {"park": world.park.pk, "since": "2024-01-01", "until": "2024-12-31"}
    )
    assert response.status_code == 200
    assert (response.context["totals"]["paid"], response.context["page"].paginator.count) == (Decimal("800.00"), 2)
    assert b"data-paid-range" in response.content
    # A range that ends before it starts is an error on the form; the rest of the filters still apply.
    wrong = client.get(reverse("subsidy-list"), {"park": world.park.pk, "since": "2025-01-01", "until": "2024-01-01"})
    assert wrong.status_code == 200
    assert "until" in wrong.context["form"].errors


# --- bad dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("ratings/", {"as_of": "2024-02-30"}, "as_of"),
        ("stats/ratings/", {"as_of": "yesterday"}, "as_of"),
        ("stats/ratings/", {"on": "2024-13-01"}, "as_of"),
        ("subsidies/", {"since": "2024-13-01"}, "since"),
        ("subsidies/", {"until": "soon"}, "until"),
        ("subsidies/", {"since": "2024-12-31", "until": "2024-01-01"}, "until"),
        ("stats/subsidies/", {"since": "2024-02-30"}, "since"),
        ("stats/subsidies/", {"since": "2024-12-31", "until": "2024-01-01"}, "until"),
    ],
)
def test_a_bad_date_is_a_400_naming_it(world, as_role, path, params, field):
    response = as_role("admin").get(f"{API}/{path}", {"park": world.park.pk, **params})
    assert response.status_code == 400, response.content
    assert field in response.json()


# --- queries ---------------------------------------------------------------------------------------


def queries(client, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured)


def test_the_dated_lists_and_statistics_take_as_many_queries_for_many_rows_as_for_few(world, as_role, ratings,
                                                                                      ledger):  # fmt: skip
    client = as_role("admin")
    calls = [
        (f"{API}/ratings/", {"park": world.park.pk, "as_of": TODAY}),
        (f"{API}/stats/ratings/", {"park": world.park.pk, "as_of": TODAY}),
        (f"{API}/subsidies/", {"park": world.park.pk, "since": "2024-01-01", "until": TODAY}),
        (f"{API}/stats/subsidies/", {"park": world.park.pk, "since": "2024-01-01", "until": TODAY}),
    ]
    before = [queries(client, path, **params) for path, params in calls]
    for n in range(4):
        branch = f.OrganizationFactory(park=world.park, parent=world.committee, name=f"新支部{n}")
        rate(world, branch, 2024, 4, date(2024, 12, 20), (40, 30, 20, 0))
        paid = subsidy_services.subsidy_approve(
            subsidy=subsidy_services.subsidy_propose(
                subsidy=Subsidy(
                    organization=branch, kind=SubsidyKind.ACTIVITY_FUND, period="2024", amount=Decimal("100.00")
                )
            )
        )
        subsidy_services.subsidy_pay(subsidy=paid, voucher_no=f"记-2024-1{n}", paid_on=date(2024, 12, 30))
    assert get(client, "stats/ratings/", park=world.park.pk)["rated"] == 6
    assert [queries(client, path, **params) for path, params in calls] == before
