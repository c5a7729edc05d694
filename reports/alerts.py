"""What needs the committee's attention in a park on a day: shown on the overview and in every report.

Each check is one selector of the app that owns the data, narrowed to what is late or missing; the
whole list costs a fixed number of queries however many parks, organizations or matters there are.
Every check reads the records as they stood on the day asked about (dated selectors, not today's
state), so the alerts of a past day, in a report of a closed period or on the overview as of a date,
do not change when later records are added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from enterprises.selectors import enterprises_in_park_on, enterprises_needing_own_branch
from meetings.models import MeetingKind
from meetings.selectors import add_months, matters_past_due_on, overdue, rotating_chairs
from organizations.models import Park, Stage
from organizations.pipeline.selectors import due_soon

# Alert kinds, in the order the committee deals with them; labels for the dashboard and reports.
KINDS = {
    "meeting_overdue": _("Required meeting not held"),
    "own_branch_needed": _("Enterprise should have its own branch"),
    "conversion_due": _("Probationary member due for conversion"),
    "matter_past_due": _("Matter past its due date"),
    "chair_missing": _("Joint body has no chair next month"),
}


@dataclass(frozen=True)
class Alert:
    kind: str
    subject: str  # what the alert is about: an organization, enterprise, member, matter or joint body
    detail: str
    due_on: date | None
    # The page to open: (URL name, pk), resolved by whoever shows the alert.
    link: tuple[str, int] | None = None

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])

    def as_row(self) -> list:
        return [self.kind, self.label, self.subject, self.detail, self.due_on]


def park_alerts(park_ids: list[int], today: date, *, kinds=None, chair_month: date | None = None) -> list[Alert]:
    """The alerts of the parks on `today`, any day past or present (of `kinds`, default all), by kind, then
    by due date, as the records stood at the end of that day. `chair_month` is the month whose chair is
    checked, by default the one after `today`'s."""
    checks = {
        "meeting_overdue": lambda: meetings_overdue(park_ids, today),
        "own_branch_needed": lambda: own_branch_needed(park_ids, today),
        "conversion_due": lambda: conversions_due(park_ids, today),
        "matter_past_due": lambda: matters_past_due(park_ids, today),
        "chair_missing": lambda: chairs_missing(park_ids, today, chair_month),
    }
    return [alert for kind in KINDS if kinds is None or kind in kinds for alert in checks[kind]()]


def meetings_overdue(park_ids: list[int], today: date) -> list[Alert]:
    """Required meetings of the last month, quarter, half-year and year closed before `today` that were not
    held in their window, of the organizations that existed for all of it (dated by `held_at`)."""
    kinds = dict(MeetingKind.choices)
    alerts = []
    for organization, requirement in overdue(park_ids=park_ids, today=today):
        detail = _("%(kind)s: %(held)d of %(required)d held") % {
            "kind": kinds.get(requirement.kind, requirement.kind),
            "held": requirement.held,
            "required": requirement.required,
        }
        last_day = date.fromordinal(requirement.window[1].toordinal() - 1)
        link = ("organization-detail", organization.pk)
        alerts.append(Alert("meeting_overdue", organization.name, detail, last_day, link))
    return sorted(alerts, key=lambda a: (a.due_on, a.subject))


def own_branch_needed(park_ids: list[int], today: date) -> list[Alert]:
    """Enterprises in the park on `today` with 3 or more full members that day and no standalone branch
    covering them then (the ledger finding, `enterprises_needing_own_branch`)."""
    enterprises = enterprises_in_park_on(Park.objects.filter(pk__in=park_ids), today)
    return [
        Alert(
            "own_branch_needed",
            enterprise.name,
            _("%(count)d full members") % {"count": enterprise.full_members},
            None,
            ("enterprise-detail", enterprise.pk),
        )
        for enterprise in enterprises_needing_own_branch(enterprises, today).order_by("name", "pk")
    ]


def conversions_due(park_ids: list[int], today: date) -> list[Alert]:
    """Probationary members whose year (or extension) ends within the month after `today`, or has ended,
    as the pipeline stood that day (`due_soon`: the stage on the day, an extension recorded by then)."""
    return [
        Alert(
            "conversion_due",
            due.application.name,
            str(due.application.organization),
            due.eligible_on,
            ("application-detail", due.application.pk),
        )
        for due in due_soon(park_ids=park_ids, today=today)
        if due.stage == Stage.PROBATIONARY
    ]


def matters_past_due(park_ids: list[int], today: date) -> list[Alert]:
    """Matters raised by `today`, not resolved or closed by then (`matters_as_of`), due before it."""
    return [
        Alert("matter_past_due", matter.title, str(matter.organization or matter.enterprise or ""), matter.due_on)
        for matter in matters_past_due_on(park_ids, today)
    ]


def chairs_missing(park_ids: list[int], today: date, month: date | None = None) -> list[Alert]:
    """Joint bodies with no chair for `month` (default: the month that starts next), that is no term
    starting with its month or quarter recorded by the end of `today`: the committee names one before the
    month's joint meeting."""
    next_month = month or add_months(today.replace(day=1), 1)
    return [
        Alert("chair_missing", chair.joint_body.name, "", next_month, ("joint-body-detail", chair.joint_body.pk))
        for chair in rotating_chairs(park_ids, next_month, recorded_by=today)
        if chair.enterprise is None
    ]
