"""The demo's ratings, honours and subsidy ledger reproduce the published figures (issue 4), read through the
API as an outside client reads them, and agree with the rules the services apply."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from rest_framework.test import APIClient

from devtools.demo import ratings as demo_ratings
from organizations.models import (
    GOOD_OR_ABOVE,
    DuesCollection,
    Honor,
    Organization,
    Park,
    Rating,
    ScoringSheet,
    StarLevel,
    Subsidy,
    SubsidyKind,
    SubsidyRule,
)
from organizations.ratings.services import ItemLine, level_for, total_of
from parkparty.dates import quarter_code

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def admin():
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    return client


def park(code: str) -> Park:
    return Park.objects.get(code=code)


def get(client: APIClient, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


# --- Yutai ---------------------------------------------------------------------------------------------


def test_yutai_had_paid_exactly_27050_yuan_of_red_star_allowances_by_the_report_s_date(admin):
    """“2020年以来已发放‘红星津贴’27050元”, in the report of 2020-09-29; the allowances go on after it."""
    kind = SubsidyKind.RED_STAR_ALLOWANCE
    stats = get(admin, f"{API}/stats/subsidies/", park=park("yutai").pk, kind=kind, until="2020-09-29")
    assert stats["total"] == "27050.00"
    assert set(stats["by_year"]) == {"2020"}
    stats = get(admin, f"{API}/stats/subsidies/", park=park("yutai").pk, kind=kind)
    assert Decimal(stats["total"]) > Decimal("27050.00")
    assert set(stats["by_year"]) == {str(year) for year in range(2020, 2027)}


def test_yutai_allowances_follow_the_stars_of_confirmed_ratings_at_the_rule_s_rates():
    yutai = park("yutai")
    rule = SubsidyRule.objects.get(park=yutai, kind=SubsidyKind.RED_STAR_ALLOWANCE)
    rates = dict(rule.rates.values_list("stars", "amount"))
    assert rule.valid_from == date(2020, 1, 1)
    records = Subsidy.objects.filter(park=yutai, kind=SubsidyKind.RED_STAR_ALLOWANCE).select_related(
        "rating", "organization"
    )
    paid = [record for record in records if record.status == Subsidy.Status.PAID]
    for record in records:
        assert record.rating.status == Rating.Status.CONFIRMED
        assert record.amount == rates[record.rating.stars] > 0
        assert record.period == record.rating.period
        assert record.member_id == record.organization.secretary_id
    assert paid and all(record.voucher_no and record.paid_on <= timezone.localdate() for record in paid)
    # Paid through 2026 Q2; every rating of a paid quarter with a rate above zero was paid once.
    assert max(record.period for record in paid) == "2026-Q2"
    paid_ratings = {record.rating_id for record in paid}
    assert len(paid_ratings) == len(paid)
    owed = Rating.objects.filter(park=yutai, year__lte=2026).exclude(year=2026, quarter__gt=2)
    assert {r.pk for r in owed if rates.get(r.stars, 0) > 0} == paid_ratings


def test_yutai_latest_quarter_is_proposed_not_paid():
    year, quarter = demo_ratings.last_closed_quarter(timezone.localdate())
    # The suite's frozen clock (tests/conftest.py) is past the close of the quarter after the last paid one.
    assert (year, quarter) > demo_ratings.YUTAI_PAID_THROUGH
    records = Subsidy.objects.filter(park=park("yutai"), period=quarter_code(year, quarter))
    assert records.exists()
    assert set(records.values_list("status", flat=True)) == {Subsidy.Status.PROPOSED}


def test_every_yutai_branch_is_rated_every_quarter_it_existed_in_with_changing_stars():
    yutai = park("yutai")
    branches = Organization.objects.filter(park=yutai, kind=Organization.Kind.BRANCH)
    assert branches.count() == 26
    last = demo_ratings.last_closed_quarter(timezone.localdate())
    quarters = demo_ratings.quarters_between((2020, 1), last)
    by_branch = defaultdict(dict)
    for rating in Rating.objects.filter(park=yutai).order_by("year", "quarter"):
        assert rating.status == Rating.Status.CONFIRMED
        by_branch[rating.organization_id][rating.year, rating.quarter] = rating.stars
    assert set(by_branch) == {branch.pk for branch in branches}
    for branch in branches:
        rated = list(by_branch[branch.pk])
        # From the first quarter the branch existed in (at the inspection) to the last closed one, no gaps.
        assert rated == quarters[quarters.index(rated[0]) :]
        assert branch.established_on < date(rated[0][0], 3 * rated[0][1], 28)
    changes = sum(
        stars != previous
        for walk in by_branch.values()
        for previous, stars in zip(list(walk.values()), list(walk.values())[1:], strict=False)
    )
    assert changes > 50  # dynamic adjustment, quarter by quarter
    assert {stars for walk in by_branch.values() for stars in walk.values()} == {1, 2, 3, 4, 5}
    assert Rating.objects.filter(park=yutai, vetoed=True, stars=1).count() == 2


def test_yutai_has_a_scoring_sheet_a_year_with_a_veto_item_and_the_three_brands():
    yutai = park("yutai")
    sheets = ScoringSheet.objects.filter(park=yutai)
    assert {sheet.year for sheet in sheets} >= set(range(2020, 2027))
    for sheet in sheets:
        criteria = list(sheet.criteria.all())
        assert sum(criterion.max_points for criterion in criteria) == 100
        assert [criterion.title for criterion in criteria if criterion.is_veto] == ["一票否决"]
        assert {"meetings", "matters"} <= {criterion.source for criterion in criteria}
    brands = Honor.objects.filter(park=yutai, kind=Honor.Kind.BRAND)
    assert sorted(brands.values_list("title", flat=True)) == sorted(
        f"{title}党建品牌" for title, _org, _trade in demo_ratings.YUTAI_BRANDS
    )
    assert all(honor.organization.kind == "branch" for honor in brands)


def test_demo_ratings_add_up_as_rating_save_computes_them():
    """Each rating's total, stars and class are those its item scores give (total_of, level_for)."""
    ratings = Rating.objects.prefetch_related("items__criterion")
    levels = defaultdict(list)
    for level in StarLevel.objects.all():
        levels[level.park_id].append(level)
    assert ratings.count() > 900
    for rating in ratings:
        lines = [ItemLine(item.criterion, item.score, item.reason, item.triggered) for item in rating.items.all()]
        assert len(lines) == 7
        total, vetoed = total_of(lines)
        assert (rating.total, rating.vetoed) == (total, vetoed)
        assert (rating.stars, rating.classification) == level_for(levels[rating.park_id], total, vetoed=vetoed)


# --- Quanzhou ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [None, "2023-07-10"])
def test_quanzhou_rates_82_6_percent_of_its_non_public_branches_good_or_above(admin, as_of):
    params = {"park": park("quanzhou").pk} | ({"as_of": as_of} if as_of else {})
    stats = get(admin, f"{API}/stats/ratings/", **params)
    assert round(float(stats["good_or_above_rate"]), 3) == 0.826
    assert (stats["good_or_above"], stats["rated"]) == (109, 132)
    assert all(count > 0 for count in stats["by_classification"].values())


def test_quanzhou_rates_the_organizations_holding_branch_life_and_brands_lead_the_demonstration_class():
    quanzhou = park("quanzhou")
    organizations = list(Organization.objects.filter(park=quanzhou))
    rated = demo_ratings.quanzhou_rated(organizations)
    assert len(rated) == 132
    assert set(Rating.objects.filter(park=quanzhou).values_list("organization", flat=True)) == {o.pk for o in rated}
    latest = Rating.objects.filter(park=quanzhou, year=2023, quarter=2)
    for name in ("天地星党支部", "万龙党支部", "艺达党支部", "友臣党支部", "三星党支部"):
        rating = latest.get(organization__name=name)
        assert rating.classification in GOOD_OR_ABOVE


def test_quanzhou_has_ten_branded_organizations(admin):
    body = get(admin, f"{API}/honors/", park=park("quanzhou").pk, kind=Honor.Kind.BRAND)
    assert body["count"] == 10
    honors = Honor.objects.filter(park__code="quanzhou", kind=Honor.Kind.BRAND).select_related("organization")
    named = {honor.organization.name: honor.title for honor in honors}
    assert named["九牧王党委"] == "“五心引领”党建品牌"
    assert named["三星党支部"] == "“党员+技术中心”党建品牌"
    assert {"特步党委", "天地星党支部", "万龙党支部", "艺达党支部", "友臣党支部"} < set(named)


# --- Kaihua --------------------------------------------------------------------------------------------


def test_kaihua_five_star_competition_with_one_five_star_firm_named_national_workers_pioneer(admin):
    kaihua = park("kaihua")
    body = get(admin, f"{API}/honors/", park=kaihua.pk, kind=Honor.Kind.FIVE_STAR)
    assert body["count"] == Honor.objects.filter(park=kaihua, kind=Honor.Kind.FIVE_STAR).count() >= 50
    honors = Honor.objects.filter(park=kaihua, kind=Honor.Kind.FIVE_STAR)
    assert set(honors.values_list("star", flat=True)) == set(Honor.Star.values)
    assert honors.filter(awarded_by="").count() == 0 and honors.filter(enterprise__isnull=True).count() == 0
    five = honors.values("enterprise").annotate(stars=Count("star", distinct=True)).filter(stars=5)
    assert five.count() == 1
    pioneer = Honor.objects.get(park=kaihua, kind=Honor.Kind.TITLE, title="全国工人先锋号")
    assert pioneer.enterprise_id == five[0]["enterprise"]
    assert "硅业" in pioneer.enterprise.name


def test_kaihua_pays_allowances_to_outstanding_secretaries(admin):
    kaihua = park("kaihua")
    stats = get(admin, f"{API}/stats/subsidies/", park=kaihua.pk, kind=SubsidyKind.SECRETARY_ALLOWANCE)
    records = Subsidy.objects.filter(park=kaihua, kind=SubsidyKind.SECRETARY_ALLOWANCE, status=Subsidy.Status.PAID)
    assert records.count() >= 10
    assert Decimal(stats["total"]) == demo_ratings.KAIHUA_SECRETARY_ALLOWANCE * records.count()
    starred = set(Honor.objects.filter(park=kaihua, kind=Honor.Kind.FIVE_STAR).values_list("enterprise", flat=True))
    for record in records.select_related("organization", "member"):
        assert record.member == record.organization.secretary
        assert record.organization.coverages.filter(enterprise__in=starred).exists()


# --- Dehua ---------------------------------------------------------------------------------------------


def test_dehua_returns_the_dues_of_2019_in_full(admin):
    dehua = park("dehua-chengdong")
    rule = SubsidyRule.objects.get(park=dehua, kind=SubsidyKind.DUES_RETURN)
    assert (rule.share, rule.valid_from) == (Decimal("1.0000"), date(2019, 1, 1))
    dues = DuesCollection.objects.filter(park=dehua, month__year=2019)
    branches = Organization.objects.filter(park=dehua, kind="branch", established_on__lt=date(2019, 12, 1))
    assert set(dues.values_list("organization", flat=True)) == set(branches.values_list("pk", flat=True))
    assert dues.count() > 59 * 10
    collected = sum(dues.values_list("amount", flat=True), Decimal(0))
    stats = get(admin, f"{API}/stats/subsidies/", park=dehua.pk, kind=SubsidyKind.DUES_RETURN)
    assert Decimal(stats["total"]) == collected
    for record in Subsidy.objects.filter(park=dehua, kind=SubsidyKind.DUES_RETURN).select_related("dues"):
        assert (record.status, record.amount, record.period) == (
            "paid",
            record.dues.amount,
            f"{record.dues.month:%Y-%m}",
        )
        assert record.dues.month < record.paid_on <= record.dues.month + timedelta(days=45)


def test_dehua_special_fund_from_owners_donations_exceeds_300000_yuan(admin):
    dehua = park("dehua-chengdong")
    rule = SubsidyRule.objects.get(park=dehua, kind=SubsidyKind.SPECIAL_FUND)
    assert rule.source == "企业业主捐资"
    stats = get(admin, f"{API}/stats/subsidies/", park=dehua.pk, kind=SubsidyKind.SPECIAL_FUND, until="2019-12-31")
    assert stats["total"] == "316800.00"
    assert Decimal(stats["total"]) > 300_000


# --- history and idempotence ---------------------------------------------------------------------------


def test_bulk_loaded_ratings_and_subsidies_have_their_history():
    for model in (Rating, Subsidy, DuesCollection):
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model.objects.count()


def test_loading_the_demo_again_changes_nothing():
    models = (Rating, Honor, Subsidy, DuesCollection, ScoringSheet, SubsidyRule, StarLevel)
    before = [model.objects.count() for model in models]
    call_command("load_demo", "--force", stdout=StringIO())
    assert [model.objects.count() for model in models] == before


def test_the_demo_s_two_admins_carry_a_proposed_allowance_through_four_eyes(admin):
    # Yutai's allowances after the last paid quarter wait as proposals (the portal's quarterly run).
    record = Subsidy.objects.filter(park=park("yutai"), status=Subsidy.Status.PROPOSED).first()
    url = f"{API}/subsidies/{record.pk}/"
    assert admin.post(url + "approve/").status_code == 200
    payment = {"voucher_no": "YTHX-演示", "paid_on": "2026-12-01"}
    assert admin.post(url + "pay/", payment).status_code == 400  # demo-admin approved it
    treasurer = APIClient()
    treasurer.force_login(get_user_model().objects.get(username="demo-treasurer"))
    paid = treasurer.post(url + "pay/", payment)
    assert (paid.status_code, paid.json()["status"]) == (200, "paid")
