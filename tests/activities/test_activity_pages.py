"""The activity pages: recording an activity from the phone form, its page and photos, the list, the
venue calendar and booking form, designations and the plan progress on the overview — what each persona
may do, what is refused (field named, nothing saved), and query counts."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, ActivityPhoto, AnnualPlan, Designation, PlanTarget, VenueBooking
from meetings.models import Meeting
from parkparty.dates import local_datetime
from parkparty.models import Role
from tests import factories as f
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE, png_bytes

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.logout()
        client.force_login(world.users[role])
        return client

    return as_role


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def record(world, **overrides) -> dict:
    """What the record form posts: branch A's training yesterday at 14:00 with member A."""
    data = {
        "host": world.branch_a.pk,
        "kind": "training",
        "title": "安全生产培训",
        "status": "held",
        "starts_at_0": yesterday().isoformat(),
        "starts_at_1": "14:00",
        "duration_minutes": 90,
        "place": "三楼会议室",
        "venue": "",
        "participants": [world.member_a.pk],
        "non_member_count": 5,
        "description": "",
    }
    data.update(overrides)
    return data


def count_queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


# --- recording an activity -------------------------------------------------------------------------


def test_the_form_lists_the_hosts_members_to_tick(world, login):
    response = login("secretary_a").get(reverse("activity-new"))
    assert response.status_code == 200
    roster = [member for member, _ticked in response.context["form"].participant_rows]
    assert roster == [world.member_a]
    assert f'name="participants" value="{world.member_a.pk}"' in response.content.decode()


def test_a_secretary_records_an_activity_with_participants_and_photos(world, login):
    client = login("secretary_a")
    data = record(world)
    data["photos"] = [
        SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("签到.png", png_bytes(), content_type="image/png"),
    ]
    response = client.post(reverse("activity-new"), data)
    activity = Activity.objects.get(title="安全生产培训")
    assert response.status_code == 302
    assert response.url == reverse("activity-detail", args=[activity.pk])
    assert (activity.organization, activity.park, activity.created_by) == (
        world.branch_a,
        world.park,
        world.users["secretary_a"],
    )
    assert list(activity.participants.all()) == [world.member_a]
    assert activity.non_member_count == 5
    assert sorted(photo.original_name for photo in activity.photos.all()) == ["合影.png", "签到.png"]


def test_a_venue_is_booked_for_the_activitys_time(world, login):
    login("secretary_a").post(reverse("activity-new"), record(world, venue=world.venue.pk, place=""))
    activity = Activity.objects.get(title="安全生产培训")
    booking = VenueBooking.objects.get(activity=activity)
    assert booking.ends_at - booking.starts_at == timedelta(minutes=90)


def test_an_activity_marked_held_in_the_future_is_refused_and_nothing_is_saved(world, login):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = login("secretary_a").post(reverse("activity-new"), record(world, starts_at_0=tomorrow), **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == ["An activity cannot have been held in the future."]
    assert not Activity.objects.filter(title="安全生产培训").exists()
    assert "An activity cannot have been held in the future." in response.content.decode()


def test_a_participant_outside_the_hosts_is_refused_by_name(world, login):
    # The admin sees branch B's member, but branch B does not host this activity.
    response = login("admin").post(reverse("activity-new"), record(world, participants=[world.member_b.pk]), **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["participants"] == ["Not members of the hosts: 李四."]
    assert not Activity.objects.filter(title="安全生产培训").exists()


def test_a_co_hosts_member_may_take_part(world, login):
    data = record(world, co_hosts=[world.branch_b.pk], participants=[world.member_a.pk, world.member_b.pk])
    response = login("admin").post(reverse("activity-new"), data)
    assert response.status_code == 302
    activity = Activity.objects.get(title="安全生产培训")
    assert set(activity.participants.all()) == {world.member_a, world.member_b}
    assert list(activity.co_hosts.all()) == [world.branch_b]


def test_a_secretary_cannot_name_a_member_outside_their_scope(world, login):
    # Secretary B's member is not visible to secretary A: an invalid choice, like one that does not exist.
    response = login("secretary_a").post(reverse("activity-new"), record(world, participants=[world.member_b.pk]))
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
    assert not Activity.objects.filter(title="安全生产培训").exists()


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "-3"])
def test_a_malformed_co_host_or_participant_is_a_form_error_not_a_500(world, login, value):
    # The roster is built from the posted ids before the form validates: these were 500s.
    data = record(world, title="坏数据", co_hosts=[value], participants=[world.member_a.pk, value])
    response = login("secretary_a").post(reverse("activity-new"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"co_hosts", "participants"}
    assert not Activity.objects.filter(title="坏数据").exists()


def test_a_double_booked_venue_is_refused_with_the_clash_named(world, login):
    existing = local_datetime(yesterday(), 13)
    VenueBooking.objects.create(
        venue=world.venue, organization=world.branch_b, starts_at=existing, ends_at=existing + timedelta(hours=2)
    )
    response = login("secretary_a").post(reverse("activity-new"), record(world, venue=world.venue.pk), **EN)
    assert response.status_code == 200
    errors = response.context["form"].errors["venue"]
    assert errors == [f"The venue is booked from {yesterday():%Y-%m-%d} 13:00 to 15:00."]
    assert not Activity.objects.filter(title="安全生产培训").exists()


def test_a_refused_photo_saves_nothing_and_leaves_no_file(world, login, settings):
    data = record(world)
    data["photos"] = [
        SimpleUploadedFile("good.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("notes.exe", b"MZ\x90\x00" * 10, content_type="application/octet-stream"),
    ]
    response = login("secretary_a").post(reverse("activity-new"), data, **EN)
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert errors == ["notes.exe: Only images (JPEG, PNG, WebP) and PDF files can be attached."]
    assert not Activity.objects.filter(title="安全生产培训").exists()
    assert not ActivityPhoto.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(path.is_file() for path in media.rglob("*")) if media.exists() else True


def test_editing_keeps_co_hosts_and_records_the_change_in_history(world, login):
    client = login("secretary_a")
    url = reverse("activity-edit", args=[world.activity_a.pk])
    form = client.get(url).context["form"]
    assert form.chosen_co_host_ids() == {str(world.branch_b.pk)}
    data = record(
        world,
        kind="volunteer",
        title="红帆志愿服务（补记）",
        starts_at_0="2024-06-15",
        starts_at_1="09:00",
        duration_minutes=120,
        venue=world.venue.pk,
        place="",
        co_hosts=[world.branch_b.pk],
        non_member_count=15,
    )
    response = client.post(url, data)
    assert response.status_code == 302
    world.activity_a.refresh_from_db()
    assert world.activity_a.non_member_count == 15
    assert list(world.activity_a.co_hosts.all()) == [world.branch_b]
    page = client.get(reverse("activity-detail", args=[world.activity_a.pk]), **EN)
    history = page.context["history"]
    assert history[0].kind == "~"
    assert {delta.field for delta in history[0].deltas} >= {"title", "non-member participants"}


def test_a_co_hosts_secretary_reads_the_activity_but_cannot_edit_it(world, login):
    client = login("secretary_b")
    page = client.get(reverse("activity-detail", args=[world.activity_a.pk]))
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert reverse("activity-edit", args=[world.activity_a.pk]) not in page.content.decode()
    assert client.get(reverse("activity-edit", args=[world.activity_a.pk])).status_code == 403
    response = client.post(reverse("activity-edit", args=[world.activity_a.pk]), record(world))
    assert response.status_code == 403
    world.activity_a.refresh_from_db()
    assert world.activity_a.title == "红帆志愿服务"


def test_a_secretary_cannot_record_for_another_branch(world, login):
    client = login("secretary_a")
    assert client.get(reverse("activity-new"), {"host": world.branch_b.pk}).status_code == 404
    assert client.post(reverse("activity-new"), record(world, host=world.branch_b.pk)).status_code == 404
    assert login("viewer").get(reverse("activity-new"), {"host": world.branch_a.pk}).status_code == 403


# --- photos ----------------------------------------------------------------------------------------


@pytest.fixture
def photo(world):
    upload = SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png")
    return services.photo_add(activity=world.activity_a, upload=upload)


def test_a_photo_is_streamed_to_those_who_see_the_activity_co_hosts_included(world, login, photo):
    for role in ("admin", "viewer", "secretary_a", "secretary_b"):
        response = login(role).get(reverse("activity-photo", args=[photo.pk]))
        assert response.status_code == 200, role
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == png_bytes()
    assert login("instructor").get(reverse("activity-photo", args=[photo.pk])).status_code == 404


def test_the_activity_page_shows_its_photos(world, login, photo):
    page = login("secretary_a").get(reverse("activity-detail", args=[world.activity_a.pk])).content.decode()
    assert f'data-photo="{photo.pk}"' in page
    assert reverse("activity-photo", args=[photo.pk]) in page


# --- the list --------------------------------------------------------------------------------------


def add_activities(world, count: int) -> None:
    for day in range(1, count + 1):
        services.activity_save(
            activity=Activity(
                organization=world.branch_a,
                kind="training",
                title=f"培训{day}",
                starts_at=local_datetime(date(2024, 3, day), 9),
            ),
            co_hosts=[world.branch_b],
            participants=[world.member_a],
        )


def test_the_list_filters_by_kind_and_title(world, login):
    add_activities(world, 3)
    client = login("secretary_a")
    assert client.get(reverse("activity-list")).context["page"].paginator.count == 4
    response = client.get(reverse("activity-list"), {"kind": "volunteer"})
    assert [a.title for a in response.context["page"].object_list] == ["红帆志愿服务"]
    response = client.get(reverse("activity-list"), {"q": "培训2"})
    assert [a.title for a in response.context["page"].object_list] == ["培训2"]


def test_a_secretary_lists_their_subtrees_and_co_hosted_activities_only(world, login):
    other = f.OrganizationFactory(park=world.park, parent=world.committee, name="丙支部")
    services.activity_save(
        activity=Activity(
            organization=other, kind="lecture", title="丙支部讲堂", starts_at=local_datetime(date(2024, 5, 1), 9)
        )
    )
    titles = {a.title for a in login("secretary_b").get(reverse("activity-list")).context["page"].object_list}
    assert titles == {"红帆志愿服务"}  # co-hosted by branch B
    titles = {a.title for a in login("admin").get(reverse("activity-list")).context["page"].object_list}
    assert titles == {"红帆志愿服务", "丙支部讲堂"}


# session + scope, the visible parks, the count, the page (organization, park, venue joined, participants
# counted), the page's co-hosts, whether the user may record (hosts exist).
LIST_QUERIES = SESSION_AND_SCOPE + 5


def test_the_list_takes_as_many_queries_for_many_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(LIST_QUERIES):
        one = count_queries(client, reverse("activity-list"))
    add_activities(world, 12)
    with django_assert_num_queries(LIST_QUERIES):
        many = count_queries(client, reverse("activity-list"))
    assert one == many


# session + scope, the activity (park, host, venue, recorder joined), co-hosts, participants, their
# count, photos, history, may the user write it.
DETAIL_QUERIES = SESSION_AND_SCOPE + 7


def test_the_activity_page_takes_a_constant_number_of_queries(world, login, django_assert_num_queries):
    client = login("admin")
    url = reverse("activity-detail", args=[world.activity_a.pk])
    with django_assert_num_queries(DETAIL_QUERIES):
        count_queries(client, url)
    for index in range(5):
        member = f.PartyMemberFactory(organization=world.branch_a, name=f"成员{index}")
        world.activity_a.participants.add(member)
        services.photo_add(
            activity=world.activity_a, upload=SimpleUploadedFile(f"{index}.png", png_bytes(), content_type="image/png")
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        count_queries(client, url)


# --- venues ----------------------------------------------------------------------------------------


def test_the_venue_calendar_shows_the_months_bookings(world, login):
    response = login("secretary_b").get(reverse("venue-calendar"), {"park": world.park.pk, "month": "2024-06"})
    assert response.status_code == 200
    [entry] = response.context["venues"]
    [(day, [booking])] = entry.days
    assert day == date(2024, 6, 15)
    assert booking.activity_id == world.activity_a.pk
    page = response.content.decode()
    assert reverse("activity-detail", args=[world.activity_a.pk]) in page  # co-hosted: secretary B may open it
    assert login("secretary_b").get(reverse("venue-calendar"), {"month": "2024-07"}).context["count"] == 0


@pytest.mark.parametrize("month", ["2024-13", "202²-03", "2024-0³"])
def test_the_venue_calendar_reports_a_bad_month_and_shows_the_current_one(world, login, month):
    # "²" passes str.isdigit but not int(): that month was a 500.
    response = login("admin").get(reverse("venue-calendar"), {"month": month}, **EN)
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert "Give a month as YYYY-MM" in response.content.decode()


def add_bookings(world, count: int) -> None:
    for day in range(1, count + 1):
        start = local_datetime(date(2024, 6, day), 8)
        VenueBooking.objects.create(
            venue=world.venue, organization=world.branch_b, starts_at=start, ends_at=start + timedelta(hours=1)
        )


# session + scope, the visible parks, the park's venues, the month's bookings (venue, organization,
# activity, meeting joined), the activities among them the user may open.
CALENDAR_QUERIES = SESSION_AND_SCOPE + 4


def test_the_venue_calendar_takes_as_many_queries_for_many_bookings_as_for_one(world, login, django_assert_num_queries):
    client = login("secretary_a")
    params = {"park": world.park.pk, "month": "2024-06"}
    with django_assert_num_queries(CALENDAR_QUERIES):
        one = count_queries(client, reverse("venue-calendar"), **params)
    add_bookings(world, 12)
    f.EnterpriseFactory(park=world.park, name="丁公司")
    with django_assert_num_queries(CALENDAR_QUERIES):
        many = count_queries(client, reverse("venue-calendar"), **params)
    assert one == many


def booking(world, **overrides) -> dict:
    data = {
        "venue": world.venue.pk,
        "organization": world.branch_a.pk,
        "starts_at_0": "2024-06-15",
        "starts_at_1": "10:00",
        "ends_at": "11:00",
        "purpose": "支委会",
    }
    return data | overrides


def test_a_secretary_books_a_free_hour(world, login):
    response = login("secretary_a").post(reverse("venue-book"), booking(world, starts_at_1="14:00", ends_at="15:30"))
    assert response.status_code == 302
    made = VenueBooking.objects.get(purpose="支委会")
    assert (made.organization, made.ends_at - made.starts_at) == (world.branch_a, timedelta(minutes=90))
    assert "month=2024-06" in response.url


def test_a_double_booking_is_refused_with_the_clash_named(world, login):
    response = login("secretary_b").post(reverse("venue-book"), booking(world, organization=world.branch_b.pk), **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == ["The venue is booked from 2024-06-15 09:00 to 11:00."]
    assert not VenueBooking.objects.filter(purpose="支委会").exists()


def test_a_booking_that_ends_before_it_starts_is_refused(world, login):
    response = login("secretary_a").post(
        reverse("venue-book"), booking(world, starts_at_1="16:00", ends_at="15:00"), **EN
    )
    assert response.context["form"].errors["ends_at"] == ["A booking ends after it starts."]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_booking_in_year_1_or_9999_is_refused_not_a_500(world, login, day):
    # Midnight of 1 January of year 1 in Shanghai is in year 0 in UTC: the overlap query overflowed.
    data = booking(world, starts_at_0=day, starts_at_1="00:00", ends_at="00:30")
    response = login("secretary_a").post(reverse("venue-book"), data, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"][0].startswith("Give a date from 2000-01-01 to")
    assert not VenueBooking.objects.filter(purpose="支委会").exists()


def test_a_secretary_books_only_for_their_own_organizations(world, login):
    response = login("secretary_a").post(reverse("venue-book"), booking(world, organization=world.branch_b.pk))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert login("viewer").get(reverse("venue-book")).status_code == 403
    assert login("instructor").post(reverse("venue-book"), booking(world)).status_code == 403


# --- designations ----------------------------------------------------------------------------------


def test_designations_are_listed_with_counts_by_kind(world, login):
    other = f.OrganizationFactory(park=world.park, parent=world.committee, name="丙支部")
    for kind in ("pioneer_team", "pioneer_team", "demo_post"):
        services.designation_save(
            designation=Designation(organization=other, kind=kind, name="先锋", started_on=date(2024, 1, 1))
        )
    client = login("admin")
    response = client.get(reverse("designation-list"))
    counts = {kind: count for kind, _label, count in response.context["kinds"]}
    assert (counts["pioneer_team"], counts["demo_post"]) == (2, 2)
    response = client.get(reverse("designation-list"), {"kind": "demo_post", "organization": world.branch_a.pk})
    assert [d.name for d in response.context["page"].object_list] == ["党员示范岗"]
    assert response.context["page"].object_list[0].member_count == 1
    # A secretary counts and lists their subtree's only.
    response = login("secretary_a").get(reverse("designation-list"))
    counts = {kind: count for kind, _label, count in response.context["kinds"]}
    assert (counts["pioneer_team"], counts["demo_post"]) == (0, 1)
    assert [d.name for d in response.context["page"].object_list] == ["党员示范岗"]


# session + scope, parks, organizations (the filter), the counts by kind, the page's count, the page.
DESIGNATION_QUERIES = SESSION_AND_SCOPE + 5


def test_the_designations_list_takes_as_many_queries_for_many_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(DESIGNATION_QUERIES):
        count_queries(client, reverse("designation-list"))
    for index in range(12):
        services.designation_save(
            designation=Designation(
                organization=world.branch_a,
                kind="responsibility_zone",
                name=f"责任区{index}",
                started_on=date(2024, 1, 1),
            ),
            members=[world.member_a],
        )
    with django_assert_num_queries(DESIGNATION_QUERIES):
        count_queries(client, reverse("designation-list"))


# --- plan progress on the overview -----------------------------------------------------------------


def test_the_overview_shows_the_plans_progress_counted_from_what_was_held(world, login):
    Meeting.objects.create(
        park=world.park, host=world.branch_a, kind="party_lesson", status="held", topic="党课",
        held_at=local_datetime(date(2024, 4, 1), 9),
    )  # fmt: skip
    response = login("admin").get(reverse("overview"), {"year": 2024})
    [(plan, targets)] = response.context["plans"]
    assert plan == world.plan
    assert [(t.target.kind, t.done, t.target.target, t.percent) for t in targets] == [
        ("training", 0, 10, 0),
        ("party_lesson", 1, 100, 1),
        ("volunteer", 1, 4, 25),
    ]
    page = response.content.decode()
    assert f'data-plan="{world.plan.pk}"' in page
    assert 'max="100" value="1"' in page  # the party lessons' bar


def test_a_secretary_sees_their_parks_plan_and_another_year_shows_none(world, login):
    client = login("secretary_a")
    [(plan, _targets)] = client.get(reverse("overview"), {"year": 2024}).context["plans"]
    assert plan == world.plan
    assert client.get(reverse("overview")).context["plan_year"] == timezone.localdate().year
    assert client.get(reverse("overview"), {"year": 2023}).context["plans"] == []


def add_parks_with_plans(world, count: int) -> None:
    """Parks with a 2024 plan each, secretary A also the secretary of a branch in each (home parks)."""
    for index in range(count):
        park = f.ParkFactory(code=f"p{index}", name=f"园区{index}")
        services.plan_save(
            plan=AnnualPlan(park=park, year=2024, title="计划"),
            targets=[PlanTarget(counts="activities", kind="training", target=5),
                     PlanTarget(counts="meetings", kind="party_lesson", target=5)],
        )  # fmt: skip
        branch = f.OrganizationFactory(park=park, name=f"支部{index}")
        f.GrantFactory(user=world.users["secretary_a"], role=Role.SECRETARY, organization=branch)


# The overview of a secretary (no park-wide figures, and no query for their empty list of statistics
# parks): session + scope, the plans of the year (park joined), their targets, the activities and the
# meetings held.
OVERVIEW_PLAN_QUERIES = SESSION_AND_SCOPE + 4


def test_the_plans_take_as_many_queries_for_many_as_for_one(world, login, django_assert_num_queries):
    client = login("secretary_a")
    with django_assert_num_queries(OVERVIEW_PLAN_QUERIES):
        count_queries(client, reverse("overview"), year=2024)
    add_parks_with_plans(world, 6)
    client = login("secretary_a")
    with django_assert_num_queries(OVERVIEW_PLAN_QUERIES):
        count_queries(client, reverse("overview"), year=2024)
    assert len(client.get(reverse("overview"), {"year": 2024}).context["plans"]) == 7


def test_the_admin_history_page_does_not_save_a_posted_activity(world, client):
    # The activity admin is read-only, but simple_history's revert page saved what was posted to it.
    # The admin is for operators (superusers); a read-only screen stays read-only for them too.
    client.force_login(get_user_model().objects.create_superuser("operator", password="x"))
    activity = world.activity_a
    version = activity.history.earliest().history_id
    url = reverse("admin:activities_activity_simple_history", args=[activity.pk, version])
    data = {"park": world.park.pk, "organization": world.branch_a.pk, "kind": "training", "title": "改过的",
            "status": "held", "starts_at_0": "2024-06-15", "starts_at_1": "09:00", "duration_minutes": "60",
            "non_member_count": "0"}  # fmt: skip
    assert client.post(url, data).status_code == 403
    activity.refresh_from_db()
    assert (activity.title, activity.kind) == ("红帆志愿服务", "volunteer")
