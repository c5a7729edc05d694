"""Permission-matrix rows for the pages of activities, venues, designations, plans and the membership
pipeline (see tests/parkparty/matrix.py).

Pages take the session only (a token, or nobody, is sent to the login page). Activity A is branch A's,
co-hosted by branch B: secretary B reads it (and its photos) but does not change it (403). Secretaries
and park admins record activities, book venues and write their branches' applications; viewers read
(403 on a write); the instructor sees no activity or application (404) and writes none (403).
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities.services import photo_add
from tests.parkparty.matrix import PAGE_READ_ALL, PNG, Route, statuses

WRITERS_PAGE = statuses(200, 403, 200, 200, 403, 302, 302)
BRANCH_A_WRITE = statuses(302, 403, 302, 404, 404, 302, 302)


def an_activity_photo(world) -> int:
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    return photo_add(activity=world.activity_a, upload=upload).pk


def an_activity(world) -> dict:
    yesterday = timezone.localdate() - timedelta(days=1)
    return {"host": world.branch_a.pk, "kind": "training", "title": "安全培训", "status": "held",
            "starts_at_0": yesterday.isoformat(), "starts_at_1": "09:00", "duration_minutes": 60,
            "participants": [world.member_a.pk], "non_member_count": 0}  # fmt: skip


def a_booking(world) -> dict:
    return {"venue": world.venue.pk, "organization": world.branch_a.pk, "starts_at_0": "2024-06-15",
            "starts_at_1": "14:00", "ends_at": "15:00", "purpose": "支委会"}  # fmt: skip


def an_application(world) -> dict:
    return {"organization": world.branch_a.pk, "name": "吴桐", "applied_on": "2024-10-01"}


ROUTES: list[Route] = [
    Route("overview", "get", lambda w: "/?year=2024", PAGE_READ_ALL),
    Route("activity-list", "get", lambda w: "/activities/", PAGE_READ_ALL),
    Route("activity-list", "get", lambda w: f"/activities/?park={w.park.pk}&kind=volunteer&status=held", PAGE_READ_ALL),
    Route("activity-new", "get", lambda w: "/activities/new/", WRITERS_PAGE),
    Route("activity-new", "get", lambda w: f"/activities/new/?host={w.branch_b.pk}",
          statuses(200, 403, 404, 200, 404, 302, 302)),
    Route("activity-new", "post", lambda w: "/activities/new/", BRANCH_A_WRITE, data=an_activity, format="multipart"),
    Route("activity-detail", "get", lambda w: f"/activities/{w.activity_a.pk}/",
          statuses(200, 200, 200, 200, 404, 302, 302)),
    Route("activity-edit", "get", lambda w: f"/activities/{w.activity_a.pk}/edit/",
          statuses(200, 403, 200, 403, 404, 302, 302)),
    Route("activity-edit", "post", lambda w: f"/activities/{w.activity_a.pk}/edit/",
          statuses(302, 403, 302, 403, 404, 302, 302), data=an_activity, format="multipart"),
    Route("activity-photo", "get", lambda w: f"/activities/photos/{an_activity_photo(w)}/",
          statuses(200, 200, 200, 200, 404, 302, 302)),
    Route("venue-calendar", "get", lambda w: "/activities/venues/", PAGE_READ_ALL),
    Route("venue-calendar", "get", lambda w: f"/activities/venues/?park={w.park.pk}&month=2024-06&venue={w.venue.pk}",
          PAGE_READ_ALL),
    Route("venue-book", "get", lambda w: "/activities/venues/book/", WRITERS_PAGE),
    # Secretary B may book, but not for branch A: the form comes back with the organization refused.
    Route("venue-book", "post", lambda w: "/activities/venues/book/", statuses(302, 403, 302, 200, 403, 302, 302),
          data=a_booking, format="multipart"),
    Route("designation-list", "get", lambda w: "/activities/designations/", PAGE_READ_ALL),
    Route("designation-list", "get", lambda w: f"/activities/designations/?park={w.park.pk}&kind=demo_post",
          PAGE_READ_ALL),
    Route("pipeline-board", "get", lambda w: "/pipeline/", PAGE_READ_ALL),
    Route("pipeline-board", "get", lambda w: f"/pipeline/?park={w.park.pk}&organization={w.branch_a.pk}",
          PAGE_READ_ALL),
    Route("application-new", "get", lambda w: "/pipeline/new/", WRITERS_PAGE),
    Route("application-new", "post", lambda w: "/pipeline/new/", statuses(302, 403, 302, 200, 403, 302, 302),
          data=an_application, format="multipart"),
    Route("application-detail", "get", lambda w: f"/pipeline/{w.application_a.pk}/",
          statuses(200, 200, 200, 404, 404, 302, 302)),
    Route("application-advance", "post", lambda w: f"/pipeline/{w.application_a.pk}/advance/", BRANCH_A_WRITE,
          data=lambda w: {"stage": "target", "on": "2024-03-05", "approved_by": "支委会"}, format="multipart"),
    # An activist's probation cannot be extended: those who may write are sent back with the message.
    Route("application-extend", "post", lambda w: f"/pipeline/{w.application_a.pk}/extend/", BRANCH_A_WRITE,
          data=lambda w: {"extend-until": "2025-06-01", "extend-reason": "考察"}, format="multipart"),
    Route("application-withdraw", "post", lambda w: f"/pipeline/{w.application_a.pk}/withdraw/", BRANCH_A_WRITE,
          data=lambda w: {"withdraw-withdrawn_on": "2024-05-01", "withdraw-reason": "本人撤回"}, format="multipart"),
]  # fmt: skip
