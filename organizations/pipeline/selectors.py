"""Reads on the membership pipeline and the member statistics (stats/members, reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from organizations.models import Application, Organization, PartyMember, Stage
from organizations.pipeline.models import STAGES
from organizations.pipeline.services import one_year_after
from organizations.selectors import members_as_of, persons
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


def applications_as_of(day: date, *, park_ids: list[int]) -> QuerySet[Application]:
    """The parks' applications made on or before `day`, each annotated with `stage_on`: the stage it was
    in on that day, read from its dated steps, or "withdrawn" if withdrawn by then."""
    stage = Case(
        When(withdrawn_on__lte=day, then=Value(WITHDRAWN)),
        *(When(**{f"{field}__lte": day}, then=Value(stage.value)) for stage, field in STAGE_DATES),
    )
    return Application.objects.filter(park_id__in=park_ids, applied_on__lte=day).annotate(stage_on=stage)


def stages_as_of(day: date, *, park_ids: list[int]) -> dict[str, int]:
    """How many applications were at each stage (and withdrawn) on `day`. One query."""
    counted = applications_as_of(day, park_ids=park_ids).aggregate(
        **{key: Count("pk", filter=Q(stage_on=key)) for key in [*STAGES, WITHDRAWN]}
    )
    return counted


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
    members = members_as_of(as_of, members=PartyMember.objects.filter(park_id__in=park_ids))
    roster = members.aggregate(  # people, not rows: one on two parks' rosters counts once
        members=persons(),
        probationary=persons(Q(status_on=PartyMember.Status.PROBATIONARY)),
        middle_or_higher=persons(Q(post__in=PartyMember.MIDDLE_OR_HIGHER)),
    )
    period = Q()
    if since:
        period &= Q(applied_on__gte=since)
    if until:
        period &= Q(applied_on__lte=until)
    joined = Q(probationary_on__isnull=False)
    if since:
        joined &= Q(probationary_on__gte=since)
    if until:
        joined &= Q(probationary_on__lte=until)
    pipeline = Application.objects.filter(park_id__in=park_ids).aggregate(
        applications=Count("pk", filter=period),
        new_members=Count("pk", filter=joined),
        recommended=Count("pk", filter=joined & ~Q(recommended_by="")),
    )
    return {
        "members": roster["members"],
        "probationary": roster["probationary"],
        "applications": pipeline["applications"],
        "new_members": pipeline["new_members"],
        "recommended": pipeline["recommended"],
        "recommended_share": rate(pipeline["recommended"], pipeline["new_members"]),
        "as_of": as_of,
        "stages": stages_as_of(as_of, park_ids=park_ids),
        "cross_appointment": _cross_appointment(park_ids, roster, as_of),
    }


def became_full_members(*, park_ids: list[int], since: date, until: date) -> int:
    """Members of the parks' organizations who became full members (转正) from `since` to `until`, both
    included, whatever their status now: one transferred out since still became full then. One query."""
    became = PartyMember.objects.filter(park_id__in=park_ids, full_member_on__gte=since, full_member_on__lte=until)
    return became.aggregate(people=persons())["people"]


def _cross_appointment(park_ids: list[int], roster: dict, as_of: date) -> dict:
    """Secretaries of the parks' party organizations in being on `as_of` who are owners, senior managers or
    heads of a mass organization (双向进入、交叉任职), and members in middle-or-higher posts. One query.
    Secretaries and posts are those recorded now: the portal keeps no dated history of either."""
    today = as_of
    secretaries = PartyMember.objects.filter(
        pk__in=Organization.objects.filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today),
            park_id__in=park_ids,
            kind__in=Organization.BRANCH_KINDS,
            secretary__isnull=False,
        ).values("secretary_id")
    ).aggregate(
        secretaries=Count("pk"),
        owners=Count("pk", filter=Q(post=PartyMember.Post.OWNER)),
        senior_managers=Count("pk", filter=Q(post=PartyMember.Post.SENIOR_MANAGER)),
        mass_organization_heads=Count("pk", filter=~Q(mass_post="")),
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
