"""Activities, venues and their bookings, designations and annual plans through the API: the rules hold,
nothing half-saves, co-hosts read but do not write, and plan progress counts what was held."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities import services
from activities.models import Activity, ActivityPhoto, AnnualPlan, Designation, PlanTarget, Venue, VenueBooking
from meetings import services as meeting_services
from meetings.models import Meeting
from parkparty.dates import local_datetime

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(day: date, hour: int) -> str:
    return local_datetime(day, hour).isoformat()


def last_week() -> date:
    return timezone.localdate() - timedelta(days=7)


def activity_payload(world, **overrides) -> dict:
    return {
        "organization": world.branch_a.pk,
        "kind": "training",
        "title": "安全生产培训",
        "starts_at": at(last_week(), 14),
        "duration_minutes": 90,
        "participants": [world.member_a.pk],
        "non_member_count": 5,
        **overrides,
    }


def saved_counts() -> tuple:
    return (Activity.objects.count(), VenueBooking.objects.count(), Activity.participants.through.objects.count())


# --- activities ------------------------------------------------------------------------------------


def test_a_secretary_records_an_activity_with_a_co_host_at_a_venue_and_the_venue_is_booked(world, as_role):
    payload = activity_payload(world, co_hosts=[world.branch_b.pk], venue=world.venue.pk)
    response = as_role("secretary_a").post(f"{API}/activities/", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["park"], body["status"], body["co_hosts"], body["participants"]) == (
        world.park.pk, "held", [world.branch_b.pk], [world.member_a.pk]
    )  # fmt: skip
    booking = VenueBooking.objects.get(activity_id=body["id"])
    assert (booking.venue, booking.organization) == (world.venue, world.branch_a)
    assert booking.ends_at - booking.starts_at == timedelta(minutes=90)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"starts_at": "2999-06-01T09:00:00+08:00"}, "starts_at", id="held beyond the portal's years"),
        pytest.param({"starts_at": "future"}, "starts_at", id="held in the future"),
        pytest.param({"participants": "outsider"}, "participants", id="participant outside the hosts"),
        pytest.param({"venue": "double-booked"}, "venue", id="venue taken at that time"),
        pytest.param({"starts_at": "2024-13-01T09:00"}, "starts_at", id="malformed time"),
        pytest.param({"kind": "banquet"}, "kind", id="unknown kind"),
    ],
)
def test_bad_activities_are_refused_naming_the_field_and_nothing_is_saved(world, as_role, overrides, field):
    replacements = {
        "future": at(timezone.localdate() + timedelta(days=3), 9),
        "outsider": [world.member_b.pk],  # visible to the admin, but of branch B, not a host here
        "double-booked": world.venue.pk,
    }
    overrides = {key: replacements.get(value, value) for key, value in overrides.items()}
    if overrides.get("venue"):
        overrides["starts_at"] = world.activity_a.starts_at.isoformat()  # the world's activity holds it
    before = saved_counts()
    response = as_role("admin").post(f"{API}/activities/", activity_payload(world, **overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert saved_counts() == before


def test_a_planned_activity_may_lie_ahead(world, as_role):
    payload = activity_payload(world, status="planned", starts_at=at(timezone.localdate() + timedelta(days=3), 9))
    assert as_role("secretary_a").post(f"{API}/activities/", payload).status_code == 201


def test_a_co_hosts_secretary_reads_the_activity_but_cannot_change_it(world, as_role):
    url = f"{API}/activities/{world.activity_a.pk}/"
    client = as_role("secretary_b")
    assert client.get(url).status_code == 200
    assert [row["id"] for row in client.get(f"{API}/activities/").json()["results"]] == [world.activity_a.pk]
    assert client.patch(url, {"title": "改"}).status_code == 403
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    assert client.post(f"{url}photos/", {"file": photo}, format="multipart").status_code == 403
    world.activity_a.refresh_from_db()
    assert world.activity_a.title == "红帆志愿服务"
    assert not world.activity_a.photos.exists()


def test_a_secretary_cannot_host_an_activity_for_another_branch(world, as_role):
    response = as_role("secretary_b").post(f"{API}/activities/", activity_payload(world, participants=[]))
    assert response.status_code == 400
    assert "organization" in response.json()


def test_photos_are_uploaded_and_served_to_those_who_read_the_activity(world, as_role):
    url = f"{API}/activities/{world.activity_a.pk}/photos/"
    upload = SimpleUploadedFile("合影.png", PNG, content_type="image/png")
    response = as_role("secretary_a").post(url, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    photo_url = response.json()["url"]
    assert photo_url.endswith(f"/api/v1/activity-photos/{response.json()['id']}/file/")
    for role, expected in (("secretary_b", 200), ("viewer", 200), ("instructor", 404), ("anonymous", 401)):
        answer = as_role(role).get(photo_url)
        if answer.streaming:
            # Read the file through: the test client then closes the response with Django's connection
            # cleanup disconnected. A bare close() would close the test's database connection on PostgreSQL.
            assert b"".join(answer.streaming_content).startswith(b"\x89PNG")
        assert answer.status_code == expected, role
    detail = as_role("admin").get(f"{API}/activities/{world.activity_a.pk}/").json()
    assert [photo["original_name"] for photo in detail["photos"]] == ["合影.png"]


def test_a_file_that_is_not_an_image_or_pdf_is_refused(world, as_role):
    upload = SimpleUploadedFile("x.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = as_role("secretary_a").post(
        f"{API}/activities/{world.activity_a.pk}/photos/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert not ActivityPhoto.objects.exists()


def test_activities_filter_by_kind_subtree_and_dates(world, as_role):
    client = as_role("admin")

    def ids(**params) -> list[int]:
        return [row["id"] for row in client.get(f"{API}/activities/", params).json()["results"]]

    assert ids(kind="volunteer") == [world.activity_a.pk]
    assert ids(kind="training") == []
    assert ids(within=world.branch_a.pk, starts_after="2024-06-15", starts_before="2024-06-15") == [world.activity_a.pk]
    assert ids(within=world.branch_b.pk) == []
    assert ids(starts_after="2024-06-16") == []
    response = client.get(f"{API}/activities/", {"starts_after": "2024-02-30"})
    assert response.status_code == 400
    assert "starts_after" in response.json()


# --- venues and bookings ---------------------------------------------------------------------------


def booking_payload(world, day: date, hour: int, hours: int = 2, **overrides) -> dict:
    return {
        "venue": world.venue.pk,
        "organization": world.branch_b.pk,
        "starts_at": at(day, hour),
        "ends_at": at(day, hour + hours),
        "purpose": "支委会",
        **overrides,
    }


def test_a_double_booking_is_refused_naming_starts_at_and_nothing_is_saved(world, as_role):
    before = VenueBooking.objects.count()
    # The world's activity holds the venue 9:00–11:00 on 2024-06-15.
    response = as_role("secretary_b").post(f"{API}/venue-bookings/", booking_payload(world, date(2024, 6, 15), 10))
    assert response.status_code == 400
    assert "starts_at" in response.json()
    assert VenueBooking.objects.count() == before
    response = as_role("secretary_b").post(f"{API}/venue-bookings/", booking_payload(world, date(2024, 6, 15), 11))
    assert response.status_code == 201, response.content


def test_a_booking_that_ends_before_it_starts_is_refused(world, as_role):
    payload = booking_payload(world, date(2024, 7, 1), 10, ends_at=at(date(2024, 7, 1), 9))
    response = as_role("admin").post(f"{API}/venue-bookings/", payload)
    assert response.status_code == 400
    assert "ends_at" in response.json()


def test_a_time_in_year_1_is_a_400_for_a_booking_and_an_activity(world, as_role):
    # DRF's ambiguity check converts 0001-01-01T00:00 Shanghai time to UTC, before year 1: a 500 before.
    payload = booking_payload(world, date(2024, 7, 1), 10) | {"starts_at": "0001-01-01T00:00:00"}
    response = as_role("admin").post(f"{API}/venue-bookings/", payload)
    assert (response.status_code, list(response.json())) == (400, ["starts_at"])
    payload["starts_at"] = "0001-01-01T00:00:00+08:00"
    response = as_role("admin").post(f"{API}/venue-bookings/", payload)
    assert (response.status_code, list(response.json())) == (400, ["starts_at"])
    response = as_role("secretary_a").post(
        f"{API}/activities/", activity_payload(world, starts_at="0001-01-01T00:00:00")
    )
    assert (response.status_code, list(response.json())) == (400, ["starts_at"])


def test_a_secretary_books_only_for_their_subtree_and_not_an_activitys_booking(world, as_role):
    response = as_role("secretary_b").post(
        f"{API}/venue-bookings/", booking_payload(world, date(2024, 7, 1), 9, organization=world.branch_a.pk)
    )
    assert response.status_code == 400
    assert "organization" in response.json()
    booking = world.activity_a.booking
    response = as_role("admin").patch(f"{API}/venue-bookings/{booking.pk}/", {"purpose": "改"})
    assert response.status_code == 400
    assert "activity" in response.json()


def test_everyone_in_the_park_reads_the_venue_calendar_within_dates(world, as_role):
    for role in ("secretary_b", "instructor"):
        rows = as_role(role).get(f"{API}/venue-bookings/").json()["results"]
        # The secretary sees bookings of the whole park's venues, whoever booked them.
        assert [row["activity"] for row in rows] == [world.activity_a.pk], role
    client = as_role("viewer")
    assert client.get(f"{API}/venue-bookings/", {"starts_after": "2024-06-16"}).json()["count"] == 0
    assert client.get(f"{API}/venue-bookings/", {"starts_before": "2024-06-15"}).json()["count"] == 1


def test_a_park_admin_adds_a_venue_owned_by_an_enterprise_of_the_park_only(world, as_role):
    payload = {"park": world.park.pk, "name": "乙公司会议室", "owner": world.other_enterprise.pk, "capacity": 20}
    client = as_role("admin")
    response = client.post(f"{API}/venues/", payload)
    assert response.status_code == 400  # another park's enterprise: not found for this admin
    assert "owner" in response.json()
    response = client.post(f"{API}/venues/", {**payload, "owner": world.enterprise_b.pk})
    assert response.status_code == 201, response.content
    assert as_role("secretary_a").post(f"{API}/venues/", payload).status_code == 403
    assert Venue.objects.count() == 2


# --- designations ----------------------------------------------------------------------------------


def test_a_park_admin_designates_members_of_the_organization_only(world, as_role):
    payload = {"organization": world.branch_a.pk, "kind": "pioneer_team", "name": "党员先锋队",
               "started_on": "2024-01-01", "members": [world.member_b.pk]}  # fmt: skip
    client = as_role("admin")
    response = client.post(f"{API}/designations/", payload)
    assert response.status_code == 400
    assert "members" in response.json()
    assert Designation.objects.count() == 1
    response = client.post(f"{API}/designations/", {**payload, "members": [world.member_a.pk]})
    assert response.status_code == 201, response.content
    assert (response.json()["park"], response.json()["members"]) == (world.park.pk, [world.member_a.pk])
    assert as_role("secretary_a").post(f"{API}/designations/", payload).status_code == 403


def test_designations_in_force_on_a_date_and_their_counts(world, as_role):
    services.designation_save(
        designation=Designation(organization=world.branch_b, kind="pioneer_team", name="先锋队",
                                started_on=date(2020, 1, 1), ended_on=date(2023, 1, 1))
    )  # fmt: skip
    client = as_role("viewer")
    rows = client.get(f"{API}/designations/", {"active_on": "2022-06-01"}).json()["results"]
    assert [row["name"] for row in rows] == ["先锋队"]
    stats = client.get(f"{API}/stats/designations/", {"park": world.park.pk, "on": "2024-01-01"}).json()
    assert (stats["total"], stats["by_kind"]["demo_post"], stats["by_kind"]["pioneer_team"]) == (1, 1, 0)
    response = client.get(f"{API}/designations/", {"active_on": "2024-02-30"})
    assert response.status_code == 400
    assert "active_on" in response.json()


# --- plans -----------------------------------------------------------------------------------------


def test_plan_progress_counts_what_was_held_in_the_parks_year(world, as_role):
    # Held in 2024: the world's volunteer service; two party lessons (one only planned, not counted);
    # a volunteer service of 2023 and a cancelled one of 2024 do not count either.
    for day, status in ((date(2024, 3, 1), "held"), (date(2024, 4, 1), "held"), (date(2024, 5, 1), "planned")):
        meeting = Meeting(host=world.branch_a, kind="party_lesson", status=status, topic="党课")
        meeting.held_at = local_datetime(day, 9) if status == "held" else None
        meeting.scheduled_at = local_datetime(day, 9)
        meeting_services.meeting_save(meeting=meeting)
    for day, status in ((date(2023, 6, 1), "held"), (date(2024, 7, 1), "cancelled")):
        services.activity_save(
            activity=Activity(organization=world.branch_a, kind="volunteer", title="服务", status=status,
                              starts_at=local_datetime(day, 9))
        )  # fmt: skip
    progress = as_role("secretary_b").get(f"{API}/plans/{world.plan.pk}/").json()["progress"]
    assert [(p["kind"], p["done"], p["target"], p["rate"], p["percent"]) for p in progress] == [
        ("training", 0, 10, "0.0000", 0),
        ("party_lesson", 2, 100, "0.0200", 2),
        ("volunteer", 1, 4, "0.2500", 25),
    ]
    listed = as_role("viewer").get(f"{API}/plans/").json()["results"]
    assert listed[0]["progress"] == progress


def test_a_park_admin_sets_a_plans_targets_and_a_wrong_kind_saves_nothing(world, as_role):
    url = f"{API}/plans/{world.plan.pk}/"
    client = as_role("admin")
    bad = {"targets": [{"counts": "meetings", "kind": "volunteer", "target": 5}]}
    response = client.patch(url, bad)
    assert response.status_code == 400
    assert "targets" in response.json()
    assert PlanTarget.objects.filter(plan=world.plan).count() == 3
    good = {"targets": [{"counts": "activities", "kind": "micro_lecture", "target": 1000, "label": "微宣讲"}]}
    response = client.patch(url, good)
    assert response.status_code == 200, response.content
    assert [(p["title"], p["target"], p["done"]) for p in response.json()["progress"]] == [("微宣讲", 1000, 0)]
    assert as_role("secretary_a").patch(url, good).status_code == 403


def test_a_second_plan_for_the_same_park_and_year_is_refused(world, as_role):
    response = as_role("admin").post(f"{API}/plans/", {"park": world.park.pk, "year": 2024, "title": "又一个"})
    assert response.status_code == 400
    assert AnnualPlan.objects.count() == 1


def test_the_plan_list_counts_progress_for_the_whole_page_at_once(world, as_role, django_assert_num_queries):
    for year in range(2015, 2024):
        services.plan_save(
            plan=AnnualPlan(park=world.park, year=year, title=f"{year}"),
            targets=[PlanTarget(counts="activities", kind="volunteer", target=2)],
        )
    client = as_role("admin")
    # session, user, grants, instructor; count, page, targets; held activities, held meetings.
    with django_assert_num_queries(9):
        body = client.get(f"{API}/plans/", {"page_size": 200}).json()
    assert len(body["results"]) == 10
    assert body["results"][-1]["progress"][0]["done"] == 0
