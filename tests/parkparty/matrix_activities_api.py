"""Permission-matrix rows for the API routes of activities, venues and bookings, designations, plans,
the membership pipeline and their statistics (see tests/parkparty/matrix.py).

Activities: the leading host's secretary writes, co-hosts' secretaries read (secretary B co-hosts the
world's activity). Venues, bookings and plans are read by everyone working in the park; secretaries
book venues for their subtree; park admins write venues, designations and plans. Applications are a
secretary's own subtree's (secretary B does not see branch A's).
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from activities import services as activity_services
from activities.models import VenueBooking
from organizations.pipeline import services as pipeline_services
from parkparty.dates import local_datetime
from tests import factories as f
from tests.parkparty.matrix import ADMIN_WRITES, API, PNG, READ_ALL, Route, photo, statuses, yesterday

# Park admins only, answering 200; everyone else 403 (anonymous 401).
ADMIN_CHANGES = statuses(200, 403, 403, 403, 403, 401, 403)
# A branch A record: secretary B and the instructor do not see it.
BRANCH_A_READ = statuses(200, 200, 200, 404, 404, 401, 200)
# Written by branch A's secretary or an admin; secretary B names branch A, which is not theirs (400).
BRANCH_A_CREATES = statuses(201, 403, 201, 400, 403, 401, 403)
# A branch A record changed: secretary B does not see it (404).
BRANCH_A_CHANGES = statuses(200, 403, 200, 404, 403, 401, 403)
# A branch A record secretary B sees (a co-host, or the park's calendar) but may not change (403).
BRANCH_A_CHANGES_SEEN_BY_B = statuses(200, 403, 200, 403, 403, 401, 403)
STATS = statuses(200, 200, 403, 403, 403, 401, 200)
STATS_OTHER_PARK = statuses(404, 404, 403, 403, 403, 401, 404)


def a_photo(w) -> int:
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    return activity_services.photo_add(activity=w.activity_a, upload=upload).pk


def a_booking(w) -> int:
    """Branch A's own booking of the venue (not an activity's)."""
    booking = VenueBooking(
        venue=w.venue,
        organization=w.branch_a,
        starts_at=local_datetime(date(2024, 7, 1), 9),
        ends_at=local_datetime(date(2024, 7, 1), 11),
    )
    return activity_services.booking_save(booking=booking).pk


def on_probation(w) -> int:
    """The world's activist, a development target from 2024-03-01 and probationary from 2024-06-01."""
    application = pipeline_services.application_advance(
        application=w.application_a, stage="target", on=date(2024, 3, 1)
    )
    introducers = [w.member_a, f.PartyMemberFactory(organization=w.branch_a)]
    application = pipeline_services.application_advance(
        application=application, stage="probationary", on=date(2024, 6, 1), introducers=introducers
    )
    return application.pk


ROUTES: list[Route] = [
    # Activities: the leading host's secretary writes; the co-host's secretary (B) reads.
    Route("v1:activity-list", "get", lambda w: f"{API}/activities/", READ_ALL),
    Route("v1:activity-detail", "get", lambda w: f"{API}/activities/{w.activity_a.pk}/",
          statuses(200, 200, 200, 200, 404, 401, 200)),
    Route("v1:activity-list", "post", lambda w: f"{API}/activities/", BRANCH_A_CREATES,
          data=lambda w: {"organization": w.branch_a.pk, "kind": "training", "title": "培训", "starts_at": yesterday(),
                          "participants": [w.member_a.pk]}),
    Route("v1:activity-detail", "patch", lambda w: f"{API}/activities/{w.activity_a.pk}/", BRANCH_A_CHANGES_SEEN_BY_B,
          data=lambda w: {"description": "补充说明"}),
    Route("v1:activity-photos", "post", lambda w: f"{API}/activities/{w.activity_a.pk}/photos/",
          statuses(201, 403, 201, 403, 403, 401, 403), data=photo, format="multipart"),
    Route("v1:activity-photo-file", "get", lambda w: f"{API}/activity-photos/{a_photo(w)}/file/",
          statuses(200, 200, 200, 200, 404, 401, 200)),
    # Venues: everyone of the park reads; admins keep them.
    Route("v1:venue-list", "get", lambda w: f"{API}/venues/", READ_ALL),
    Route("v1:venue-detail", "get", lambda w: f"{API}/venues/{w.venue.pk}/", READ_ALL),
    Route("v1:venue-list", "post", lambda w: f"{API}/venues/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "name": "园区会议室", "capacity": 40}),
    Route("v1:venue-detail", "patch", lambda w: f"{API}/venues/{w.venue.pk}/", ADMIN_CHANGES,
          data=lambda w: {"capacity": 100}),
    # Bookings: the park's calendar is public to its people; secretaries book for their subtree.
    Route("v1:venue-booking-list", "get", lambda w: f"{API}/venue-bookings/", READ_ALL),
    Route("v1:venue-booking-detail", "get", lambda w: f"{API}/venue-bookings/{w.activity_a.booking.pk}/", READ_ALL),
    Route("v1:venue-booking-list", "post", lambda w: f"{API}/venue-bookings/", BRANCH_A_CREATES,
          data=lambda w: {"venue": w.venue.pk, "organization": w.branch_a.pk, "starts_at": "2024-07-02T09:00:00+08:00",
                          "ends_at": "2024-07-02T10:00:00+08:00"}),
    Route("v1:venue-booking-detail", "patch", lambda w: f"{API}/venue-bookings/{a_booking(w)}/",
          BRANCH_A_CHANGES_SEEN_BY_B, data=lambda w: {"purpose": "支委会"}),
    # Designations: read like their organization; park admins award them.
    Route("v1:designation-list", "get", lambda w: f"{API}/designations/", READ_ALL),
    Route("v1:designation-detail", "get", lambda w: f"{API}/designations/{w.designation_a.pk}/", BRANCH_A_READ),
    Route("v1:designation-list", "post", lambda w: f"{API}/designations/", ADMIN_WRITES,
          data=lambda w: {"organization": w.branch_a.pk, "kind": "pioneer_team", "name": "党员先锋队",
                          "started_on": "2024-01-01", "members": [w.member_a.pk]}),
    Route("v1:designation-detail", "patch", lambda w: f"{API}/designations/{w.designation_a.pk}/", ADMIN_CHANGES,
          data=lambda w: {"ended_on": "2024-12-31"}),
    # Plans: the park reads its targets and progress; admins set them.
    Route("v1:plan-list", "get", lambda w: f"{API}/plans/", READ_ALL),
    Route("v1:plan-detail", "get", lambda w: f"{API}/plans/{w.plan.pk}/", READ_ALL),
    Route("v1:plan-list", "post", lambda w: f"{API}/plans/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "year": 2025, "title": "2025年计划",
                          "targets": [{"counts": "activities", "kind": "training", "target": 10}]}),
    Route("v1:plan-detail", "patch", lambda w: f"{API}/plans/{w.plan.pk}/", ADMIN_CHANGES,
          data=lambda w: {"title": "2024年计划"}),
    # Applications: a secretary's own subtree's; the actions move the stage.
    Route("v1:application-list", "get", lambda w: f"{API}/applications/", READ_ALL),
    Route("v1:application-detail", "get", lambda w: f"{API}/applications/{w.application_a.pk}/", BRANCH_A_READ),
    Route("v1:application-list", "post", lambda w: f"{API}/applications/", BRANCH_A_CREATES,
          data=lambda w: {"organization": w.branch_a.pk, "name": "吴青", "applied_on": "2024-03-01"}),
    Route("v1:application-detail", "patch", lambda w: f"{API}/applications/{w.application_a.pk}/", BRANCH_A_CHANGES,
          data=lambda w: {"recommended_by": "union"}),
    Route("v1:application-advance", "post", lambda w: f"{API}/applications/{w.application_a.pk}/advance/",
          BRANCH_A_CHANGES, data=lambda w: {"stage": "target", "on": "2024-03-01", "approved_by": "支委会"}),
    Route("v1:application-extend", "post", lambda w: f"{API}/applications/{on_probation(w)}/extend/",
          BRANCH_A_CHANGES, data=lambda w: {"until": "2025-12-01", "reason": "需继续考察"}),
    Route("v1:application-withdraw", "post", lambda w: f"{API}/applications/{w.application_a.pk}/withdraw/",
          BRANCH_A_CHANGES, data=lambda w: {"on": "2024-01-01", "reason": "调离"}),
    Route("v1:application-due-soon", "get", lambda w: f"{API}/applications/due-soon/", READ_ALL),
    # Park-wide statistics: admins and viewers (and their tokens).
    Route("v1:stats-members", "get", lambda w: f"{API}/stats/members/?park={w.park.pk}", STATS),
    Route("v1:stats-members", "get", lambda w: f"{API}/stats/members/?park={w.other_park.pk}", STATS_OTHER_PARK),
    Route("v1:stats-designations", "get", lambda w: f"{API}/stats/designations/?park={w.park.pk}", STATS),
]  # fmt: skip
