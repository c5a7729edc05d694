"""Permission-matrix rows for the required meetings behind stats/meetings (see tests/parkparty/matrix.py).

Read as the statistics are: park admins, viewers and their tokens; a secretary or an instructor gets 403,
nobody 401, and another park 404 (as stats/meetings).
"""

from tests.parkparty.matrix import Route, statuses

API = "/api/v1"
STATS = statuses(200, 200, 403, 403, 403, 401, 200)
STATS_OTHER_PARK = statuses(404, 404, 403, 403, 403, 401, 404)

ROUTES: list[Route] = [
    Route("v1:required-meeting-list", "get", lambda w: f"{API}/required-meetings/?park={w.park.pk}&period=2024-05",
          STATS),
    Route("v1:required-meeting-list", "get",
          lambda w: f"{API}/required-meetings/?park={w.other_park.pk}&period=2024-05", STATS_OTHER_PARK),
]  # fmt: skip
