"""Pages of the park: the coverage overview, the organization tree and an organization's page.

Every queryset starts from `access.visible` (outside the user's scope a row does not exist: 404), and
park-wide figures from `access.statistics_parks` (the parks a user reads as a whole).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.forms import PlanYearForm
from activities.models import AnnualPlan
from activities.selectors import plan_progress
from dashboard.figure_links import figure_urls
from dashboard.forms import TreeForm
from enterprises.forms import OverviewForm
from enterprises.models import Coverage, active_on
from enterprises.selectors import (
    cached_coverage_summary,
    enterprises_in_park_on,
    enterprises_needing_own_branch,
    organization_tree_rows,
)
from organizations.api import MEMBER_SHEET, ORGANIZATION_SHEET
from organizations.member_views import roster
from organizations.models import Organization, Park, PartyMember, Rating, Subsidy
from organizations.selectors import member_count
from parkparty import access
from parkparty.exports import page_export
from parkparty.forms import ParkForm
from parkparty.history import revisions
from parkparty.privacy import shows_personal_data
from reports.alerts import KINDS, Alert, park_alerts
from reports.models import CoverageSnapshot


@login_required
def overview(request):
    """Coverage of one park as of a day; a bad date is a form error and the figures fall back to today.

    Park-wide figures are for those who read the whole park (admins, viewers); a secretary or an
    instructor gets links to what they may open instead.
    """
    today = timezone.localdate()
    query = request.GET.copy()
    if not query.get("as_of"):
        query["as_of"] = today.isoformat()  # so the date field shows the day the figures are for
    form = OverviewForm(query, parks=list(access.statistics_parks(request.user)))
    form.is_valid()  # errors show on the page; the valid fields still apply
    park = form.chosen_park()
    as_of = form.value("as_of", today)
    group_by = form.value("group_by", None) or _default_grouping(park)
    context = {"form": form, "park": park, "as_of": as_of, "group_by": group_by, "groupings": form.GROUPINGS}
    if park is not None:
        context.update(_park_figures(request.user, park, as_of, group_by))
        context.update(_trend(request.user, park, as_of, today, context["summary"]))
        # Alerts of a day ahead would foretell what is not late yet: a future date shows today's.
        context["alerts_on"] = min(as_of, today)
        context["alert_groups"] = _alert_groups(park, context["alerts_on"])
    context["dated"] = as_of != today
    context.update(_plans(request, park))
    return render(request, "dashboard/overview.html", context)


def _plans(request, park: Park | None) -> dict:
    """The annual plans of the year (`?year=`, else this one) with each target's progress: of the park
    shown, or of every park the user may see when the page shows none (a secretary's home park).
    Four queries, whatever the number of plans and targets."""
    form = PlanYearForm(request.GET or None)
    year = form.chosen()
    plans = access.visible(request.user, AnnualPlan).filter(year=year)
    if park is not None:
        plans = plans.filter(park=park)
    plans = list(plans.select_related("park").prefetch_related("targets").order_by("park__name"))
    progress = plan_progress(plans)
    return {
        "plan_form": form,
        "plan_year": year,
        "plans": [(plan, progress[plan.pk]) for plan in plans],
    }


def _default_grouping(park: Park | None) -> str:
    """Districts when the park has them; a park without any opens on industries, not on one "(none)" bar."""
    if park is not None and not park.districts.exists():
        return "industry"
    return "district"


def _park_figures(user, park: Park, as_of: date, group_by: str) -> dict:
    parks = access.statistics_parks(user).filter(pk=park.pk)
    summary = cached_coverage_summary(park_ids=[park.pk], as_of=as_of, group_by=group_by)
    # The finding lists enterprises by name, so only those the user may open.
    in_scope = access.visible(user, enterprises_in_park_on(parks, as_of))
    figures = (*summary, "uncovered_enterprises", "members")
    return {
        "summary": summary,
        "uncovered": summary["total_enterprises"] - summary["covered_enterprises"],
        # Each tile opens the rows it counts, filtered and dated (dashboard.figure_links).
        "figure_links": figure_urls(figures, park_id=park.pk, as_of=as_of),
        "members": member_count(parks, as_of),
        "finding": enterprises_needing_own_branch(in_scope, as_of).order_by("name", "pk"),
        "chart": _chart_data(summary["groups"]),
    }


def _chart_data(groups: list[dict]) -> dict:
    """What static/js/coverage-chart.js draws: one bar pair per group, labels already translated."""
    return {
        "labels": [group["label"] for group in groups],
        "total": [group["total_enterprises"] for group in groups],
        "covered": [group["covered_enterprises"] for group in groups],
        "series": {"total": _("Enterprises"), "covered": _("Covered")},
    }


# The trend chart: two years of month ends, then the page's day.
TREND_MONTHS = 24


def _trend(user, park: Park, day: date, today: date, live: dict) -> dict:
    """The park's coverage at the end of each of the TREND_MONTHS snapshotted months before the page's day
    (one query), then the figure of the day itself (`live`: the page's own summary, today or as of the
    date), so a dated page's trend stops at its date. No chart before the first snapshot: one point is
    not a trend."""
    month = day.replace(day=1)
    newest_first = access.visible(user, CoverageSnapshot).filter(park=park, month__lt=month).order_by("-month")
    rows = [
        {"month": s.month, "as_of": s.as_of, "total": s.total_enterprises, "covered": s.covered_enterprises,
         "rate": s.coverage_rate, "is_last": False, "is_today": False}
        for s in list(newest_first[:TREND_MONTHS])[::-1]
    ]  # fmt: skip
    if not rows:
        return {"trend": []}
    rows.append(
        {"month": month, "as_of": day, "total": live["total_enterprises"], "covered": live["covered_enterprises"],
         "rate": live["coverage_rate"], "is_last": True, "is_today": day == today}
    )  # fmt: skip
    return {"trend": rows, "trend_chart": _trend_chart(rows)}


def _trend_chart(rows: list[dict]) -> dict:
    """What static/js/coverage-trend.js draws: the rate in percent per month end, the last point today."""
    return {
        "labels": [row["as_of"].isoformat() if row["is_last"] else f"{row['month']:%Y-%m}" for row in rows],
        "months": [f"{row['month']:%Y-%m}" for row in rows],
        "rate": [None if row["rate"] is None else round(float(row["rate"]) * 100, 2) for row in rows],
        "covered": [row["covered"] for row in rows],
        "total": [row["total"] for row in rows],
        # The last point's label: "today", or the page's date.
        "series": {"rate": _("Coverage rate"), "today": _("Today") if rows[-1]["is_today"] else _last_day(rows)},
    }


def _last_day(rows: list[dict]) -> str:
    return date_format(rows[-1]["as_of"], "DATE_FORMAT")


# Alerts shown per kind on the overview; the rest are counted ("and 12 more").
ALERTS_SHOWN = 10


def _alert_groups(park: Park, day: date) -> list[dict]:
    """The park's alerts on the day (reports.alerts evaluates each as of it) by kind, in the committee's
    order (reports.alerts.KINDS), each with its count, its first ALERTS_SHOWN items and the URL of each. Those who read a park's figures (its admins
    and viewers: the overview shows no park to anyone else) open every organization, enterprise,
    application and joint body of it, so every alert links. A fixed number of queries (reports.alerts)."""
    # The finding card above the panel already lists the enterprises that should have their own branch.
    kinds = [kind for kind in KINDS if kind != "own_branch_needed"]
    by_kind: dict[str, list[Alert]] = {kind: [] for kind in kinds}
    for alert in park_alerts([park.pk], day, kinds=kinds):
        by_kind[alert.kind].append(alert)
    return [
        {
            "kind": kind,
            "label": KINDS[kind],
            "count": len(alerts),
            "alerts": [(alert, _alert_url(alert)) for alert in alerts[:ALERTS_SHOWN]],
            "more": max(len(alerts) - ALERTS_SHOWN, 0),
        }
        for kind, alerts in by_kind.items()
        if alerts
    ]


def _alert_url(alert: Alert) -> str | None:
    if alert.link is None:
        return None
    name, pk = alert.link
    return reverse(name, args=[pk])


@login_required
def organization_tree(request):
    """The park's organizations in tree order, from one query; a secretary gets their subtree. Each with
    the enterprises it covers on `?as_of=` (today by default); `?covering=true` keeps the party
    organizations covering at least one: the rows the overview's "covering branches" counts."""
    today = timezone.localdate()
    form = TreeForm(request.GET or None, parks=list(access.visible(request.user, Park)))
    form.is_valid()
    park = form.chosen_park()
    day = form.value("as_of", today)
    rows = []
    if park is not None:
        organizations = access.visible(request.user, Organization).filter(park=park)
        tree = organization_tree_rows(organizations, day)
        if form.value("covering", False):
            tree = tree.filter(kind__in=Organization.BRANCH_KINDS, covered_enterprises__gt=0)
        rows = list(tree)
    _set_levels(rows)
    context = {"form": form, "park": park, "rows": rows, "as_of": day, "dated": day != today}
    return render(request, "dashboard/tree.html", context)


def _tree_park(request) -> Park | None:
    form = ParkForm(request.GET or None, parks=list(access.visible(request.user, Park)))
    form.is_valid()
    return form.chosen_park()


@login_required
def organization_export(request):
    """The tree page's park: its organizations the user may see, in tree order (an .xlsx file)."""
    park = _tree_park(request)
    organizations = access.visible(request.user, Organization).filter(park=park).order_by("path")
    return page_export(request, ORGANIZATION_SHEET, organizations)


@login_required
def member_export(request):
    """The roster of the tree page's park, or the member list's (`?park=&as_of=&status=`, the same
    rows as the page), as far as the user may read it, masked as in the API."""
    _form, _park, members = roster(request)
    return page_export(request, MEMBER_SHEET, members)


def _set_levels(rows: list[Organization]) -> None:
    """Indent relative to the shallowest row: a secretary's subtree starts at the left edge."""
    top = min((row.depth for row in rows), default=1)
    for row in rows:
        row.level = row.depth - top


# An organization's page lists its latest subsidy records; the ledger, filtered to it, has them all.
SUBSIDIES_SHOWN = 20


@login_required
def organization_detail(request, pk: int):
    user = request.user
    organizations = access.visible(user, Organization)
    organization = get_object_or_404(organizations.select_related("park", "district", "secretary"), pk=pk)
    today = timezone.localdate()
    coverages = access.visible(user, Coverage).filter(organization=organization).select_related("enterprise")
    context = {
        "organization": organization,
        "parent": _visible_parent(organizations, organization),
        "children": organization_tree_rows(
            organizations.filter(path__startswith=organization.path, depth=organization.depth + 1), today
        ),
        "covered_today": coverages.filter(active_on(today)).order_by("enterprise__name", "pk"),
        "coverage_history": coverages.order_by("-started_on", "enterprise__name", "pk"),
        "members": access.visible(user, PartyMember).filter(organization=organization).select_related("enterprise"),
        "show_personal": shows_personal_data(request, organization.park_id),
        "history": revisions(organization.history.all()),
        # Newest first, one query each, however many quarters and records there are.
        "ratings": access.visible(user, Rating).filter(organization=organization).order_by("-year", "-quarter"),
        "subsidies": access.visible(user, Subsidy)
        .filter(organization=organization)
        .select_related("member")
        .order_by("-period_start", "-pk")[:SUBSIDIES_SHOWN],
        "subsidy_count": access.visible(user, Subsidy).filter(organization=organization).count(),
    }
    return render(request, "dashboard/organization_detail.html", context)


def _visible_parent(organizations, organization: Organization) -> Organization | None:
    """The parent, read through the user's scope: a secretary's own branch shows no parent link."""
    if organization.depth <= 1:
        return None
    return organizations.filter(path=organization.path[: -organization.steplen]).first()
