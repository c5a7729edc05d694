"""The rating pages: the inspection form, a rating's page, the star map and the honours list — what each
persona may do, what is refused (field named, nothing saved), and query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Honor, Organization, Rating, RatingItem, Subsidy
from organizations.ratings import services
from organizations.subsidies import services as subsidy_services
from tests import factories as f
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.logout()
        client.force_login(world.users[role])
        return client

    return as_role


def criteria(world):
    return list(world.sheet.criteria.all())


def inspection(world, organization=None, *, year=2024, quarter=3, scores=(30, 20, 25), veto=False, **overrides):
    """What the inspection form posts: a score per pointed criterion (with a reason: the suggestion
    may differ), the veto box, the day."""
    organization = organization or world.branch_b
    data = {"organization": organization.pk, "year": year, "quarter": quarter, "assessed_on": "2024-09-20",
            "notes": ""}  # fmt: skip
    pointed = [c for c in criteria(world) if not c.is_veto]
    for criterion, score in zip(pointed, scores, strict=True):
        data[f"score_{criterion.pk}"] = score
        data[f"reason_{criterion.pk}"] = "巡查核实"
    veto_item = next(c for c in criteria(world) if c.is_veto)
    if veto:
        data[f"triggered_{veto_item.pk}"] = "on"
    data.update(overrides)
    return data


def count_queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


# --- the inspection form ---------------------------------------------------------------------------


def test_the_form_shows_each_criterion_with_its_maximum_and_the_suggestion(world, login):
    response = login("admin").get(
        reverse("rating-new"), {"organization": world.branch_b.pk, "year": 2024, "quarter": 3}
    )
    assert response.status_code == 200
    page = response.content.decode()
    for criterion in criteria(world):
        assert criterion.title in page
    assert 'id="star-levels"' in page  # the thresholds for the live total
    assert "js/rating.js" in page
    rows = response.context["form"].rows
    meetings_row = next(row for row in rows if row.criterion.source == "meetings")
    assert meetings_row.score.field.max_value == Decimal(40)


def test_an_admin_rates_a_branch_and_the_total_and_stars_follow(world, login):
    client = login("admin")
    response = client.post(reverse("rating-new"), inspection(world, scores=(36, 27, 27)))
    rating = Rating.objects.get(organization=world.branch_b, year=2024, quarter=3)
    assert response.status_code == 302
    assert response.url == reverse("rating-detail", args=[rating.pk])
    assert (rating.total, rating.stars, rating.status) == (Decimal("90.00"), 5, "draft")
    assert rating.assessor == world.users["admin"]


def test_save_and_confirm_confirms_in_the_same_post(world, login):
    login("admin").post(reverse("rating-new"), inspection(world, confirm="1"))
    assert Rating.objects.get(organization=world.branch_b, year=2024, quarter=3).status == "confirmed"


def test_a_veto_gives_the_lowest_star_level(world, login):
    login("admin").post(reverse("rating-new"), inspection(world, scores=(40, 30, 30), veto=True))
    rating = Rating.objects.get(organization=world.branch_b, year=2024, quarter=3)
    assert (rating.total, rating.stars, rating.vetoed) == (Decimal("100.00"), 1, True)


def test_a_score_above_the_maximum_is_refused_on_its_field_and_nothing_is_saved(world, login):
    meetings = next(c for c in criteria(world) if c.source == "meetings")
    response = login("admin").post(reverse("rating-new"), inspection(world, scores=(41, 20, 20)))
    assert response.status_code == 200
    form = response.context["form"]
    assert f"score_{meetings.pk}" in form.errors
    assert "40" in form.errors[f"score_{meetings.pk}"][0]
    assert "field-error" in response.content.decode()
    assert not Rating.objects.filter(organization=world.branch_b).exists()


def test_an_override_without_a_reason_is_refused_next_to_the_item(world, login):
    # Branch B raised no matters and owes no meetings' worth of data? Its meeting suggestion exists (rules
    # installed), so scoring other than it without a reason is refused.
    response = login("admin").get(
        reverse("rating-new"), {"organization": world.branch_b.pk, "year": 2024, "quarter": 3}
    )
    suggested = {row.criterion.pk: row.suggested for row in response.context["form"].rows}
    with_suggestion = next(pk for pk, value in suggested.items() if value is not None)
    criterion = next(c for c in criteria(world) if c.pk == with_suggestion)
    other = criterion.max_points if suggested[with_suggestion] != criterion.max_points else Decimal(0)
    data = inspection(world, **{f"score_{with_suggestion}": other, f"reason_{with_suggestion}": ""})
    response = login("admin").post(reverse("rating-new"), data)
    assert response.status_code == 200
    assert f"reason_{with_suggestion}" in response.context["form"].errors
    assert not Rating.objects.filter(organization=world.branch_b).exists()


def test_a_second_rating_of_the_quarter_is_refused_by_the_service_and_nothing_is_saved(world, login):
    data = inspection(world, world.branch_a, year=2024, quarter=2)
    response = login("admin").post(reverse("rating-new"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("already has a rating" in error for error in response.context["form"].non_field_errors())
    assert Rating.objects.filter(organization=world.branch_a).count() == 1


def test_asking_for_a_rated_quarter_opens_its_rating(world, login):
    response = login("admin").get(
        reverse("rating-new"), {"organization": world.branch_a.pk, "year": 2024, "quarter": 2}
    )
    assert response.status_code == 302
    assert response.url == reverse("rating-edit", args=[world.rating_a.pk])


def test_an_organization_of_another_park_is_not_a_choice(world, login):
    response = login("admin").post(reverse("rating-new"), inspection(world, world.other_branch))
    assert response.status_code == 200
    assert "organization" in response.context["target"].errors
    assert not Rating.objects.filter(organization=world.other_branch).exists()


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_park_admins_rate(world, login, role):
    client = login(role)
    assert client.get(reverse("rating-new")).status_code == 403
    assert client.post(reverse("rating-new"), inspection(world)).status_code == 403
    assert not Rating.objects.filter(organization=world.branch_b).exists()


def test_a_confirmed_rating_changes_only_with_a_reason_kept_in_its_history(world, login):
    client = login("admin")
    meetings = next(c for c in criteria(world) if c.source == "meetings")
    url = reverse("rating-edit", args=[world.rating_a.pk])
    page = client.get(url)
    data = {name: field.value() for name, field in ((n, page.context["form"][n]) for n in page.context["form"].fields)}
    data = {name: ("" if value is None else value) for name, value in data.items() if value is not False}
    data[f"score_{meetings.pk}"] = "30"
    data[f"reason_{meetings.pk}"] = "复核后扣分"
    data["assessed_on"] = "2024-06-28"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "change_reason" in refused.context["form"].errors
    assert RatingItem.objects.get(rating=world.rating_a, criterion=meetings).score == Decimal(36)

    data["change_reason"] = "复核发现会议记录缺失"
    assert client.post(url, data).status_code == 302
    world.rating_a.refresh_from_db()
    assert RatingItem.objects.get(rating=world.rating_a, criterion=meetings).score == Decimal(30)
    assert world.rating_a.total == Decimal("75.00")
    detail = client.get(reverse("rating-detail", args=[world.rating_a.pk])).content.decode()
    assert "复核发现会议记录缺失" in detail  # the reason, in the history
    assert "<del>36.00</del>" in detail and "<ins>30.00</ins>" in detail  # before and after


def test_a_secretary_may_not_edit_or_confirm(world, login):
    client = login("secretary_a")
    assert client.get(reverse("rating-edit", args=[world.rating_a.pk])).status_code == 403
    assert client.post(reverse("rating-confirm", args=[world.rating_a.pk])).status_code == 403


# --- a rating's page -------------------------------------------------------------------------------


def test_the_rating_page_shows_items_suggested_and_given_and_history(world, login):
    response = login("admin").get(reverse("rating-detail", args=[world.rating_a.pk]))
    page = response.content.decode()
    assert "三会一课落实" in page and "巡查核实" in page
    assert response.context["history"]  # created, confirmed
    assert reverse("rating-edit", args=[world.rating_a.pk]) in page
    assert reverse("rating-confirm", args=[world.rating_a.pk]) not in page  # already confirmed


def test_a_secretary_reads_their_ratings_without_buttons_and_not_others(world, login):
    client = login("secretary_a")
    response = client.get(reverse("rating-detail", args=[world.rating_a.pk]))
    assert response.status_code == 200
    assert reverse("rating-edit", args=[world.rating_a.pk]) not in response.content.decode()
    assert login("secretary_b").get(reverse("rating-detail", args=[world.rating_a.pk])).status_code == 404


def test_an_admin_confirms_a_draft_from_its_page(world, login):
    draft = services.rating_save(
        rating=Rating(
            organization=world.branch_b, sheet=world.sheet, year=2024, quarter=2, assessed_on=date(2024, 6, 1)
        )
    )
    client = login("admin")
    assert client.get(reverse("rating-detail", args=[draft.pk])).context["can_confirm"]
    assert client.post(reverse("rating-confirm", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "confirmed"


# --- the star map ----------------------------------------------------------------------------------


def test_the_star_map_colours_each_organization_by_its_stars(world, login):
    response = login("admin").get(reverse("star-map"), {"park": world.park.pk, "as_of": "2024-07-01"})
    page = response.content.decode()
    assert f'data-organization="{world.branch_a.pk}" data-stars="4"' in page
    assert f'data-organization="{world.branch_b.pk}" data-stars="0"' in page
    stats = response.context["stats"]
    assert stats["rated"] == 1
    assert dict(stats["by_stars"])[4] == 1
    assert stats["unrated"] == 2  # the committee and branch B


def test_before_the_inspection_the_branch_is_grey(world, login):
    response = login("admin").get(reverse("star-map"), {"park": world.park.pk, "as_of": "2024-06-01"})
    assert f'data-organization="{world.branch_a.pk}" data-stars="0"' in response.content.decode()


def test_a_secretary_sees_only_their_subtree_on_the_star_map(world, login):
    response = login("secretary_b").get(reverse("star-map"))
    tiles = [tile.pk for group in response.context["groups"] for tile in group.tiles]
    assert tiles == [world.branch_b.pk]


def test_a_bad_day_is_a_form_error_not_a_crash(world, login):
    response = login("admin").get(reverse("star-map"), {"as_of": "2024-13-01"})
    assert response.status_code == 200
    assert "as_of" in response.context["form"].errors


def add_rated_branches(world, count: int) -> None:
    for _ in range(count):
        branch = f.OrganizationFactory(park=world.park, parent=world.committee)
        world.committee.refresh_from_db()
        rating = services.rating_save(
            rating=Rating(organization=branch, sheet=world.sheet, year=2024, quarter=2, assessed_on=date(2024, 6, 20))
        )
        services.rating_confirm(rating=rating)


# session + scope, the parks to choose from, the tiles (stars, class and rating joined in by
# subqueries, district joined), the parent organizations' names, the counts per star and class.
STAR_MAP_QUERIES = SESSION_AND_SCOPE + 4


def test_the_star_map_takes_as_many_queries_for_many_organizations_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    params = {"park": world.park.pk, "as_of": "2024-07-01"}
    with django_assert_num_queries(STAR_MAP_QUERIES):
        few = count_queries(client, reverse("star-map"), **params)
    add_rated_branches(world, 12)
    with django_assert_num_queries(STAR_MAP_QUERIES):
        many = count_queries(client, reverse("star-map"), **params)
    assert few == many


# session + scope, the rating (organization, park, sheet, assessor joined), its items with criteria,
# their evidence, the rating's history, its items' history, its allowances.
DETAIL_QUERIES = SESSION_AND_SCOPE + 6


def test_the_rating_page_takes_a_constant_number_of_queries(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(DETAIL_QUERIES):
        count_queries(client, reverse("rating-detail", args=[world.rating_a.pk]))


# --- honours ---------------------------------------------------------------------------------------


def test_the_honours_list_filters_by_year_and_kind(world, login):
    Honor.objects.create(park=world.park, year=2023, kind="brand", title="红色引擎", organization=world.branch_a)
    client = login("secretary_b")
    assert len(client.get(reverse("honor-list")).context["page"].object_list) == 2
    response = client.get(reverse("honor-list"), {"year": 2023, "kind": "brand"})
    assert [honor.title for honor in response.context["page"].object_list] == ["红色引擎"]


# session + scope, the parks to choose from, the count, one page of honours (park, recipient joined).
HONOURS_QUERIES = SESSION_AND_SCOPE + 3


def test_the_honours_list_takes_as_many_queries_for_many_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(HONOURS_QUERIES):
        count_queries(client, reverse("honor-list"))
    for year in range(2010, 2022):
        Honor.objects.create(
            park=world.park, year=year, kind="title", title="先进基层党组织", organization=world.branch_a
        )
    with django_assert_num_queries(HONOURS_QUERIES):
        count_queries(client, reverse("honor-list"))


def test_the_organization_page_lists_its_ratings_and_subsidies(world, login):
    response = login("secretary_a").get(reverse("organization-detail", args=[world.branch_a.pk]))
    page = response.content.decode()
    assert f'data-rating="{world.rating_a.pk}"' in page
    assert f'data-subsidy="{world.subsidy_a.pk}"' in page
    assert Organization.objects.filter(pk=world.branch_a.pk).exists()


def add_quarters_and_records(world, branch) -> None:
    """Three more confirmed quarters of branch A and a record of each kind."""
    for quarter in (1, 3, 4):
        year = 2023 if quarter > 2 else 2024
        rating = services.rating_save(
            rating=Rating(organization=branch, sheet=world.sheet, year=year, quarter=quarter,
                          assessed_on=date(year, 3 * quarter, 20))
        )  # fmt: skip
        services.rating_confirm(rating=rating)
    for kind in ("activity_fund", "special_fund", "secretary_allowance"):
        subsidy_services.subsidy_propose(
            subsidy=Subsidy(organization=branch, kind=kind, period="2024-Q3", amount=Decimal("99.00"))
        )


# session + scope, the organization, its parent, its children, coverage today and its history, members,
# its history; its ratings, its latest subsidies and their number.
ORGANIZATION_QUERIES = SESSION_AND_SCOPE + 10


def test_the_organization_page_lists_ratings_and_subsidies_in_constant_queries(world, login, django_assert_num_queries):
    client = login("admin")
    url = reverse("organization-detail", args=[world.branch_a.pk])
    with django_assert_num_queries(ORGANIZATION_QUERIES):
        one = count_queries(client, url)
    add_quarters_and_records(world, world.branch_a)
    with django_assert_num_queries(ORGANIZATION_QUERIES):
        many = count_queries(client, url)
    assert one == many
    response = client.get(url)
    assert len(response.context["ratings"]) == 4
    assert [r.year * 10 + r.quarter for r in response.context["ratings"]] == [20242, 20241, 20234, 20233]
