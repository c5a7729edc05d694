"""Every route × every role → the status it must answer. One table, read top to bottom.

Roles: admin (park admin of park A), viewer (park A), secretary_a (branch A), secretary_b (joint branch B),
instructor (assigned to the uncovered enterprise), anonymous, token (the admin's API token: read-only).
A row outside one's scope does not exist (404); a write one's role does not allow is 403.
Ratings, honours and subsidies have their rows in tests/parkparty/matrix_ratings_api.py and matrix_ratings_pages.py;
reports theirs in tests/parkparty/matrix_reports.py.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import ROLES, session_client_for
from tests.factories import credit_code
from tests.parkparty.matrix import (
    ADMIN_WRITES,
    API,
    PAGE_READ_ALL,
    READ_ALL,
    Route,
    an_attachment,
    photo,
    statuses,
    yesterday,
)
from tests.parkparty.matrix_accounts import ROUTES as ACCOUNTS
from tests.parkparty.matrix_activities_api import ROUTES as ACTIVITIES_API
from tests.parkparty.matrix_activities_pages import ROUTES as ACTIVITIES_PAGES
from tests.parkparty.matrix_asof_ledger import ROUTES as ASOF_LEDGER
from tests.parkparty.matrix_asof_meetings import ROUTES as ASOF_MEETINGS
from tests.parkparty.matrix_asof_pages import ROUTES as ASOF_PAGES
from tests.parkparty.matrix_exports import ROUTES as EXPORTS
from tests.parkparty.matrix_imports import ROUTES as IMPORTS
from tests.parkparty.matrix_ledger import ROUTES as LEDGER_PAGES
from tests.parkparty.matrix_oracles import ROUTES as ORACLES
from tests.parkparty.matrix_orgs import ROUTES as ORGS
from tests.parkparty.matrix_ratings_api import ROUTES as RATINGS_API
from tests.parkparty.matrix_ratings_pages import ROUTES as RATINGS_PAGES
from tests.parkparty.matrix_reports import ROUTES as REPORTS
from tests.parkparty.matrix_rules import ROUTES as RULES
from tests.parkparty.matrix_seclog import ROUTES as SECLOG
from tests.parkparty.matrix_tokens import ROUTES as TOKENS

ROUTES = [
    Route("healthz", "get", lambda w: "/healthz", statuses(200, 200, 200, 200, 200, 200, 200)),
    Route("api-schema", "get", lambda w: "/api/schema/", statuses(200, 200, 200, 200, 200, 200, 200)),
    Route("api-docs", "get", lambda w: "/api/docs/", statuses(200, 200, 200, 200, 200, 200, 200)),
    Route("v1:api-root", "get", lambda w: f"{API}/", READ_ALL),
    # Parks: a secretary or instructor reads their own park's name; nobody here reads park B.
    Route("v1:park-list", "get", lambda w: f"{API}/parks/", READ_ALL),
    Route("v1:park-detail", "get", lambda w: f"{API}/parks/{w.park.pk}/", READ_ALL),
    Route("v1:park-detail", "get", lambda w: f"{API}/parks/{w.other_park.pk}/", statuses(404, 404, 404, 404, 404, 401, 404)),
    Route("v1:district-list", "get", lambda w: f"{API}/districts/", READ_ALL),
    Route("v1:district-detail", "get", lambda w: f"{API}/districts/{w.district.pk}/", READ_ALL),
    Route("v1:grid-list", "get", lambda w: f"{API}/grids/", READ_ALL),
    Route("v1:grid-detail", "get", lambda w: f"{API}/grids/{w.grid.pk}/", READ_ALL),
    # Organizations: secretaries see their own subtree only.
    Route("v1:organization-list", "get", lambda w: f"{API}/organizations/", READ_ALL),
    Route("v1:organization-detail", "get", lambda w: f"{API}/organizations/{w.branch_a.pk}/",
          statuses(200, 200, 200, 404, 404, 401, 200)),
    Route("v1:organization-detail", "get", lambda w: f"{API}/organizations/{w.other_branch.pk}/",
          statuses(404, 404, 404, 404, 404, 401, 404)),
    Route("v1:organization-list", "post", lambda w: f"{API}/organizations/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "parent": w.committee.pk, "name": "新支部", "kind": "branch",
                          "formation": "standalone", "established_on": "2020-01-01"}),
    Route("v1:organization-detail", "patch", lambda w: f"{API}/organizations/{w.branch_a.pk}/",
          statuses(200, 403, 403, 403, 403, 401, 403), data=lambda w: {"name": "甲支部（更名）"}),
    Route("v1:organization-dissolve", "post", lambda w: f"{API}/organizations/{w.group_a.pk}/dissolve/",
          statuses(200, 403, 403, 403, 403, 401, 403), data=lambda w: {"on": "2024-01-01"}),
    # Members: secretaries read and write their subtree; a token never writes.
    Route("v1:member-list", "get", lambda w: f"{API}/members/", READ_ALL),
    Route("v1:member-detail", "get", lambda w: f"{API}/members/{w.member_a.pk}/",
          statuses(200, 200, 200, 404, 404, 401, 200)),
    Route("v1:member-detail", "get", lambda w: f"{API}/members/{w.other_member.pk}/",
          statuses(404, 404, 404, 404, 404, 401, 404)),
    # Secretary B may add members, but not to branch A: the organization field answers 400.
    Route("v1:member-list", "post", lambda w: f"{API}/members/", statuses(201, 403, 201, 400, 403, 401, 403),
          data=lambda w: {"organization": w.branch_a.pk, "name": "赵六", "status": "probationary",
                          "joined_on": "2024-07-01"}),
    Route("v1:member-detail", "patch", lambda w: f"{API}/members/{w.member_a.pk}/",
          statuses(200, 403, 200, 404, 403, 401, 403), data=lambda w: {"post": "technician"}),
    # Enterprises: secretaries see what their subtree covers, instructors what they are assigned.
    Route("v1:enterprise-list", "get", lambda w: f"{API}/enterprises/", READ_ALL),
    Route("v1:enterprise-detail", "get", lambda w: f"{API}/enterprises/{w.enterprise_a.pk}/",
          statuses(200, 200, 200, 404, 404, 401, 200)),
    Route("v1:enterprise-detail", "get", lambda w: f"{API}/enterprises/{w.enterprise_uncovered.pk}/",
          statuses(200, 200, 404, 404, 200, 401, 200)),
    Route("v1:enterprise-detail", "get", lambda w: f"{API}/enterprises/{w.other_enterprise.pk}/",
          statuses(404, 404, 404, 404, 404, 401, 404)),
    Route("v1:enterprise-list", "post", lambda w: f"{API}/enterprises/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "name": "新企业有限公司", "credit_code": credit_code(99_999),
                          "entered_on": "2024-01-01"}),
    Route("v1:enterprise-detail", "patch", lambda w: f"{API}/enterprises/{w.enterprise_a.pk}/",
          statuses(200, 403, 403, 403, 403, 401, 403), data=lambda w: {"employees": 80}),
    Route("v1:enterprise-leave", "post", lambda w: f"{API}/enterprises/{w.enterprise_b.pk}/leave/",
          statuses(200, 403, 403, 403, 403, 401, 403), data=lambda w: {"status": "moved_out", "on": "2024-06-30"}),
    # Coverage links: read like enterprises, written by park admins only.
    Route("v1:coverage-list", "get", lambda w: f"{API}/coverages/", READ_ALL),
    Route("v1:coverage-list", "post", lambda w: f"{API}/coverages/", ADMIN_WRITES,
          data=lambda w: {"enterprise": w.enterprise_uncovered.pk, "organization": w.branch_a.pk,
                          "started_on": "2024-01-01"}),
    Route("v1:coverage-detail", "get", lambda w: f"{API}/coverages/{w.enterprise_a.coverages.get().pk}/",
          statuses(200, 200, 200, 404, 404, 401, 200)),
    Route("v1:coverage-end", "post", lambda w: f"{API}/coverages/{w.enterprise_a.coverages.get().pk}/end/",
          statuses(200, 403, 403, 403, 403, 401, 403), data=lambda w: {"on": "2024-01-01"}),
    Route("v1:instructor-list", "get", lambda w: f"{API}/instructors/", READ_ALL),
    Route("v1:instructor-detail", "get", lambda w: f"{API}/instructors/{w.instructor.pk}/",
          statuses(200, 200, 404, 404, 404, 401, 200)),
    # Park-wide statistics are for admins and viewers (and their API tokens).
    Route("v1:stats-coverage", "get", lambda w: f"{API}/stats/coverage/?park={w.park.pk}",
          statuses(200, 200, 403, 403, 403, 401, 200)),
    Route("v1:stats-coverage", "get", lambda w: f"{API}/stats/coverage/?park={w.other_park.pk}",
          statuses(404, 404, 403, 403, 403, 401, 404)),
    # Meetings: secretaries log and change their subtree's; park admins confirm.
    Route("v1:meeting-list", "get", lambda w: f"{API}/meetings/", READ_ALL),
    Route("v1:meeting-detail", "get", lambda w: f"{API}/meetings/{w.meeting_a.pk}/",
          statuses(200, 200, 200, 404, 404, 401, 200)),
    Route("v1:meeting-list", "post", lambda w: f"{API}/meetings/", statuses(201, 403, 201, 400, 403, 401, 403),
          data=lambda w: {"host": w.branch_a.pk, "kind": "party_lesson", "held_at": yesterday(), "topic": "党课",
                          "attendance": [{"member": w.member_a.pk, "status": "present"}]}),
    Route("v1:meeting-detail", "patch", lambda w: f"{API}/meetings/{w.meeting_a.pk}/",
          statuses(200, 403, 200, 404, 403, 401, 403), data=lambda w: {"minutes": "补充记录"}),
    Route("v1:meeting-confirm", "post", lambda w: f"{API}/meetings/{w.meeting_a.pk}/confirm/",
          statuses(200, 403, 403, 404, 403, 401, 403)),
    Route("v1:meeting-attachments", "post", lambda w: f"{API}/meetings/{w.meeting_a.pk}/attachments/",
          statuses(201, 403, 201, 404, 403, 401, 403), data=photo, format="multipart"),
    Route("v1:meeting-rule-list", "get", lambda w: f"{API}/meeting-rules/", READ_ALL),
    Route("v1:meeting-rule-detail", "get", lambda w: f"{API}/meeting-rules/{w.park.meeting_rules.first().pk}/",
          READ_ALL),
    Route("v1:meeting-rule-list", "post", lambda w: f"{API}/meeting-rules/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "kind": "forum", "organization_kind": "branch", "period": "year",
                          "times": 1}),
    Route("v1:meeting-rule-detail", "patch", lambda w: f"{API}/meeting-rules/{w.park.meeting_rules.first().pk}/",
          statuses(200, 403, 403, 403, 403, 401, 403), data=lambda w: {"times": 2}),
    # Joint bodies and their rotating chairs: read by everyone of the park, scheduled by park admins.
    Route("v1:joint-body-list", "get", lambda w: f"{API}/joint-bodies/", READ_ALL),
    Route("v1:joint-body-detail", "get", lambda w: f"{API}/joint-bodies/{w.joint_body.pk}/", READ_ALL),
    Route("v1:joint-body-schedule", "post", lambda w: f"{API}/joint-bodies/{w.joint_body.pk}/schedule/",
          statuses(200, 403, 403, 403, 403, 401, 403), data=lambda w: {"year": 2024}),
    # Matters: secretaries for their subtree, instructors for their assigned enterprises.
    Route("v1:matter-list", "get", lambda w: f"{API}/matters/", READ_ALL),
    Route("v1:matter-detail", "get", lambda w: f"{API}/matters/{w.matter_a.pk}/",
          statuses(200, 200, 200, 404, 404, 401, 200)),
    Route("v1:matter-list", "post", lambda w: f"{API}/matters/", statuses(201, 403, 201, 400, 400, 401, 403),
          data=lambda w: {"park": w.park.pk, "source": "visit", "organization": w.branch_a.pk,
                          "enterprise": w.enterprise_a.pk, "category": "policy", "title": "政策咨询",
                          "raised_on": "2024-06-01"}),
    Route("v1:matter-detail", "patch", lambda w: f"{API}/matters/{w.matter_a.pk}/",
          statuses(200, 403, 200, 404, 404, 401, 403), data=lambda w: {"status": "in_progress"}),
    Route("v1:stats-meetings", "get", lambda w: f"{API}/stats/meetings/?park={w.park.pk}&period=2024-05",
          statuses(200, 200, 403, 403, 403, 401, 200)),
    Route("v1:stats-meetings", "get", lambda w: f"{API}/stats/meetings/?park={w.other_park.pk}&period=2024-05",
          statuses(404, 404, 403, 403, 403, 401, 404)),
    Route("v1:stats-matters", "get", lambda w: f"{API}/stats/matters/?park={w.park.pk}",
          statuses(200, 200, 403, 403, 403, 401, 200)),
    # Pages take the session only: a token (or nobody) is sent to the login page.
    Route("login", "get", lambda w: "/accounts/login/", statuses(200, 200, 200, 200, 200, 200, 200)),
    Route("overview", "get", lambda w: "/", PAGE_READ_ALL),
    Route("enterprise-list", "get", lambda w: "/enterprises/", PAGE_READ_ALL),
    Route("enterprise-detail", "get", lambda w: f"/enterprises/{w.enterprise_a.pk}/",
          statuses(200, 200, 200, 404, 404, 302, 302)),
    Route("enterprise-detail", "get", lambda w: f"/enterprises/{w.enterprise_uncovered.pk}/",
          statuses(200, 200, 404, 404, 200, 302, 302)),
    Route("enterprise-detail", "get", lambda w: f"/enterprises/{w.other_enterprise.pk}/",
          statuses(404, 404, 404, 404, 404, 302, 302)),
    Route("organization-tree", "get", lambda w: "/organizations/", PAGE_READ_ALL),
    Route("organization-detail", "get", lambda w: f"/organizations/{w.branch_a.pk}/",
          statuses(200, 200, 200, 404, 404, 302, 302)),
    Route("organization-detail", "get", lambda w: f"/organizations/{w.branch_b.pk}/",
          statuses(200, 200, 404, 200, 404, 302, 302)),
    Route("organization-detail", "get", lambda w: f"/organizations/{w.other_branch.pk}/",
          statuses(404, 404, 404, 404, 404, 302, 302)),
    Route("meeting-log", "get", lambda w: "/meetings/new/", statuses(200, 403, 200, 200, 403, 302, 302)),
    Route("meeting-log", "get", lambda w: f"/meetings/new/?host={w.branch_b.pk}",
          statuses(200, 403, 404, 200, 404, 302, 302)),
    Route("meeting-detail", "get", lambda w: f"/meetings/{w.meeting_a.pk}/", statuses(200, 200, 200, 404, 404, 302, 302)),
    Route("meeting-edit", "get", lambda w: f"/meetings/{w.meeting_a.pk}/edit/",
          statuses(200, 403, 200, 404, 404, 302, 302)),
    Route("meeting-confirm", "post", lambda w: f"/meetings/{w.meeting_a.pk}/confirm/",
          statuses(302, 403, 403, 404, 404, 302, 302)),
    Route("meeting-attachment", "get", lambda w: f"/meetings/attachments/{an_attachment(w)}/",
          statuses(200, 200, 200, 404, 404, 302, 302)),
    Route("meeting-calendar", "get", lambda w: "/meetings/calendar/", PAGE_READ_ALL),
    Route("meeting-compliance", "get", lambda w: "/meetings/compliance/", PAGE_READ_ALL),
    Route("joint-body-list", "get", lambda w: "/meetings/joint-bodies/", PAGE_READ_ALL),
    Route("joint-body-detail", "get", lambda w: f"/meetings/joint-bodies/{w.joint_body.pk}/", PAGE_READ_ALL),
    Route("joint-body-schedule", "post", lambda w: f"/meetings/joint-bodies/{w.joint_body.pk}/schedule/",
          statuses(302, 403, 403, 403, 403, 302, 302), data=lambda w: {"year": 2024}, format="multipart"),
    Route("matter-board", "get", lambda w: "/meetings/matters/", PAGE_READ_ALL),
    Route("matter-new", "get", lambda w: "/meetings/matters/new/", statuses(200, 403, 200, 200, 200, 302, 302)),
    Route("matter-status", "post", lambda w: f"/meetings/matters/{w.matter_a.pk}/status/",
          statuses(302, 403, 302, 404, 404, 302, 302), data=lambda w: {"status": "in_progress"}, format="multipart"),
]  # fmt: skip
ROUTES += RATINGS_API + RATINGS_PAGES + ACTIVITIES_API + ACTIVITIES_PAGES + REPORTS
ROUTES += LEDGER_PAGES
ROUTES += IMPORTS
ROUTES += ORGS
ROUTES += RULES
ROUTES += ACCOUNTS
ROUTES += EXPORTS
ROUTES += SECLOG
ROUTES += ORACLES
ROUTES += TOKENS
ROUTES += ASOF_PAGES
ROUTES += ASOF_MEETINGS

ROUTES += ASOF_LEDGER

CASES = [
    pytest.param(route, role, id=f"{route.method.upper()} {route.name} #{index} as {role}")
    for index, route in enumerate(ROUTES)
    for role in ROLES
]


@pytest.fixture(scope="module", autouse=True)
def _schema_generated_once():
    """The api-schema rows ask each role for /api/schema/: the answer's status is what they test, and the
    schema is the same for all (SERVE_PUBLIC). drf-spectacular generates it once here (~0.6 s) instead of
    seven times; the view, its authentication and permission checks and the YAML rendering still run for
    each row. Module-wide only: tests/parkparty/test_api_schema.py validates a freshly generated one."""
    generate = SchemaGenerator.get_schema
    generated = {}

    def get_schema(self, request=None, public=False):
        key = (public, translation.get_language(), self.api_version, self.urlconf)
        if key not in generated:
            generated[key] = generate(self, request=request, public=public)
        return generated[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SchemaGenerator, "get_schema", get_schema)
        yield


@pytest.mark.parametrize(("route", "role"), CASES)
def test_route_answers_each_role_as_the_access_model_says(world, persona_sessions, route, role):
    client = session_client_for(world, role, persona_sessions)
    data = route.data(world) if route.data else None
    response = getattr(client, route.method)(route.url(world), data=data, format=route.format)
    if response.streaming:
        # Read a streamed file through: the test client then closes it with Django's connection cleanup
        # disconnected. A bare close() fires request_finished, which closes the test's PostgreSQL
        # connection, and with it the module's test data (tests/conftest.py builds it once per module).
        b"".join(response.streaming_content)
    assert response.status_code == route.expected[role], response.content[:300]


# Django's own routes: the admin (tested in test_admin), language switch, logout and password screens.
NOT_IN_THIS_TABLE = ("admin:", "set_language", "logout", "password_")


def _named_routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_routes(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_route_is_in_the_matrix():
    """A new route without a row here fails: the matrix must walk every route."""
    covered = {route.name for route in ROUTES}
    missing = {name for name in set(_named_routes()) - covered if not name.startswith(NOT_IN_THIS_TABLE)}
    assert sorted(missing) == [], f"routes with no row in the permission matrix: {sorted(missing)}"
