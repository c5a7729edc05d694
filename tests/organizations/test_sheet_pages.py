"""The park admin's rating set-up pages: scoring sheets and their criteria, copying last year's sheet,
a new version of a frozen one, and the park's star levels — what is saved, what is refused (on the
field, nothing written), ids outside the admin's parks, and the list's queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Criterion, ScoringSheet, StarLevel
from organizations.ratings.services import sheet_save
from parkparty.models import Role
from tests import factories as f
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["admin"])
    return client


def open_sheet(world, year: int = 2026) -> ScoringSheet:
    return sheet_save(sheet=ScoringSheet(park=world.park, year=year, title=f"{year}年评分细则"))


def criterion_data(**overrides) -> dict:
    data = {"position": 1, "title": "阵地建设", "description": "", "max_points": "20", "weight": "1.5", "source": ""}
    return data | overrides


# --- sheets ----------------------------------------------------------------------------------------


def test_an_admin_adds_a_sheet_for_a_year_and_goes_on_to_its_criteria(world, admin):
    response = admin.post(reverse("sheet-new"), {"year": 2026, "title": "2026年评分细则"})

    sheet = ScoringSheet.objects.get(park=world.park, year=2026)
    assert response.status_code == 302
    assert response.url == reverse("sheet-edit", args=[sheet.pk])
    assert (sheet.title, sheet.version) == ("2026年评分细则", 1)


def test_a_second_sheet_of_a_year_is_refused_on_the_year_and_nothing_is_written(world, admin):
    before = ScoringSheet.objects.count()

    response = admin.post(reverse("sheet-new"), {"year": 2024, "title": "又一份"}, **EN)

    assert response.status_code == 200
    assert "The park has a scoring sheet for this year" in response.context["form"].errors["year"][0]
    assert ScoringSheet.objects.count() == before


def test_a_year_out_of_range_is_refused_on_the_field(world, admin):
    response = admin.post(reverse("sheet-new"), {"year": 1999, "title": "旧"}, **EN)

    assert "year" in response.context["form"].errors
    assert not ScoringSheet.objects.filter(year=1999).exists()


def test_an_open_sheet_is_renamed_in_place(world, admin):
    sheet = open_sheet(world)

    response = admin.post(reverse("sheet-edit", args=[sheet.pk]), {"year": 2026, "title": "新标题"})

    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.title == "新标题"


def test_a_sheet_confirmed_ratings_use_is_shown_without_a_form_and_a_post_changes_nothing(world, admin):
    url = reverse("sheet-edit", args=[world.sheet.pk])

    page = admin.get(url, **EN)
    admin.post(url, {"year": 2024, "title": "改名"})

    assert page.context["frozen"] and page.context["form"] is None
    assert "Make a new version" in page.content.decode()
    assert ScoringSheet.objects.get(pk=world.sheet.pk).title == world.sheet.title


def test_a_new_version_copies_the_criteria_and_opens_for_editing(world, admin):
    response = admin.post(reverse("sheet-new-version", args=[world.sheet.pk]))

    copy = ScoringSheet.objects.get(park=world.park, year=2024, version=2)
    assert response.url == reverse("sheet-edit", args=[copy.pk])
    assert [c.title for c in copy.criteria.all()] == [c.title for c in world.sheet.criteria.all()]
    assert admin.get(response.url).context["form"] is not None


# --- criteria --------------------------------------------------------------------------------------


def test_a_criterion_is_added_with_its_points_weight_and_position(world, admin):
    sheet = open_sheet(world)

    response = admin.post(reverse("criterion-new", args=[sheet.pk]), criterion_data(position=3))

    assert response.status_code == 302
    criterion = sheet.criteria.get()
    assert (criterion.title, criterion.max_points, criterion.weight, criterion.position) == (
        "阵地建设",
        Decimal(20),
        Decimal("1.5"),
        3,
    )


def test_a_veto_item_with_points_is_refused_on_the_points(world, admin):
    sheet = open_sheet(world)

    response = admin.post(reverse("criterion-new", args=[sheet.pk]), criterion_data(is_veto="on"), **EN)

    assert response.context["form"].errors["max_points"] == ["A veto item carries no points."]
    assert not sheet.criteria.exists()


def test_no_criterion_is_added_to_a_sheet_confirmed_ratings_use(world, admin):
    before = world.sheet.criteria.count()

    response = admin.post(reverse("criterion-new", args=[world.sheet.pk]), criterion_data(), **EN)

    assert response.status_code == 200
    assert "make a new version" in " ".join(response.context["form"].non_field_errors())
    assert world.sheet.criteria.count() == before


def test_a_criterion_of_an_open_sheet_is_changed(world, admin):
    sheet = open_sheet(world)
    criterion = Criterion.objects.create(sheet=sheet, title="旧", max_points=10)

    admin.post(reverse("criterion-edit", args=[criterion.pk]), criterion_data(title="新", max_points="15"))

    criterion.refresh_from_db()
    assert (criterion.title, criterion.max_points) == ("新", Decimal(15))


# --- copying last year's sheet ---------------------------------------------------------------------


def test_last_years_sheet_is_copied_into_the_new_year_with_its_criteria(world, admin):
    response = admin.post(reverse("sheet-copy", args=[world.sheet.pk]), {"year": 2025})

    copy = ScoringSheet.objects.get(park=world.park, year=2025)
    assert response.url == reverse("sheet-edit", args=[copy.pk])
    assert copy.version == 1
    assert copy.title == world.sheet.title.replace("2024", "2025")
    old = world.sheet.criteria.all()
    assert [(c.title, c.max_points, c.is_veto, c.source) for c in copy.criteria.all()] == [
        (c.title, c.max_points, c.is_veto, c.source) for c in old
    ]
    assert world.sheet.criteria.count() == 4  # the old sheet keeps its own


def test_copying_into_a_year_that_has_a_sheet_is_refused_and_writes_nothing(world, admin):
    open_sheet(world, 2025)
    sheets, criteria = ScoringSheet.objects.count(), Criterion.objects.count()

    response = admin.post(reverse("sheet-copy", args=[world.sheet.pk]), {"year": 2025}, **EN)

    assert "The park has a scoring sheet for this year" in response.context["form"].errors["year"][0]
    assert (ScoringSheet.objects.count(), Criterion.objects.count()) == (sheets, criteria)


def test_the_list_offers_to_copy_the_latest_sheet_into_the_year_after(world, admin):
    response = admin.get(reverse("sheet-list"))

    assert response.context["copy_from"] == world.sheet
    assert reverse("sheet-copy", args=[world.sheet.pk]) in response.content.decode()


# --- outside the admin's parks ---------------------------------------------------------------------


def test_another_parks_sheet_answers_exactly_like_one_that_does_not_exist(world, admin):
    other = sheet_save(sheet=ScoringSheet(park=world.other_park, year=2024, title="乙园区细则"))

    outside = admin.get(reverse("sheet-edit", args=[other.pk]))
    missing = admin.get(reverse("sheet-edit", args=[other.pk + 1000]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


def test_copying_another_parks_sheet_is_not_found_and_writes_nothing(world, admin):
    other = sheet_save(sheet=ScoringSheet(park=world.other_park, year=2024, title="乙园区细则"))

    response = admin.post(reverse("sheet-copy", args=[other.pk]), {"year": 2025})

    assert response.status_code == 404
    assert not ScoringSheet.objects.filter(year=2025).exists()


def test_a_secretary_gets_403_on_the_sheets_of_their_own_park(world, client):
    client.force_login(world.users["secretary_a"])

    assert client.get(reverse("sheet-edit", args=[world.sheet.pk])).status_code == 403
    assert client.post(reverse("sheet-copy", args=[world.sheet.pk]), {"year": 2025}).status_code == 403
    assert not ScoringSheet.objects.filter(year=2025).exists()


# --- star levels -----------------------------------------------------------------------------------


def levels_data(scores: dict[int, int | str]) -> dict:
    classes = {5: "demonstration", 4: "standard", 3: "growing", 2: "growing", 1: "incubating"}
    data = {f"min_score_{stars}": score for stars, score in scores.items()}
    return data | {f"classification_{stars}": classes[stars] for stars in range(1, 6)}


def test_all_thresholds_move_up_at_once(world, admin):
    # One level at a time could not do it: 4 stars at 92 would pass 5 stars' stored 90.
    response = admin.post(reverse("star-levels"), levels_data({5: 95, 4: 92, 3: 85, 2: 75, 1: 0}))

    assert response.status_code == 302
    stored = dict(world.park.star_levels.values_list("stars", "min_score"))
    assert stored == {5: 95, 4: 92, 3: 85, 2: 75, 1: 0}


def test_thresholds_out_of_order_are_refused_on_the_level_and_nothing_changes(world, admin):
    before = dict(world.park.star_levels.values_list("stars", "min_score"))

    response = admin.post(reverse("star-levels"), levels_data({5: 90, 4: 95, 3: 70, 2: 60, 1: 0}), **EN)

    errors = response.context["form"].errors
    assert list(errors) == ["min_score_4"]
    assert "More stars need a higher minimum score" in errors["min_score_4"][0]
    assert dict(world.park.star_levels.values_list("stars", "min_score")) == before


def test_equal_thresholds_are_out_of_order_too(world, admin):
    response = admin.post(reverse("star-levels"), levels_data({5: 90, 4: 90, 3: 70, 2: 60, 1: 0}))

    assert "min_score_4" in response.context["form"].errors


def test_a_park_without_levels_is_offered_the_defaults_and_gets_them(world, client):
    park = f.ParkFactory(code="park-c", name="丙园区")
    user = f.UserFactory(username="admin_c")
    f.GrantFactory(user=user, role=Role.PARK_ADMIN, park=park)
    client.force_login(user)

    page = client.get(reverse("star-levels"))
    response = client.post(reverse("star-levels-defaults"), {"park": park.pk})

    assert reverse("star-levels-defaults") in page.content.decode()
    assert response.status_code == 302
    assert sorted(StarLevel.objects.filter(park=park).values_list("stars", flat=True)) == [1, 2, 3, 4, 5]


def test_the_inspection_links_to_the_new_sheet_page_when_the_park_has_no_sheet(world, client):
    park = f.ParkFactory(code="park-c", name="丙园区")
    branch = f.OrganizationFactory(park=park, name="丙支部")
    user = f.UserFactory(username="admin_c")
    f.GrantFactory(user=user, role=Role.PARK_ADMIN, park=park)
    client.force_login(user)

    response = client.get(reverse("rating-new"), {"organization": branch.pk, "year": 2026, "quarter": 4})

    assert f"{reverse('sheet-new')}?park={park.pk}" in response.content.decode()
    assert "in the admin" not in response.content.decode()


# --- queries ---------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# session + scope, the administered parks, the count, one page of sheets (criteria counted, use as a subquery).
LIST_QUERIES = SESSION_AND_SCOPE + 3


def test_the_sheet_list_takes_as_many_queries_for_many_sheets_as_for_one(world, admin, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        count_queries(admin, reverse("sheet-list"))
    for year in range(2010, 2020):
        sheet = open_sheet(world, year)
        Criterion.objects.create(sheet=sheet, title="一", max_points=10)
    with django_assert_num_queries(LIST_QUERIES):
        count_queries(admin, reverse("sheet-list"))
