"""The subsidy ledger: proposal → approval → payment, reversal instead of change, the idempotent
quarterly red-star run, dues returns, and the database refusing to touch a paid record."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from organizations.models import DuesCollection, Subsidy, SubsidyKind, SubsidyRule
from organizations.ratings import services as rating_services
from organizations.subsidies import selectors, services


def paid(world, subsidy=None):
    record = services.subsidy_approve(subsidy=subsidy or world.subsidy_a, actor=world.users["admin"])
    return services.subsidy_pay(subsidy=record, voucher_no="记-2024-081", paid_on=date(2024, 8, 1))


def proposal(world, **changes):
    values = {
        "organization": world.branch_b,
        "kind": SubsidyKind.ACTIVITY_FUND,
        "period": "2024",
        "amount": Decimal("1500.00"),
    }
    return Subsidy(**(values | changes))


# --- one record from proposal to payment -----------------------------------------------------------


def test_a_record_goes_from_proposed_to_approved_to_paid(world):
    record = paid(world)
    assert (record.status, record.voucher_no, record.paid_on) == ("paid", "记-2024-081", date(2024, 8, 1))
    assert record.approved_by == world.users["admin"]
    statuses = [h.status for h in record.history.order_by("history_date")]
    assert statuses == ["proposed", "approved", "paid"]


def test_paying_an_unapproved_record_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.subsidy_pay(subsidy=world.subsidy_a, voucher_no="V1", paid_on=date(2024, 8, 1))
    assert "status" in error.value.message_dict
    assert Subsidy.objects.get(pk=world.subsidy_a.pk).status == "proposed"


@pytest.mark.parametrize(
    ("voucher", "paid_on", "field"),
    [("", date(2024, 8, 1), "voucher_no"), ("V1", None, "paid_on"), ("V1", "tomorrow", "paid_on")],
)
def test_a_payment_needs_a_voucher_and_a_date_not_in_the_future(world, voucher, paid_on, field):
    if paid_on == "tomorrow":
        paid_on = timezone.localdate() + timedelta(days=1)
    record = services.subsidy_approve(subsidy=world.subsidy_a)
    with pytest.raises(ValidationError) as error:
        services.subsidy_pay(subsidy=record, voucher_no=voucher, paid_on=paid_on)
    assert field in error.value.message_dict
    assert Subsidy.objects.get(pk=record.pk).status == "approved"


@pytest.mark.parametrize("amount", [Decimal("-5"), Decimal("0"), Decimal("1.234"), Decimal("NaN"), "abc"])
def test_a_negative_zero_or_malformed_amount_is_refused(world, amount):
    with pytest.raises(ValidationError) as error:
        services.subsidy_propose(subsidy=proposal(world, amount=amount))
    assert "amount" in error.value.message_dict
    assert not Subsidy.objects.filter(kind=SubsidyKind.ACTIVITY_FUND).exists()


def test_a_malformed_period_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.subsidy_propose(subsidy=proposal(world, period="2024-Q5"))
    assert "period" in error.value.message_dict


def test_a_second_record_for_the_same_recipient_kind_and_period_is_refused(world):
    services.subsidy_propose(subsidy=proposal(world))
    with pytest.raises(ValidationError) as error:
        services.subsidy_propose(subsidy=proposal(world, amount=Decimal(99)))
    assert "period" in error.value.message_dict
    assert Subsidy.objects.filter(kind=SubsidyKind.ACTIVITY_FUND).count() == 1


def test_the_database_refuses_a_second_open_record_even_past_the_service(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.create(
            park=world.park,
            organization=world.branch_a,
            kind=SubsidyKind.RED_STAR_ALLOWANCE,
            period="2024-Q2",
            period_start=date(2024, 4, 1),
            amount=Decimal(1),
        )


def test_a_cancelled_record_makes_room_for_a_new_one(world):
    services.subsidy_cancel(subsidy=world.subsidy_a, reason="星级复核中")
    again = services.subsidy_propose(
        subsidy=proposal(world, organization=world.branch_a, kind=SubsidyKind.RED_STAR_ALLOWANCE, period="2024-Q2")
    )
    assert again.status == "proposed"


def test_a_recipient_person_must_belong_to_the_recipient_organization(world):
    with pytest.raises(ValidationError) as error:
        services.subsidy_propose(subsidy=proposal(world, member=world.member_a))  # member of branch A
    assert "member" in error.value.message_dict


def test_only_a_proposal_is_changed(world):
    changed = services.subsidy_change(subsidy=world.subsidy_a, amount=Decimal("150.00"), note="按新标准")
    assert changed.amount == Decimal("150.00")
    services.subsidy_approve(subsidy=changed)
    with pytest.raises(ValidationError):
        services.subsidy_change(subsidy=changed, amount=Decimal("1.00"))
    assert Subsidy.objects.get(pk=changed.pk).amount == Decimal("150.00")


# --- a paid record is final ------------------------------------------------------------------------


def test_a_paid_record_is_neither_changed_nor_cancelled_by_the_services(world):
    record = paid(world)
    for attempt in (
        lambda: services.subsidy_change(subsidy=record, amount=Decimal(1)),
        lambda: services.subsidy_cancel(subsidy=record, reason="错发"),
        lambda: services.subsidy_approve(subsidy=record),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert Subsidy.objects.get(pk=record.pk).amount == Decimal("200.00")


def test_the_database_refuses_to_change_a_paid_record_whatever_path_tries(world):
    record = paid(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.filter(pk=record.pk).update(amount=Decimal(1))
    record.note = "改一下"
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()
    assert Subsidy.objects.get(pk=record.pk).amount == Decimal("200.00")


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_a_paid_record(world):
    assert connection.vendor == "postgresql"
    record = paid(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.filter(pk=record.pk).delete()
    assert Subsidy.objects.filter(pk=record.pk).exists()


def test_a_reversal_is_a_negative_paid_entry_and_nets_the_ledger_to_zero(world):
    record = paid(world)
    reversal = services.subsidy_reverse(
        subsidy=record, reason="星级复核下调", voucher_no="红-2024-090", paid_on=date(2024, 9, 1)
    )
    assert (reversal.amount, reversal.status, reversal.reverses) == (Decimal("-200.00"), "paid", record)
    assert Subsidy.objects.get(pk=record.pk).status == "paid"  # the original stands as it was
    assert selectors.subsidy_stats(park_ids=[world.park.pk])["total"] == "0.00"
    with pytest.raises(ValidationError):
        services.subsidy_reverse(subsidy=record, reason="again", voucher_no="X", paid_on=date(2024, 9, 2))
    with pytest.raises(ValidationError):
        services.subsidy_reverse(subsidy=reversal, reason="again", voucher_no="X", paid_on=date(2024, 9, 2))
    # After the reversal, the corrected amount is proposed as a new record.
    corrected = services.subsidy_propose(
        subsidy=proposal(
            world,
            organization=world.branch_a,
            period="2024-Q2",
            kind=SubsidyKind.RED_STAR_ALLOWANCE,
            amount=Decimal(100),
        )
    )
    assert corrected.status == "proposed"


def test_an_unpaid_record_is_not_reversed_and_a_reversal_needs_a_reason(world):
    with pytest.raises(ValidationError):
        services.subsidy_reverse(subsidy=world.subsidy_a, reason="x", voucher_no="V", paid_on=date(2024, 9, 1))
    record = paid(world)
    with pytest.raises(ValidationError) as error:
        services.subsidy_reverse(subsidy=record, reason=" ", voucher_no="V", paid_on=date(2024, 9, 1))
    assert "reason" in error.value.message_dict
    assert not Subsidy.objects.filter(reverses=record).exists()


# --- statistics ------------------------------------------------------------------------------------


def test_statistics_sum_paid_entries_by_kind_and_year_within_the_dates_paid(world):
    paid(world)
    fund = services.subsidy_propose(subsidy=proposal(world, period="2025"))
    paid(world, fund)  # paid on 2024-08-01 as well
    services.subsidy_propose(subsidy=proposal(world, organization=world.branch_a, period="2025"))  # unpaid
    stats = selectors.subsidy_stats(park_ids=[world.park.pk])
    assert stats == {
        "total": "1700.00",
        "by_kind": {"red_star_allowance": "200.00", "activity_fund": "1500.00"},
        "by_year": {"2024": "1700.00"},
        "paid_records": 2,
        "reversals": 0,
    }
    assert selectors.subsidy_stats(park_ids=[world.park.pk], kind="activity_fund")["total"] == "1500.00"
    assert selectors.subsidy_stats(park_ids=[world.park.pk], since=date(2024, 8, 2))["total"] == "0.00"
    assert selectors.subsidy_stats(park_ids=[world.other_park.pk])["total"] == "0.00"


# --- the quarterly red-star run --------------------------------------------------------------------


def confirmed_rating(world, organization, quarter, scores):
    criteria = list(world.sheet.criteria.all())
    lines = [rating_services.ItemLine(c, Decimal(s), reason="巡查") for c, s in zip(criteria, scores, strict=False)]
    rating = rating_services.rating_save(
        rating=rating_services.Rating(
            organization=organization,
            sheet=world.sheet,
            year=2024,
            quarter=quarter,
            assessed_on=date(2024, 3 * quarter, 28),
        ),
        items=lines,
    )
    return rating_services.rating_confirm(rating=rating)


def test_the_quarterly_run_proposes_allowances_by_stars_and_a_second_run_changes_nothing(world):
    confirmed_rating(world, world.branch_a, 3, (40, 30, 20))  # 90: five stars
    confirmed_rating(world, world.branch_b, 3, (30, 20, 20))  # 70: three stars
    confirmed_rating(world, world.committee, 3, (10, 10, 10))  # 30: one star, no allowance at 0 yuan
    first = services.allowances_propose(park=world.park, year=2024, quarter=3)
    assert first == services.RunResult(created=2, updated=0, unchanged=0)
    rows = set(Subsidy.objects.filter(period="2024-Q3").values_list("organization__name", "amount", "status", "rule"))
    assert rows == {
        ("甲支部", Decimal("300.00"), "proposed", world.rule.pk),
        ("乙联合支部", Decimal("100.00"), "proposed", world.rule.pk),
    }
    history = Subsidy.history.count()
    assert services.allowances_propose(park=world.park, year=2024, quarter=3) == services.RunResult(unchanged=2)
    assert (
        set(Subsidy.objects.filter(period="2024-Q3").values_list("organization__name", "amount", "status", "rule"))
        == rows
    )
    assert Subsidy.history.count() == history


def test_the_run_follows_a_changed_rating_while_the_allowance_is_only_proposed(world):
    rating = confirmed_rating(world, world.branch_a, 3, (40, 30, 20))
    services.allowances_propose(park=world.park, year=2024, quarter=3)
    lines = [
        rating_services.ItemLine(c, Decimal(s), reason="复核")
        for c, s in zip(world.sheet.criteria.all(), (30, 20, 20), strict=False)
    ]
    rating_services.rating_save(rating=rating, items=lines, reason="复核下调")  # now three stars
    assert services.allowances_propose(park=world.park, year=2024, quarter=3) == services.RunResult(updated=1)
    assert Subsidy.objects.get(period="2024-Q3").amount == Decimal("100.00")


def test_a_proposal_whose_corrected_rating_earns_nothing_is_cancelled_by_the_run(world):
    rating = confirmed_rating(world, world.branch_a, 3, (40, 30, 20))
    services.allowances_propose(park=world.park, year=2024, quarter=3)
    lines = [rating_services.ItemLine(c, Decimal(0), reason="事故") for c in world.sheet.criteria.all()]
    rating_services.rating_save(rating=rating, items=lines, reason="发生安全事故")  # one star: 0 yuan
    assert services.allowances_propose(park=world.park, year=2024, quarter=3) == services.RunResult(updated=1)
    assert Subsidy.objects.get(period="2024-Q3").status == "cancelled"
    assert services.allowances_propose(park=world.park, year=2024, quarter=3) == services.RunResult()


def test_a_paid_allowance_is_left_alone_by_the_run(world):
    paid(world)  # branch A's 2024-Q2 allowance, computed at four stars
    assert services.allowances_propose(park=world.park, year=2024, quarter=2) == services.RunResult(unchanged=1)
    assert Subsidy.objects.filter(period="2024-Q2").count() == 1


def test_past_records_keep_the_rule_they_were_computed_with(world):
    confirmed_rating(world, world.branch_a, 3, (40, 30, 20))
    services.allowances_propose(park=world.park, year=2024, quarter=3)
    newer = services.rule_save(
        rule=SubsidyRule(park=world.park, kind=SubsidyKind.RED_STAR_ALLOWANCE, valid_from=date(2024, 10, 1)),
        rates={5: Decimal(500)},
    )
    assert Subsidy.objects.get(period="2024-Q3").rule == world.rule
    assert selectors.rule_in_force(park_id=world.park.pk, kind="red_star_allowance", on=date(2024, 12, 31)) == newer
    with pytest.raises(ValidationError) as error:
        services.rule_save(rule=world.rule, rates={5: Decimal(1)})
    assert "valid_from" in error.value.message_dict


def test_the_run_needs_a_rule_in_force(world):
    with pytest.raises(ValidationError) as error:
        services.allowances_propose(park=world.other_park, year=2024, quarter=3)
    assert "rule" in error.value.message_dict


# --- dues ------------------------------------------------------------------------------------------


def test_dues_returns_are_proposed_once_at_the_rules_share(world):
    SubsidyRule.objects.filter(park=world.park, kind="dues_return").update(share=Decimal("0.5"))
    result = services.dues_returns_propose(park=world.park, month=date(2024, 5, 1))
    assert result == services.RunResult(created=1)
    record = Subsidy.objects.get(kind="dues_return")
    assert (record.amount, record.dues, record.period) == (Decimal("180.00"), world.dues_a, "2024-05")
    assert services.dues_returns_propose(park=world.park, month=date(2024, 5, 1)) == services.RunResult(unchanged=1)
    dues = selectors.with_returns(DuesCollection.objects.all()).get()
    assert (dues.returning, dues.returned) == (Decimal("180.00"), Decimal(0))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"month": date(2024, 5, 2)}, "month"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": Decimal("1.001")}, "amount"),
    ],
)
def test_dues_are_refused_with_the_field_named(world, changes, field):
    values = {"organization": world.branch_b, "month": date(2024, 5, 1), "amount": Decimal(100)}
    with pytest.raises(ValidationError) as error:
        services.dues_record(dues=DuesCollection(**(values | changes)))
    assert field in error.value.message_dict


def test_dues_a_return_was_paid_from_no_longer_change(world):
    services.dues_returns_propose(park=world.park, month=date(2024, 5, 1))
    paid(world, Subsidy.objects.get(kind="dues_return"))
    world.dues_a.amount = Decimal(1)
    with pytest.raises(ValidationError) as error:
        services.dues_record(dues=world.dues_a)
    assert "amount" in error.value.message_dict


def test_dues_with_a_pending_return_are_not_corrected_until_it_is_cancelled(world):
    services.dues_returns_propose(park=world.park, month=date(2024, 5, 1))
    world.dues_a.amount = Decimal(500)
    with pytest.raises(ValidationError) as error:
        services.dues_record(dues=world.dues_a)
    assert "amount" in error.value.message_dict
    services.subsidy_cancel(subsidy=Subsidy.objects.get(kind="dues_return"), reason="党费更正")
    assert services.dues_record(dues=world.dues_a).amount == Decimal(500)
