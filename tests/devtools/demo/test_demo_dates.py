"""The demo's published figures hold as of their articles' dates, and the demo goes on past them (issue 14).

docs/figures.md reads each figure through the API; where a list cannot take `as_of` yet (its row is a
gap), the figure is checked here in the data, through the selectors and the ORM, by the rule the row
states. The rest shows that the dates matter: the rosters, matters and ledgers of today differ from
the reports', so a call that ignored its date would not pass for the report's.
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from rest_framework.test import APIClient

from devtools.demo import activities as demo_activities
from devtools.demo import kaihua
from enterprises.models import Enterprise, Instructor, InstructorAssignment, active_on
from enterprises.selectors import enterprises_in_park_on
from meetings.models import Matter
from organizations.models import Application, Organization, Park, PartyMember
from organizations.selectors import members_as_of

pytestmark = pytest.mark.django_db

API = "/api/v1"
DEHUA, YUTAI, QUANZHOU, KAIHUA = date(2019, 12, 31), date(2020, 9, 29), date(2023, 7, 10), date(2015, 3, 24)


@pytest.fixture
def admin():
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    return client


def park(code: str) -> Park:
    return Park.objects.get(code=code)


def roster(code: str, day: date):
    return members_as_of(day, members=PartyMember.objects.filter(park__code=code))


def instructors_on(code: str, day: date):
    """Instructors with an assignment in force on the day (the rule of docs/figures.md)."""
    return Instructor.objects.filter(
        park__code=code, assignments__in=InstructorAssignment.objects.filter(active_on(day))
    )


def organizations_on(code: str, day: date, **filters):
    return Organization.objects.filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day), park__code=code, established_on__lte=day, **filters
    )


# --- the rosters: published ones as of the report, later joiners extra ---------------------------------


def test_yutai_has_180_members_on_the_reports_date_and_more_since(admin):
    yutai = park("yutai").pk
    then = admin.get(f"{API}/stats/members/", {"park": yutai, "as_of": YUTAI.isoformat()}).json()
    now = admin.get(f"{API}/stats/members/", {"park": yutai}).json()
    assert then["members"] == 180
    assert now["members"] > 180  # members who joined after the report
    assert roster("yutai", YUTAI).count() == 180
    assert not roster("yutai", YUTAI).filter(joined_on__gt=YUTAI).exists()


def test_every_published_roster_joined_by_its_reports_date_and_the_later_joiners_are_probationary_today():
    for code, day in (("dehua-chengdong", DEHUA), ("yutai", YUTAI), ("quanzhou", QUANZHOU), ("kaihua", KAIHUA)):
        later = PartyMember.objects.filter(park__code=code, joined_on__gt=day, application__isnull=True)
        assert later.exists(), code
        assert set(later.values_list("status", flat=True)) == {PartyMember.Status.PROBATIONARY}, code
        assert not later.filter(joined_on__lt=date(2025, 1, 1)).exists(), code


def test_quanzhou_has_its_1096_members_and_856_in_middle_or_higher_posts_on_the_reports_date():
    members = roster("quanzhou", QUANZHOU)
    assert members.count() == 1096
    assert members.filter(post__in=PartyMember.MIDDLE_OR_HIGHER).count() == 856
    assert PartyMember.objects.filter(park__code="quanzhou").exclude(status="transferred_out").count() > 1096


def test_some_members_of_the_published_rosters_were_probationary_on_the_reports_date():
    for code, day in (("yutai", YUTAI), ("quanzhou", QUANZHOU), ("dehua-chengdong", DEHUA)):
        probationary = roster(code, day).filter(status_on=PartyMember.Status.PROBATIONARY)
        assert probationary.exists(), code
        # A year on, they are full members.
        assert set(probationary.values_list("status", flat=True)) == {PartyMember.Status.FULL}, code


def test_every_kaihua_member_of_the_reports_two_years_came_through_the_pipeline():
    since, until = demo_activities.kaihua_window(KAIHUA)
    assert since == kaihua.REPORT_YEARS_FROM
    joined = PartyMember.objects.filter(park__code="kaihua", joined_on__gte=since, joined_on__lte=until)
    assert joined.count() == demo_activities.KAIHUA_NEW_MEMBERS
    assert not joined.filter(application__isnull=True).exists()
    new = Application.objects.filter(park__code="kaihua", probationary_on__gte=since, probationary_on__lte=until)
    assert (new.count(), new.exclude(recommended_by="").count()) == (40, 29)


def test_kaihuas_secretaries_hold_their_posts_on_the_reports_date():
    organizations = organizations_on("kaihua", KAIHUA, secretary__isnull=False, kind__in=Organization.BRANCH_KINDS)
    on_roster = organizations.filter(secretary__in=roster("kaihua", KAIHUA))
    assert on_roster.count() == organizations.count() == 110
    posts = [o.secretary for o in on_roster.select_related("secretary")]
    assert sum(m.post == PartyMember.Post.OWNER for m in posts) == 45
    assert sum(m.post == PartyMember.Post.SENIOR_MANAGER for m in posts) == 43
    assert sum(bool(m.mass_post) for m in posts) == 12


# --- instructors and their assignments in force on the date ---------------------------------------------


def test_yutai_sent_34_instructors_to_its_44_enterprises_by_the_reports_date():
    assert instructors_on("yutai", YUTAI).distinct().count() == 34
    assigned = Enterprise.objects.filter(
        park__code="yutai", instructor_assignments__in=InstructorAssignment.objects.filter(active_on(YUTAI))
    )
    assert assigned.distinct().count() == 44
    titles = instructors_on("yutai", YUTAI).distinct()
    assert (titles.filter(title="县级领导干部").count(), titles.filter(title="科级领导干部").count()) == (2, 15)


def test_dehuas_10_and_quanzhous_4_instructors_on_their_reports_dates():
    assert instructors_on("dehua-chengdong", DEHUA).distinct().count() == 10
    assert instructors_on("quanzhou", QUANZHOU).distinct().count() == 4


# --- Quanzhou's ledger and tree on the date ----------------------------------------------------------------


def test_quanzhous_ledger_and_tree_on_the_reports_date():
    firms = enterprises_in_park_on(Park.objects.filter(code="quanzhou"), QUANZHOU)
    assert firms.filter(above_scale=True).count() == 131
    assert firms.filter(above_quota=True).count() == 133
    assert firms.filter(charter_includes_party_building=True).count() == 220
    assert organizations_on("quanzhou", QUANZHOU, kind=Organization.Kind.DISTRICT_STATION).count() == 4
    enterprise_organizations = organizations_on(
        "quanzhou",
        QUANZHOU,
        kind__in=[Organization.Kind.COMMITTEE, Organization.Kind.GENERAL_BRANCH, Organization.Kind.BRANCH],
        formation__in=[Organization.Formation.STANDALONE, Organization.Formation.JOINT],
    )
    assert enterprise_organizations.count() == 136
    assert organizations_on("quanzhou", QUANZHOU, kind=Organization.Kind.GROUP).count() == 79


# --- matters resolved by the date, as the dated matter figures count them ------------------------------


def resolved_by(code: str, since: date, until: date) -> tuple[int, int]:
    raised = Matter.objects.filter(park__code=code, raised_on__gte=since, raised_on__lte=until)
    return raised.count(), raised.filter(status=Matter.Status.RESOLVED, resolved_on__lte=until).count()


def test_yutais_61_requests_had_57_solved_by_the_reports_date_and_the_rest_are_still_open():
    assert resolved_by("yutai", date(2020, 1, 1), YUTAI) == (61, 57)
    assert Matter.objects.filter(park__code="yutai", raised_on__lte=YUTAI, resolved_on__gt=YUTAI).count() == 0


def test_dehuas_83_matters_of_2019_were_resolved_within_the_year():
    assert resolved_by("dehua-chengdong", date(2019, 1, 1), DEHUA) == (83, 83)
