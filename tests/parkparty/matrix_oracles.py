"""Permission-matrix rows for the lookup of a member by ID number (see tests/parkparty/matrix.py).

A POST, so the number stays out of URLs. Those who write members may ask (secretaries find nobody: they
see no personal data); viewers, instructors and tokens (read-only) get 403.
"""

from tests.parkparty.matrix import API, Route, statuses

ROUTES: list[Route] = [
    Route("v1:member-lookup", "post", lambda w: f"{API}/members/lookup/", statuses(200, 403, 200, 200, 403, 401, 403),
          data=lambda w: {"id_number": w.member_a.id_number}),
]  # fmt: skip
