"""Permission-matrix rows for the park admins' set-up pages: scoring sheets, criteria and star levels,
meeting rules, venues, designations, annual plans and subsidy rules (see tests/parkparty/matrix.py).

Only park admins reach them: everyone else signed in gets 403, whatever the id; a token or nobody is
sent to the login page. Park A's admin asking for a row or a park of park B gets 404, as for a row that
does not exist.
"""

from datetime import date

from activities.models import AnnualPlan, Designation, Venue
from activities.services import designation_save, plan_save, venue_save
from meetings.models import MeetingRule
from organizations.models import ScoringSheet, SubsidyKind, SubsidyRule
from organizations.ratings.services import sheet_save
from organizations.subsidies.services import rule_save
from tests.parkparty.matrix import Route, statuses

ADMIN_PAGE = statuses(200, 403, 403, 403, 403, 302, 302)
ADMIN_POST = statuses(302, 403, 403, 403, 403, 302, 302)
OUTSIDE = statuses(404, 403, 403, 403, 403, 302, 302)


def open_sheet(w) -> ScoringSheet:
    """A sheet of park A no confirmed rating uses (the world's 2024 sheet is frozen)."""
    return sheet_save(sheet=ScoringSheet(park=w.park, year=2026, title="2026年评分细则"))


def other_sheet(w) -> ScoringSheet:
    return sheet_save(sheet=ScoringSheet(park=w.other_park, year=2024, title="乙园区细则"))


def other_rule(w) -> MeetingRule:
    return MeetingRule.objects.create(park=w.other_park, kind="theme_day", organization_kind="branch", period="month")


def other_venue(w) -> Venue:
    return venue_save(venue=Venue(park=w.other_park, name="乙园区活动室"))


def other_designation(w) -> Designation:
    return designation_save(
        designation=Designation(organization=w.other_branch, kind="demo_post", name="岗", started_on=date(2024, 1, 1))
    )


def other_plan(w) -> AnnualPlan:
    return plan_save(plan=AnnualPlan(park=w.other_park, year=2024, title="乙园区计划"))


def other_subsidy_rule(w) -> SubsidyRule:
    return rule_save(rule=SubsidyRule(park=w.other_park, kind=SubsidyKind.ACTIVITY_FUND, valid_from=date(2024, 1, 1)))


def a_criterion(w) -> dict:
    return {"position": 5, "title": "阵地建设", "description": "", "max_points": "10", "weight": "1", "source": ""}


ROUTES: list[Route] = [
    # Scoring sheets, their criteria and the star levels.
    Route("sheet-list", "get", lambda w: "/ratings/sheets/", ADMIN_PAGE),
    Route("sheet-list", "get", lambda w: f"/ratings/sheets/?park={w.other_park.pk}", OUTSIDE),
    Route("sheet-new", "get", lambda w: f"/ratings/sheets/new/?park={w.park.pk}", ADMIN_PAGE),
    Route("sheet-new", "post", lambda w: "/ratings/sheets/new/", ADMIN_POST,
          data=lambda w: {"year": 2027, "title": "2027年评分细则"}, format="multipart"),
    Route("sheet-edit", "get", lambda w: f"/ratings/sheets/{w.sheet.pk}/edit/", ADMIN_PAGE),
    Route("sheet-edit", "get", lambda w: f"/ratings/sheets/{open_sheet(w).pk}/edit/", ADMIN_PAGE),
    Route("sheet-edit", "get", lambda w: f"/ratings/sheets/{other_sheet(w).pk}/edit/", OUTSIDE),
    Route("sheet-edit", "get", lambda w: "/ratings/sheets/999999/edit/", OUTSIDE),
    Route("sheet-copy", "get", lambda w: f"/ratings/sheets/{w.sheet.pk}/copy/", ADMIN_PAGE),
    Route("sheet-copy", "post", lambda w: f"/ratings/sheets/{w.sheet.pk}/copy/", ADMIN_POST,
          data=lambda w: {"year": 2025}, format="multipart"),
    Route("sheet-copy", "post", lambda w: f"/ratings/sheets/{other_sheet(w).pk}/copy/", OUTSIDE,
          data=lambda w: {"year": 2025}, format="multipart"),
    Route("sheet-new-version", "post", lambda w: f"/ratings/sheets/{w.sheet.pk}/new-version/", ADMIN_POST,
          format="multipart"),
    Route("sheet-new-version", "post", lambda w: f"/ratings/sheets/{other_sheet(w).pk}/new-version/", OUTSIDE,
          format="multipart"),
    Route("criterion-new", "get", lambda w: f"/ratings/sheets/{open_sheet(w).pk}/criteria/new/", ADMIN_PAGE),
    Route("criterion-new", "post", lambda w: f"/ratings/sheets/{open_sheet(w).pk}/criteria/new/", ADMIN_POST,
          data=a_criterion, format="multipart"),
    Route("criterion-edit", "get", lambda w: f"/ratings/criteria/{w.sheet.criteria.first().pk}/edit/", ADMIN_PAGE),
    Route("criterion-edit", "get", lambda w: "/ratings/criteria/999999/edit/", OUTSIDE),
    Route("star-levels", "get", lambda w: "/ratings/levels/", ADMIN_PAGE),
    Route("star-levels", "get", lambda w: f"/ratings/levels/?park={w.other_park.pk}", OUTSIDE),
    Route("star-levels-defaults", "post", lambda w: "/ratings/levels/defaults/", ADMIN_POST,
          data=lambda w: {"park": w.park.pk}, format="multipart"),
    Route("star-levels-defaults", "post", lambda w: "/ratings/levels/defaults/", OUTSIDE,
          data=lambda w: {"park": w.other_park.pk}, format="multipart"),
    # Meeting rules.
    Route("meeting-rules", "get", lambda w: "/meetings/rules/", ADMIN_PAGE),
    Route("meeting-rules", "get", lambda w: f"/meetings/rules/?park={w.other_park.pk}", OUTSIDE),
    Route("meeting-rule-new", "get", lambda w: "/meetings/rules/new/", ADMIN_PAGE),
    Route("meeting-rule-new", "post", lambda w: "/meetings/rules/new/", ADMIN_POST,
          data=lambda w: {"kind": "forum", "organization_kind": "branch", "times": 1, "period": "year"},
          format="multipart"),
    Route("meeting-rule-edit", "get", lambda w: f"/meetings/rules/{w.park.meeting_rules.first().pk}/edit/",
          ADMIN_PAGE),
    Route("meeting-rule-edit", "get", lambda w: f"/meetings/rules/{other_rule(w).pk}/edit/", OUTSIDE),
    Route("meeting-rules-defaults", "post", lambda w: "/meetings/rules/defaults/", ADMIN_POST,
          data=lambda w: {"park": w.park.pk}, format="multipart"),
    Route("meeting-rules-defaults", "post", lambda w: "/meetings/rules/defaults/", OUTSIDE,
          data=lambda w: {"park": w.other_park.pk}, format="multipart"),
    # Venues, designations and plans.
    Route("venue-list", "get", lambda w: "/activities/venues/list/", ADMIN_PAGE),
    Route("venue-list", "get", lambda w: f"/activities/venues/list/?park={w.other_park.pk}", OUTSIDE),
    Route("venue-new", "get", lambda w: "/activities/venues/new/", ADMIN_PAGE),
    Route("venue-new", "post", lambda w: "/activities/venues/new/", ADMIN_POST,
          data=lambda w: {"name": "新活动室", "owner": "", "shared": "on", "capacity": 30, "address": ""},
          format="multipart"),
    Route("venue-edit", "get", lambda w: f"/activities/venues/{w.venue.pk}/edit/", ADMIN_PAGE),
    Route("venue-edit", "get", lambda w: f"/activities/venues/{other_venue(w).pk}/edit/", OUTSIDE),
    Route("designation-new", "get", lambda w: "/activities/designations/new/", ADMIN_PAGE),
    Route("designation-edit", "get", lambda w: f"/activities/designations/{w.designation_a.pk}/edit/", ADMIN_PAGE),
    Route("designation-edit", "get", lambda w: f"/activities/designations/{other_designation(w).pk}/edit/", OUTSIDE),
    Route("plan-list", "get", lambda w: "/activities/plans/", ADMIN_PAGE),
    Route("plan-list", "get", lambda w: f"/activities/plans/?park={w.other_park.pk}", OUTSIDE),
    Route("plan-new", "get", lambda w: "/activities/plans/new/", ADMIN_PAGE),
    Route("plan-edit", "get", lambda w: f"/activities/plans/{w.plan.pk}/edit/", ADMIN_PAGE),
    Route("plan-edit", "get", lambda w: f"/activities/plans/{other_plan(w).pk}/edit/", OUTSIDE),
    # Subsidy rules.
    Route("subsidy-rules", "get", lambda w: "/subsidies/rules/", ADMIN_PAGE),
    Route("subsidy-rules", "get", lambda w: f"/subsidies/rules/?park={w.other_park.pk}", OUTSIDE),
    Route("subsidy-rule-new", "get", lambda w: "/subsidies/rules/new/", ADMIN_PAGE),
    Route("subsidy-rule-edit", "get", lambda w: f"/subsidies/rules/{w.rule.pk}/edit/", ADMIN_PAGE),
    Route("subsidy-rule-edit", "get", lambda w: f"/subsidies/rules/{other_subsidy_rule(w).pk}/edit/", OUTSIDE),
]  # fmt: skip
