"""The subsidy ledger: dated rules, records from proposal to payment, and party dues collected.

Money is Decimal yuan with two decimals. A paid record is never changed or deleted (a database trigger
refuses it, whatever path tries): a correction is a reversal entry, a negative record pointing at it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.structure import Organization, Park, PartyMember
from organizations.ratings.models import MAX_STARS, Rating
from parkparty.dates import work_fact, work_plan

MONEY = {"max_digits": 12, "decimal_places": 2}


class SubsidyKind(models.TextChoices):
    RED_STAR_ALLOWANCE = "red_star_allowance", _("red-star allowance")
    DUES_RETURN = "dues_return", _("dues return")
    SECRETARY_ALLOWANCE = "secretary_allowance", _("secretary allowance")
    ACTIVITY_FUND = "activity_fund", _("activity fund")
    SPECIAL_FUND = "special_fund", _("special fund")


class SubsidyRule(models.Model):
    """How much a kind of subsidy pays, from a date until the next rule of its kind in the park.

    Records keep the rule they were computed with, so a new rule never changes what was paid.
    - red_star_allowance: an amount per star level per quarter (SubsidyRate rows);
    - dues_return: `share` of the dues collected (1.00 = returned in full, 党费全额返还);
    - secretary_allowance, activity_fund: `amount` per period;
    - special_fund: where the money comes from (`source`, e.g. owners' donations).
    """

    park = models.ForeignKey(Park, models.PROTECT, related_name="subsidy_rules", verbose_name=_("park"))
    kind = models.CharField(_("kind of subsidy"), max_length=30, choices=SubsidyKind.choices)
    valid_from = models.DateField(_("valid from"), validators=[work_plan])
    share = models.DecimalField(
        _("share of dues returned"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    amount = models.DecimalField(
        _("amount per period"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    source = models.CharField(_("source of funds"), max_length=150, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "kind", "-valid_from"]
        verbose_name = _("subsidy rule")
        verbose_name_plural = _("subsidy rules")
        constraints = [
            models.UniqueConstraint(fields=["park", "kind", "valid_from"], name="subsidy_rule_one_per_day"),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=1) & Q(amount__gte=0), name="subsidy_rule_amounts_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.valid_from})"


class SubsidyRate(models.Model):
    """The red-star allowance a rule pays per quarter to an organization of this star level."""

    rule = models.ForeignKey(SubsidyRule, models.CASCADE, related_name="rates", verbose_name=_("subsidy rule"))
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(MAX_STARS)]
    )
    amount = models.DecimalField(_("amount per quarter"), **MONEY, validators=[MinValueValidator(Decimal(0))])

    history = HistoricalRecords()

    class Meta:
        ordering = ["rule", "-stars"]
        verbose_name = _("allowance rate")
        verbose_name_plural = _("allowance rates")
        constraints = [
            models.UniqueConstraint(fields=["rule", "stars"], name="subsidy_rate_one_per_star"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{'★' * self.stars} {self.amount}"


class DuesCollection(models.Model):
    """Party dues an organization collected in a month; the return owed follows the dues_return rule."""

    park = models.ForeignKey(Park, models.PROTECT, related_name="dues", verbose_name=_("park"))
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="dues", verbose_name=_("organization"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."), validators=[work_fact])
    amount = models.DecimalField(_("dues collected"), **MONEY, validators=[MinValueValidator(Decimal(0))])
    members_paying = models.PositiveIntegerField(_("members paying"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "organization__path"]
        verbose_name = _("dues collected")
        verbose_name_plural = _("dues collected")
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="dues_one_per_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.month:%Y-%m}"


class Subsidy(models.Model):
    """One entry of the ledger: proposed → approved → paid, or cancelled before payment.

    A paid entry is final. A reversal is a second, negative, already-paid entry that `reverses` it;
    the ledger's totals are sums of paid entries, so a reversed payment nets to zero.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATUSES = (Status.PROPOSED, Status.APPROVED)

    park = models.ForeignKey(Park, models.PROTECT, related_name="subsidies", verbose_name=_("park"))
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="subsidies", verbose_name=_("recipient organization")
    )
    member = models.ForeignKey(
        PartyMember,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidies",
        verbose_name=_("recipient person"),
    )
    kind = models.CharField(_("kind of subsidy"), max_length=30, choices=SubsidyKind.choices)
    # A period code (YYYY-MM, YYYY-Qn, YYYY-H1/H2 or YYYY) and its first day, for filters and yearly sums.
    period = models.CharField(_("period"), max_length=7)
    period_start = models.DateField(_("period starts"), validators=[work_plan])
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # The basis: the rule the amount was computed with, and the rating or dues record behind it.
    rule = models.ForeignKey(
        SubsidyRule, models.PROTECT, null=True, blank=True, related_name="subsidies", verbose_name=_("subsidy rule")
    )
    rating = models.ForeignKey(
        Rating, models.PROTECT, null=True, blank=True, related_name="subsidies", verbose_name=_("rating")
    )
    dues = models.ForeignKey(
        DuesCollection, models.PROTECT, null=True, blank=True, related_name="subsidies", verbose_name=_("dues")
    )
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversal", verbose_name=_("reverses")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    voucher_no = models.CharField(_("voucher number"), max_length=50, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, validators=[work_fact])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("paid by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "organization__path", "pk"]
        verbose_name = _("subsidy")
        verbose_name_plural = _("subsidies")
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0)) | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="subsidy_amount_sign",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(voucher_no="")),
                name="subsidy_paid_has_voucher",
            ),
            # One open entry per recipient, kind and period: the quarterly run may race with itself or
            # with a person proposing by hand. (A paid entry that is not reversed also blocks a second
            # one; that check is in the service, as it spans two rows.)
            models.UniqueConstraint(
                fields=["organization", "kind", "period"],
                condition=Q(member__isnull=True, reverses__isnull=True, status__in=["proposed", "approved"]),
                name="subsidy_one_open_per_organization",
            ),
            models.UniqueConstraint(
                fields=["organization", "member", "kind", "period"],
                condition=Q(member__isnull=False, reverses__isnull=True, status__in=["proposed", "approved"]),
                name="subsidy_one_open_per_person",
            ),
        ]
        indexes = [
            # stats/subsidies and the ledger page: a park's entries by status, kind and period.
            models.Index(fields=["park", "status", "kind", "period_start"], name="subsidy_park_status_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.period}: {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


__all__ = ["MONEY", "DuesCollection", "Subsidy", "SubsidyKind", "SubsidyRate", "SubsidyRule"]
