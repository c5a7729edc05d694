"""Permission-matrix rows for the security log (see tests/parkparty/matrix.py).

Park admins only: viewers, secretaries and instructors get 403 whatever the park asked for, another
park is 404 for an admin (as a park that does not exist); a token, or nobody, goes to the login page.
"""

from tests.parkparty.matrix import Route, statuses

ADMIN_PAGE = statuses(200, 403, 403, 403, 403, 302, 302)

ROUTES: list[Route] = [
    Route("security-log", "get", lambda w: "/users/security-log/", ADMIN_PAGE),
    Route("security-log", "get", lambda w: f"/users/security-log/?park={w.park.pk}&kind=login&since=2026-12-01",
          ADMIN_PAGE),
    Route("security-log", "get", lambda w: f"/users/security-log/?park={w.other_park.pk}",
          statuses(404, 403, 403, 403, 403, 302, 302)),
    Route("security-log", "get", lambda w: "/users/security-log/?park=999999999",
          statuses(404, 403, 403, 403, 403, 302, 302)),
]  # fmt: skip
