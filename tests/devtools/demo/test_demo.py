"""The demo parks reproduce the published figures, read through the API the way an outside client reads them."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone
from rest_framework.test import APIClient

from devtools.demo import dehua
from devtools.management.commands.load_demo import DEMO_TODAY
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from enterprises.selectors import enterprises_needing_own_branch
from enterprises.services import coverage_errors
from meetings.models import Meeting
from organizations.models import District, Grid, Organization, Park, PartyMember
from parkparty.models import Grant
from parkparty.validators import validate_credit_code, validate_id_number
from tests.conftest import FROZEN_TODAY

pytestmark = pytest.mark.django_db

API = "/api/v1"
CODES = {"dehua-chengdong", "yutai", "quanzhou", "kaihua"}


def client_for(username: str) -> APIClient:
    client = APIClient()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def admin():
    return client_for("demo-admin")


def park_id(code: str) -> int:
    return Park.objects.get(code=code).pk


def get(client: APIClient, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_parks_endpoint_lists_the_four_demo_parks(admin):
    body = get(admin, f"{API}/parks/")
    assert {park["code"] for park in body["results"]} == CODES
    assert body["count"] == 4


def test_dehua_has_the_published_coverage_at_the_end_of_2019(admin):
    stats = get(admin, f"{API}/stats/coverage/", park=park_id("dehua-chengdong"), as_of="2019-12-31")
    assert stats["total_enterprises"] == 297
    assert stats["covered_enterprises"] == 251
    assert stats["coverage_rate"] == "0.8451"
    assert stats["branches"] == 59
    # 36 big firms and the e-commerce park's 89 with their own branch; 126 small firms in joint ones.
    assert (stats["standalone_covered"], stats["joint_covered"]) == (125, 126)


def test_dehua_today_differs_from_2019_because_firms_came_and_went(admin):
    stats = get(admin, f"{API}/stats/coverage/", park=park_id("dehua-chengdong"))
    assert stats["total_enterprises"] != 297
    assert stats["covered_enterprises"] != 251
    assert Enterprise.objects.filter(park__code="dehua-chengdong", left_on__gt=date(2019, 12, 31)).exists()


def test_dehua_matches_the_reports_size_and_has_a_few_ledger_findings():
    in_2019 = Enterprise.objects.filter(park__code="dehua-chengdong", entered_on__lte=date(2019, 12, 31)).exclude(
        left_on__lte=date(2019, 12, 31)
    )
    assert sum(in_2019.values_list("employees", flat=True)) == 28_000
    assert sum(in_2019.values_list("output_value", flat=True)) == Decimal(870_000)
    assert Instructor.objects.filter(park__code="dehua-chengdong").count() == 10
    dehua_firms = Enterprise.objects.filter(park__code="dehua-chengdong")
    findings = enterprises_needing_own_branch(dehua_firms, timezone.localdate())
    assert 1 <= findings.count() <= 6


def test_yutai_covers_all_44_firms_with_26_branches_180_members_and_34_instructors(admin):
    yutai = park_id("yutai")
    for as_of in ({}, {"as_of": "2020-09-29"}):
        stats = get(admin, f"{API}/stats/coverage/", park=yutai, **as_of)
        assert (stats["total_enterprises"], stats["coverage_rate"], stats["branches"]) == (44, "1.0000", 26)
    # 180 on the report's date; members who joined later are extra (tests/devtools/demo/test_demo_dates.py).
    assert get(admin, f"{API}/members/", park=yutai, as_of="2020-09-29", page_size=1)["count"] == 180
    assert get(admin, f"{API}/instructors/", park=yutai, page_size=1)["count"] == 34
    assigned = InstructorAssignment.objects.filter(enterprise__park_id=yutai).values("enterprise").distinct()
    assert assigned.count() == 44


def test_quanzhou_has_the_five_level_tree_and_18_grids(admin):
    quanzhou = park_id("quanzhou")
    url = f"{API}/organizations/"
    assert get(admin, url, park=quanzhou, kind="district_station", page_size=1)["count"] == 4
    enterprise_organizations = get(
        admin, url, park=quanzhou, kind="committee,general_branch,branch", formation="standalone,joint", page_size=1
    )
    assert enterprise_organizations["count"] == 136
    assert get(admin, url, park=quanzhou, kind="group", page_size=1)["count"] == 79
    assert get(admin, f"{API}/grids/", park=quanzhou)["count"] == 18


def test_quanzhou_coverage_and_ledger_match_the_report(admin):
    stats = get(admin, f"{API}/stats/coverage/", park=park_id("quanzhou"))
    assert abs(Decimal(stats["coverage_rate"]) - Decimal("0.977")) <= Decimal("0.0005")
    firms = Enterprise.objects.filter(park__code="quanzhou")
    assert (firms.count(), firms.filter(above_scale=True).count(), firms.filter(above_quota=True).count()) == (
        264,
        131,
        133,
    )
    assert firms.filter(charter_includes_party_building=True).count() == 220
    members = get(admin, f"{API}/stats/members/", park=park_id("quanzhou"), as_of="2023-07-10")
    assert members["members"] == 1096
    assert members["cross_appointment"]["members_middle_or_higher"] == 856


def test_kaihua_secretaries_hold_the_published_posts():
    organizations = Organization.objects.filter(park__code="kaihua", secretary__isnull=False)
    assert organizations.count() == 110
    posts = dict(organizations.order_by().values_list("secretary__post").annotate(n=Count("pk")))
    assert (posts["owner"], posts["senior_manager"]) == (45, 43)
    # Every secretary sits on the roster of the organization they lead.
    assert not organizations.exclude(secretary__organization=F("pk")).exists()


def test_the_demo_rows_pass_the_ledgers_own_checks():
    parks = Park.objects.filter(code__in=CODES)
    codes = list(Enterprise.objects.filter(park__in=parks).values_list("credit_code", flat=True))
    for code in codes:
        validate_credit_code(code)
    assert len(set(codes)) == len(codes)
    for number in (
        PartyMember.objects.filter(organization__park__in=parks)
        .exclude(id_number="")
        .values_list("id_number", flat=True)
    ):
        validate_id_number(number)
    coverages = Coverage.objects.filter(enterprise__park__in=parks).select_related("enterprise", "organization")
    assert [(c.pk, coverage_errors(c)) for c in coverages if coverage_errors(c)] == []
    members = PartyMember.objects.filter(organization__park__in=parks, enterprise__isnull=False)
    assert not members.exclude(enterprise__park=F("organization__park")).exists()


def test_the_writes_kept_their_history():
    assert Enterprise.history.filter(park__code="yutai").count() == 44
    members = PartyMember.objects.filter(organization__park__code="yutai").count()
    assert members > 180  # the 180 of the report and those who joined since
    assert PartyMember.history.filter(organization__park__code="yutai").count() == members
    assert Coverage.history.filter(enterprise__park__code="yutai").count() == 44


def counts() -> dict:
    models = (Park, District, Grid, Organization, Enterprise, Coverage, PartyMember, Instructor, InstructorAssignment)
    tallies = {model.__name__: model.objects.count() for model in models}
    for model in (Organization, Enterprise, Coverage, PartyMember, InstructorAssignment):
        tallies[f"{model.__name__} history"] = model.history.count()
    tallies["users"], tallies["grants"] = get_user_model().objects.count(), Grant.objects.count()
    return tallies


def test_loading_again_changes_nothing_and_says_so():
    before = counts()
    output = StringIO()
    call_command("load_demo", "--force", stdout=output)
    assert counts() == before
    assert "Nothing changed" in output.getvalue()


def test_the_demo_secretary_sees_exactly_their_branchs_subtree():
    branch = Organization.objects.get(park__code="dehua-chengdong", name=dehua.SECRETARY_BRANCH)
    body = get(client_for("demo-secretary"), f"{API}/organizations/", page_size=200)
    subtree = Organization.objects.filter(path__startswith=branch.path).values_list("pk", flat=True)
    assert {row["id"] for row in body["results"]} == set(subtree)
    assert branch.members.count() >= 5


def test_the_demo_logins_are_refused_when_debug_is_off():
    get_user_model().objects.filter(username__startswith="demo-").delete()
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert "--force" in output.getvalue()
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()


def test_a_new_demo_password_takes_effect_on_the_next_load(settings):
    settings.DEMO_PASSWORD = "another-demo-pass-2025"
    call_command("load_demo", "--force", stdout=StringIO())
    assert get_user_model().objects.get(username="demo-viewer").check_password("another-demo-pass-2025")


def test_the_demo_is_built_up_to_the_suites_frozen_today_by_default():
    assert DEMO_TODAY == FROZEN_TODAY == timezone.localdate()
    latest = Meeting.objects.filter(status=Meeting.Status.HELD).latest("held_at").held_at
    assert FROZEN_TODAY - timedelta(days=31) < timezone.localdate(latest) <= FROZEN_TODAY


def test_a_reference_day_that_is_not_a_date_is_refused_before_anything_is_loaded():
    with pytest.raises(CommandError, match="--today: give the date as YYYY-MM-DD, not '6 Dec'"):
        call_command("load_demo", "--force", "--today=6 Dec", stdout=StringIO())
