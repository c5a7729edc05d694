"""Permission-matrix rows for one's API token page and a park admin revoking a login's token (see
tests/parkparty/matrix.py).

Every login has its token page (a token, or nobody, is sent to the login page: pages take the session
only). Revoking another login's token is for park admins, like the other actions under /users/: 403 for
everyone else before any lookup, 404 for a login of another park. The reset page is open to all.
"""

from tests.accounts.helpers import user_id
from tests.parkparty.matrix import Route, statuses

EVERY_LOGIN = statuses(200, 200, 200, 200, 200, 302, 302)

ROUTES: list[Route] = [
    Route("token", "get", lambda w: "/accounts/token/", EVERY_LOGIN),
    # Made: the page with the new key (200).
    Route("token", "post", lambda w: "/accounts/token/", EVERY_LOGIN, format="multipart"),
    Route("token-revoke", "post", lambda w: "/accounts/token/revoke/", statuses(302, 302, 302, 302, 302, 302, 302),
          format="multipart"),
    Route("user-token-revoke", "post", lambda w: f"/users/{user_id(w, 'secretary_a')}/token/revoke/",
          statuses(302, 403, 403, 403, 403, 302, 302), format="multipart"),
    Route("user-token-revoke", "post", lambda w: f"/users/{user_id(w, 'outsider')}/token/revoke/",
          statuses(404, 403, 403, 403, 403, 302, 302), format="multipart"),
    Route("password_reset", "get", lambda w: "/accounts/password_reset/", statuses(200, 200, 200, 200, 200, 200, 200)),
]  # fmt: skip
