"""Parks, their districts and grids, the tree of party organizations, and party members."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from parkparty.dates import fact_date
from parkparty.validators import mask_id_number, mask_phone, validate_id_number


class Park(models.Model):
    """An industrial park (园区) run by one party committee; every record belongs to one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    # Set by operators only (the Django admin): a park admin who could switch it off could pay alone.
    four_eyes = models.BooleanField(
        _("four eyes on subsidies"),
        default=True,
        help_text=_(
            "A subsidy is approved by a park admin other than the one who proposed it, and paid by one other "
            "than the one who approved it. Switch it off only for a park with a single admin."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """片区: an area of a park, often with its own party-building station."""

    park = models.ForeignKey(Park, models.PROTECT, related_name="districts", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="district_unique_name_per_park")]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """党建网格: one leading enterprise organization, one cadre, and the enterprises around them."""

    park = models.ForeignKey(Park, models.PROTECT, related_name="grids", verbose_name=_("park"))
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="grids", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=100)
    cadre = models.CharField(_("grid cadre"), max_length=50, blank=True)
    leading_organization = models.ForeignKey(
        "Organization",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_grids",
        verbose_name=_("leading organization"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "name"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="grid_unique_name_per_park")]

    def __str__(self) -> str:
        return self.name


class Organization(MP_Node):
    """A party organization, or a unit that holds them, in a park's tree (materialized path).

    Subtrees are one indexed `path LIKE 'prefix%'` query; that is what scoping a secretary uses.
    """

    class Kind(models.TextChoices):
        WORKING_COMMITTEE = "working_committee", _("working committee")
        COMMITTEE = "committee", _("committee")
        GENERAL_BRANCH = "general_branch", _("general branch")
        BRANCH = "branch", _("branch")
        GROUP = "group", _("party group")
        DISTRICT_STATION = "district_station", _("district station")
        ALLIANCE = "alliance", _("alliance")

    class Formation(models.TextChoices):
        STANDALONE = "standalone", _("standalone")
        JOINT = "joint", _("joint")
        REGIONAL = "regional", _("regional")
        INDUSTRY_CHAIN = "industry_chain", _("industry chain")

    # Kinds that count as an enterprise's party organization in coverage statistics.
    BRANCH_KINDS = (Kind.COMMITTEE, Kind.GENERAL_BRANCH, Kind.BRANCH)
    # Kinds that may cover an enterprise: the branch kinds, and a district station's joint branch.
    COVERING_KINDS = (*BRANCH_KINDS, Kind.DISTRICT_STATION)

    park = models.ForeignKey(Park, models.PROTECT, related_name="organizations", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    formation = models.CharField(_("formation"), max_length=20, choices=Formation.choices)
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="organizations", verbose_name=_("district")
    )
    established_on = models.DateField(_("established on"), validators=[fact_date])
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True, validators=[fact_date])
    secretary = models.ForeignKey(
        "PartyMember",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("established_on")),
                name="organization_dissolved_after_established",
            ),
        ]
        indexes = [
            # Coverage statistics and the park's tree list organizations of one park by kind.
            models.Index(fields=["park", "kind"], name="organization_park_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.dissolved_on and self.established_on and self.dissolved_on < self.established_on:
            errors["dissolved_on"] = _("An organization cannot be dissolved before it was established.")
        if self.district_id and self.park_id and self.district.park_id != self.park_id:
            errors["district"] = _("This belongs to another park.")
        if errors:
            raise ValidationError(errors)

    def is_active_on(self, on: date) -> bool:
        return self.established_on <= on and (self.dissolved_on is None or self.dissolved_on > on)


class PartyMember(models.Model):
    """A party member on a branch's roster. ID number and phone are personal data: shown masked."""

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", _("probationary member")
        FULL = "full", _("full member")
        TRANSFERRED_OUT = "transferred_out", _("transferred out")

    class Post(models.TextChoices):
        OWNER = "owner", _("owner")
        SENIOR_MANAGER = "senior_manager", _("senior manager")
        MIDDLE_MANAGER = "middle_manager", _("middle manager")
        TECHNICIAN = "technician", _("technician")
        WORKER = "worker", _("worker")

    class MassPost(models.TextChoices):
        """Heads of mass organizations in the enterprise (群团组织负责人), for cross-appointment."""

        NONE = "", _("none")
        UNION_CHAIR = "union_chair", _("trade union chair")
        YOUTH_LEAGUE_SECRETARY = "youth_league_secretary", _("youth league secretary")
        WOMEN_FEDERATION_CHAIR = "women_federation_chair", _("women's federation chair")

    # Posts that count as "middle or higher" in cross-appointment statistics (双向进入、交叉任职).
    MIDDLE_OR_HIGHER = (Post.OWNER, Post.SENIOR_MANAGER, Post.MIDDLE_MANAGER)

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="members", verbose_name=_("organization")
    )
    # The organization's park, stored (see save()) so that the database holds an ID-card number unique
    # within a park: another park's roster is no business of this park's admins (docs/architecture.md).
    park = models.ForeignKey(Park, models.PROTECT, related_name="+", editable=False, verbose_name=_("park"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("enterprise"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROBATIONARY)
    joined_on = models.DateField(_("joined on"), validators=[fact_date])
    full_member_on = models.DateField(_("full member on"), null=True, blank=True, validators=[fact_date])
    post = models.CharField(_("post in the enterprise"), max_length=20, choices=Post.choices, blank=True)
    mass_post = models.CharField(
        _("post in a mass organization"), max_length=30, choices=MassPost.choices, blank=True, default=""
    )
    is_mobile = models.BooleanField(_("mobile member"), default=False)
    id_number = models.CharField(_("ID-card number"), max_length=18, blank=True, validators=[validate_id_number])
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    history = HistoricalRecords(excluded_fields=["id_number", "phone"])

    class Meta:
        ordering = ["organization", "name", "pk"]
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=F("joined_on")),
                name="member_full_after_joined",
            ),
            models.CheckConstraint(
                condition=~Q(status="full") | Q(full_member_on__isnull=False),
                name="member_full_has_date",
            ),
            # One person once per park. The same number in two parks is a transfer under way or a typo,
            # for the operators to see (selectors.members_in_several_parks), not for a park admin to learn.
            models.UniqueConstraint(
                fields=["park", "id_number"], condition=~Q(id_number=""), name="member_unique_id_number_per_park"
            ),
        ]
        indexes = [
            # The ledger finding counts full members per enterprise.
            models.Index(fields=["enterprise", "status"], name="member_enterprise_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Derived, not a rule: the park always follows the organization (which never changes park), on
        # every path that saves a member (services, the operators' admin, the pipeline).
        if self.organization_id is not None:
            self.park_id = self.organization.park_id
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "organization" in update_fields:
                kwargs["update_fields"] = {*update_fields, "park"}
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self) -> None:
        errors = {}
        if self.full_member_on and self.joined_on and self.full_member_on < self.joined_on:
            errors["full_member_on"] = _("A member becomes full only after joining.")
        if self.status == self.Status.FULL and not self.full_member_on:
            errors["full_member_on"] = _("A full member needs the date of becoming full.")
        if self.enterprise_id and self.organization_id and self.enterprise.park_id != self.organization.park_id:
            errors["enterprise"] = _("The enterprise is in another park than the organization.")
        if errors:
            raise ValidationError(errors)
