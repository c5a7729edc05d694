"""Permission-matrix rows for the Excel exports (see tests/parkparty/matrix.py).

A list page's export is read by whoever reads the page (each gets their own rows; an instructor's roster
is empty), so every reader gets 200 and a token or nobody is sent to the login page. The API's
`?format=xlsx` answers as its JSON list does: 401 without credentials, a token reads; a filter by a row
outside one's scope is a 400 in JSON, as for the JSON list.
"""

from tests.parkparty.matrix import API, PAGE_READ_ALL, READ_ALL, Route, statuses

OUTSIDE_FILTER = statuses(400, 400, 400, 400, 400, 401, 400)

ROUTES: list[Route] = [
    Route("enterprise-export", "get", lambda w: "/enterprises/export/", PAGE_READ_ALL),
    Route("enterprise-export", "get", lambda w: f"/enterprises/export/?park={w.park.pk}&coverage=covered", PAGE_READ_ALL),
    Route("organization-export", "get", lambda w: "/organizations/export/", PAGE_READ_ALL),
    Route("organization-export", "get", lambda w: f"/organizations/export/?park={w.other_park.pk}", PAGE_READ_ALL),
    Route("member-export", "get", lambda w: "/organizations/members/export/", PAGE_READ_ALL),
    Route("meeting-export", "get", lambda w: "/meetings/export/", PAGE_READ_ALL),
    Route("meeting-export", "get", lambda w: f"/meetings/export/?host={w.branch_a.pk}&month=2024-05", PAGE_READ_ALL),
    Route("matter-export", "get", lambda w: "/meetings/matters/export/", PAGE_READ_ALL),
    Route("rating-export", "get", lambda w: f"/ratings/export/?park={w.park.pk}&as_of=2024-07-01", PAGE_READ_ALL),
    Route("activity-export", "get", lambda w: "/activities/export/?kind=volunteer", PAGE_READ_ALL),
    Route("v1:enterprise-list", "get", lambda w: f"{API}/enterprises/?format=xlsx", READ_ALL),
    Route("v1:member-list", "get", lambda w: f"{API}/members/?format=xlsx", READ_ALL),
    Route("v1:meeting-list", "get", lambda w: f"{API}/meetings/?format=xlsx", READ_ALL),
    Route("v1:subsidy-list", "get", lambda w: f"{API}/subsidies/?format=xlsx", READ_ALL),
    Route("v1:enterprise-list", "get", lambda w: f"{API}/enterprises/?format=xlsx&park={w.other_park.pk}",
          OUTSIDE_FILTER),
]  # fmt: skip
