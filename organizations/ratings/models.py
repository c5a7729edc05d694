"""Quarterly star ratings (一季一巡查) on a park's scoring sheet (评分细则), and honours (五星争创, 党建品牌)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from organizations.models.structure import Organization, Park
from parkparty.dates import work_fact
from parkparty.models import UploadedDocument
from parkparty.uploads import SUFFIXES

MAX_STARS = 5


class Classification(models.TextChoices):
    """Quanzhou's four classes of branch (分类管理); the first two count as "good or above"."""

    DEMONSTRATION = "demonstration", _("demonstration")
    STANDARD = "standard", _("up to standard")
    GROWING = "growing", _("growing")
    INCUBATING = "incubating", _("incubating")


GOOD_OR_ABOVE = (Classification.DEMONSTRATION, Classification.STANDARD)


class StarLevel(models.Model):
    """A park's threshold: a rating scoring at least `min_score` (of 100) earns `stars` and `classification`."""

    park = models.ForeignKey(Park, models.PROTECT, related_name="star_levels", verbose_name=_("park"))
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(MAX_STARS)]
    )
    min_score = models.DecimalField(
        _("minimum score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "-stars"]
        verbose_name = _("star level")
        verbose_name_plural = _("star levels")
        constraints = [
            models.UniqueConstraint(fields=["park", "stars"], name="star_level_unique_stars"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=MAX_STARS), name="star_level_stars_in_range"),
            models.CheckConstraint(condition=Q(min_score__gte=0, min_score__lte=100), name="star_level_score_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.park} {'★' * self.stars} ≥ {self.min_score}"


class ScoringSheet(models.Model):
    """The criteria a park rates its branches on in a year. Criteria change freely until a confirmed
    rating uses the sheet; after that a change is a new version, so old ratings keep their meaning."""

    park = models.ForeignKey(Park, models.PROTECT, related_name="scoring_sheets", verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "-year", "-version"]
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "version"], name="scoring_sheet_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year} v{self.version})"


class Criterion(models.Model):
    """One line of a scoring sheet. A veto item (一票否决) carries no points: when it is triggered the
    rating falls to the lowest star level whatever the score."""

    class Source(models.TextChoices):
        """What the portal suggests a score from (the assessor may override with a reason)."""

        NONE = "", _("assessor's judgement")
        MEETINGS = "meetings", _("meeting compliance")
        ACTIVITIES = "activities", _("activities held")
        MATTERS = "matters", _("matters resolved")

    sheet = models.ForeignKey(ScoringSheet, models.CASCADE, related_name="criteria", verbose_name=_("scoring sheet"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=5, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    weight = models.DecimalField(
        _("weight"), max_digits=4, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    is_veto = models.BooleanField(_("veto item"), default=False)
    source = models.CharField(_("suggested from"), max_length=20, choices=Source.choices, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["sheet", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=0) & Q(weight__gte=0), name="criterion_not_negative"),
            # A veto item is triggered or not; points on it would be counted twice.
            models.CheckConstraint(condition=Q(is_veto=False) | Q(max_points=0), name="criterion_veto_has_no_points"),
        ]

    def __str__(self) -> str:
        return self.title


class Rating(models.Model):
    """A quarterly rating of one organization: item scores, the total (of 100), its stars and class.

    The star level of an organization on a date is that of its latest confirmed rating assessed on or
    before that date (dynamic adjustment, 动态调整).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CONFIRMED = "confirmed", _("confirmed")

    park = models.ForeignKey(Park, models.PROTECT, related_name="ratings", verbose_name=_("park"))
    # PROTECT: a rating is the basis of allowances paid; its organization is dissolved, never deleted.
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="ratings", verbose_name=_("organization")
    )
    sheet = models.ForeignKey(ScoringSheet, models.PROTECT, related_name="ratings", verbose_name=_("scoring sheet"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    assessed_on = models.DateField(_("assessed on"), validators=[work_fact])
    total = models.DecimalField(_("total score"), max_digits=5, decimal_places=2, default=Decimal(0))
    stars = models.PositiveSmallIntegerField(_("stars"), default=1)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.INCUBATING
    )
    vetoed = models.BooleanField(_("vetoed"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("assessor")
    )
    notes = models.TextField(_("notes"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-quarter", "organization__path"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "quarter"], name="rating_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="rating_quarter_in_range"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=MAX_STARS), name="rating_stars_in_range"),
            models.CheckConstraint(condition=Q(total__gte=0, total__lte=100), name="rating_total_in_range"),
        ]
        indexes = [
            # Stars on a date: the latest confirmed rating of each organization of a park up to that date.
            models.Index(fields=["organization", "status", "-assessed_on"], name="rating_latest_confirmed"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}Q{self.quarter}"

    @property
    def period(self) -> str:
        return f"{self.year}-Q{self.quarter}"


class RatingItem(models.Model):
    """The score of one criterion in a rating, with what the portal suggested and why the assessor differs."""

    rating = models.ForeignKey(Rating, models.CASCADE, related_name="items", verbose_name=_("rating"))
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="items", verbose_name=_("criterion"))
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    suggested = models.DecimalField(_("suggested score"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason for the score"), max_length=300, blank=True)
    triggered = models.BooleanField(_("veto triggered"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rating", "criterion__position", "criterion"]
        verbose_name = _("rating item")
        verbose_name_plural = _("rating items")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="rating_item_unique_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0), name="rating_item_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


def evidence_path(evidence: RatingEvidence, filename: str) -> str:
    # Our name, not the uploader's (see meetings.models.attachment_path).
    return f"ratings/{evidence.item.rating_id}/{evidence.sha256[:16]}.{SUFFIXES.get(evidence.content_type, 'bin')}"


class RatingEvidence(UploadedDocument):
    """A photo or PDF supporting one item's score (same checks as meeting attachments)."""

    item = models.ForeignKey(RatingItem, models.CASCADE, related_name="evidence", verbose_name=_("rating item"))
    file = models.FileField(_("file"), upload_to=evidence_path)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class Honor(models.Model):
    """An honour awarded in a year to an organization or an enterprise: one of Kaihua's five stars
    (五星争创, each star owned by a department), a party-building brand (党建品牌) or another title."""

    class Kind(models.TextChoices):
        FIVE_STAR = "five_star", _("five-star competition")
        BRAND = "brand", _("party-building brand")
        TITLE = "title", _("other title")

    class Star(models.TextChoices):
        HARMONY = "harmony", _("harmony star")
        INNOVATION = "innovation", _("innovation star")
        DEDICATION = "dedication", _("dedication star")
        SERVICE = "service", _("service star")
        ECOLOGY = "ecology", _("ecology star")

    # Kaihua: the department that runs each star's competition (县委两新工委 leads them all).
    STAR_DEPARTMENTS = {
        Star.HARMONY: _("organization department"),
        Star.INNOVATION: _("economy, science and technology department"),
        Star.DEDICATION: _("federation of trade unions"),
        Star.SERVICE: _("youth league committee"),
        Star.ECOLOGY: _("environmental protection department"),
    }

    park = models.ForeignKey(Park, models.PROTECT, related_name="honors", verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind of honour"), max_length=20, choices=Kind.choices)
    star = models.CharField(_("star"), max_length=20, choices=Star.choices, blank=True)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=150)
    organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="honors", verbose_name=_("organization")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="honors",
        verbose_name=_("enterprise"),
    )
    awarded_by = models.CharField(_("awarded by"), max_length=100, blank=True)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True, validators=[work_fact])
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "-year", "kind", "star", "title"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(enterprise__isnull=True))
                | (Q(organization__isnull=True) & Q(enterprise__isnull=False)),
                name="honor_one_recipient",
            ),
            models.CheckConstraint(
                condition=(Q(kind="five_star") & ~Q(star="")) | (~Q(kind="five_star") & Q(star="")),
                name="honor_star_only_for_five_star",
            ),
            # A five-star honour is one per star, recipient and year, whatever its title says; other
            # honours are one per title.
            models.UniqueConstraint(
                fields=["year", "star", "organization"],
                condition=Q(kind="five_star", organization__isnull=False),
                name="honor_one_star_per_organization",
            ),
            models.UniqueConstraint(
                fields=["year", "star", "enterprise"],
                condition=Q(kind="five_star", enterprise__isnull=False),
                name="honor_one_star_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "title", "organization"],
                condition=~Q(kind="five_star") & Q(organization__isnull=False),
                name="honor_unique_title_for_organization",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "title", "enterprise"],
                condition=~Q(kind="five_star") & Q(enterprise__isnull=False),
                name="honor_unique_title_for_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


__all__ = [
    "GOOD_OR_ABOVE",
    "MAX_STARS",
    "Classification",
    "Criterion",
    "Honor",
    "Rating",
    "RatingEvidence",
    "RatingItem",
    "ScoringSheet",
    "StarLevel",
]
