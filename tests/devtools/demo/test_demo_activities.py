"""The demo's activities, venues, designations, plans and membership pipeline reproduce the published figures
(issue 5), read through the API as an outside client reads them, and obey the rules the services apply."""

from collections import defaultdict
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Activity, ActivityKind, Designation, Venue, VenueBooking
from activities.services import hosts_members
from devtools.demo import activities as demo_activities
from devtools.demo import kaihua, quanzhou
from enterprises.models import Coverage
from organizations.models import STAGES, Application, Park, PartyMember, Stage
from organizations.pipeline.selectors import due_soon
from organizations.pipeline.services import DATE_FIELDS, INTRODUCERS_NEEDED, one_year_after

pytestmark = pytest.mark.django_db

API = "/api/v1"
CODES = ("dehua-chengdong", "yutai", "quanzhou", "kaihua")


@pytest.fixture
def admin():
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    return client


def park(code: str) -> Park:
    return Park.objects.get(code=code)


def get(client: APIClient, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


# --- Quanzhou --------------------------------------------------------------------------------------------


def test_quanzhou_has_389_pioneer_teams_382_demo_posts_and_1107_responsibility_zones_in_force(admin):
    quanzhou_park = park("quanzhou")
    for on in ({}, {"on": f"{quanzhou.PUBLISHED_ON}"}):
        counts = get(admin, f"{API}/stats/designations/", park=quanzhou_park.pk, **on)["by_kind"]
        assert (counts["pioneer_team"], counts["demo_post"], counts["responsibility_zone"]) == (389, 382, 1107)
        assert counts["innovation_studio"] == 1
    # Teams of earlier projects have ended: on record, not counted.
    assert Designation.objects.filter(park=quanzhou_park, kind="pioneer_team", ended_on__isnull=False).exists()
    studio = Designation.objects.get(park=quanzhou_park, kind="innovation_studio")
    assert studio.organization.name == "三星党支部" and studio.members.exists()


def test_every_designations_members_belong_to_its_organization():
    for designation in Designation.objects.filter(park__code__in=CODES).select_related("organization"):
        eligible = set(hosts_members([designation.organization]).values_list("pk", flat=True))
        assert set(designation.members.values_list("pk", flat=True)) <= eligible, designation


def test_quanzhou_ten_hundred_thousand_plan_shows_partial_progress_for_the_reports_year_and_this_year(admin):
    quanzhou_park = park("quanzhou")
    plans = {plan["year"]: plan for plan in get(admin, f"{API}/plans/", park=quanzhou_park.pk)["results"]}
    this_year = timezone.localdate().year
    assert set(plans) == {quanzhou.PUBLISHED_ON.year, this_year}
    for year, last in ((quanzhou.PUBLISHED_ON.year, quanzhou.PUBLISHED_ON), (this_year, timezone.localdate())):
        progress = {row["kind"]: row for row in plans[year]["progress"]}
        assert {kind: row["target"] for kind, row in progress.items()} == {
            "training": 10,
            "lecture": 100,
            "micro_lecture": 1000,
        }
        share = demo_activities.elapsed_share(year, last)
        for row in progress.values():
            assert 0 < row["done"] <= row["target"]
            assert abs(row["done"] / row["target"] - share) <= 0.15, (year, row)


def test_quanzhou_neighbourhood_centre_ran_260_plus_events_in_the_reports_year():
    year = quanzhou.PUBLISHED_ON.year
    events = Activity.objects.filter(
        park__code="quanzhou", kind=ActivityKind.NEIGHBOURHOOD, status="held", starts_at__year=year
    )
    assert events.count() >= 260
    assert not events.filter(venue__isnull=True).exists()
    assert events.values("venue").distinct().count() == 11  # the centre and its 10 stations


def test_quanzhou_856_of_1096_members_hold_middle_or_higher_posts(admin):
    stats = get(admin, f"{API}/stats/members/", park=park("quanzhou").pk, as_of=quanzhou.PUBLISHED_ON.isoformat())
    assert stats["members"] == 1096
    assert stats["cross_appointment"]["members_middle_or_higher"] == 856
    assert stats["cross_appointment"]["members_middle_or_higher_share"] == "0.7810"


# --- Kaihua ----------------------------------------------------------------------------------------------


def test_kaihua_secretaries_are_45_owners_43_senior_managers_and_12_mass_organization_heads(admin):
    cross = get(admin, f"{API}/stats/members/", park=park("kaihua").pk)["cross_appointment"]
    assert (cross["secretaries"], cross["owners"], cross["senior_managers"], cross["mass_organization_heads"]) == (
        110,
        45,
        43,
        12,
    )
    assert (cross["owners_share"], cross["senior_managers_share"], cross["mass_organization_heads_share"]) == (
        "0.4091",
        "0.3909",
        "0.1091",
    )


def test_kaihua_72_5_percent_of_the_new_members_came_recommended(admin):
    since, until = demo_activities.kaihua_window(kaihua.PUBLISHED_ON)
    stats = get(admin, f"{API}/stats/members/", park=park("kaihua").pk, since=since, until=until)
    assert (stats["new_members"], stats["recommended"], stats["recommended_share"]) == (40, 29, "0.7250")


def test_kaihua_pipeline_has_every_stage_and_some_due_or_overdue_today():
    kaihua_park = park("kaihua")
    open_stages = set(
        Application.objects.filter(park=kaihua_park, withdrawn_on__isnull=True).values_list("stage", flat=True)
    )
    assert open_stages == set(STAGES)
    today = timezone.localdate()
    due = due_soon(park_ids=[kaihua_park.pk], today=today)
    for stage in (Stage.ACTIVIST, Stage.PROBATIONARY):
        assert any(d.overdue and d.application.stage == stage for d in due), stage
        assert any(not d.overdue and d.application.stage == stage for d in due), stage
    # Nobody has been waiting for years: the overdue are months late at most.
    assert all((today - d.eligible_on).days < 120 for d in due)
    assert Application.objects.filter(park=kaihua_park, probation_extended_until__isnull=False).count() >= 2


# --- Dehua -----------------------------------------------------------------------------------------------


def test_dehua_received_150_plus_applications_in_2019(admin):
    stats = get(admin, f"{API}/stats/members/", park=park("dehua-chengdong").pk, since="2019-01-01", until="2019-12-31")
    assert stats["applications"] >= 150


def test_dehua_counted_300_plus_training_attendances_in_2019():
    trainings = Activity.objects.filter(
        park__code="dehua-chengdong", kind=ActivityKind.TRAINING, status="held", starts_at__year=2019
    ).annotate(members=Count("participants"))
    assert sum(t.members + t.non_member_count for t in trainings) >= 300


def test_dehua_shares_venues_and_holds_festivals_and_contests():
    dehua_park = park("dehua-chengdong")
    kinds = set(
        Activity.objects.filter(park=dehua_park, starts_at__year=2019).values_list("kind", flat=True).distinct()
    )
    assert {ActivityKind.CULTURE_SPORTS, ActivityKind.SKILLS_CONTEST, ActivityKind.STUDY_VISIT} <= kinds
    # 阵地共用: an enterprise's shared room booked by other firms' branches.
    shared = VenueBooking.objects.filter(venue__park=dehua_park, venue__owner__isnull=False, venue__shared=True)
    owners = dict(Coverage.objects.filter(enterprise__park=dehua_park).values_list("enterprise_id", "organization_id"))
    assert any(owners.get(b.venue.owner_id) != b.organization_id for b in shared.select_related("venue"))
    assert Venue.objects.filter(park=dehua_park, shared=False).exists()


# --- Yutai -----------------------------------------------------------------------------------------------


def test_yutai_has_red_sail_volunteering_quarter_hour_lessons_and_red_talent_lectures_since_2020():
    activities = Activity.objects.filter(park__code="yutai", status="held")
    by_kind = dict(activities.values_list("kind").annotate(n=Count("pk")).order_by())
    assert by_kind[ActivityKind.VOLUNTEER] >= 100
    assert by_kind[ActivityKind.MICRO_LECTURE] >= 300
    assert by_kind[ActivityKind.LECTURE] >= 30
    assert not activities.filter(starts_at__year__lt=2020).exists()
    assert activities.filter(kind=ActivityKind.MICRO_LECTURE, duration_minutes=15).count() == by_kind["micro_lecture"]
    assert activities.filter(kind=ActivityKind.LECTURE, title__contains="红领英才").count() == by_kind["lecture"]


# --- every park: the rules -------------------------------------------------------------------------------


def test_every_park_has_venues_with_bookings_and_no_venue_is_double_booked():
    bookings = defaultdict(list)
    for venue_id, starts_at, ends_at in VenueBooking.objects.filter(venue__park__code__in=CODES).values_list(
        "venue_id", "starts_at", "ends_at"
    ):
        bookings[venue_id].append((starts_at, ends_at))
    for rows in bookings.values():
        rows.sort()
        assert all(previous[1] <= following[0] for previous, following in pairwise(rows))
    for code in CODES:
        assert VenueBooking.objects.filter(venue__park__code=code).count() >= 4, code
        venues = Venue.objects.filter(park__code=code)
        assert venues.filter(owner__isnull=True).exists() and venues.filter(owner__isnull=False).exists(), code
    # An activity's booking is the activity's own time at its venue.
    for activity in Activity.objects.filter(park__code__in=CODES, venue__isnull=False, status="held").select_related(
        "booking"
    )[:500]:
        assert (activity.booking.venue_id, activity.booking.starts_at) == (activity.venue_id, activity.starts_at)


def test_no_held_activity_is_in_the_future_and_participants_come_from_the_hosts():
    activities = Activity.objects.filter(park__code__in=CODES)
    assert not activities.filter(status="held", starts_at__gt=timezone.now()).exists()
    assert activities.filter(status="planned").exists()
    for activity in activities.filter(participants__isnull=False).distinct().order_by("?")[:300]:
        hosts = [activity.organization, *activity.co_hosts.all()]
        eligible = set(hosts_members(hosts).values_list("pk", flat=True))
        assert set(activity.participants.values_list("pk", flat=True)) <= eligible, activity


def test_every_application_keeps_the_pipelines_time_rules():
    today = timezone.localdate()
    applications = (
        Application.objects.filter(park__code__in=CODES)
        .select_related("member")
        .prefetch_related("introducers", "steps")
    )
    assert applications.count() > 200
    for application in applications:
        reached = STAGES.index(application.stage)
        dates = [getattr(application, DATE_FIELDS[stage]) for stage in STAGES]
        assert all(on is not None for on in dates[: reached + 1]), application
        assert all(on is None for on in dates[reached + 1 :]), application
        taken = dates[: reached + 1]
        assert taken == sorted(taken) and taken[-1] <= today, application
        assert {(s.stage, s.on) for s in application.steps.all()} == set(zip(STAGES, taken, strict=False))
        if reached >= STAGES.index(Stage.TARGET):
            assert application.target_on >= one_year_after(application.activist_on), application
        if reached >= STAGES.index(Stage.PROBATIONARY):
            introducers = list(application.introducers.all())
            assert len(introducers) >= INTRODUCERS_NEEDED, application
            assert all(m.status == "full" and m.full_member_on <= application.probationary_on for m in introducers)
            member = application.member
            assert (member.joined_on, member.organization_id) == (
                application.probationary_on,
                application.organization_id,
            )
        if application.stage == Stage.FULL:
            due = application.probation_extended_until or one_year_after(application.probationary_on)
            assert application.full_on >= due, application
            assert (application.member.status, application.member.full_member_on) == ("full", application.full_on)
        elif application.stage == Stage.PROBATIONARY:
            assert application.member.status == PartyMember.Status.PROBATIONARY
        if application.withdrawn_on:
            assert application.stage not in (Stage.PROBATIONARY, Stage.FULL)
            assert taken[-1] <= application.withdrawn_on <= today
