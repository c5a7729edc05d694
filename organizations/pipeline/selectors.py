"""Reads on the membership pipeline and the member statistics (stats/members, reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from organizations.models import Application, PartyMember, Stage
from organizations.pipeline.models import STAGES
from organizations.pipeline.services import one_year_after
from organizations.selectors import members_as_of, persons, secretaries_on
from parkparty.figures import rate

DUE_WITHIN_DAYS = 30


def open_applications(park_ids: list[int]) -> QuerySet[Application]:
    """Applications still on their way: not withdrawn, not yet full members."""
    return Application.objects.filter(park_id__in=park_ids, withdrawn_on__isnull=True).exclude(stage=Stage.FULL)


WITHDRAWN = "withdrawn"
# Each stage and the date an application reached it; latest first.
STAGE_DATES = [
    (Stage.FULL, "full_on"),
    (Stage.PROBATIONARY, "probationary_on"),
    (Stage.TARGET, "target_on"),
    (Stage.ACTIVIST, "activist_on"),
    (Stage.APPLICANT, "applied_on"),
]


STAGE_FIELD = {stage.value: field for stage, field in STAGE_DATES}


def applications_as_of(
    day: date, *, park_ids: list[int] | None = None, applications: QuerySet[Application] | None = None
) -> QuerySet[Application]:
    """The applications (of the parks, or of `applications`) made on or before `day`, each annotated with
    `stage_on`: the stage it was in on that day, read from its dated steps, or "withdrawn" if withdrawn by
    then. The rule of `stages` in stats/members and of the applications list's `as_of` with `stage`."""
    applications = Application.objects.all() if applications is None else applications
    if park_ids is not None:
        applications = applications.filter(park_id__in=park_ids)
    stage = Case(
        When(withdrawn_on__lte=day, then=Value(WITHDRAWN)),
        *(When(**{f"{field}__lte": day}, then=Value(stage.value)) for stage, field in STAGE_DATES),
    )
    return applications.filter(applied_on__lte=day).annotate(stage_on=stage)


def stages_as_of(day: date, *, park_ids: list[int]) -> dict[str, int]:
    """How many applications were at each stage (and withdrawn) on `day`. One query."""
    counted = applications_as_of(day, park_ids=park_ids).aggregate(
        **{key: Count("pk", filter=Q(stage_on=key)) for key in [*STAGES, WITHDRAWN]}
    )
    return counted


def reached_in(stage: str, since: date | None, until: date | None) -> Q:
    """Applications that reached `stage` from `since` to `until` (both included, either open): applied in
    the period for `applicant`, became probationary members (the new members) for `probationary`. The rule
    of the pipeline's flows in stats/members and of the applications list's `reached` with `since`/`until`."""
    field = STAGE_FIELD[stage]
    condition = Q(**{f"{field}__isnull": False})
    if since:
        condition &= Q(**{f"{field}__gte": since})
    if until:
        condition &= Q(**{f"{field}__lte": until})
    return condition


RECOMMENDED = ~Q(recommended_by="")


@dataclass(frozen=True)
class Due:
    application: Application
    eligible_on: date
    overdue: bool
    stage: str = ""  # the stage the application was in on the day asked about


def _extension_recorded_by(day: date) -> Case:
    """The outer application's extended end of probation as the portal had recorded it by the end of `day`
    (its history); one with no history by then (entered later, or written without history) takes today's."""
    history = Application.history.model.objects.filter(id=OuterRef("pk"), history_date__date__lte=day)
    latest = history.order_by("-history_date", "-history_id").values("probation_extended_until")[:1]
    recorded = Exists(history)
    return Case(When(recorded, then=Subquery(latest)), default=F("probation_extended_until"))


def due_soon(
    *,
    park_ids: list[int],
    today: date,
    within_days: int = DUE_WITHIN_DAYS,
    among: QuerySet[Application] | None = None,
) -> list[Due]:
    """Activists who may become development targets, and probationary members due for conversion, within
    `within_days` of `today` (or already), earliest first; only those of `among` when given (e.g. the
    applications a secretary sees). As they stood on `today`: the stage of `applications_as_of`, and an
    extension of probation only if recorded by then, so the list of a past day does not change when later
    steps are recorded. One query."""
    waiting = (
        applications_as_of(today, park_ids=park_ids)
        .filter(stage_on__in=[Stage.ACTIVIST, Stage.PROBATIONARY])
        .annotate(extended_until_on=_extension_recorded_by(today))
    )
    if among is not None:
        waiting = waiting.filter(pk__in=among.values("pk"))
    horizon = today + timedelta(days=within_days)
    due = []
    for application in waiting.select_related("organization"):
        if application.stage_on == Stage.ACTIVIST:
            eligible = one_year_after(application.activist_on)
        else:
            eligible = application.extended_until_on or one_year_after(application.probationary_on)
        if eligible <= horizon:
            due.append(Due(application, eligible, eligible < today, application.stage_on))
    return sorted(due, key=lambda d: (d.eligible_on, d.application.pk))


def member_stats(
    *, park_ids: list[int], since: date | None = None, until: date | None = None, as_of: date | None = None
) -> dict:
    """Members and probationary members on `as_of` (by default the period's end, else today), counted by
    `organizations.selectors.members_as_of`, the rule of the members list's `as_of`; applications at each
    stage on that day; applications made in the period and the share of the period's new (probationary)
    members who came recommended (推优); cross-appointment. Four queries."""
    as_of = as_of or until or timezone.localdate()
    # A flow with no end given ends on the day counted: applications made after it are not yet made.
    until = until or as_of
    members = members_as_of(as_of, members=PartyMember.objects.filter(park_id__in=park_ids))
    roster = members.aggregate(  # people, not rows: one on two parks' rosters counts once
        members=persons(),
        probationary=persons(Q(status_on=PartyMember.Status.PROBATIONARY)),
        middle_or_higher=persons(Q(post__in=PartyMember.MIDDLE_OR_HIGHER)),
    )
    joined = reached_in(Stage.PROBATIONARY, since, until)
    pipeline = Application.objects.filter(park_id__in=park_ids).aggregate(
        applications=Count("pk", filter=reached_in(Stage.APPLICANT, since, until)),
        new_members=Count("pk", filter=joined),
        recommended=Count("pk", filter=joined & RECOMMENDED),
    )
    return {
        "members": roster["members"],
        "probationary": roster["probationary"],
        "applications": pipeline["applications"],
        "new_members": pipeline["new_members"],
        "recommended": pipeline["recommended"],
        "recommended_share": rate(pipeline["recommended"], pipeline["new_members"]),
        "as_of": as_of,
        "since": since,
        "until": until,
        "stages": stages_as_of(as_of, park_ids=park_ids),
        "cross_appointment": _cross_appointment(members, roster, as_of),
    }


def became_full_members(*, park_ids: list[int], since: date, until: date) -> int:
    """Members of the parks' organizations who became full members (转正) from `since` to `until`, both
    included, whatever their status now: one transferred out since still became full then. One query."""
    became = PartyMember.objects.filter(park_id__in=park_ids, full_member_on__gte=since, full_member_on__lte=until)
    return became.aggregate(people=persons())["people"]


def _cross_appointment(members: QuerySet[PartyMember], roster: dict, as_of: date) -> dict:
    """Members on the roster on `as_of` who are the secretary of a party organization in being on that day
    (organizations.selectors.secretaries_on) and among them owners, senior managers or heads of a mass
    organization (双向进入、交叉任职), and members in middle-or-higher posts; people, not rows. One query.
    Secretaries and posts are those recorded now: the portal keeps no dated history of either."""
    secretaries = secretaries_on(as_of, members).aggregate(
        secretaries=persons(),
        owners=persons(Q(post=PartyMember.Post.OWNER)),
        senior_managers=persons(Q(post=PartyMember.Post.SENIOR_MANAGER)),
        mass_organization_heads=persons(~Q(mass_post="")),
    )
    total = secretaries["secretaries"]
    return {
        **secretaries,
        "owners_share": rate(secretaries["owners"], total),
        "senior_managers_share": rate(secretaries["senior_managers"], total),
        "mass_organization_heads_share": rate(secretaries["mass_organization_heads"], total),
        "members_middle_or_higher": roster["middle_or_higher"],
        "members_middle_or_higher_share": rate(roster["middle_or_higher"], roster["members"]),
    }
