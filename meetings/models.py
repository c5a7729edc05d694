"""Meetings (三会一课, joint meetings, inspections), attendance, the rules they are held to, joint bodies
with their rotating chairs, and the matters (协调事项) raised and resolved."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkparty.dates import fact_date, planned_date, work_plan
from parkparty.models import UploadedDocument
from parkparty.uploads import SUFFIXES


class MeetingKind(models.TextChoices):
    """Stable codes: API clients and the meeting rules refer to them."""

    GENERAL_ASSEMBLY = "general_assembly", _("branch general assembly")
    BRANCH_COMMITTEE = "branch_committee", _("branch committee meeting")
    GROUP_MEETING = "group_meeting", _("party group meeting")
    PARTY_LESSON = "party_lesson", _("party lesson")
    THEME_DAY = "theme_day", _("theme party day")
    LIFE_MEETING = "life_meeting", _("organizational life meeting")
    DEMOCRATIC_APPRAISAL = "democratic_appraisal", _("democratic appraisal of members")
    PARK_MONTHLY = "park_monthly", _("monthly party-building meeting")
    INSPECTION = "inspection", _("quarterly inspection")
    HALF_YEAR_SUMMARY = "half_year_summary", _("half-year summary")
    DUTY_APPRAISAL = "duty_appraisal", _("duty report and appraisal")
    JOINT_MEETING = "joint_meeting", _("joint meeting")
    FORUM = "forum", _("forum or heart-to-heart talk")


class Period(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    HALF_YEAR = "half_year", _("half year")
    YEAR = "year", _("year")


class MeetingRule(models.Model):
    """At least `times` meetings of `kind` per `period` for every organization of `organization_kind`
    in the park. Park admins edit them; `meetings.services.rules_install_defaults` writes DOMAIN.md's."""

    park = models.ForeignKey("organizations.Park", models.CASCADE, related_name="meeting_rules", verbose_name=_("park"))
    kind = models.CharField(_("meeting kind"), max_length=30, choices=MeetingKind.choices)
    organization_kind = models.CharField(_("organization kind"), max_length=20)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    times = models.PositiveSmallIntegerField(_("at least"), default=1, validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "organization_kind", "kind"]
        verbose_name = _("meeting rule")
        verbose_name_plural = _("meeting rules")
        constraints = [
            models.UniqueConstraint(fields=["park", "kind", "organization_kind"], name="meeting_rule_unique"),
            models.CheckConstraint(condition=Q(times__gte=1), name="meeting_rule_times_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≥ {self.times}/{self.get_period_display()}"


class JointBody(models.Model):
    """联席会 / 企业联谊会 / 产业链党建联盟: organizations and enterprises meeting together under a rotating chair."""

    class Kind(models.TextChoices):
        JOINT_CONFERENCE = "joint_conference", _("joint conference of branches")
        FRIENDSHIP_ASSOCIATION = "friendship_association", _("enterprise friendship association")
        CHAIN_ALLIANCE = "chain_alliance", _("industry-chain party-building alliance")

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="joint_bodies", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(pgettext_lazy("joint body", "kind"), max_length=30, choices=Kind.choices)
    established_on = models.DateField(_("established on"), validators=[fact_date])
    # How often the chair passes on: monthly (Dehua's 双联工作会议) or quarterly.
    cadence = models.CharField(
        _("chair rotates every"),
        max_length=10,
        choices=[(Period.MONTH, _("month")), (Period.QUARTER, _("quarter"))],
        default=Period.MONTH,
    )
    organizations = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="joint_bodies", verbose_name=_("member organizations")
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", blank=True, related_name="joint_bodies", verbose_name=_("member enterprises")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "name"]
        verbose_name = _("joint body")
        verbose_name_plural = _("joint bodies")

    def __str__(self) -> str:
        return self.name


class RotationSeat(models.Model):
    """One place in a joint body's rotation list: the enterprises whose secretaries chair in turn."""

    joint_body = models.ForeignKey(JointBody, models.CASCADE, related_name="seats", verbose_name=_("joint body"))
    position = models.PositiveSmallIntegerField(_("position"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="rotation_seats", verbose_name=_("enterprise")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["joint_body", "position"]
        verbose_name = _("rotation seat")
        verbose_name_plural = _("rotation seats")
        constraints = [
            models.UniqueConstraint(fields=["joint_body", "position"], name="seat_unique_position"),
            models.UniqueConstraint(fields=["joint_body", "enterprise"], name="seat_unique_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.enterprise}"


class ChairTerm(models.Model):
    """Who chairs in a month (or quarter) starting on `starts_on`: the rotating chair (轮值主席)."""

    joint_body = models.ForeignKey(JointBody, models.CASCADE, related_name="terms", verbose_name=_("joint body"))
    starts_on = models.DateField(_("starts on"), validators=[work_plan])
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="chair_terms", verbose_name=_("chair enterprise")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["joint_body", "starts_on"]
        verbose_name = _("chair term")
        verbose_name_plural = _("chair terms")
        constraints = [models.UniqueConstraint(fields=["joint_body", "starts_on"], name="chair_term_unique_start")]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m} {self.enterprise}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CONFIRMED = "confirmed", _("confirmed")

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="meetings", verbose_name=_("park"))
    # Exactly one host: an organization, or a joint body for joint meetings.
    host = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("host organization"),
    )
    joint_body = models.ForeignKey(
        JointBody, models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("joint body")
    )
    kind = models.CharField(pgettext_lazy("meeting", "kind"), max_length=30, choices=MeetingKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, validators=[work_plan])
    # A plan's bounds on the field; a held meeting's time is a fact, not in the future (meeting_errors).
    held_at = models.DateTimeField(_("held at"), null=True, blank=True, validators=[work_plan])
    place = models.CharField(_("place"), max_length=200, blank=True)
    venue = models.ForeignKey(
        "activities.Venue", models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("venue")
    )
    chair = models.ForeignKey(
        "organizations.PartyMember",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name=_("chair"),
    )
    recorder = models.ForeignKey(
        "organizations.PartyMember",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_meetings",
        verbose_name=_("recorder"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("logged by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_at", "-scheduled_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(host__isnull=False, joint_body__isnull=True)
                | Q(host__isnull=True, joint_body__isnull=False),
                name="meeting_one_host",
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(held_at__isnull=False), name="meeting_held_has_time"
            ),
        ]
        indexes = [
            # Compliance counts a park's held meetings by host and kind over a date range.
            models.Index(fields=["park", "held_at"], name="meeting_park_held"),
            models.Index(fields=["host", "kind", "held_at"], name="meeting_host_kind_held"),
        ]

    def __str__(self) -> str:
        return self.topic


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        LEAVE = "leave", _("on leave")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance", verbose_name=_("meeting"))
    member = models.ForeignKey(
        "organizations.PartyMember", models.PROTECT, related_name="attendance", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "member__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_member"),
            models.CheckConstraint(condition=~Q(status="absent") | ~Q(reason=""), name="attendance_absence_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()}"


class Guest(models.Model):
    """Someone at a meeting who is not a member of the host: an owner at a joint meeting, a speaker."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="guests", verbose_name=_("meeting"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("enterprise")
    )
    role = models.CharField(_("role"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("guest")
        verbose_name_plural = _("guests")

    def __str__(self) -> str:
        return self.name


def attachment_path(attachment: Attachment, filename: str) -> str:
    # The stored name is ours, not the uploader's: names can carry personal data or path tricks.
    return f"meetings/{attachment.meeting_id}/{attachment.sha256[:16]}.{SUFFIXES.get(attachment.content_type, 'bin')}"


class Attachment(UploadedDocument):
    """A photo or PDF of a meeting: type checked by content (not by name), at most 10 MB."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attachments", verbose_name=_("meeting"))
    file = models.FileField(_("file"), upload_to=attachment_path)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Matter(models.Model):
    """A problem or request to coordinate (协调事项 / 诉求), from raising to resolution."""

    class Source(models.TextChoices):
        MEETING = "meeting", _("raised at a meeting")
        VISIT = "visit", _("instructor's visit")
        RED_PROXY = "red_proxy", _("red proxy service")

    class Category(models.TextChoices):
        LABOUR_DISPUTE = "labour_dispute", _("labour dispute")
        FINANCING = "financing", _("financing and lending between firms")
        RECRUITMENT = "recruitment", _("recruitment and labour sharing")
        ORDERS = "orders", _("orders and capacity")
        POLICY = "policy", _("policy consultation")
        LIVELIHOOD = "livelihood", _("livelihood: housing, schooling, medical care, transport")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", pgettext_lazy("matter", "closed")

    # Statuses that end a matter: both need a resolution and the day it came.
    DONE = (Status.RESOLVED, Status.CLOSED)

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="matters", verbose_name=_("park"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    meeting = models.ForeignKey(
        Meeting, models.PROTECT, null=True, blank=True, related_name="matters", verbose_name=_("meeting")
    )
    # The organization that raised it or follows it up: what a secretary's scope is measured by.
    organization = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("organization"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("enterprise"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(pgettext_lazy("matter", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    raised_on = models.DateField(_("raised on"), validators=[fact_date])
    assignee = models.CharField(_("assigned to"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, validators=[planned_date])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, validators=[fact_date])
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("raised by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
                name="matter_done_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("raised_on")),
                name="matter_resolved_after_raised",
            ),
        ]
        indexes = [
            # The matters board and statistics read a park's matters by status and date.
            models.Index(fields=["park", "status", "raised_on"], name="matter_park_status_raised"),
        ]

    def __str__(self) -> str:
        return self.title
