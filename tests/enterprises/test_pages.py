"""The server-rendered pages: what each persona sees, what does not exist for them, and query counts."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Enterprise
from organizations.models import Organization, PartyMember
from parkparty.models import Grant
from tests import factories as f

# Every request of a logged-in user starts with: the session, the user, their grants, whether they are
# an instructor. Pages add their own queries on top; see each query-count test.
SESSION_AND_SCOPE = 4


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.force_login(world.users[role])
        return client

    return as_role


def page_urls(world) -> dict[str, str]:
    return {
        "overview": reverse("overview"),
        "ledger": reverse("enterprise-list"),
        "enterprise": reverse("enterprise-detail", args=[world.enterprise_a.pk]),
        "tree": reverse("organization-tree"),
        "organization": reverse("organization-detail", args=[world.branch_a.pk]),
    }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# --- every page, every visitor ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["overview", "ledger", "enterprise", "tree", "organization"])
def test_each_page_renders_for_the_park_admin(world, login, page):
    response = login("admin").get(page_urls(world)[page])
    assert response.status_code == 200
    assert b'action="/accounts/logout/"' in response.content  # logout is a POST form on every page


@pytest.mark.parametrize("page", ["overview", "ledger", "enterprise", "tree", "organization"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(world, client, page):
    url = page_urls(world)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_the_login_page_logs_the_admin_in_and_lands_on_the_overview(world, client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "admin", "password": "pass-1234-word"})
    assert response.status_code == 302
    assert response.url == reverse("overview")


def test_the_pages_speak_english_when_english_is_chosen(world, login):
    client = login("admin")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("overview"))
    assert response.headers["Content-Language"] == "en"
    assert b"Coverage rate" in response.content


def test_dates_are_written_the_chinese_way_by_default(world, login):
    response = login("admin").get(page_urls(world)["organization"])
    assert response.headers["Content-Language"] == "zh-hans"
    assert "2015年1月1日" in response.content.decode()  # established_on of the factory's organizations


def test_no_template_or_script_loads_anything_from_another_host():
    root = Path(settings.BASE_DIR)
    files = [*root.glob("templates/**/*.html"), *root.glob("static/js/*.js"), *root.glob("static/css/*.css")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and 'src="//' not in text, path


# --- the overview ----------------------------------------------------------------------------------


def test_the_overview_shows_the_park_coverage_figures(world, login):
    response = login("admin").get(reverse("overview"))
    summary = response.context["summary"]
    assert (summary["total_enterprises"], summary["covered_enterprises"], summary["work_covered"]) == (3, 2, 1)
    assert response.context["members"] == 2
    content = response.content.decode()
    assert 'data-figure="rate">66.7%<' in content
    assert 'id="coverage-chart-data"' in content
    assert "vendor/echarts/echarts.min.js" in content


def test_the_overview_groups_coverage_by_grid_when_asked(world, login):
    response = login("admin").get(reverse("overview"), {"group_by": "grid"})
    labels = response.context["chart"]["labels"]
    assert world.grid.name in labels


def test_a_bad_as_of_date_is_a_form_error_and_not_a_failure(world, login):
    response = login("admin").get(reverse("overview"), {"as_of": "2024-13-45"})
    assert response.status_code == 200
    assert "as_of" in response.context["form"].errors
    assert b'role="alert"' in response.content
    assert response.context["summary"]["total_enterprises"] == 3  # today's figures instead


def test_the_overview_counts_as_of_the_date_asked(world, login):
    f.EnterpriseFactory(park=world.park, entered_on=date(2024, 6, 1))
    client = login("admin")
    before = client.get(reverse("overview"), {"as_of": "2024-05-31"}).context["summary"]
    after = client.get(reverse("overview"), {"as_of": "2024-06-01"}).context["summary"]
    assert (before["total_enterprises"], after["total_enterprises"]) == (3, 4)


def test_the_overview_lists_an_enterprise_with_three_full_members_and_no_own_branch(world, login):
    # enterprise_b is covered by a joint branch; with three full members it should have its own.
    f.PartyMemberFactory.create_batch(2, organization=world.branch_b, enterprise=world.enterprise_b)
    response = login("admin").get(reverse("overview"))
    assert list(response.context["finding"]) == [world.enterprise_b]
    assert reverse("enterprise-detail", args=[world.enterprise_b.pk]) in response.content.decode()


def test_a_park_outside_the_scope_cannot_be_picked_on_the_overview(world, login):
    response = login("admin").get(reverse("overview"), {"park": world.other_park.pk})
    assert "park" in response.context["form"].errors
    assert response.context["park"] == world.park


def test_a_secretary_gets_no_park_wide_figures_on_the_overview(world, login):
    response = login("secretary_a").get(reverse("overview"))
    assert response.status_code == 200
    assert response.context["park"] is None
    assert "summary" not in response.context


# --- the enterprise ledger -------------------------------------------------------------------------


def test_the_ledger_finds_an_enterprise_by_name_or_credit_code(world, login):
    client = login("admin")
    by_name = client.get(reverse("enterprise-list"), {"q": "陶瓷"}).context["page"].object_list
    by_code = client.get(reverse("enterprise-list"), {"q": world.enterprise_b.credit_code[-8:]})
    assert list(by_name) == [world.enterprise_a]
    assert list(by_code.context["page"].object_list) == [world.enterprise_b]


def test_the_ledger_filters_uncovered_enterprises_and_by_district(world, login):
    client = login("admin")
    uncovered = client.get(reverse("enterprise-list"), {"coverage": "uncovered"}).context["page"]
    in_district = client.get(reverse("enterprise-list"), {"district": world.district.pk}).context["page"]
    assert list(uncovered.object_list) == [world.enterprise_uncovered]
    assert list(in_district.object_list) == [world.enterprise_a]


def test_the_ledger_shows_the_covering_organization_of_each_row(world, login):
    response = login("admin").get(reverse("enterprise-list"))
    covering = {row.pk: row.covering_organization_name for row in response.context["page"].object_list}
    assert covering[world.enterprise_a.pk] == world.branch_a.name
    assert covering[world.enterprise_uncovered.pk] is None


def test_the_ledger_sorts_by_employees(world, login):
    Enterprise.objects.filter(pk=world.enterprise_uncovered.pk).update(employees=900)
    response = login("admin").get(reverse("enterprise-list"), {"sort": "-employees"})
    assert response.context["page"].object_list[0] == world.enterprise_uncovered


def test_a_district_of_another_park_is_an_invalid_filter_not_a_failure(world, login):
    other_district = f.DistrictFactory(park=world.other_park)
    response = login("admin").get(reverse("enterprise-list"), {"district": other_district.pk})
    assert response.status_code == 200
    assert "district" in response.context["form"].errors


def test_a_secretary_sees_only_the_enterprises_their_branch_covers_in_the_ledger(world, login):
    response = login("secretary_a").get(reverse("enterprise-list"))
    assert list(response.context["page"].object_list) == [world.enterprise_a]


def test_the_ledger_shows_fifty_enterprises_a_page(world, login):
    f.EnterpriseFactory.create_batch(52, park=world.park)
    client = login("admin")
    first = client.get(reverse("enterprise-list")).context["page"]
    second = client.get(reverse("enterprise-list"), {"page": 2}).context["page"]
    assert (len(first.object_list), len(second.object_list)) == (50, 5)


def add_enterprises(world, count: int) -> None:
    """Enterprises with everything a ledger row shows: district, grid, covering branch, instructor."""
    for _ in range(count):
        enterprise = f.EnterpriseFactory(park=world.park, district=world.district, grid=world.grid)
        f.CoverageFactory(enterprise=enterprise, organization=world.branch_b)
        f.InstructorAssignmentFactory(instructor=world.instructor, enterprise=enterprise)


# session + scope, the user's parks, the districts and grids to choose from, the industries to choose
# from, the number of matching rows, one page of rows (covering organization joined in).
LEDGER_QUERIES = SESSION_AND_SCOPE + 6


def test_the_ledger_takes_as_many_queries_for_thirty_enterprises_as_for_five(
    world, login, django_assert_max_num_queries
):
    client = login("admin")
    add_enterprises(world, 2)
    with django_assert_max_num_queries(LEDGER_QUERIES):
        five = count_queries(client, reverse("enterprise-list"))
    add_enterprises(world, 25)
    with django_assert_max_num_queries(LEDGER_QUERIES):
        thirty = count_queries(client, reverse("enterprise-list"))
    assert Enterprise.objects.filter(park=world.park).count() == 30
    assert five == thirty


# --- an enterprise's page --------------------------------------------------------------------------


def test_an_enterprise_of_another_park_does_not_exist(world, login):
    response = login("admin").get(reverse("enterprise-detail", args=[world.other_enterprise.pk]))
    assert response.status_code == 404


def test_the_enterprise_page_shows_its_coverage_instructors_and_members(world, login):
    response = login("admin").get(reverse("enterprise-detail", args=[world.enterprise_uncovered.pk]))
    assert [a.instructor for a in response.context["assignments"]] == [world.instructor]
    response = login("admin").get(reverse("enterprise-detail", args=[world.enterprise_a.pk]))
    assert [c.organization for c in response.context["coverages"]] == [world.branch_a]
    assert response.context["member_count"] == 1
    assert world.member_a.name in response.content.decode()


def test_the_enterprise_page_tells_who_changed_which_field(world, login):
    enterprise = world.enterprise_a
    before = enterprise.employees
    enterprise.employees = 120
    enterprise.save()
    response = login("admin").get(reverse("enterprise-detail", args=[enterprise.pk]))
    latest = response.context["history"][0]
    assert latest.kind == "~"
    label = str(Enterprise._meta.get_field("employees").verbose_name)
    assert [(d.field, d.before, d.after) for d in latest.deltas] == [(label, str(before), "120")]


def test_an_instructor_opens_only_their_assigned_enterprise(world, login):
    client = login("instructor")
    assert client.get(reverse("enterprise-detail", args=[world.enterprise_uncovered.pk])).status_code == 200
    assert client.get(reverse("enterprise-detail", args=[world.enterprise_a.pk])).status_code == 404


# --- the organization tree and an organization's page ----------------------------------------------


def test_the_tree_lists_the_park_in_path_order_with_counts(world, login):
    response = login("admin").get(reverse("organization-tree"))
    rows = response.context["rows"]
    assert [row.name for row in rows] == ["园区党委", "甲支部", "甲支部第一党小组", "乙联合支部"]
    counts = {row.name: (row.level, row.covered_enterprises, row.member_count) for row in rows}
    assert counts["园区党委"] == (0, 0, 0)
    assert counts["甲支部"] == (1, 1, 1)
    assert counts["甲支部第一党小组"] == (2, 0, 0)


def test_a_secretary_sees_only_their_branch_in_the_tree(world, login):
    response = login("secretary_a").get(reverse("organization-tree"))
    rows = response.context["rows"]
    assert [row.name for row in rows] == ["甲支部", "甲支部第一党小组"]
    assert rows[0].level == 0  # their subtree starts at the left edge


def test_a_secretary_cannot_open_another_branch(world, login):
    client = login("secretary_a")
    assert client.get(reverse("organization-detail", args=[world.branch_b.pk])).status_code == 404
    assert client.get(reverse("organization-detail", args=[world.branch_a.pk])).status_code == 200


def test_a_secretary_sees_no_link_to_the_committee_above_their_branch(world, login):
    response = login("secretary_a").get(reverse("organization-detail", args=[world.branch_a.pk]))
    assert response.context["parent"] is None
    admin_view = login("admin").get(reverse("organization-detail", args=[world.branch_a.pk]))
    assert admin_view.context["parent"] == world.committee


def test_an_organization_of_another_park_does_not_exist(world, login):
    response = login("admin").get(reverse("organization-detail", args=[world.other_branch.pk]))
    assert response.status_code == 404


def test_a_dissolved_organization_is_greyed_in_the_tree(world, login):
    Organization.objects.filter(pk=world.group_a.pk).update(dissolved_on=date(2020, 1, 1))
    content = login("admin").get(reverse("organization-tree")).content.decode()
    assert 'class="is-dissolved"' in content


def test_the_organization_page_shows_what_it_covers_and_its_children(world, login):
    response = login("admin").get(reverse("organization-detail", args=[world.branch_a.pk]))
    assert [c.enterprise for c in response.context["covered_today"]] == [world.enterprise_a]
    assert [child.name for child in response.context["children"]] == [world.group_a.name]
    assert list(response.context["members"]) == [world.member_a]


def test_a_viewer_sees_id_numbers_masked_and_an_admin_sees_them_whole(world, login):
    member = world.member_a
    url = reverse("organization-detail", args=[world.branch_a.pk])
    as_viewer = login("viewer").get(url).content.decode()
    as_admin = login("admin").get(url).content.decode()
    assert member.masked_id_number in as_viewer and member.id_number not in as_viewer
    assert member.masked_phone in as_viewer and member.phone not in as_viewer
    assert member.id_number in as_admin and member.phone in as_admin


def test_the_enterprise_page_masks_members_for_a_viewer(world, login):
    url = reverse("enterprise-detail", args=[world.enterprise_a.pk])
    as_viewer = login("viewer").get(url).content.decode()
    assert world.member_a.masked_id_number in as_viewer
    assert world.member_a.id_number not in as_viewer


def add_organizations(world, count: int) -> None:
    """Branches under the committee, each covering an enterprise and with a member."""
    for _ in range(count):
        world.committee.refresh_from_db()
        branch = f.OrganizationFactory(park=world.park, parent=world.committee)
        enterprise = f.EnterpriseFactory(park=world.park)
        f.CoverageFactory(enterprise=enterprise, organization=branch)
        f.PartyMemberFactory(organization=branch, enterprise=enterprise)


# session + scope, the user's parks, the tree's rows (counts are correlated subqueries of that query).
TREE_QUERIES = SESSION_AND_SCOPE + 2


def test_the_tree_takes_as_many_queries_for_thirty_organizations_as_for_five(
    world, login, django_assert_max_num_queries
):
    client = login("admin")
    add_organizations(world, 1)  # the world has four in its park
    with django_assert_max_num_queries(TREE_QUERIES):
        five = count_queries(client, reverse("organization-tree"))
    add_organizations(world, 25)
    with django_assert_max_num_queries(TREE_QUERIES):
        thirty = count_queries(client, reverse("organization-tree"))
    assert Organization.objects.filter(park=world.park).count() == 30
    assert five == thirty


def test_the_organization_page_takes_as_many_queries_for_many_members_and_changes(world, login):
    client = login("admin")
    url = reverse("organization-detail", args=[world.branch_a.pk])
    few = count_queries(client, url)
    f.PartyMemberFactory.create_batch(20, organization=world.branch_a, enterprise=world.enterprise_a)
    for name in ("甲支部（改）", "甲支部（再改）", "甲支部"):
        world.branch_a.name = name
        world.branch_a.save()
    assert PartyMember.objects.filter(organization=world.branch_a).count() == 21
    assert count_queries(client, url) == few


def test_a_park_without_districts_opens_its_chart_on_industries(world, client):
    f.EnterpriseFactory(park=world.other_park, industry="纺织")
    Grant.objects.create(user=world.users["viewer"], role="park_viewer", park=world.other_park)
    client.force_login(world.users["viewer"])
    response = client.get("/", {"park": world.other_park.pk})
    assert response.context["group_by"] == "industry"
    assert client.get("/", {"park": world.park.pk}).context["group_by"] == "district"
