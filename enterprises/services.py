"""Writes to the ledger that carry business rules. API views, pages, admin and the demo loader call these."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.models import Coverage, Enterprise
from organizations.models import Organization
from parkparty import access


def coverage_errors(coverage: Coverage, *, replacing: Coverage | None = None) -> dict[str, str]:
    """Every reason this coverage cannot stand, keyed by field; empty when it is fine. `replacing` is
    the open coverage that ends the day this one starts (coverage_start), so it is no overlap."""
    errors: dict[str, str] = {}
    start, end = coverage.started_on, coverage.ended_on
    if start and end and end <= start:
        errors["ended_on"] = _("The end must come after the start.")
    if not (coverage.enterprise_id and coverage.organization_id and start):
        return errors
    organization, enterprise = coverage.organization, coverage.enterprise
    if organization.park_id != enterprise.park_id:
        errors["organization"] = _("The organization is in another park than the enterprise.")
    elif organization.kind not in Organization.COVERING_KINDS:
        errors["organization"] = _("Only a committee, general branch, branch or district station covers enterprises.")
    elif organization.dissolved_on is not None and organization.dissolved_on <= start:
        errors["organization"] = _("The organization was dissolved before the coverage starts.")
    elif organization.established_on > start:
        errors["started_on"] = _("The organization was established after this date.")
    if enterprise.entered_on > start:
        errors["started_on"] = _("The enterprise entered the park after this date.")
    for limit, field in ((organization.dissolved_on, "organization"), (enterprise.left_on, "enterprise")):
        if limit is not None and "organization" not in errors and (end is None or end > limit):
            errors.setdefault(field, _("This coverage must end by %(day)s.") % {"day": limit.isoformat()})
    overlapping = _overlapping(coverage)
    if replacing is not None:
        overlapping = overlapping.exclude(pk=replacing.pk)
    if overlapping.exists():
        errors["started_on"] = _("Another organization covers this enterprise during this period.")
    return errors


def _overlapping(coverage: Coverage):
    """Coverages of the same enterprise whose period meets [started_on, ended_on)."""
    others = Coverage.objects.filter(enterprise_id=coverage.enterprise_id).exclude(pk=coverage.pk)
    others = others.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=coverage.started_on))
    if coverage.ended_on is not None:
        others = others.filter(started_on__lt=coverage.ended_on)
    return others


def coverage_start_errors(*, enterprise: Enterprise, organization: Organization, on: date) -> dict[str, str]:
    """Why `organization` cannot start covering `enterprise` on `on` (the admin's form asks before saving)."""
    current = enterprise.coverages.filter(ended_on__isnull=True).first()
    if current and current.organization_id == organization.pk:
        return {}
    if current and on <= current.started_on:
        return {"started_on": _("The current coverage started on or after this date.")}
    return coverage_errors(Coverage(enterprise=enterprise, organization=organization, started_on=on), replacing=current)


@transaction.atomic
def coverage_start(*, enterprise: Enterprise, organization: Organization, on: date, actor=None) -> Coverage:
    """Let `organization` cover `enterprise` from `on`, ending the coverage it replaces."""
    # Lock the enterprise row: two requests moving the same firm at once must not both pass the overlap check.
    Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    current = enterprise.coverages.filter(ended_on__isnull=True).first()
    if current and current.organization_id == organization.pk:
        return current  # idempotent: asking twice changes nothing
    errors = coverage_start_errors(enterprise=enterprise, organization=organization, on=on)
    if errors:
        raise ValidationError(errors)
    if current:
        coverage_end(coverage=current, on=on)
    coverage = Coverage(enterprise=enterprise, organization=organization, started_on=on)
    coverage.full_clean()
    coverage.save()
    access.require_writable(actor, coverage)
    return coverage


@transaction.atomic
def coverage_end(*, coverage: Coverage, on: date, actor=None) -> Coverage:
    if coverage.ended_on is not None:
        raise ValidationError({"ended_on": _("This coverage has already ended.")})
    coverage.ended_on = on
    coverage.full_clean()
    coverage.save(update_fields=["ended_on"])
    access.require_writable(actor, coverage)
    return coverage


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise, actor=None) -> Enterprise:
    """Create or update an enterprise's ledger entry after checking every field (credit code included)."""
    enterprise.full_clean()
    enterprise.save()
    access.require_writable(actor, enterprise)
    return enterprise


@transaction.atomic
def enterprise_leave(*, enterprise: Enterprise, status: str, on: date, actor=None) -> Enterprise:
    """Record that an enterprise moved out or closed; its open coverage ends the same day."""
    if status == Enterprise.Status.OPERATING:
        raise ValidationError({"status": _("Choose moved out or closed.")})
    enterprise.status, enterprise.left_on = status, on
    enterprise.full_clean()
    enterprise.save()
    open_coverage = enterprise.coverages.filter(ended_on__isnull=True).first()
    if open_coverage is not None:
        coverage_end(coverage=open_coverage, on=on)
    access.require_writable(actor, enterprise)
    return enterprise


def coverages_end_with(*, organization: Organization, on: date) -> None:
    """A dissolved organization covers nothing from that day (registered as a dissolution step)."""
    for coverage in Coverage.objects.filter(organization=organization, ended_on__isnull=True):
        coverage_end(coverage=coverage, on=on)
