"""The enterprise ledger (台账): enterprises, which organization covers them when, and instructors."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkparty.dates import fact_date
from parkparty.validators import mask_phone, validate_credit_code


def active_on(on: date, prefix: str = "") -> Q:
    """Rows of a time range [started_on, ended_on) that are in force on `on`."""
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})
    )


class Enterprise(models.Model):
    class Status(models.TextChoices):
        OPERATING = "operating", _("operating")
        MOVED_OUT = "moved_out", _("moved out")
        CLOSED = "closed", _("closed")

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="enterprises", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=150)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, validators=[validate_credit_code])
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    above_scale = models.BooleanField(_("above designated size"), default=False)
    above_quota = models.BooleanField(_("above quota"), default=False)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    output_value = models.DecimalField(
        _("annual output value (10,000 yuan)"), max_digits=14, decimal_places=2, default=0
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPERATING)
    entered_on = models.DateField(_("entered the park on"), validators=[fact_date])
    left_on = models.DateField(_("moved out or closed on"), null=True, blank=True, validators=[fact_date])
    charter_includes_party_building = models.BooleanField(_("party building in charter"), default=False)
    district = models.ForeignKey(
        "organizations.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("district"),
    )
    grid = models.ForeignKey(
        "organizations.Grid",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("grid"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        # clean() states each of these with its own message, so enterprise_save does not validate them
        # by query again (tests/enterprises/test_import_queries.py gives each its case).
        constraints = [
            # A firm that moved out may come back or move to another park; only one may be operating.
            models.UniqueConstraint(
                fields=["credit_code"], condition=Q(status="operating"), name="enterprise_one_operating_per_code"
            ),
            models.CheckConstraint(
                condition=(Q(status="operating") & Q(left_on__isnull=True))
                | (~Q(status="operating") & Q(left_on__isnull=False)),
                name="enterprise_left_on_iff_not_operating",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("entered_on")),
                name="enterprise_left_after_entered",
            ),
        ]
        indexes = [
            # Coverage "as of" a date filters a park's enterprises by the dates they were in it.
            models.Index(fields=["park", "entered_on", "left_on"], name="enterprise_park_dates"),
            # The ledger lists a park's enterprises by name, a page at a time (6 ms instead of 28 ms
            # for a park of 5,000 on the bench county).
            models.Index(fields=["park", "name", "id"], name="enterprise_park_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.left_on and self.entered_on and self.left_on < self.entered_on:
            errors["left_on"] = _("An enterprise cannot leave the park before it entered.")
        if self.status == self.Status.OPERATING and self.left_on:
            errors["left_on"] = _("An operating enterprise has no leaving date.")
        if self.status != self.Status.OPERATING and not self.left_on:
            errors["left_on"] = _("Give the date the enterprise moved out or closed.")
        for field in ("district", "grid"):
            try:
                related = getattr(self, field)
            except ObjectDoesNotExist:
                continue  # an id of no row: clean_fields has said so on the field
            if related is not None and self.park_id and related.park_id != self.park_id:
                errors[field] = _("This belongs to another park.")
        if self.status == self.Status.OPERATING and self.credit_code:
            twins = Enterprise.objects.filter(credit_code=self.credit_code, status=self.Status.OPERATING)
            if twins.exclude(pk=self.pk).exists():
                errors["credit_code"] = _("An operating enterprise with this credit code is already on the ledger.")
        if errors:
            raise ValidationError(errors)


class Coverage(models.Model):
    """An organization covering an enterprise for a period; open-ended while `ended_on` is null."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="coverages", verbose_name=_("enterprise"))
    # PROTECT: coverage history is what past figures are computed from; it must outlive changes.
    organization = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="coverages", verbose_name=_("organization")
    )
    started_on = models.DateField(_("started on"), validators=[fact_date])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[fact_date])

    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "-started_on"]
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        # coverage_errors (clean) states each of these, so coverage_start does not validate them by
        # query again (tests/enterprises/test_import_queries.py gives each its case).
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
                name="coverage_ends_after_start",
            ),
            # At most one open coverage per enterprise; overlaps of closed ones are checked in the service.
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(ended_on__isnull=True), name="coverage_one_open_per_enterprise"
            ),
        ]
        indexes = [
            # Coverage statistics join an organization's coverages in force on a date.
            models.Index(fields=["organization", "started_on"], name="coverage_org_started"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.enterprise}"

    def clean(self) -> None:
        from enterprises.services import coverage_errors

        errors = coverage_errors(self)
        if errors:
            raise ValidationError(errors)


class Instructor(models.Model):
    """党建指导员: sent by the park to guide enterprises; their assignments are work coverage."""

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="instructors", verbose_name=_("park"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructor",
        verbose_name=_("login"),
    )

    history = HistoricalRecords(excluded_fields=["phone"])

    class Meta:
        ordering = ["park", "name"]
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class InstructorAssignment(models.Model):
    instructor = models.ForeignKey(Instructor, models.PROTECT, related_name="assignments", verbose_name=_("instructor"))
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="instructor_assignments", verbose_name=_("enterprise")
    )
    started_on = models.DateField(_("started on"), validators=[fact_date])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[fact_date])

    history = HistoricalRecords()

    class Meta:
        ordering = ["instructor", "-started_on"]
        verbose_name = _("instructor assignment")
        verbose_name_plural = _("instructor assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
                name="assignment_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["instructor", "enterprise"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_open_per_pair",
            ),
        ]
        indexes = [
            # Work coverage asks which enterprises have an instructor on a date.
            models.Index(fields=["enterprise", "started_on"], name="assignment_enterprise_started"),
        ]

    def __str__(self) -> str:
        return f"{self.instructor} → {self.enterprise}"

    def clean(self) -> None:
        errors = {}
        if self.ended_on and self.started_on and self.ended_on <= self.started_on:
            errors["ended_on"] = _("The end must come after the start.")
        if self.instructor_id and self.enterprise_id and self.instructor.park_id != self.enterprise.park_id:
            errors["enterprise"] = _("The enterprise is in another park than the instructor.")
        if errors:
            raise ValidationError(errors)
