"""Shared fixtures: a small world of two parks and a persona for every role of the access model."""

import contextlib
import copy
import dataclasses
import functools
import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from activities import services as activity_services
from activities.models import Activity, AnnualPlan, Designation, PlanTarget
from meetings import services
from meetings.models import Matter, Meeting
from organizations.models import (
    Application,
    Criterion,
    DuesCollection,
    Honor,
    Organization,
    Rating,
    Subsidy,
    SubsidyKind,
    SubsidyRule,
)
from organizations.pipeline import services as pipeline_services
from organizations.ratings import services as rating_services
from organizations.subsidies import services as subsidy_services
from parkparty.dates import local_datetime
from parkparty.models import Role
from reports import workbook
from reports.models import Report, ReportKind
from tests import factories as f

pytest_plugins = ["tests.plugins.ci"]

# The suite's clock: every run starts at this instant, 10:00 on 6 December 2026 in the parks' time
# zone (Asia/Shanghai), and ticks on from it, so that "today", "this month", "the last closed quarter"
# and the demo built "up to today" do not drift with the day the suite runs. Given in UTC so that
# time-machine leaves the process's time zone alone (Django sets it to TIME_ZONE).
FROZEN_AT = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
FROZEN_TODAY = date(2026, 12, 6)  # FROZEN_AT's date in Asia/Shanghai


@pytest.fixture(scope="session", autouse=True)
def frozen_clock():
    """The whole session runs on the clock above (see `real_clock` for tests that cannot)."""
    traveller = time_machine.travel(FROZEN_AT, tick=True)
    traveller.start()
    yield traveller
    traveller.stop()


@contextlib.contextmanager
def real_clock(traveller):
    """The real clock for tests whose other side cannot see the travel: a browser (Chromium compares
    the session cookie's expiry with its own clock) or a Celery worker in another process. Their
    results depend on today's date as they did before the clock was frozen. The frozen clock starts
    again, from FROZEN_AT, when they end."""
    traveller.stop()
    try:
        yield
    finally:
        traveller.start()


@pytest.fixture(scope="session")
def _media_roots(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


_MEDIA_SERIAL = itertools.count()


@pytest.fixture(autouse=True)
def _media_root(settings, _media_roots):
    """Uploaded files go to the test's own directory, never into var/. The directory is named, not made:
    the storage makes it when a test first saves a file (as it made tmp_path / "media" before), so the
    thousands of tests that upload nothing do not each create a temporary directory."""
    settings.MEDIA_ROOT = _media_roots / str(next(_MEDIA_SERIAL))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures are keyed by the ledger version, which each test's rollback resets: start empty."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    park: object
    other_park: object
    committee: object
    branch_a: object
    branch_b: object
    group_a: object
    other_branch: object
    enterprise_a: object
    enterprise_b: object
    enterprise_uncovered: object
    other_enterprise: object
    member_a: object
    member_b: object
    other_member: object
    instructor: object
    users: dict
    token: str
    district: object = None
    grid: object = None
    meeting_a: object = None
    matter_a: object = None
    joint_body: object = None
    sheet: object = None
    rating_a: object = None
    rule: object = None
    subsidy_a: object = None
    honor_a: object = None
    dues_a: object = None
    venue: object = None
    activity_a: object = None
    designation_a: object = None
    plan: object = None
    application_a: object = None
    report_a: object = None


@contextlib.contextmanager
def outer_atomic(django_db_blocker):
    """An atomic block around many tests (a module's world, the demo), rolled back at the end.

    While it is open, the connection must stay open. Django closes a connection whose autocommit is
    off when a request starts or finishes (close_old_connections, which the test client re-connects
    after each request), and a test's `response.close()` fires request_finished again: harmless on
    SQLite's in-memory database, but on PostgreSQL it would take every later test's data with it.
    So the connection is neither "unusable" nor "obsolete" while the block is open.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    guarded = "close_if_unusable_or_obsolete" not in vars(connection)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as TestCase's own class-wide block: durable blocks inside still work
        if guarded:
            connection.close_if_unusable_or_obsolete = lambda: None
        try:
            with atomic:
                yield
                transaction.set_rollback(True)
        finally:
            if guarded:
                del connection.close_if_unusable_or_obsolete
                # Closed, as a test case closes its connections: after a live server's tests, a connection
                # left open here outlived the session and PostgreSQL refused to drop the test database.
                # (SQLite ignores closing its in-memory test database.)
                connection.close()


# Fixtures that need a database whose writes are committed (a live server's thread, a worker process,
# concurrent connections): their test must not run inside the module's outer atomic block.
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="module", autouse=True)
def _world_of_module(request, django_db_blocker):
    """The world built once per module, as Django's TestCase.setUpTestData builds a class's data.

    It lives in an outer atomic block rolled back when the module ends; each test's own transaction
    (pytest-django's django_db) is a savepoint inside it, so a test's writes are undone after it. Each
    test gets its own deep copy of the pristine objects (`world` below), so caches a test leaves on
    them (a user's scope, prefetched rows, changed attributes) do not reach the next test.
    A module with a transactional test (live server, worker processes, concurrent connections) cannot
    hold an uncommitted outer block: there, and in modules that do not use the world, this yields None
    and `world` builds the world per test as before.
    """
    items = [item for item in request.session.items if getattr(item, "module", None) is request.module]
    if not any("world" in item.fixturenames for item in items) or any(_is_transactional(item) for item in items):
        yield None
        return
    request.getfixturevalue("django_db_setup")
    with outer_atomic(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(db, _world_of_module) -> World:
    if _world_of_module is None:
        return build_world()
    return _WorldCopy(_world_of_module)


class _CopiedOnFirstRead:
    """A field of _WorldCopy: deep-copied from the pristine world the first time the test reads it, then
    an ordinary attribute (a non-data descriptor: the instance's own value wins, assignment just works)."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = copy.deepcopy(getattr(instance._pristine, self.name), instance._memo)
        instance.__dict__[self.name] = value
        return value


class _WorldCopy(World):
    """A test's deep copy of the module's world, made field by field as the test reads them: the same as
    copy.deepcopy(world) (one memo, so objects the pristine world shares stay shared in the copy), but a
    test that reads two fields does not pay for copying thirty-four (about 1 ms a test)."""

    def __init__(self, pristine: World):  # no dataclass __init__: every field is copied on first read
        self._pristine = pristine
        self._memo = {}


for _field in dataclasses.fields(World):
    setattr(_WorldCopy, _field.name, _CopiedOnFirstRead(_field.name))


def build_world() -> World:
    """Two parks, their organizations, enterprises, members, personas for every role and a little of
    every ledger (meetings, ratings, subsidies, activities, the pipeline, a report)."""
    park = f.ParkFactory(code="park-a", name="甲园区")
    other_park = f.ParkFactory(code="park-b", name="乙园区")
    committee = f.OrganizationFactory(
        park=park, name="园区党委", kind=Organization.Kind.COMMITTEE, formation=Organization.Formation.REGIONAL
    )
    branch_a = f.OrganizationFactory(park=park, parent=committee, name="甲支部")
    committee.refresh_from_db()
    branch_b = f.OrganizationFactory(
        park=park, parent=committee, name="乙联合支部", formation=Organization.Formation.JOINT
    )
    branch_a.refresh_from_db()
    group_a = f.OrganizationFactory(park=park, parent=branch_a, name="甲支部第一党小组", kind=Organization.Kind.GROUP)
    other_branch = f.OrganizationFactory(park=other_park, name="乙园区支部")

    district = f.DistrictFactory(park=park, name="一片区")
    grid = f.GridFactory(park=park, district=district, name="一网格")
    enterprise_a = f.EnterpriseFactory(park=park, name="甲陶瓷有限公司", district=district, grid=grid)
    enterprise_b = f.EnterpriseFactory(park=park, name="乙电商有限公司", industry="电子商务")
    enterprise_uncovered = f.EnterpriseFactory(park=park, name="丙小微企业")
    other_enterprise = f.EnterpriseFactory(park=other_park, name="乙园区企业")
    f.CoverageFactory(enterprise=enterprise_a, organization=branch_a)
    f.CoverageFactory(enterprise=enterprise_b, organization=branch_b)
    f.CoverageFactory(enterprise=other_enterprise, organization=other_branch)

    member_a = f.PartyMemberFactory(organization=branch_a, enterprise=enterprise_a, name="张三")
    member_b = f.PartyMemberFactory(organization=branch_b, enterprise=enterprise_b, name="李四")
    other_member = f.PartyMemberFactory(organization=other_branch, enterprise=other_enterprise, name="王五")

    users = {
        "admin": f.UserFactory(username="admin"),
        "viewer": f.UserFactory(username="viewer"),
        "secretary_a": f.UserFactory(username="secretary_a"),
        "secretary_b": f.UserFactory(username="secretary_b"),
        "instructor": f.UserFactory(username="instructor"),
    }
    f.GrantFactory(user=users["admin"], role=Role.PARK_ADMIN, park=park)
    f.GrantFactory(user=users["viewer"], role=Role.PARK_VIEWER, park=park)
    f.GrantFactory(user=users["secretary_a"], role=Role.SECRETARY, organization=branch_a)
    f.GrantFactory(user=users["secretary_b"], role=Role.SECRETARY, organization=branch_b)
    instructor = f.InstructorFactory(park=park, user=users["instructor"])
    f.InstructorAssignmentFactory(instructor=instructor, enterprise=enterprise_uncovered, started_on=date(2016, 1, 1))
    # The API client's token belongs to the park admin: a token is read-only whoever holds it.
    token = Token.objects.create(user=users["admin"]).key
    for node in (committee, branch_a, branch_b):
        node.refresh_from_db()
    meeting_a, matter_a, joint_body = _meetings_of(park, branch_a, branch_b, member_a, enterprise_a)
    ratings = _ratings_of(park, branch_a, enterprise_a, users["admin"])
    activities = _activities_of(park, branch_a, branch_b, member_a, enterprise_a, users["secretary_a"])
    return World(
        park, other_park, committee, branch_a, branch_b, group_a, other_branch,
        enterprise_a, enterprise_b, enterprise_uncovered, other_enterprise,
        member_a, member_b, other_member, instructor, users, token, district, grid,
        meeting_a, matter_a, joint_body, *ratings, *activities, _report_of(park, users["admin"]),
    )  # fmt: skip


# Park A's monthly report of May 2024 as the task stores it (JSON as read back: dates and decimals as
# strings), cut to one section of figures and one table. Built by hand: generating it for real would
# cost every test of the suite the report's queries; tests/reports/test_reports_api.py generates real ones.
REPORT_DATA = {
    "title": "甲园区 月报 2024-05",
    "kind": "monthly",
    "period": "2024-05",
    "starts_on": "2024-05-01",
    "ends_on": "2024-05-31",
    "as_of": "2024-05-31",
    "complete": True,
    "generated_at": "2024-06-01T01:30:00+08:00",
    "sections": [
        {"key": "coverage", "figures": {"as_of": "2024-05-31", "total_enterprises": 3, "covered_enterprises": 2,
                                        "coverage_rate": "0.6667", "coverage_rate_change": None}},
        {"key": "newly_uncovered", "columns": ["enterprise", "entered_on", "previous_organization"],
         "rows": [["丙小微企业", "2024-05-10", None]]},
    ],
}  # fmt: skip


@functools.cache
def _report_workbook() -> bytes:
    return workbook.render(REPORT_DATA)


def _report_of(park, admin) -> Report:
    """Park A's monthly report of May 2024, done, with its figures and workbook."""
    moment = local_datetime(date(2024, 6, 1), 1)
    return Report.objects.create(
        park=park, kind=ReportKind.MONTHLY, period="2024-05", starts_on=date(2024, 5, 1), ends_before=date(2024, 6, 1),
        status=Report.Status.DONE, requested_by=admin, requested_at=moment, started_at=moment, finished_at=moment,
        data={**REPORT_DATA, "park": {"id": park.pk, "name": park.name}}, workbook=_report_workbook(),
    )  # fmt: skip


def _activities_of(park, branch_a, branch_b, member_a, enterprise_a, secretary_a):
    """Enterprise A's shared venue; branch A's volunteer service of 2024-06-15 there, co-hosted by branch B,
    with member A; a demo post of branch A; the park's 2024 plan; an activist of branch A since 2023-03-01."""
    venue = f.VenueFactory(park=park, name="党群服务中心", owner=enterprise_a, capacity=80, shared=True)
    activity = activity_services.activity_save(
        activity=Activity(organization=branch_a, kind="volunteer", title="红帆志愿服务", venue=venue,
                          starts_at=local_datetime(date(2024, 6, 15), 9), duration_minutes=120, non_member_count=12),
        co_hosts=[branch_b], participants=[member_a], actor=secretary_a,
    )  # fmt: skip
    designation = activity_services.designation_save(
        designation=Designation(
            organization=branch_a, kind="demo_post", name="党员示范岗", started_on=date(2023, 7, 1)
        ),
        members=[member_a],
    )
    plan = activity_services.plan_save(
        plan=AnnualPlan(park=park, year=2024, title="2024年“十百千”计划"),
        targets=[PlanTarget(counts="activities", kind="training", target=10),
                 PlanTarget(counts="meetings", kind="party_lesson", target=100),
                 PlanTarget(counts="activities", kind="volunteer", target=4)],
    )  # fmt: skip
    application = pipeline_services.application_create(
        application=Application(organization=branch_a, enterprise=enterprise_a, name="周青", applied_on=date(2022, 9, 1),
                                recommended_by="youth_league")
    )  # fmt: skip
    application = pipeline_services.application_advance(
        application=application, stage="activist", on=date(2023, 3, 1), approved_by="甲支部支委会"
    )
    return venue, activity, designation, plan, application


def _ratings_of(park, branch_a, enterprise_a, admin):
    """The park's 2024 scoring sheet and star levels, branch A's confirmed rating of 2024 Q2, the red-star
    rule, the quarter's allowance proposed for branch A, an honour and branch A's dues of May 2024."""
    rating_services.star_levels_install_defaults(park=park)
    sheet = f.ScoringSheetFactory(park=park, year=2024)
    for position, (title, points, source, veto) in enumerate(SHEET_CRITERIA):
        Criterion.objects.create(
            sheet=sheet, position=position, title=title, max_points=points, source=source, is_veto=veto
        )
    criteria = list(sheet.criteria.all())
    scores = (Decimal(36), Decimal(25), Decimal(20), Decimal(0))  # 81 of 100: four stars
    rating = rating_services.rating_save(
        rating=Rating(organization=branch_a, sheet=sheet, year=2024, quarter=2, assessed_on=date(2024, 6, 28)),
        items=[
            rating_services.ItemLine(c, score, reason="巡查核实") for c, score in zip(criteria, scores, strict=True)
        ],
        actor=admin,
    )
    rating = rating_services.rating_confirm(rating=rating, actor=admin)
    rule = subsidy_services.rule_save(
        rule=SubsidyRule(park=park, kind=SubsidyKind.RED_STAR_ALLOWANCE, valid_from=date(2020, 1, 1)),
        rates={5: Decimal(300), 4: Decimal(200), 3: Decimal(100), 2: Decimal(50), 1: Decimal(0)},
    )
    subsidy_services.rule_save(rule=SubsidyRule(park=park, kind=SubsidyKind.DUES_RETURN, valid_from=date(2020, 1, 1)))
    subsidy = Subsidy.objects.create(
        park=park, organization=branch_a, kind=SubsidyKind.RED_STAR_ALLOWANCE, period="2024-Q2",
        period_start=date(2024, 4, 1), amount=Decimal("200.00"), rule=rule, rating=rating,
    )  # fmt: skip
    honor = rating_services.honor_save(
        honor=Honor(park=park, year=2024, kind=Honor.Kind.FIVE_STAR, star=Honor.Star.HARMONY, enterprise=enterprise_a)
    )
    dues = subsidy_services.dues_record(
        dues=DuesCollection(organization=branch_a, month=date(2024, 5, 1), amount=Decimal("360.00"), members_paying=3)
    )
    return sheet, rating, rule, subsidy, honor, dues


# (title, maximum points, suggested from, veto item) of the world's scoring sheet.
SHEET_CRITERIA = (
    ("三会一课落实", Decimal(40), "meetings", False),
    ("主题活动开展", Decimal(30), "", False),
    ("协调事项办结", Decimal(30), "matters", False),
    ("发生重大安全生产事故或违纪违法问题", Decimal(0), "", True),
)


def _meetings_of(park, branch_a, branch_b, member_a, enterprise_a):
    """Branch A's theme day of May 2024, a matter it raised, a joint body of both branches, the rules."""
    services.rules_install_defaults(park=park)
    meeting = services.meeting_save(
        meeting=Meeting(host=branch_a, kind="theme_day", status="held", topic="主题党日",
                        held_at=local_datetime(date(2024, 5, 20), 9)),
        attendance=[services.AttendanceLine(member_a)],
    )  # fmt: skip
    matter = services.matter_save(
        matter=Matter(park=park, source="meeting", meeting=meeting, organization=branch_a, enterprise=enterprise_a,
                      category="recruitment", title="旺季缺工", raised_on=date(2024, 5, 20))
    )  # fmt: skip
    body = f.JointBodyFactory(park=park, name="党支部联席会", organizations=[branch_a, branch_b], seats=[enterprise_a])
    return meeting, matter, body


ROLES = ("admin", "viewer", "secretary_a", "secretary_b", "instructor", "anonymous", "token")


def client_for(world: World, role: str) -> APIClient:
    client = APIClient()
    if role == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.token}")
    elif role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.fixture
def as_role(world):
    return lambda role: client_for(world, role)


@pytest.fixture(scope="module")
def persona_sessions(_world_of_module, django_db_blocker) -> dict:
    """Each persona of the module's world logged in once, for the whole module: role → session key.

    A login writes a session, a security-log entry, an access-log entry and the user's last_login
    (about 8 ms); a module of thousands of one-request tests (the permission matrix) logs in once per
    persona instead of once per test. The sessions live in the module's outer atomic block, so each
    test's savepoint undoes what its requests do to them (a logout, a rotated key). Only for tests that
    do not change a persona (password, active flag, must-change flag) before their requests: such a
    session was opened before the change, as force_login in the test would not be. Empty when the
    module builds its world per test (there is no module-wide block to keep sessions in).
    """
    if _world_of_module is None:
        return {}
    keys = {}
    with django_db_blocker.unblock():
        for role, user in _world_of_module.users.items():
            client = APIClient()
            # A fresh copy: force_login sets last_login on the object it is given; the pristine world stays as built.
            client.force_login(type(user).objects.get(pk=user.pk))
            keys[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return keys


def session_client_for(world: World, role: str, sessions: dict) -> APIClient:
    """client_for, with the persona's module-wide session (`persona_sessions`) when there is one."""
    if role not in sessions:
        return client_for(world, role)
    client = APIClient()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[role]
    return client
