"""Activities, venue bookings, designations and plans: what is refused with nothing saved, and what
the plan's progress counts."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from activities import selectors, services
from activities.models import Activity, ActivityPhoto, AnnualPlan, Designation, PlanTarget, Venue, VenueBooking
from meetings.models import Meeting
from meetings.services import meeting_save
from parkparty.dates import local_datetime
from tests import factories as f


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English here; the Chinese catalog is checked by tests/parkparty/test_i18n.py."""
    with translation.override("en"):
        yield


def training(world, **changes):
    values = {
        "organization": world.branch_a,
        "kind": "training",
        "title": "安全生产培训",
        "starts_at": local_datetime(date(2024, 6, 15), 10),
        "duration_minutes": 60,
    }
    return Activity(**(values | changes))


# --- activities ------------------------------------------------------------------------------------


def test_an_activity_held_in_the_future_is_refused(world):
    tomorrow = local_datetime(timezone.localdate() + timedelta(days=1), 9)
    with pytest.raises(ValidationError) as error:
        services.activity_save(activity=training(world, starts_at=tomorrow))
    assert "starts_at" in error.value.message_dict
    planned = services.activity_save(activity=training(world, starts_at=tomorrow, status="planned"))
    assert planned.pk


def test_participants_come_from_the_hosts_subtrees(world):
    with pytest.raises(ValidationError) as error:
        services.activity_save(activity=training(world), participants=[world.member_a, world.member_b])
    assert world.member_b.name in error.value.message_dict["participants"][0]
    assert not Activity.objects.filter(title="安全生产培训").exists()
    activity = services.activity_save(
        activity=training(world), co_hosts=[world.branch_b], participants=[world.member_a, world.member_b]
    )
    assert set(activity.participants.all()) == {world.member_a, world.member_b}


def test_co_hosts_are_of_the_same_park(world):
    with pytest.raises(ValidationError) as error:
        services.activity_save(activity=training(world), co_hosts=[world.other_branch])
    assert "co_hosts" in error.value.message_dict


def test_an_activity_at_a_venue_books_it_and_a_clash_is_refused_with_nothing_saved(world):
    booking = VenueBooking.objects.get(activity=world.activity_a)
    assert (booking.starts_at, booking.ends_at) == (
        local_datetime(date(2024, 6, 15), 9),
        local_datetime(date(2024, 6, 15), 11),
    )
    clash = training(world, venue=world.venue, starts_at=local_datetime(date(2024, 6, 15), 10, 30))
    with pytest.raises(ValidationError) as error:
        services.activity_save(activity=clash)
    assert "venue" in error.value.message_dict
    assert not Activity.objects.filter(title="安全生产培训").exists()
    after = services.activity_save(
        activity=training(world, venue=world.venue, starts_at=local_datetime(date(2024, 6, 15), 11))
    )
    assert after.booking.starts_at == local_datetime(date(2024, 6, 15), 11)  # back to back is fine


def test_moving_an_activity_moves_its_booking_and_cancelling_releases_it(world):
    activity = world.activity_a
    activity.starts_at = local_datetime(date(2024, 6, 16), 14)
    services.activity_save(activity=activity)
    assert VenueBooking.objects.get(activity=activity).starts_at == local_datetime(date(2024, 6, 16), 14)
    activity.status = "cancelled"
    services.activity_save(activity=activity)
    assert not VenueBooking.objects.filter(activity=activity).exists()


def test_a_venue_that_is_not_shared_is_booked_only_by_its_enterprises_organization(world):
    Venue.objects.filter(pk=world.venue.pk).update(shared=False)
    venue = Venue.objects.get(pk=world.venue.pk)
    booking = VenueBooking(
        venue=venue,
        organization=world.branch_b,
        starts_at=local_datetime(date(2024, 7, 1), 9),
        ends_at=local_datetime(date(2024, 7, 1), 10),
    )
    with pytest.raises(ValidationError) as error:
        services.booking_save(booking=booking)
    assert "venue" in error.value.message_dict
    booking.organization = world.branch_a  # branch A covers the venue's enterprise
    assert services.booking_save(booking=booking).pk


def test_a_booking_ends_after_it_starts(world):
    at = local_datetime(date(2024, 7, 1), 9)
    with pytest.raises(ValidationError) as error:
        services.booking_save(
            booking=VenueBooking(venue=world.venue, organization=world.branch_a, starts_at=at, ends_at=at)
        )
    assert "ends_at" in error.value.message_dict


def test_photos_are_checked_by_content(world):
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.photo_add(activity=world.activity_a, upload=fake)
    assert "file" in error.value.message_dict
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png")
    assert services.photo_add(activity=world.activity_a, upload=png).content_type == "image/png"


# --- designations ----------------------------------------------------------------------------------


def test_a_designations_members_are_of_its_organization(world):
    with pytest.raises(ValidationError) as error:
        services.designation_save(
            designation=Designation(
                organization=world.branch_a, kind="pioneer_team", name="先锋队", started_on=date(2024, 1, 1)
            ),
            members=[world.member_b],
        )
    assert "members" in error.value.message_dict
    assert not Designation.objects.filter(name="先锋队").exists()


def test_designations_are_counted_by_kind_while_in_force(world):
    designation = world.designation_a
    designation.ended_on = date(2024, 7, 1)
    services.designation_save(designation=designation)
    assert selectors.designation_counts(park_ids=[world.park.pk], on=date(2024, 6, 30))["demo_post"] == 1
    assert selectors.designation_counts(park_ids=[world.park.pk], on=date(2024, 7, 1))["demo_post"] == 0


# --- plans -----------------------------------------------------------------------------------------


def test_plan_progress_counts_held_activities_and_meetings_of_the_year_in_the_park(world):
    services.activity_save(activity=training(world))
    services.activity_save(activity=training(world, title="计划中", status="planned"))
    services.activity_save(activity=training(world, title="去年", starts_at=local_datetime(date(2023, 12, 31), 23)))
    meeting_save(
        meeting=Meeting(
            host=world.branch_a,
            kind="party_lesson",
            status="held",
            topic="党课",
            held_at=local_datetime(date(2024, 3, 1), 9),
        )
    )
    plan = AnnualPlan.objects.prefetch_related("targets").get(pk=world.plan.pk)
    progress = {p.target.kind: (p.done, p.target.target, p.percent) for p in selectors.plan_progress([plan])[plan.pk]}
    assert progress == {"training": (1, 10, 10), "party_lesson": (1, 100, 1), "volunteer": (1, 4, 25)}


def test_a_plan_target_names_a_kind_of_what_it_counts(world):
    with pytest.raises(ValidationError) as error:
        services.plan_save(
            plan=AnnualPlan(park=world.park, year=2025, title="2025"),
            targets=[PlanTarget(counts="meetings", kind="training", target=10)],
        )
    assert "targets" in error.value.message_dict
    assert not AnnualPlan.objects.filter(year=2025).exists()


def test_the_admins_plan_screen_refuses_a_target_of_a_kind_it_does_not_count(world, client):
    # The admin's inline (a superuser's: it asks Django's model permissions) saved targets without
    # plan_save's check, so a "training" of meetings showed a bar stuck at 0.
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    plan = world.plan
    targets = list(plan.targets.order_by("pk"))
    data = {"park": world.park.pk, "year": plan.year, "title": plan.title, "targets-TOTAL_FORMS": len(targets) + 1,
            "targets-INITIAL_FORMS": len(targets), "targets-MIN_NUM_FORMS": 0, "targets-MAX_NUM_FORMS": 1000,
            "targets-3-counts": "meetings", "targets-3-kind": "training", "targets-3-target": "5",
            "targets-3-plan": plan.pk}  # fmt: skip
    for i, target in enumerate(targets):
        data |= {f"targets-{i}-id": target.pk, f"targets-{i}-plan": plan.pk, f"targets-{i}-counts": target.counts,
                 f"targets-{i}-kind": target.kind, f"targets-{i}-target": target.target}  # fmt: skip
    response = client.post(reverse("admin:activities_annualplan_change", args=[plan.pk]), data)
    assert response.status_code == 200
    assert not plan.targets.filter(counts="meetings", kind="training").exists()
    data["targets-3-kind"] = "theme_day"
    assert client.post(reverse("admin:activities_annualplan_change", args=[plan.pk]), data).status_code == 302
    assert plan.targets.filter(counts="meetings", kind="theme_day").exists()


def test_a_co_hosts_secretary_reads_the_activity_and_its_photos_but_writes_neither(world):
    from parkparty import access

    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png")
    photo = services.photo_add(activity=world.activity_a, upload=png)
    secretary_b = world.users["secretary_b"]
    assert access.visible(secretary_b, Activity).filter(pk=world.activity_a.pk).exists()
    assert access.visible(secretary_b, ActivityPhoto).filter(pk=photo.pk).exists()
    assert not access.can_write(secretary_b, world.activity_a)
    assert not access.visible(world.users["instructor"], ActivityPhoto).exists()
