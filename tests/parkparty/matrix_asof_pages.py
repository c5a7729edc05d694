"""Permission-matrix rows for the dated list pages that the overview's and the reports' figures open
(issue 14; see tests/parkparty/matrix.py).

The member list is read by whoever reads members (each gets their own rows: a secretary their subtree,
an instructor none), so every reader gets 200; a park outside one's scope is an invalid choice on the
form, exactly like a park that does not exist (200 with the form's error). Pages take the session only.
"""

from tests.parkparty.matrix import PAGE_READ_ALL, Route

ROUTES: list[Route] = [
    Route("member-list", "get", lambda w: "/organizations/members/", PAGE_READ_ALL),
    Route("member-list", "get", lambda w: f"/organizations/members/?park={w.park.pk}&as_of=2024-05-31&status=full",
          PAGE_READ_ALL),
    Route("member-list", "get", lambda w: f"/organizations/members/?park={w.other_park.pk}", PAGE_READ_ALL),
    Route("member-export", "get", lambda w: f"/organizations/members/export/?park={w.park.pk}&as_of=2024-05-31",
          PAGE_READ_ALL),
    Route("enterprise-list", "get", lambda w: f"/enterprises/?park={w.park.pk}&as_of=2024-05-31&covered=false",
          PAGE_READ_ALL),
    Route("enterprise-list", "get", lambda w: f"/enterprises/?park={w.park.pk}&as_of=2024-05-31&formation=joint",
          PAGE_READ_ALL),
    Route("enterprise-export", "get",
          lambda w: f"/enterprises/export/?park={w.park.pk}&as_of=2024-05-31&work_covered=true", PAGE_READ_ALL),
    Route("organization-tree", "get", lambda w: f"/organizations/?park={w.park.pk}&as_of=2024-05-31&covering=true",
          PAGE_READ_ALL),
    Route("overview", "get", lambda w: f"/?park={w.park.pk}&as_of=2024-05-31", PAGE_READ_ALL),
]  # fmt: skip
