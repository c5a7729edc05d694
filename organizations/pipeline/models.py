"""The membership pipeline (发展党员): applicant → activist → development target → probationary member
→ full member, each step dated and approved by a body, with its time rules (see organizations.pipeline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from organizations.models.structure import Organization, Park, PartyMember
from parkparty.dates import work_fact, work_plan


class Stage(models.TextChoices):
    """In order: each step goes to the next stage, none is skipped."""

    APPLICANT = "applicant", _("applicant")
    ACTIVIST = "activist", _("activist")
    TARGET = "target", _("development target")
    PROBATIONARY = "probationary", _("probationary member")
    FULL = "full", _("full member")


STAGES = list(Stage.values)


class Application(models.Model):
    """A person's way into the Party through one branch, from the application (入党申请) on."""

    class Recommendation(models.TextChoices):
        NONE = "", _("not recommended")
        YOUTH_LEAGUE = "youth_league", _("recommended by the youth league")
        UNION = "union", _("recommended by the trade union")

    park = models.ForeignKey(Park, models.PROTECT, related_name="applications", verbose_name=_("park"))
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="applications", verbose_name=_("branch")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("enterprise"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.APPLICANT)
    applied_on = models.DateField(_("applied on"), validators=[work_fact])
    activist_on = models.DateField(_("activist since"), null=True, blank=True, validators=[work_fact])
    target_on = models.DateField(_("development target since"), null=True, blank=True, validators=[work_fact])
    probationary_on = models.DateField(_("probationary since"), null=True, blank=True, validators=[work_fact])
    full_on = models.DateField(_("full member since"), null=True, blank=True, validators=[work_fact])
    # A probation extended (延长预备期, at most a year) ends later; the reason is kept.
    probation_extended_until = models.DateField(
        _("probation extended until"), null=True, blank=True, validators=[work_plan]
    )
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    recommended_by = models.CharField(
        _("recommended by"), max_length=20, choices=Recommendation.choices, blank=True, default=""
    )
    introducers = models.ManyToManyField(
        PartyMember, blank=True, related_name="introduced", verbose_name=_("introducers")
    )
    # The roster entry made when the person becomes a probationary member.
    member = models.OneToOneField(
        PartyMember, models.PROTECT, null=True, blank=True, related_name="application", verbose_name=_("member")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, validators=[work_fact])

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "organization", "applied_on", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # Each stage reached has its date, and dates follow the order of the stages.
            models.CheckConstraint(
                condition=Q(stage="applicant") | Q(activist_on__isnull=False), name="application_activist_dated"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["applicant", "activist"]) | Q(target_on__isnull=False),
                name="application_target_dated",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["applicant", "activist", "target"]) | Q(probationary_on__isnull=False),
                name="application_probationary_dated",
            ),
            models.CheckConstraint(
                condition=~Q(stage="full") | Q(full_on__isnull=False), name="application_full_dated"
            ),
        ]
        indexes = [
            # The pipeline board and the due-soon list: a park's applications by stage.
            models.Index(fields=["park", "stage"], name="application_park_stage"),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStep(models.Model):
    """One step of an application: the stage reached, the date, and the body that approved it."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="steps", verbose_name=_("application"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"), validators=[work_fact])
    approved_by = models.CharField(_("approving body"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "on", "pk"]
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="application_step_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.get_stage_display()} {self.on}"
