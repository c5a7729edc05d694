"""The overview as of a date links each figure to the rows it counts (issue 14, drill-down on the pages):
a tile's link opens a list page of exactly that many rows, filtered and dated; the dated list is not
today's; the trend, the alerts and the finding are of the page's date, and what stays current says so."""

import html
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Matter
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2024, 5, 31)


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.force_login(world.users[role])
        return client

    return as_role


@pytest.fixture
def changed_since(world):
    """After DAY: an enterprise entered the park, the uncovered one got a branch, and a new member joined."""
    f.EnterpriseFactory(park=world.park, name="丁新入园企业", entered_on=date(2024, 6, 1))
    f.CoverageFactory(enterprise=world.enterprise_uncovered, organization=world.branch_b, started_on=date(2024, 6, 1))
    f.PartyMemberFactory(organization=world.branch_a, name="赵新", joined_on=date(2024, 6, 1), full_member_on=None,
                         status="probationary")  # fmt: skip


def overview(client, **params):
    response = client.get(reverse("overview"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def tiles(response) -> dict[str, tuple[int, str]]:
    """Each linked figure of the page: its name → (the number shown, the link)."""
    found = re.findall(r'<a (?:class="figure-value" )?(?:data-figure="([\w-]+)" href="([^"]+)"|href="([^"]+)" data-figure="([\w-]+)")>([^<]*)</a>',
                       response.content.decode())  # fmt: skip
    linked = {}
    for name, url, url2, name2, text in found:
        linked[name or name2] = (int(re.search(r"\d+", text).group()), html.unescape(url or url2))
    return linked


def rows_behind(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    if "page" in response.context:
        return response.context["page"].paginator.count
    return len(response.context["rows"])  # the organization tree: one page


@pytest.mark.parametrize("as_of", [None, DAY])
def test_every_tile_opens_a_list_of_exactly_as_many_rows(world, login, changed_since, as_of):
    client = login("viewer")
    params = {"park": world.park.pk} | ({"as_of": as_of.isoformat()} if as_of else {})
    linked = tiles(overview(client, **params))
    assert set(linked) == {
        "total",
        "covered",
        "standalone",
        "joint",
        "uncovered",
        "branches",
        "members",
        "work-covered",
    }
    for name, (figure, url) in linked.items():
        query = parse_qs(urlsplit(url).query)
        assert query["park"] == [str(world.park.pk)]
        assert query["as_of"] == [(as_of or date(2026, 12, 6)).isoformat()]
        assert rows_behind(client, url) == figure, name


def test_the_dated_figures_differ_from_todays_and_so_do_their_lists(world, login, changed_since):
    client = login("admin")
    today = tiles(overview(client, park=world.park.pk))
    then = tiles(overview(client, park=world.park.pk, as_of=DAY.isoformat()))
    assert (then["total"][0], then["covered"][0], then["uncovered"][0], then["members"][0]) == (3, 2, 1, 2)
    assert (today["total"][0], today["covered"][0], today["uncovered"][0], today["members"][0]) == (4, 3, 1, 3)
    uncovered_then = client.get(then["uncovered"][1]).context["page"].object_list
    uncovered_today = client.get(today["uncovered"][1]).context["page"].object_list
    assert [e.name for e in uncovered_then] == ["丙小微企业"]  # covered from 2024-06-01 on
    assert [e.name for e in uncovered_today] == ["丁新入园企业"]


def test_the_dated_ledger_shows_the_covering_organization_of_its_day(world, login, changed_since):
    client = login("admin")
    then = client.get(reverse("enterprise-list"), {"as_of": DAY.isoformat(), "q": "丙"}, HTTP_ACCEPT_LANGUAGE="en")
    today = client.get(reverse("enterprise-list"), {"q": "丙"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [e.covering_organization_name for e in then.context["page"].object_list] == [None]
    assert [e.covering_organization_name for e in today.context["page"].object_list] == [world.branch_b.name]
    assert "Covering organization on May 31, 2024" in then.content.decode()


def test_the_covering_branches_of_a_day_are_the_trees_covering_organizations_that_day(world, login, changed_since):
    # Branch A's coverage of enterprise A ended after DAY: branch A covers nothing today.
    coverage = world.enterprise_a.coverages.get()
    coverage.ended_on = date(2024, 6, 15)
    coverage.save()
    client = login("viewer")
    then = client.get(
        reverse("organization-tree"), {"park": world.park.pk, "as_of": DAY.isoformat(), "covering": "true"}
    )
    today = client.get(reverse("organization-tree"), {"park": world.park.pk, "covering": "true"})
    assert [row.name for row in then.context["rows"]] == [world.branch_a.name, world.branch_b.name]
    assert [row.name for row in today.context["rows"]] == [world.branch_b.name]
    assert tiles(overview(client, park=world.park.pk, as_of=DAY.isoformat()))["branches"][0] == 2


def test_the_ledger_still_reads_its_old_coverage_filter(world, login):
    client = login("admin")
    old = client.get(reverse("enterprise-list"), {"coverage": "uncovered"}).context["page"].object_list
    new = client.get(reverse("enterprise-list"), {"covered": "false"}).context["page"].object_list
    assert list(old) == list(new) == [world.enterprise_uncovered]


def test_a_bad_date_on_the_ledger_is_a_form_error_and_the_list_falls_back_to_today(world, login):
    response = login("admin").get(reverse("enterprise-list"), {"as_of": "2024-02-30"})
    assert response.status_code == 200
    assert "as_of" in response.context["form"].errors
    assert response.context["page"].paginator.count == 3


def test_the_dated_ledger_export_holds_the_rows_of_the_dated_page(world, login, changed_since):
    from tests.parkparty.test_exports import by_header

    client = login("admin")
    params = {"park": world.park.pk, "as_of": DAY.isoformat(), "covered": "false"}
    exported = by_header(client.get(reverse("enterprise-export"), params))
    assert len(exported) == 1
    assert "丙小微企业" in exported[0].values()


def test_the_dated_ledger_costs_the_same_queries_whatever_its_size(world, login):
    client = login("admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("enterprise-list"), {"as_of": DAY.isoformat(), "covered": "true"}).status_code == 200
            )
        return len(captured.captured_queries)

    few = queries()
    for n in range(12):
        enterprise = f.EnterpriseFactory(park=world.park, name=f"批量{n:02d}")
        f.CoverageFactory(enterprise=enterprise, organization=world.branch_a)
    assert queries() == few


# --- the rest of the page is of its date too, or says it is not -------------------------------------


def test_the_alerts_are_those_of_the_pages_date(world, login):
    Matter.objects.create(park=world.park, source="visit", organization=world.branch_a, category="policy",
                          title="五月底到期的事项", raised_on=date(2024, 3, 1), due_on=date(2024, 6, 15))  # fmt: skip
    client = login("admin")

    def past_due(**params) -> list[str]:
        response = overview(client, park=world.park.pk, **params)
        groups = {group["kind"]: group for group in response.context["alert_groups"]}
        return [alert.subject for alert, _url in groups.get("matter_past_due", {"alerts": []})["alerts"]]

    assert "五月底到期的事项" in past_due()
    assert "五月底到期的事项" not in past_due(as_of=DAY.isoformat())  # not yet due then
    dated = overview(client, park=world.park.pk, as_of=DAY.isoformat())
    assert dated.context["alerts_on"] == DAY
    assert 'data-alerts-on="2024-05-31"' in dated.content.decode()


def test_a_future_date_shows_todays_alerts(world, login):
    response = overview(login("admin"), park=world.park.pk, as_of="2027-03-01")
    assert response.context["alerts_on"] == date(2026, 12, 6)


def test_what_stays_current_on_a_dated_page_says_so(world, login):
    dated = overview(login("admin"), park=world.park.pk, as_of=DAY.isoformat()).content.decode()
    today = overview(login("admin"), park=world.park.pk).content.decode()
    assert "data-current" in dated and "data-current" not in today
    assert "data-alerts-on" not in today


def test_the_finding_is_of_the_pages_date(world, login):
    for n in range(3):
        f.PartyMemberFactory(organization=world.branch_b, enterprise=world.enterprise_b, name=f"党员{n}",
                             full_member_on=date(2024, 9, 1))  # fmt: skip
    client = login("admin")
    assert world.enterprise_b in overview(client, park=world.park.pk).context["finding"]
    assert world.enterprise_b not in overview(client, park=world.park.pk, as_of=DAY.isoformat()).context["finding"]


def test_a_dated_overview_costs_no_more_queries_than_todays(world, login):
    client = login("viewer")

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            overview(client, park=world.park.pk, **params)
        return len(captured.captured_queries)

    queries()  # fill the figures' cache for both days
    queries(as_of=DAY.isoformat())
    assert queries(as_of=DAY.isoformat()) == queries()
