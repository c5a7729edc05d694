"""Everything branches do besides meetings: activities and the venues (阵地) they use, venue bookings,
designations (先锋队, 示范岗, 责任区 …) and the park's annual plans, whose progress is counted from
what was recorded, never typed in."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkparty.dates import work_fact, work_plan
from parkparty.models import UploadedDocument
from parkparty.uploads import SUFFIXES


class Venue(models.Model):
    """A meeting room or activity centre: an enterprise's, open to others when shared, or the park's own."""

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="venues", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    # Null: the park's own venue (e.g. the party-and-mass service centre).
    owner = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("owner enterprise"),
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    shared = models.BooleanField(_("shared with other enterprises"), default=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="venue_unique_name_per_park")]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("volunteer service")
    TRAINING = "training", _("training")
    SKILLS_CONTEST = "skills_contest", _("skills contest")
    CULTURE_SPORTS = "culture_sports", _("culture and sports")
    LECTURE = "lecture", _("lecture")
    STUDY_VISIT = "study_visit", _("study visit")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood service")
    MICRO_LECTURE = "micro_lecture", _("workshop micro-lecture")


class Activity(models.Model):
    """An activity led by one organization, optionally co-hosted by others (活动共办).

    Participants are members by name (from the hosts' subtrees) and non-members as a count.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="activities", verbose_name=_("park"))
    # The leading host: its secretary writes the activity; co-hosts read it.
    organization = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="activities", verbose_name=_("host organization")
    )
    co_hosts = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="co_hosted_activities", verbose_name=_("co-hosts")
    )
    kind = models.CharField(_("kind of activity"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=150)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.HELD)
    # A plan's bounds on the field; a held activity's time is a fact, not in the future (activity_errors).
    starts_at = models.DateTimeField(_("starts at"), validators=[work_plan])
    duration_minutes = models.PositiveIntegerField(
        _("duration in minutes"), default=60, validators=[MinValueValidator(1)]
    )
    venue = models.ForeignKey(
        Venue, models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("venue")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        "organizations.PartyMember", blank=True, related_name="activities", verbose_name=_("participants")
    )
    non_member_count = models.PositiveIntegerField(_("non-member participants"), default=0)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="activity_has_duration"),
        ]
        indexes = [
            # Plan progress and the park's activity list: a park's held activities of a kind in a period.
            models.Index(fields=["park", "kind", "status", "starts_at"], name="activity_park_kind_time"),
        ]

    def __str__(self) -> str:
        return self.title


def photo_path(photo: ActivityPhoto, filename: str) -> str:
    # Our name, not the uploader's (see meetings.models.attachment_path).
    return f"activities/{photo.activity_id}/{photo.sha256[:16]}.{SUFFIXES.get(photo.content_type, 'bin')}"


class ActivityPhoto(UploadedDocument):
    """A photo or PDF of an activity: the same checks as meeting attachments."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="photos", verbose_name=_("activity"))
    file = models.FileField(_("file"), upload_to=photo_path)

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "uploaded_at"]
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")


class VenueBooking(models.Model):
    """A venue held for a time, for a meeting, an activity or another purpose. Bookings of one venue
    never overlap (the service locks the venue row and checks)."""

    venue = models.ForeignKey(Venue, models.PROTECT, related_name="bookings", verbose_name=_("venue"))
    organization = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="venue_bookings", verbose_name=_("booked by")
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[work_plan])
    ends_at = models.DateTimeField(_("ends at"), validators=[work_plan])
    activity = models.OneToOneField(
        Activity, models.CASCADE, null=True, blank=True, related_name="booking", verbose_name=_("activity")
    )
    meeting = models.OneToOneField(
        "meetings.Meeting", models.CASCADE, null=True, blank=True, related_name="booking", verbose_name=_("meeting")
    )
    purpose = models.CharField(_("purpose"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["venue", "starts_at"]
        verbose_name = _("venue booking")
        verbose_name_plural = _("venue bookings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(
                condition=Q(activity__isnull=True) | Q(meeting__isnull=True), name="booking_one_purpose"
            ),
        ]
        indexes = [
            # The overlap check and the venue calendar: a venue's bookings around a time.
            models.Index(fields=["venue", "starts_at", "ends_at"], name="booking_venue_time"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.starts_at:%Y-%m-%d %H:%M}"


class Designation(models.Model):
    """A post, team or zone a branch designates its members to (党员先锋队, 示范岗, 责任区 …), with dates."""

    class Kind(models.TextChoices):
        PIONEER_TEAM = "pioneer_team", _("pioneer team")
        DEMO_POST = "demo_post", _("demo post")
        RESPONSIBILITY_ZONE = "responsibility_zone", _("responsibility zone")
        INNOVATION_STUDIO = "innovation_studio", _("innovation studio")
        WORKERS_PIONEER = "workers_pioneer", _("workers' pioneer")
        YOUTH_CIVILIZATION = "youth_civilization", _("youth civilization post")

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="designations", verbose_name=_("park"))
    organization = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="designations", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind of designation"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    members = models.ManyToManyField(
        "organizations.PartyMember", blank=True, related_name="designations", verbose_name=_("members")
    )
    started_on = models.DateField(_("started on"), validators=[work_fact])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[work_fact])

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "kind", "name", "pk"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
                name="designation_ends_after_start",
            ),
        ]
        indexes = [
            # Counts by kind of a park's designations in force on a date.
            models.Index(fields=["park", "kind", "started_on"], name="designation_park_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class AnnualPlan(models.Model):
    """A park's targets for a year (e.g. Quanzhou's 十百千); progress is counted, never typed in."""

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="plans", verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(pgettext_lazy("document", "title"), max_length=150)

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "-year"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="plan_one_per_park_year")]

    def __str__(self) -> str:
        return self.title


class PlanTarget(models.Model):
    """How many activities or meetings of a kind the park means to hold in the plan's year."""

    class Counts(models.TextChoices):
        ACTIVITIES = "activities", _("activities")
        MEETINGS = "meetings", _("meetings")

    plan = models.ForeignKey(AnnualPlan, models.CASCADE, related_name="targets", verbose_name=_("annual plan"))
    counts = models.CharField(_("counts"), max_length=20, choices=Counts.choices)
    # An ActivityKind when counting activities, a MeetingKind when counting meetings (checked by the service).
    kind = models.CharField(_("kind"), max_length=30)
    # Blank: the kind's name, in the reader's language.
    label = models.CharField(_("label"), max_length=100, blank=True)
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "counts", "kind"], name="plan_target_unique_kind"),
            models.CheckConstraint(condition=Q(target__gte=1), name="plan_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.target}"

    def clean(self) -> None:
        # The admin's inline edits targets without activities.services.plan_save: a kind that is not one
        # of what the target counts would show a bar stuck at 0 forever.
        if self.counts in self.Counts.values and self.kind not in kinds_counted(self.counts):
            raise ValidationError(
                {
                    "kind": _("“%(kind)s” is not a kind of %(counts)s.")
                    % {"kind": self.kind, "counts": self.get_counts_display()}
                }
            )

    @property
    def title(self) -> str:
        return self.label or str(kinds_counted(self.counts).get(self.kind, self.kind))


def kinds_counted(counts: str) -> dict[str, str]:
    """The kinds a target may count: of activities, or of meetings."""
    from meetings.models import MeetingKind

    return dict((ActivityKind if counts == PlanTarget.Counts.ACTIVITIES else MeetingKind).choices)
