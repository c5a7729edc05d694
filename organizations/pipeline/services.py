"""Writes on the membership pipeline: applying, each step forward with its time rules, extending a
probation, withdrawing. The API, pages, admin and demo loader call these; nothing else moves a stage.

The rules (DOMAIN.md): no stage is skipped; at least one year as activist before becoming a development
target; a development target needs two introducers who are full members; one year of probation before
full membership, or longer when the probation was extended (at most a year), with the reason recorded.
Becoming probationary puts the person on the branch's roster; becoming full makes that member full.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import STAGES, Application, ApplicationStep, Organization, PartyMember, Stage
from parkparty import access
from parkparty.dates import work_fact
from parkparty.history import change_reason_errors, user_or_none

DATE_FIELDS = {
    Stage.APPLICANT: "applied_on",
    Stage.ACTIVIST: "activist_on",
    Stage.TARGET: "target_on",
    Stage.PROBATIONARY: "probationary_on",
    Stage.FULL: "full_on",
}
INTRODUCERS_NEEDED = 2


def one_year_after(day: date) -> date:
    """The same day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def eligible_on(application: Application) -> date | None:
    """The first day the application may take its next step under the time rules (None: no time rule)."""
    if application.stage == Stage.ACTIVIST:
        return one_year_after(application.activist_on)
    if application.stage == Stage.PROBATIONARY:
        if application.probation_extended_until:
            return application.probation_extended_until
        return one_year_after(application.probationary_on)
    return None


def _date_errors(on: date | None, field: str, after: date | None) -> dict[str, str]:
    if on is None:
        return {field: _("Give the date of the step.")}
    if on > timezone.localdate():
        return {field: _("A step cannot be dated in the future.")}
    if (message := work_fact.error(on)) is not None:
        return {field: message}
    if after is not None and on < after:
        return {field: _("A step cannot be dated before the previous one (%(date)s).") % {"date": after}}
    return {}


@transaction.atomic
def application_create(*, application: Application, actor=None) -> Application:
    """A new application (入党申请) to a branch."""
    application.park_id = application.organization.park_id
    errors = _date_errors(application.applied_on, "applied_on", None)
    if application.organization.kind not in Organization.BRANCH_KINDS:
        errors["organization"] = _("Applications are made to a party committee, general branch or branch.")
    enterprise = application.enterprise
    if enterprise is not None and enterprise.park_id != application.park_id:
        errors["enterprise"] = _("This belongs to another park.")
    if errors:
        raise ValidationError(errors)
    application.stage = Stage.APPLICANT
    application.full_clean()
    application.save()
    access.require_writable(actor, application)
    ApplicationStep.objects.create(
        application=application, stage=Stage.APPLICANT, on=application.applied_on, recorded_by=user_or_none(actor)
    )
    return application


@transaction.atomic
def application_change(*, application: Application) -> Application:
    """Correct an application's name, enterprise or recommending body; its stage and dates move only
    through `application_advance`, `probation_extend` and `application_withdraw`."""
    enterprise = application.enterprise
    if enterprise is not None and enterprise.park_id != application.park_id:
        raise ValidationError({"enterprise": _("This belongs to another park.")})
    application.full_clean()
    application.save()
    return application


def advance_errors(application: Application, stage: str, on: date, introducers: list[PartyMember]) -> dict:
    """Why `application_advance` would refuse this step, by field (a bulk loader asks it step by step)."""
    if application.withdrawn_on:
        return {"stage": _("The application was withdrawn.")}
    current = STAGES.index(application.stage)
    if current == len(STAGES) - 1:
        return {"stage": _("This person is a full member already.")}
    if stage != STAGES[current + 1]:
        return {
            "stage": _("The next step is “%(stage)s”: no stage is skipped.")
            % {"stage": Stage(STAGES[current + 1]).label}
        }
    errors = _date_errors(on, "on", getattr(application, DATE_FIELDS[application.stage]))
    eligible = eligible_on(application)
    if not errors and eligible is not None and on < eligible:
        errors["on"] = _("Too early: this step is allowed from %(date)s.") % {"date": eligible}
    if stage == Stage.PROBATIONARY:
        errors |= _introducer_errors(application, introducers, on)
    return errors


def _introducer_errors(application: Application, introducers: list[PartyMember], on: date) -> dict:
    if len({member.pk for member in introducers}) < INTRODUCERS_NEEDED:
        return {"introducers": _("Name two introducers who are full members.")}
    if any(member.status != PartyMember.Status.FULL for member in introducers):
        return {"introducers": _("Introducers must be full members.")}
    if any(member.organization.park_id != application.park_id for member in introducers):
        return {"introducers": _("Introducers must be members in this park.")}
    if any(member.full_member_on is None or member.full_member_on > on for member in introducers):
        return {"introducers": _("Introducers must have been full members by the day of this step.")}
    return {}


@transaction.atomic
def application_advance(
    *,
    application: Application,
    stage: str,
    on: date,
    approved_by: str = "",
    note: str = "",
    introducers: list[PartyMember] | None = None,
    actor=None,
) -> Application:
    """Take the next step. Refused, with nothing saved, when it skips a stage, comes too early, is dated
    in the future or before the previous step, or (to probationary) lacks two full-member introducers."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    access.require_writable(actor, application)
    introducers = list(introducers or [])
    errors = advance_errors(application, stage, on, introducers)
    if errors:
        raise ValidationError(errors)
    setattr(application, DATE_FIELDS[stage], on)
    application.stage = stage
    if stage == Stage.PROBATIONARY:
        application.member = _enrol(application, on)
    elif stage == Stage.FULL and application.member_id:
        _make_full(application.member, on)
    application.full_clean()
    application.save()
    if introducers:
        application.introducers.set(introducers)
    ApplicationStep.objects.create(
        application=application, stage=stage, on=on, approved_by=approved_by, note=note, recorded_by=user_or_none(actor)
    )
    return application


def _enrol(application: Application, on: date) -> PartyMember:
    member = PartyMember(
        organization=application.organization,
        park_id=application.organization.park_id,
        enterprise=application.enterprise,
        name=application.name,
        status=PartyMember.Status.PROBATIONARY,
        joined_on=on,
    )
    member.full_clean()
    member.save()
    return member


def _make_full(member: PartyMember, on: date) -> None:
    member.status = PartyMember.Status.FULL
    member.full_member_on = on
    member.full_clean()
    member.save(update_fields=["status", "full_member_on"])


def extension_errors(application: Application, until: date | None) -> dict[str, str]:
    """Why a probation cannot be extended to `until`: only a probation, past its normal year, by at
    most a year more."""
    if application.stage != Stage.PROBATIONARY:
        return {"stage": _("Only a probation can be extended.")}
    normal_end = one_year_after(application.probationary_on)
    if until is None or until <= normal_end or until > one_year_after(normal_end):
        return {"until": _("An extension ends after %(start)s and at most a year later.") % {"start": normal_end}}
    return {}


@transaction.atomic
def probation_extend(*, application: Application, until: date, reason: str, actor=None) -> Application:
    """Extend a probation (延长预备期): to at most two years after it began, with a reason."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    access.require_writable(actor, application)
    errors = extension_errors(application, until)
    if "stage" in errors:
        raise ValidationError(errors)
    errors |= change_reason_errors(reason, missing=_("Say why the probation is extended."))
    if errors:
        raise ValidationError(errors)
    application.probation_extended_until = until
    application.extension_reason = reason.strip()
    application._change_reason = reason
    application.save(update_fields=["probation_extended_until", "extension_reason"])
    return application


def withdrawal_errors(application: Application, on: date | None) -> dict[str, str]:
    """Why the application cannot be withdrawn on `on`: a member leaves through the roster, and the
    day is not before the current step's."""
    if application.stage in (Stage.PROBATIONARY, Stage.FULL):
        return {"stage": _("A member leaves through the roster, not the pipeline.")}
    return _date_errors(on, "on", getattr(application, DATE_FIELDS[application.stage]))


@transaction.atomic
def application_withdraw(*, application: Application, on: date, reason: str, actor=None) -> Application:
    """The person leaves the pipeline before becoming a member (a member leaves through the roster)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    access.require_writable(actor, application)
    errors = withdrawal_errors(application, on)
    if "stage" in errors:
        raise ValidationError(errors)
    errors |= change_reason_errors(reason, missing=_("Say why the application is withdrawn."))
    if errors:
        raise ValidationError(errors)
    application.withdrawn_on = on
    application._change_reason = reason
    application.save(update_fields=["withdrawn_on"])
    return application
