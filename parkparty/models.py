"""Who may do what where: one row per role a user holds in a park or an organization; uploads kept
between an import's preview and its confirmation; the security log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    PARK_ADMIN = "park_admin", _("park admin")
    PARK_VIEWER = "park_viewer", _("park viewer")
    SECRETARY = "secretary", _("branch secretary")


class Grant(models.Model):
    """A role held by a user: park admin or viewer of a park, or secretary of an organization's subtree.

    Instructors need no grant: their scope is their assignments (enterprises.InstructorAssignment).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    park = models.ForeignKey(
        "organizations.Park", models.CASCADE, null=True, blank=True, related_name="grants", verbose_name=_("park")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("organization"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="secretary") & Q(organization__isnull=False) & Q(park__isnull=True))
                | (~Q(role="secretary") & Q(park__isnull=False) & Q(organization__isnull=True)),
                name="grant_scope_matches_role",
            ),
            models.UniqueConstraint(fields=["user", "role", "park"], name="grant_unique_park_role"),
            models.UniqueConstraint(fields=["user", "organization"], name="grant_unique_organization"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.park or self.organization}"

    def clean(self) -> None:
        if self.role == Role.SECRETARY and (self.organization_id is None or self.park_id is not None):
            raise ValidationError({"organization": _("A secretary's grant names an organization, not a park.")})
        if self.role != Role.SECRETARY and (self.park_id is None or self.organization_id is not None):
            raise ValidationError({"park": _("An admin's or viewer's grant names a park, not an organization.")})


class LedgerVersion(models.Model):
    """One row whose number grows after every committed change to the ledger.

    Cached figures (coverage statistics) are keyed by it, so a change makes them miss at once, in
    every process. A counter row, not MAX(history id): ids are taken before commit, and transactions
    commit out of order, so the largest id can be seen before a smaller one's rows are.
    """

    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("ledger version")
        verbose_name_plural = _("ledger version")

    def __str__(self) -> str:
        return str(self.version)


class UploadedDocument(models.Model):
    """A photo or PDF kept with a record (meeting attachments, rating evidence, activity photos): typed by
    its content, not its name, at most 10 MB (parkparty.uploads). Subclasses add `file` with their own
    `upload_to` and the record they belong to."""

    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name or self.file.name


def _import_path(batch: ImportBatch, filename: str) -> str:
    # Not the uploaded name: a file name may carry a person's name, and the report keeps it anyway.
    return f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportBatch(models.Model):
    """An Excel file uploaded for import (parkparty.imports), kept between its preview and its
    confirmation: the confirmation imports this very file again, in commit mode. Under MEDIA_ROOT,
    which no URL serves."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        COMMITTED = "committed", _("imported")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="+", verbose_name=_("park"))
    file = models.FileField(_("file"), upload_to=_import_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    # The last run's report: counts, the first errors and rows (parkparty.imports.run.Report).
    report = models.JSONField(_("report"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} · {self.original_name or self.pk}"

    @property
    def has_errors(self) -> bool:
        return bool(self.report.get("errors") or self.report.get("error_rows"))


class SecurityEvent(models.Model):
    """One entry of the security log (parkparty.security): a login, a failed login, a lockout, a change
    of a login's roles, an API token made or revoked, an export that carried unmasked personal data.

    It holds no personal data of its own: the account is a reference, an address only a keyed hash,
    a failed login under an unknown name keeps no name at all (it may be a password typed in the wrong
    box), and `detail` holds codes and counts. It belongs to the parks of its account at the time
    (`parks`); an event of no park is read by superusers only.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOCKED_OUT = "locked_out", _("locked out")
        ACCOUNT_CREATED = "account_created", _("login created")
        GRANT_GIVEN = "grant_given", _("role given")
        GRANT_TAKEN = "grant_taken", _("role taken back")
        DEACTIVATED = "deactivated", _("login deactivated")
        REACTIVATED = "reactivated", _("login reactivated")
        PASSWORD_RESET = "password_reset", _("password reset by an admin")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        EXPORT_UNMASKED = "export_unmasked", _("export with personal data")

    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    # PROTECT: logins are deactivated, never deleted, and the log must keep whose event it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("login")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )
    parks = models.ManyToManyField("organizations.Park", blank=True, related_name="+", verbose_name=_("parks"))
    # A keyed hash of the client's address (parkparty.security.address_hash), never the address.
    address = models.CharField(_("address (keyed hash)"), max_length=16, blank=True)
    # Codes and counts only (a role, an organization's id, an export's model and rows).
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        indexes = [
            # The log page (newest first) and the prune (older than the retention period).
            models.Index(fields=["at"], name="security_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class SubmissionToken(models.Model):
    """A page form's one-time token, claimed by the POST that did its work (parkparty.once).

    A second POST of the same form (a double tap, a resubmission after a slow network) finds the row
    and is sent to `result_url`, the first POST's answer, instead of doing the work again. The row is
    written in the same transaction as the work, so it exists only if the work was kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"))
    token = models.CharField(_("token"), max_length=64)
    # A digest of the form's fields: the same token sent with other values is another submission.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    result_url = models.CharField(_("result"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            # The claim itself: of two simultaneous submissions, the second insert fails (or waits for
            # the first to commit, then fails) and that request answers with the first one's result.
            models.UniqueConstraint(fields=["user", "token", "fingerprint"], name="submission_token_once"),
        ]
        # The pruning of expired rows (parkparty.once.prune and the daily task).
        indexes = [models.Index(fields=["created_at"], name="submission_token_created")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.token}"


class IdempotencyKey(models.Model):
    """The answer to an API write sent with an `Idempotency-Key` header (parkparty.idempotency), kept a
    day so that a client's retry gets the same answer instead of a second record.

    `status` is null while the first request is still running: a duplicate then answers 409."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    # A digest of the request's query and body: the same key with another request is refused (422).
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.BinaryField(_("body"), default=b"")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "method", "path"], name="idempotency_key_once"),
        ]
        # The pruning of expired rows (parkparty.idempotency.prune and the daily task).
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.method} {self.path} · {self.key}"
