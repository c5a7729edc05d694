"""The park admin's subsidy-rule pages: the list, a red-star rule with its rates by star, the other
kinds' share and amount, a rule records were computed with being final — refusals on the field with
nothing written, ids outside the admin's parks, and the list's queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from organizations.models import SubsidyKind, SubsidyRate, SubsidyRule
from organizations.subsidies.services import rule_save
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["admin"])
    return client


def rule_data(kind="red_star_allowance", valid_from="2026-01-01", rates=(400, 300, 200, 100, 0), **overrides) -> dict:
    data = {"kind": kind, "valid_from": valid_from, "share": "1", "amount": "0", "source": "", "notes": ""}
    data |= {f"rate_{stars}": amount for stars, amount in zip(range(5, 0, -1), rates, strict=True)}
    return data | overrides


def test_an_admin_adds_a_red_star_rule_with_its_rates_by_star(world, admin):
    response = admin.post(reverse("subsidy-rule-new"), rule_data())

    assert response.status_code == 302
    rule = SubsidyRule.objects.get(park=world.park, valid_from=date(2026, 1, 1))
    assert dict(rule.rates.values_list("stars", "amount")) == {5: 400, 4: 300, 3: 200, 2: 100, 1: 0}


def test_a_red_star_rule_without_every_stars_rate_is_refused_on_that_rate(world, admin):
    response = admin.post(reverse("subsidy-rule-new"), rule_data(rates=(400, 300, "", 100, 0)), **EN)

    assert response.context["form"].errors["rate_3"] == ["Give the allowance of every star level (0 for none)."]
    assert not SubsidyRule.objects.filter(valid_from=date(2026, 1, 1)).exists()


def test_a_rate_in_thousandths_of_a_yuan_is_refused_on_the_field(world, admin):
    response = admin.post(reverse("subsidy-rule-new"), rule_data(rates=("400.005", 300, 200, 100, 0)))

    assert "rate_5" in response.context["form"].errors
    assert not SubsidyRule.objects.filter(valid_from=date(2026, 1, 1)).exists()


def test_a_dues_return_rule_keeps_its_share_and_gets_no_rates(world, admin):
    response = admin.post(reverse("subsidy-rule-new"), rule_data(kind="dues_return", share="0.5", rates=("",) * 5))

    assert response.status_code == 302
    rule = SubsidyRule.objects.get(park=world.park, kind="dues_return", valid_from=date(2026, 1, 1))
    assert rule.share == Decimal("0.5")
    assert not rule.rates.exists()


def test_a_second_rule_of_a_kind_on_the_same_day_is_refused_on_the_date(world, admin):
    before = SubsidyRule.objects.count()

    response = admin.post(reverse("subsidy-rule-new"), rule_data(valid_from="2020-01-01"), **EN)

    assert "The park has a rule of this kind from this date" in response.context["form"].errors["valid_from"][0]
    assert SubsidyRule.objects.count() == before


def test_a_rule_records_were_computed_with_is_final(world, admin):
    url = reverse("subsidy-rule-edit", args=[world.rule.pk])
    rates = dict(world.rule.rates.values_list("stars", "amount"))

    page = admin.get(url, **EN)
    response = admin.post(url, rule_data(valid_from="2020-01-01", rates=(999, 300, 200, 100, 0)), **EN)

    assert "Records were computed with this rule" in page.content.decode()
    assert "Records were computed with this rule" in response.context["form"].errors["valid_from"][0]
    assert dict(world.rule.rates.values_list("stars", "amount")) == rates


def test_a_rule_no_record_uses_is_changed_with_its_rates(world, admin):
    rule = rule_save(
        rule=SubsidyRule(park=world.park, kind=SubsidyKind.RED_STAR_ALLOWANCE, valid_from=date(2025, 1, 1)),
        rates={5: Decimal(300), 4: Decimal(200), 3: Decimal(100), 2: Decimal(50), 1: Decimal(0)},
    )
    kept = SubsidyRate.objects.get(rule=rule, stars=4).pk

    response = admin.post(
        reverse("subsidy-rule-edit", args=[rule.pk]), rule_data(valid_from="2025-01-01", rates=(350, 200, 100, 50, 0))
    )

    assert response.status_code == 302
    assert dict(rule.rates.values_list("stars", "amount"))[5] == 350
    assert SubsidyRate.objects.get(rule=rule, stars=4).pk == kept  # unchanged rates stay as they are


def test_another_parks_rule_answers_exactly_like_one_that_does_not_exist(world, admin):
    other = rule_save(rule=SubsidyRule(park=world.other_park, kind="activity_fund", valid_from=date(2024, 1, 1)))

    outside = admin.get(reverse("subsidy-rule-edit", args=[other.pk]))
    missing = admin.get(reverse("subsidy-rule-edit", args=[other.pk + 1000]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


def test_a_secretary_gets_403_and_writes_nothing(world, client):
    client.force_login(world.users["secretary_a"])

    assert client.get(reverse("subsidy-rules")).status_code == 403
    assert client.post(reverse("subsidy-rule-new"), rule_data()).status_code == 403
    assert not SubsidyRule.objects.filter(valid_from=date(2026, 1, 1)).exists()


# session + scope, the administered parks, the count, one page of rules (use as a subquery), their rates.
LIST_QUERIES = SESSION_AND_SCOPE + 4


def test_the_list_takes_as_many_queries_for_many_rules_as_for_few(world, admin, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        admin.get(reverse("subsidy-rules"))
    for year in range(2010, 2019):
        rule_save(
            rule=SubsidyRule(park=world.park, kind=SubsidyKind.RED_STAR_ALLOWANCE, valid_from=date(year, 1, 1)),
            rates={5: Decimal(100), 1: Decimal(0)},
        )
    with django_assert_num_queries(LIST_QUERIES):
        response = admin.get(reverse("subsidy-rules"))
    assert len(response.context["page"].object_list) == 11
