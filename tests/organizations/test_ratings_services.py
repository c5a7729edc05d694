"""Ratings on a scoring sheet: totals, stars, vetoes, suggestions, the confirmation lock and honours."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from meetings.models import Matter, Meeting
from meetings.services import matter_save, meeting_save
from organizations.models import Criterion, Honor, Rating, RatingItem, ScoringSheet, StarLevel
from organizations.ratings import selectors, services
from parkparty.dates import local_datetime
from tests import factories as f


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English here; the Chinese catalog is checked by tests/parkparty/test_i18n.py."""
    with translation.override("en"):
        yield


def items_for(sheet, *scores, reason="巡查核实", triggered=()):
    criteria = list(sheet.criteria.all())
    return [
        services.ItemLine(criterion, Decimal(score), reason=reason, triggered=criterion.pk in triggered)
        for criterion, score in zip(criteria, scores, strict=False)
    ]


def new_rating(world, organization=None, quarter=3, **kwargs):
    return Rating(
        organization=organization or world.branch_a,
        sheet=kwargs.pop("sheet", world.sheet),
        year=2024,
        quarter=quarter,
        assessed_on=kwargs.pop("assessed_on", date(2024, 9, 27)),
        **kwargs,
    )


# --- totals and star levels ------------------------------------------------------------------------


def test_the_total_is_the_weighted_share_of_the_sheet_out_of_100(world):
    criteria = list(world.sheet.criteria.all())
    Criterion.objects.filter(pk=criteria[0].pk).update(weight=Decimal(2))  # 三会一课 counts double
    sheet = ScoringSheet.objects.get(pk=world.sheet.pk)
    rating = services.rating_save(rating=new_rating(world), items=items_for(sheet, 40, 15, 15, 0))
    # (2×40 + 15 + 15) / (2×40 + 30 + 30) = 110 / 140
    assert rating.total == Decimal("78.57")
    assert (rating.stars, rating.classification) == (3, "growing")


def test_a_total_on_a_threshold_earns_that_level(world):
    rating = services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 40, 30, 20, 0))
    assert rating.total == Decimal(90)
    assert (rating.stars, rating.classification) == (5, "demonstration")


def test_a_triggered_veto_item_drops_a_full_score_to_the_lowest_level(world):
    veto = world.sheet.criteria.get(is_veto=True)
    rating = services.rating_save(
        rating=new_rating(world), items=items_for(world.sheet, 40, 30, 30, 0, triggered={veto.pk})
    )
    assert rating.total == Decimal(100)
    assert rating.vetoed
    assert (rating.stars, rating.classification) == (1, "incubating")


def test_thresholds_are_the_parks_own(world):
    StarLevel.objects.filter(park=world.park, stars=5).update(min_score=Decimal(95))
    rating = services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 40, 30, 20, 0))
    assert rating.stars == 4


def test_installing_default_levels_twice_adds_nothing(world):
    assert services.star_levels_install_defaults(park=world.park) == 0
    assert StarLevel.objects.filter(park=world.park).count() == 5


# --- refused, nothing saved ------------------------------------------------------------------------


def test_it_refuses_a_score_above_the_criterions_maximum(world):
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 41))
    assert "0 to 40" in str(error.value.message_dict["items"])
    assert not Rating.objects.filter(year=2024, quarter=3).exists()


def test_it_refuses_a_veto_on_a_criterion_that_is_not_one(world):
    first = world.sheet.criteria.first()
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 30, triggered={first.pk}))
    assert "items" in error.value.message_dict


def test_it_refuses_a_rating_for_an_organization_dissolved_before_the_quarter(world):
    world.branch_b.dissolved_on = date(2024, 6, 30)
    world.branch_b.save()
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=new_rating(world, organization=world.branch_b))
    assert "organization" in error.value.message_dict
    assert not Rating.objects.filter(organization=world.branch_b).exists()


def test_it_refuses_a_second_rating_of_the_same_quarter(world):
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=new_rating(world, quarter=2, assessed_on=date(2024, 6, 30)))
    assert "quarter" in error.value.message_dict


def test_it_refuses_an_inspection_in_the_future_or_before_the_quarter(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    for assessed_on in (tomorrow, date(2024, 6, 30)):
        with pytest.raises(ValidationError) as error:
            services.rating_save(rating=new_rating(world, assessed_on=assessed_on))
        assert "assessed_on" in error.value.message_dict


def test_only_party_organizations_are_rated(world):
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=new_rating(world, organization=world.group_a))
    assert "organization" in error.value.message_dict


def test_a_sheet_of_another_park_is_refused(world):
    other = f.ScoringSheetFactory(park=world.other_park, year=2024, title="其他园区")
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=new_rating(world, sheet=other))
    assert "sheet" in error.value.message_dict


# --- suggestions -----------------------------------------------------------------------------------


def test_meeting_compliance_suggests_the_share_of_required_meetings_held(world):
    # Q3 2024 for branch A: monthly committee and theme day (3 months × 2), quarterly assembly and lesson.
    for month in (7, 8, 9):
        for kind in ("branch_committee", "theme_day"):
            meeting_save(
                meeting=Meeting(
                    host=world.branch_a,
                    kind=kind,
                    status="held",
                    topic="例会",
                    held_at=local_datetime(date(2024, month, 10), 9),
                )
            )
    suggested = selectors.suggestions(organization=world.branch_a, year=2024, quarter=3, sheet=world.sheet)
    meetings = world.sheet.criteria.get(source="meetings")
    assert suggested[meetings.pk] == Decimal("30.00")  # 6 of 8 required × 40 points


def test_matters_resolved_suggest_their_share_and_no_matters_suggest_nothing(world):
    matters = world.sheet.criteria.get(source="matters")
    assert matters.pk not in selectors.suggestions(organization=world.branch_a, year=2024, quarter=3, sheet=world.sheet)
    for title, resolved in (("用工", True), ("融资", False)):
        matter = Matter(
            park=world.park,
            source="visit",
            organization=world.branch_a,
            category="recruitment",
            title=title,
            raised_on=date(2024, 8, 1),
        )
        if resolved:
            matter.status, matter.resolution, matter.resolved_on = "resolved", "已协调", date(2024, 8, 20)
        matter_save(matter=matter)
    suggested = selectors.suggestions(organization=world.branch_a, year=2024, quarter=3, sheet=world.sheet)
    assert suggested[matters.pk] == Decimal("15.00")


def test_a_new_rating_starts_from_the_suggestions(world):
    rating = services.rating_save(rating=new_rating(world))
    items = {item.criterion.source: item for item in rating.items.select_related("criterion")}
    assert items["meetings"].score == items["meetings"].suggested == Decimal(0)  # nothing held in Q3
    assert items[""].suggested is None


def test_scoring_other_than_the_suggestion_needs_a_reason(world):
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 35, reason=""))
    assert "reason" in str(error.value.message_dict["items"])
    rating = services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 35, reason="补充材料"))
    assert rating.items.get(score=Decimal(35)).reason == "补充材料"


# --- the confirmation lock and history -------------------------------------------------------------


def test_a_confirmed_rating_changes_only_with_a_reason_kept_in_its_history(world):
    rating = world.rating_a
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=rating, items=items_for(world.sheet, 40))
    assert "reason" in error.value.message_dict
    assert Rating.objects.get(pk=rating.pk).total == Decimal(81)

    services.rating_save(rating=rating, items=items_for(world.sheet, 40), reason="复核加分")
    rating.refresh_from_db()
    assert rating.total == Decimal(85)
    assert rating.history.first().history_change_reason == "复核加分"
    item = RatingItem.objects.get(rating=rating, score=Decimal(40))
    assert [h.score for h in item.history.order_by("history_date")] == [Decimal(36), Decimal(40)]


def test_confirming_twice_changes_nothing(world):
    count = world.rating_a.history.count()
    services.rating_confirm(rating=world.rating_a)
    assert world.rating_a.history.count() == count


# --- stars on a date -------------------------------------------------------------------------------


def test_the_star_level_on_a_date_is_the_latest_confirmed_rating_up_to_it(world):
    q3 = services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 40, 30, 20, 0))

    def stars_on(day):
        return {o.name: o.stars for o in selectors.rated_organizations([world.park.pk], day)}["甲支部"]

    assert stars_on(date(2024, 6, 27)) is None
    assert stars_on(date(2024, 9, 30)) == 4  # Q3 is a draft: Q2's four stars stand
    services.rating_confirm(rating=q3)
    assert stars_on(date(2024, 9, 30)) == 5
    assert stars_on(date(2024, 7, 1)) == 4


def test_rating_statistics_count_each_organization_once_by_its_latest_rating(world):
    q3 = services.rating_save(rating=new_rating(world), items=items_for(world.sheet, 10, 10, 10, 0))
    services.rating_confirm(rating=q3)
    b = services.rating_save(
        rating=new_rating(world, organization=world.branch_b), items=items_for(world.sheet, 40, 30, 20, 0)
    )
    services.rating_confirm(rating=b)
    stats = selectors.rating_stats(park_ids=[world.park.pk], as_of=date(2024, 12, 31))
    assert stats["rated"] == 2
    assert stats["by_stars"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1}
    assert stats["good_or_above"] == 1
    assert stats["good_or_above_rate"] == Decimal("0.5000")


# --- scoring sheets --------------------------------------------------------------------------------


def test_a_sheet_used_by_a_confirmed_rating_is_frozen_and_a_new_version_copies_it(world):
    criterion = world.sheet.criteria.first()
    criterion.max_points = Decimal(50)
    with pytest.raises(ValidationError) as error:
        services.criterion_save(criterion=criterion)
    assert "new version" in str(error.value)
    copy = services.sheet_new_version(sheet=world.sheet)
    assert (copy.year, copy.version, copy.criteria.count()) == (2024, 2, 4)
    first = copy.criteria.first()
    first.max_points = Decimal(50)
    services.criterion_save(criterion=first)
    assert selectors.sheet_for(park_id=world.park.pk, year=2025) == copy


def test_a_veto_item_with_points_is_refused(world):
    sheet = f.ScoringSheetFactory(park=world.park, year=2025, title="2025")
    with pytest.raises(ValidationError) as error:
        services.criterion_save(criterion=Criterion(sheet=sheet, title="事故", is_veto=True, max_points=Decimal(5)))
    assert "max_points" in error.value.message_dict


# --- honours ---------------------------------------------------------------------------------------


def test_a_five_star_honour_is_titled_after_its_star_and_names_its_department(world):
    honor = services.honor_save(
        honor=Honor(park=world.park, year=2024, kind="five_star", star="ecology", organization=world.branch_a)
    )
    with translation.override("zh-hans"):  # stored in the portal's language, not the requester's
        assert honor.title == str(Honor.Star.ECOLOGY.label) == "生态之星"
        assert honor.awarded_by == str(Honor.STAR_DEPARTMENTS[Honor.Star.ECOLOGY])


def test_a_second_five_star_honour_for_the_same_star_is_refused_whatever_its_title(world):
    values = {
        "park": world.park,
        "year": 2024,
        "kind": "five_star",
        "star": "harmony",
        "enterprise": world.enterprise_a,
    }
    with pytest.raises(ValidationError):
        services.honor_save(honor=Honor(**values, title="和谐之星（复评）"))
    assert Honor.objects.filter(enterprise=world.enterprise_a).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"star": ""}, "star"),
        ({"kind": "brand", "title": "品牌"}, "star"),
        ({"organization": None, "enterprise": None}, "organization"),
        ({"year": 1999}, "year"),
    ],
)
def test_honours_are_refused_with_the_field_named(world, changes, field):
    values = {"park": world.park, "year": 2024, "kind": "five_star", "star": "service", "organization": world.branch_a}
    with pytest.raises(ValidationError) as error:
        services.honor_save(honor=Honor(**(values | changes)))
    assert field in error.value.message_dict


def test_an_honour_for_another_parks_enterprise_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.honor_save(
            honor=Honor(park=world.park, year=2024, kind="title", title="先进", enterprise=world.other_enterprise)
        )
    assert "enterprise" in error.value.message_dict


def test_a_sheet_in_use_keeps_its_year(world):
    world.sheet.year = 2025
    with pytest.raises(ValidationError) as error:
        services.sheet_save(sheet=world.sheet)
    assert "year" in error.value.message_dict
    assert ScoringSheet.objects.get(pk=world.sheet.pk).year == 2024


def test_a_late_re_inspection_of_an_earlier_quarter_does_not_override_a_later_quarters_stars(world):
    q1 = services.rating_save(
        rating=Rating(organization=world.branch_a, sheet=world.sheet, year=2024, quarter=1,
                      assessed_on=date(2024, 7, 5)),
        items=items_for(world.sheet, 10, 10, 10, 0),
    )  # fmt: skip
    services.rating_confirm(rating=q1)  # one star, inspected after Q2's four-star rating of 2024-06-28
    stars = {o.name: o.stars for o in selectors.rated_organizations([world.park.pk], date(2024, 7, 10))}
    assert stars["甲支部"] == 4
