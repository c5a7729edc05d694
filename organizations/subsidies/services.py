"""Writes on the subsidy ledger: rules, proposals, approval, payment, cancellation and reversal, the
quarterly red-star allowance run and dues returns.

Only these functions change a subsidy. Each validates before it writes and runs in one transaction; a
paid entry is never changed (the database refuses too: migration 0003), only reversed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import (
    DuesCollection,
    Organization,
    Park,
    Rating,
    Subsidy,
    SubsidyKind,
    SubsidyRate,
    SubsidyRule,
)
from organizations.subsidies import selectors
from parkparty import access
from parkparty.dates import date_errors, parse_period, quarter_bounds, quarter_code, work_fact, year_in_range
from parkparty.history import change_reason_errors, sync_rows, user_or_none

MAX_AMOUNT = Decimal("9999999999.99")


@dataclass(frozen=True)
class RunResult:
    """What a proposal run did: records created, proposals whose amount changed, records left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def amount_errors(amount, *, field: str = "amount") -> dict[str, str]:
    """Yuan with at most two decimals, more than zero."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return {field: _("Give an amount in yuan, such as 1250.00.")}
    if amount.as_tuple().exponent < -2:
        return {field: _("An amount has at most two decimals (fen).")}
    if amount <= 0:
        return {field: _("An amount must be more than zero.")}
    if amount > MAX_AMOUNT:
        return {field: _("This amount is too large.")}
    return {}


# --- rules -----------------------------------------------------------------------------------------


def rule_errors(rule: SubsidyRule) -> dict[str, str]:
    if rule.pk and Subsidy.objects.filter(rule_id=rule.pk).exists():
        return {"valid_from": _("Records were computed with this rule: add a new rule from a later date instead.")}
    if rule.valid_from is None:
        return {"valid_from": _("Give the day the rule is valid from.")}
    if errors := date_errors(rule, ["valid_from"]):
        return errors
    same_day = SubsidyRule.objects.filter(park_id=rule.park_id, kind=rule.kind, valid_from=rule.valid_from)
    if same_day.exclude(pk=rule.pk).exists():
        return {"valid_from": _("The park has a rule of this kind from this date: change that one.")}
    return {}


@transaction.atomic
def rule_save(*, rule: SubsidyRule, rates: dict[int, Decimal] | None = None, actor=None) -> SubsidyRule:
    """Add a rule, or change one no record was computed with yet (past payments keep their rule: a
    change of policy is a new rule from a later date). `rates`: stars → amount per quarter."""
    errors = rule_errors(rule)
    for stars, amount in (rates or {}).items():
        if amount != 0:
            errors |= amount_errors(amount, field="rates")
        if not 1 <= stars <= 5:
            errors["rates"] = _("Star levels run from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    rule.full_clean()
    rule.save()
    if rates is not None:
        wanted = [SubsidyRate(rule=rule, stars=stars, amount=amount) for stars, amount in sorted(rates.items())]
        sync_rows(rule.rates.all(), wanted, key=lambda rate: rate.stars, fields=["amount"])
    access.require_writable(actor, rule)
    return rule


# --- one record ------------------------------------------------------------------------------------


def _record_errors(subsidy: Subsidy) -> dict[str, str]:
    errors = amount_errors(subsidy.amount)
    bounds = parse_period(subsidy.period or "")
    if bounds is None:
        errors["period"] = _("Give a period as YYYY-MM, YYYY-Qn, YYYY-H1, YYYY-H2 or YYYY.")
    else:
        subsidy.period_start = bounds[0]
    organization = subsidy.organization
    if organization.park_id != subsidy.park_id:
        errors["organization"] = _("This belongs to another park.")
    member = subsidy.member
    if member is not None and not member.organization.path.startswith(organization.path):
        errors["member"] = _("The recipient must be a member of the recipient organization.")
    if "period" not in errors and selectors.existing(subsidy).exists():
        errors["period"] = _("This recipient already has a %(kind)s record for %(period)s.") % {
            "kind": subsidy.get_kind_display(),
            "period": subsidy.period,
        }
    return errors


@transaction.atomic
def subsidy_propose(*, subsidy: Subsidy, actor=None) -> Subsidy:
    """A new proposed record. One per recipient, kind and period (unless the earlier one was cancelled
    or reversed)."""
    subsidy.park_id = subsidy.organization.park_id
    access.require_admin(actor, subsidy.park_id, _("Only a park admin changes the subsidy ledger."))
    # Serialize proposals for one organization: the duplicate check reads, then writes.
    Organization.objects.select_for_update().filter(pk=subsidy.organization_id).first()
    errors = _record_errors(subsidy)
    if errors:
        raise ValidationError(errors)
    subsidy.status = Subsidy.Status.PROPOSED
    subsidy.created_by = user_or_none(actor)
    subsidy.full_clean()
    subsidy.save()
    return subsidy


def _locked(subsidy: Subsidy, actor) -> Subsidy:
    """The record, locked against a concurrent action, once the actor may act on it."""
    access.require_admin(actor, subsidy.park_id, _("Only a park admin changes the subsidy ledger."))
    return Subsidy.objects.select_for_update(of=("self",)).select_related("organization", "member").get(pk=subsidy.pk)


def _require(subsidy: Subsidy, *statuses: str, message: str) -> None:
    if subsidy.status not in statuses:
        raise ValidationError({"status": message})


def _require_second_person(record: Subsidy, actor, *, previous_id: int | None, field: str, message: str) -> None:
    """Four eyes (the park's `four_eyes`, on by default): the person who took the previous step does not
    take this one. The portal itself (no actor) and a step taken by no known person are not checked."""
    if actor is not None and previous_id is not None and previous_id == actor.pk and record.park.four_eyes:
        raise ValidationError({field: message})


@transaction.atomic
def subsidy_change(*, subsidy: Subsidy, amount: Decimal | None = None, note: str | None = None, actor=None) -> Subsidy:
    """Correct a proposal's amount or note. Approved, paid and cancelled records are not edited."""
    record = _locked(subsidy, actor)
    if record.status == Subsidy.Status.PAID:
        raise ValidationError({"status": _("A paid record is final: reverse it, and propose the correct one.")})
    _require(record, Subsidy.Status.PROPOSED, message=_("Only a proposed record can be changed."))
    if amount is not None:
        errors = amount_errors(amount)
        if errors:
            raise ValidationError(errors)
        record.amount = amount
    if note is not None:
        record.note = note
    record.full_clean()
    record.save(update_fields=["amount", "note"])
    return record


@transaction.atomic
def subsidy_approve(*, subsidy: Subsidy, actor=None) -> Subsidy:
    record = _locked(subsidy, actor)
    _require(record, Subsidy.Status.PROPOSED, message=_("Only a proposed record can be approved."))
    _require_second_person(
        record, actor, previous_id=record.created_by_id, field="approved_by",
        message=_("You proposed this record: another park admin must approve it (four eyes)."),
    )  # fmt: skip
    record.status = Subsidy.Status.APPROVED
    record.approved_by = actor
    record.approved_at = timezone.now()
    record.save(update_fields=["status", "approved_by", "approved_at"])
    return record


def _payment_errors(voucher_no: str, paid_on: date | None) -> dict[str, str]:
    errors = {}
    if not (voucher_no or "").strip():
        errors["voucher_no"] = _("Give the voucher number of the payment.")
    if paid_on is None:
        errors["paid_on"] = _("Give the date of payment.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be dated in the future.")
    elif (message := work_fact.error(paid_on)) is not None:
        errors["paid_on"] = message
    return errors


@transaction.atomic
def subsidy_pay(*, subsidy: Subsidy, voucher_no: str, paid_on: date, actor=None) -> Subsidy:
    """Record the payment of an approved record. From here on the record is final."""
    record = _locked(subsidy, actor)
    _require(record, Subsidy.Status.APPROVED, message=_("Only an approved record can be paid."))
    _require_second_person(
        record, actor, previous_id=record.approved_by_id, field="paid_by",
        message=_("You approved this record: another park admin must record its payment (four eyes)."),
    )  # fmt: skip
    errors = _payment_errors(voucher_no, paid_on)
    if errors:
        raise ValidationError(errors)
    record.status = Subsidy.Status.PAID
    record.voucher_no = voucher_no.strip()
    record.paid_on = paid_on
    record.paid_by = user_or_none(actor)
    record.save(update_fields=["status", "voucher_no", "paid_on", "paid_by"])
    return record


@transaction.atomic
def subsidy_cancel(*, subsidy: Subsidy, reason: str, actor=None) -> Subsidy:
    record = _locked(subsidy, actor)
    _require(
        record,
        *Subsidy.OPEN_STATUSES,
        message=_("Only a proposed or approved record can be cancelled; a paid one is reversed."),
    )
    errors = change_reason_errors(reason, missing=_("Say why the record is cancelled."))
    if errors:
        raise ValidationError(errors)
    record.status = Subsidy.Status.CANCELLED
    record._change_reason = reason
    record.save(update_fields=["status"])
    return record


@transaction.atomic
def subsidy_reverse(*, subsidy: Subsidy, reason: str, voucher_no: str, paid_on: date, actor=None) -> Subsidy:
    """Undo a payment with a negative entry of the same amount, paid with its own voucher. The original
    stays as it was; the ledger nets the two to zero, and a corrected record may then be proposed. With
    four eyes on, the admin who recorded the payment does not reverse it; the reversal names who did
    (`created_by`, `paid_by`)."""
    record = _locked(subsidy, actor)
    _require(record, Subsidy.Status.PAID, message=_("Only a paid record is reversed; cancel an unpaid one."))
    if record.is_reversal:
        raise ValidationError({"status": _("A reversal cannot itself be reversed.")})
    if Subsidy.objects.filter(reverses=record).exists():
        raise ValidationError({"status": _("This payment has already been reversed.")})
    # Taking money back is a payment too: the one who recorded the payment does not also undo it alone.
    _require_second_person(
        record, actor, previous_id=record.paid_by_id, field="paid_by",
        message=_("You recorded this payment: another park admin must reverse it (four eyes)."),
    )  # fmt: skip
    errors = _payment_errors(voucher_no, paid_on)
    if "paid_on" not in errors and record.paid_on and paid_on < record.paid_on:
        errors["paid_on"] = _("A reversal cannot be dated before the payment it reverses (%(day)s).") % {
            "day": record.paid_on.isoformat()
        }
    errors |= change_reason_errors(reason, missing=_("Say why the payment is reversed."))
    if errors:
        raise ValidationError(errors)
    reversal = Subsidy(
        park_id=record.park_id,
        organization=record.organization,
        member=record.member,
        kind=record.kind,
        period=record.period,
        period_start=record.period_start,
        amount=-record.amount,
        status=Subsidy.Status.PAID,
        rule=record.rule,
        rating=record.rating,
        dues=record.dues,
        reverses=record,
        note=reason[:300],
        voucher_no=voucher_no.strip(),
        paid_on=paid_on,
        created_by=user_or_none(actor),
        paid_by=user_or_none(actor),
    )
    reversal._change_reason = reason
    reversal.full_clean()
    reversal.save()
    return reversal


# --- the quarterly red-star allowance run ----------------------------------------------------------


@transaction.atomic
def allowances_propose(*, park: Park, year: int, quarter: int, actor=None) -> RunResult:
    """Propose the quarter's red-star allowances from its confirmed ratings, at the rates of the rule in
    force on the quarter's last day. Idempotent: a record that exists is left alone, but for a proposal
    whose rating changed since (its amount follows, or it is cancelled when the new stars earn nothing).
    Running it twice changes nothing."""
    access.require_admin(actor, park.pk, _("Only a park admin proposes the park's subsidies."))
    if not (year_in_range(year) and quarter in (1, 2, 3, 4)):
        raise ValidationError(
            {"quarter": _("Give a year between 2000 and five years from now, and a quarter from 1 to 4.")}
        )
    Park.objects.select_for_update().get(pk=park.pk)  # one run per park at a time
    _start, end = quarter_bounds(year, quarter)
    rule = selectors.rule_in_force(park_id=park.pk, kind=SubsidyKind.RED_STAR_ALLOWANCE, on=end - timedelta(days=1))
    if rule is None:
        raise ValidationError({"rule": _("The park has no red-star allowance rule for this quarter.")})
    rates = dict(rule.rates.values_list("stars", "amount"))
    period = quarter_code(year, quarter)
    ratings = Rating.objects.filter(
        park=park, year=year, quarter=quarter, status=Rating.Status.CONFIRMED
    ).select_related("organization")
    existing = {record.organization_id: record for record in selectors.standing(park.pk, period, rule.kind)}
    created = updated = unchanged = 0
    for rating in ratings:
        amount = rates.get(rating.stars, Decimal(0))
        record = existing.get(rating.organization_id)
        if record is None:
            if amount > 0:
                _propose_allowance(rating, rule, amount, period, actor)
                created += 1
        elif _follow_rating(record, rating, amount):
            updated += 1
        else:
            unchanged += 1
    return RunResult(created, updated, unchanged)


def _follow_rating(record: Subsidy, rating: Rating, amount: Decimal) -> bool:
    """Bring a still-proposed allowance in line with its (corrected) rating: a new amount, or cancelled
    when the stars no longer earn one. Approved and paid records stand. True when it changed."""
    if record.status != Subsidy.Status.PROPOSED:
        return False
    if amount <= 0:
        record.status = Subsidy.Status.CANCELLED
        record._change_reason = _("The corrected rating earns no allowance.")
        record.save(update_fields=["status"])
        return True
    if record.amount == amount and record.rating_id == rating.pk:
        return False
    record.amount, record.rating = amount, rating
    record.save(update_fields=["amount", "rating"])
    return True


def _propose_allowance(rating: Rating, rule: SubsidyRule, amount: Decimal, period: str, actor) -> Subsidy:
    organization = rating.organization
    return Subsidy.objects.create(
        park_id=organization.park_id,
        organization=organization,
        member_id=organization.secretary_id,  # the branch's party worker (党务工作者) is paid
        kind=SubsidyKind.RED_STAR_ALLOWANCE,
        period=period,
        period_start=quarter_bounds(rating.year, rating.quarter)[0],
        amount=amount,
        rule=rule,
        rating=rating,
        created_by=user_or_none(actor),
    )


# --- dues ------------------------------------------------------------------------------------------


def dues_errors(dues: DuesCollection) -> dict[str, str]:
    errors = {}
    if dues.month is None or dues.month.day != 1:
        errors["month"] = _("Give the month as its first day.")
    elif dues.month > timezone.localdate():
        errors["month"] = _("Dues cannot be collected in a month that has not begun.")
    else:
        errors |= date_errors(dues, ["month"])
    if dues.organization.kind not in Organization.BRANCH_KINDS:
        errors["organization"] = _("Dues are collected by party committees, general branches and branches.")
    if not isinstance(dues.amount, Decimal) or dues.amount < 0 or dues.amount.as_tuple().exponent < -2:
        errors["amount"] = _("Give the dues in yuan with at most two decimals, zero or more.")
    if dues.pk and Subsidy.objects.filter(dues_id=dues.pk, status=Subsidy.Status.PAID).exists():
        errors["amount"] = _("A return was paid from these dues: they can no longer change.")
    elif dues.pk and Subsidy.objects.filter(dues_id=dues.pk, status__in=Subsidy.OPEN_STATUSES).exists():
        errors["amount"] = _("A return from these dues is pending: cancel it before correcting the dues.")
    return errors


@transaction.atomic
def dues_record(*, dues: DuesCollection, actor=None) -> DuesCollection:
    """Record (or correct, while no return was paid from it) the dues a branch collected in a month."""
    dues.park_id = dues.organization.park_id
    errors = dues_errors(dues)
    if errors:
        raise ValidationError(errors)
    if dues.recorded_by_id is None:
        dues.recorded_by = user_or_none(actor)
    dues.full_clean()
    dues.save()
    access.require_writable(actor, dues)
    return dues


@transaction.atomic
def dues_returns_propose(*, park: Park, month: date, actor=None) -> RunResult:
    """Propose the month's dues returns: the rule's share of what each branch collected. Idempotent."""
    access.require_admin(actor, park.pk, _("Only a park admin proposes the park's subsidies."))
    Park.objects.select_for_update().get(pk=park.pk)
    rule = selectors.rule_in_force(park_id=park.pk, kind=SubsidyKind.DUES_RETURN, on=month)
    if rule is None:
        raise ValidationError({"rule": _("The park has no dues-return rule for this month.")})
    period = f"{month:%Y-%m}"
    existing = {record.organization_id: record for record in selectors.standing(park.pk, period, rule.kind)}
    created = unchanged = 0
    for dues in DuesCollection.objects.filter(park=park, month=month).select_related("organization"):
        amount = (dues.amount * rule.share).quantize(Decimal("0.01"))
        if dues.organization_id in existing or amount <= 0:
            unchanged += dues.organization_id in existing
            continue
        Subsidy.objects.create(
            park=park,
            organization=dues.organization,
            kind=SubsidyKind.DUES_RETURN,
            period=period,
            period_start=month,
            amount=amount,
            rule=rule,
            dues=dues,
            created_by=user_or_none(actor),
        )
        created += 1
    return RunResult(created=created, unchanged=unchanged)
