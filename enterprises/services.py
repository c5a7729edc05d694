"""Writes to the ledger that carry business rules. API views, pages, admin and the demo loader call these."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from organizations.models import Organization
from parkparty import access
from parkparty.dates import date_errors, fact_date
from parkparty.relations import loaded_relations


def coverage_errors(coverage: Coverage, *, replacing: Coverage | None = None) -> dict[str, str]:
    """Every reason this coverage cannot stand, keyed by field; empty when it is fine. `replacing` is
    the open coverage that ends the day this one starts (coverage_start), so it is no overlap."""
    errors: dict[str, str] = date_errors(coverage)
    if errors:
        return errors  # a year 1 or 9999 goes no further: nothing is compared with it
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
    return _start_errors(Coverage(enterprise=enterprise, organization=organization, started_on=on), current=current)


def _start_errors(coverage: Coverage, *, current: Coverage | None) -> dict[str, str]:
    """Why `coverage` cannot start, `current` being the enterprise's open coverage it would end."""
    if bounds := date_errors(coverage, ["started_on"]):
        return bounds
    if current and coverage.started_on <= current.started_on:
        return {"started_on": _("The current coverage started on or after this date.")}
    return coverage_errors(coverage, replacing=current)


@transaction.atomic
def coverage_start(*, enterprise: Enterprise, organization: Organization, on: date, actor=None) -> Coverage:
    """Let `organization` cover `enterprise` from `on`, ending the coverage it replaces (a move)."""
    access.require_admin(actor, enterprise.park_id)
    # Lock the enterprise row: two requests moving the same firm at once must not both pass the overlap check.
    Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    current = enterprise.coverages.filter(ended_on__isnull=True).first()
    if current and current.organization_id == organization.pk:
        return current  # idempotent: asking twice changes nothing
    coverage = Coverage(enterprise=enterprise, organization=organization, started_on=on)
    errors = _start_errors(coverage, current=current)
    if errors:
        raise ValidationError(errors)
    # Not full_clean(): Coverage.clean() is coverage_errors, just run (knowing the coverage this one
    # replaces), and its checks include the two constraints' rules.
    coverage.clean_fields(exclude=loaded_relations(coverage))
    if current:
        coverage_end(coverage=current, on=on)
    coverage._change_reason = _("Coverage moved") if current else _("Coverage started")
    coverage.save()
    access.require_writable(actor, coverage)
    return coverage


@transaction.atomic
def coverage_end(*, coverage: Coverage, on: date, actor=None) -> Coverage:
    access.require_admin(actor, coverage.enterprise.park_id)
    if coverage.ended_on is not None:
        raise ValidationError({"ended_on": _("This coverage has already ended.")})
    coverage.ended_on = on
    coverage.full_clean()
    coverage._change_reason = _("Coverage ended")
    coverage.save(update_fields=["ended_on"])
    access.require_writable(actor, coverage)
    return coverage


def _place_errors(enterprise: Enterprise) -> dict[str, str]:
    """A grid lies in a district: an enterprise's grid must be in its district when both are given."""
    grid, district = enterprise.grid, enterprise.district
    if grid is not None and district is not None and grid.district_id not in (None, district.pk):
        return {"grid": _("This grid is in another district.")}
    return {}


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise, actor=None) -> Enterprise:
    """Create or update an enterprise's ledger entry after checking every field (credit code included;
    the district and grid must be of its park, the model's clean checks that)."""
    if enterprise.pk is not None:
        stored_park = Enterprise.objects.filter(pk=enterprise.pk).values_list("park_id", flat=True).first()
        if stored_park is not None:
            access.require_admin(actor, stored_park)
    access.require_admin(actor, enterprise.park_id)
    # Enterprise.clean() states each of the model's constraints with its own message (one operating
    # enterprise per credit code, the leaving date with the status, leaving after entering), so they
    # are not validated again by a query each; the database enforces them at the save.
    enterprise.full_clean(exclude=loaded_relations(enterprise), validate_constraints=False)
    errors = _place_errors(enterprise)
    if errors:
        raise ValidationError(errors)
    enterprise.save()
    access.require_writable(actor, enterprise)
    return enterprise


@transaction.atomic
def enterprise_create(
    *, enterprise: Enterprise, organization: Organization | None = None, covered_from: date | None = None, actor=None
) -> Enterprise:
    """Put a new enterprise on the ledger and, when an organization is given, let it cover the enterprise
    from `covered_from` (the day it entered the park when not given), all or nothing."""
    if enterprise.pk is not None:
        raise ValidationError(_("This enterprise is already on the ledger."))
    enterprise._change_reason = _("Enterprise added")
    enterprise = enterprise_save(enterprise=enterprise, actor=actor)
    if organization is not None:
        try:
            coverage_start(
                enterprise=enterprise, organization=organization, on=covered_from or enterprise.entered_on, actor=actor
            )
        except ValidationError as error:
            # The coverage's own names, as the caller gave them: its start is `covered_from`.
            renames = {"started_on": "covered_from", "enterprise": "covered_from"}
            raise ValidationError(
                {renames.get(field, field): texts for field, texts in error.message_dict.items()}
            ) from error
    return enterprise


@transaction.atomic
def enterprise_leave(*, enterprise: Enterprise, status: str, on: date, actor=None) -> Enterprise:
    """Record that an enterprise moved out or closed; its open coverage and its instructors' open
    assignments end the same day."""
    access.require_admin(actor, enterprise.park_id)
    Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if Enterprise.objects.filter(pk=enterprise.pk).exclude(status=Enterprise.Status.OPERATING).exists():
        raise ValidationError({"status": _("This enterprise has already left the park.")})
    if status == Enterprise.Status.OPERATING:
        raise ValidationError({"status": _("Choose moved out or closed.")})
    if on is not None and on > timezone.localdate():
        # A date ahead would drop the enterprise from today's figures before it has gone.
        raise ValidationError({"left_on": _("Give the day it moved out or closed: today or earlier.")})
    open_coverage = enterprise.coverages.filter(ended_on__isnull=True).first()
    open_assignments = list(enterprise.instructor_assignments.filter(ended_on__isnull=True))
    # What ends that day must have started before it (an end on its start is no period at all).
    latest = max((row.started_on for row in [open_coverage, *open_assignments] if row is not None), default=None)
    if on is not None and latest is not None and on <= latest:
        message = _("Its current coverage or an instructor's assignment started on %(day)s: give a later day.")
        raise ValidationError({"left_on": message % {"day": latest.isoformat()}})
    enterprise.status, enterprise.left_on = status, on
    enterprise.full_clean()
    enterprise._change_reason = _("Enterprise left the park")
    enterprise.save()
    if open_coverage is not None:
        coverage_end(coverage=open_coverage, on=on)
    for assignment in open_assignments:
        assignment.ended_on = on
        assignment._change_reason = _("The enterprise left the park")
        assignment.save(update_fields=["ended_on"])
    access.require_writable(actor, enterprise)
    return enterprise


def coverages_end_with(*, organization: Organization, on: date) -> None:
    """A dissolved organization covers nothing from that day (registered as a dissolution step)."""
    for coverage in Coverage.objects.filter(organization=organization, ended_on__isnull=True):
        coverage_end(coverage=coverage, on=on)


@transaction.atomic
def instructor_save(*, instructor: Instructor, actor=None) -> Instructor:
    """Add an instructor to a park's roster, or change one: only a park admin of that park keeps it."""
    if instructor.pk is not None:
        # The park it is in now, not the one the form asks for: moving a record out of a park takes
        # being an admin of that park too.
        current_park = Instructor.objects.filter(pk=instructor.pk).values_list("park_id", flat=True).first()
        if current_park is not None:
            access.require_admin(actor, current_park)
            if current_park != instructor.park_id and instructor.assignments.filter(ended_on__isnull=True).exists():
                raise ValidationError(
                    {"park": _("End the instructor's assignments before moving them to another park.")}
                )
    access.require_admin(actor, instructor.park_id)
    instructor.full_clean()
    instructor._change_reason = _("Instructor added") if instructor.pk is None else _("Instructor changed")
    instructor.save()
    access.require_writable(actor, instructor)
    return instructor


def _operating_on(enterprise: Enterprise, on: date) -> bool:
    return enterprise.entered_on <= on and (enterprise.left_on is None or on < enterprise.left_on)


def assignment_start_errors(*, instructor: Instructor, enterprise: Enterprise, on: date) -> dict[str, str]:
    """Why `instructor` cannot start guiding `enterprise` on `on`; empty when they can."""
    if instructor.park_id != enterprise.park_id:
        return {"enterprise": _("The enterprise is in another park than the instructor.")}
    if on is None:
        return {"started_on": _("Give the day the assignment starts.")}
    if (message := fact_date.error(on)) is not None:
        return {"started_on": message}
    if not _operating_on(enterprise, on):
        return {"started_on": _("The enterprise was not operating in the park on this date.")}
    pair = InstructorAssignment.objects.filter(instructor=instructor, enterprise=enterprise)
    if pair.filter(ended_on__isnull=True).exists():
        return {"enterprise": _("This instructor is already assigned to this enterprise.")}
    if pair.filter(ended_on__gt=on).exists():
        return {"started_on": _("An earlier assignment of this instructor to this enterprise ran past this date.")}
    return {}


@transaction.atomic
def assignment_start(*, instructor: Instructor, enterprise: Enterprise, on: date, actor=None) -> InstructorAssignment:
    """Assign an instructor to an enterprise of their park from `on`."""
    access.require_admin(actor, instructor.park_id)
    # Lock the instructor: two requests assigning the same pair at once must not both pass the check.
    Instructor.objects.select_for_update().get(pk=instructor.pk)
    errors = assignment_start_errors(instructor=instructor, enterprise=enterprise, on=on)
    if errors:
        raise ValidationError(errors)
    assignment = InstructorAssignment(instructor=instructor, enterprise=enterprise, started_on=on)
    assignment.full_clean()
    assignment._change_reason = _("Assignment started")
    assignment.save()
    access.require_writable(actor, assignment)
    return assignment


@transaction.atomic
def assignment_end(*, assignment: InstructorAssignment, on: date, actor=None) -> InstructorAssignment:
    """End an assignment on `on` (the first day the instructor no longer guides the enterprise)."""
    access.require_admin(actor, assignment.enterprise.park_id)
    # Locked and read again: ending it twice at once must be refused once, not saved twice.
    InstructorAssignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.refresh_from_db(fields=["ended_on"])
    if assignment.ended_on is not None:
        raise ValidationError({"ended_on": _("This assignment has already ended.")})
    if on is None or on <= assignment.started_on:
        raise ValidationError({"ended_on": _("The end must come after the start.")})
    if on > timezone.localdate():
        # A date ahead would leave the instructor reading the enterprise's records until then unseen.
        raise ValidationError({"ended_on": _("Give the day it ended: today or earlier.")})
    assignment.ended_on = on
    assignment.full_clean()
    assignment._change_reason = _("Assignment ended")
    assignment.save(update_fields=["ended_on"])
    access.require_writable(actor, assignment)
    return assignment
