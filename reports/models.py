"""Periodic reports and the monthly coverage snapshot.

A report is one row per (park, kind, period): asking again replaces its figures, never adds a row. Its
data (JSON) and workbook (bytes) live in the row itself, so the web server and a worker on another
machine share nothing but the database, and a finished report is replaced in one transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEAR = "half_year", _("Half-year")
    ANNUAL = "annual", _("Annual")


class ReportQuerySet(models.QuerySet):
    def with_has_workbook(self):
        """Whether each report has a workbook, asked in SQL: lists and pages never load the bytes to know."""
        has_workbook = models.ExpressionWrapper(models.Q(workbook__isnull=False), output_field=models.BooleanField())
        return self.annotate(has_workbook=has_workbook)


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="reports", verbose_name=_("park"))
    kind = models.CharField(pgettext_lazy("report", "kind"), max_length=16, choices=ReportKind.choices)
    # The period's code ('2026-10', '2026-Q3', '2026-H1', '2026') and its bounds [start, end).
    period = models.CharField(_("period"), max_length=7)
    starts_on = models.DateField(_("starts on"))
    ends_before = models.DateField(_("ends before"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Empty when the schedule asked for it."),
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Counts the requests: a task that finds a later request than the one it was queued for has been
    # superseded and leaves the row to that request's task.
    generation = models.PositiveIntegerField(_("generation"), default=1)
    data = models.JSONField(_("data"), null=True, blank=True)
    workbook = models.BinaryField(_("workbook"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-starts_on", "park", "kind"]
        constraints = [
            # Idempotence: generating a report twice replaces it.
            models.UniqueConstraint(fields=["park", "kind", "period"], name="report_one_per_park_kind_period"),
            models.CheckConstraint(
                condition=models.Q(starts_on__lt=models.F("ends_before")), name="report_period_order"
            ),
        ]
        indexes = [
            # The list page and the API list a park's reports, newest period first.
            models.Index(fields=["park", "-starts_on"], name="report_park_newest"),
        ]

    def __str__(self):
        return f"{self.park} {self.get_kind_display()} {self.period}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class CoverageSnapshot(models.Model):
    """A park's coverage at the end of a month, kept so the trend chart reads twelve rows instead of
    recomputing twelve coverage summaries. The figures are those of `stats/coverage` on `as_of`."""

    park = models.ForeignKey(
        "organizations.Park", models.PROTECT, related_name="coverage_snapshots", verbose_name=_("park")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    as_of = models.DateField(_("as of"), help_text=_("The last day of the month, or the day it was taken."))
    total_enterprises = models.PositiveIntegerField(_("enterprises"))
    covered_enterprises = models.PositiveIntegerField(_("covered enterprises"))
    standalone_covered = models.PositiveIntegerField(_("covered by a standalone organization"))
    joint_covered = models.PositiveIntegerField(_("covered by a joint organization"))
    work_covered = models.PositiveIntegerField(_("work coverage only"))
    branches = models.PositiveIntegerField(_("covering branches"))
    coverage_rate = models.DecimalField(_("coverage rate"), max_digits=5, decimal_places=4, null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["park", "month"]
        constraints = [
            models.UniqueConstraint(fields=["park", "month"], name="snapshot_one_per_park_month"),
            models.CheckConstraint(
                condition=models.Q(covered_enterprises__lte=models.F("total_enterprises")),
                name="snapshot_covered_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.park} {self.month:%Y-%m}"
