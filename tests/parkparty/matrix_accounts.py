"""Permission-matrix rows for logins and roles (accounts): pages and API (see tests/parkparty/matrix.py).

Only park admins run them: everyone else gets 403, viewers included, before any lookup; a login of
another park ("outsider", a secretary of park B) is 404 for the admin. The API takes a session only:
a token, even the admin's, is 403. The personas get their accounts (home park A) as the URL is built.
"""

from tests.accounts.helpers import give_accounts, grant_id, user_id
from tests.parkparty.matrix import API, Route, statuses

ADMIN_PAGE = statuses(200, 403, 403, 403, 403, 302, 302)
ADMIN_POST = statuses(302, 403, 403, 403, 403, 302, 302)
OUTSIDE_PAGE = statuses(404, 403, 403, 403, 403, 302, 302)
ADMIN_API = statuses(200, 403, 403, 403, 403, 401, 403)


def with_accounts(w, url: str) -> str:
    give_accounts(w)
    return url


def new_login(w) -> dict:
    return {"park": w.park.pk, "username": "chen", "full_name": "陈书记", "role": "secretary",
            "organization": w.branch_a.pk}  # fmt: skip


ROUTES: list[Route] = [
    Route("user-list", "get", lambda w: "/users/", ADMIN_PAGE),
    Route("user-list", "get", lambda w: with_accounts(w, "/users/?role=secretary&active=yes&q=sec"), ADMIN_PAGE),
    Route("user-new", "get", lambda w: "/users/new/", ADMIN_PAGE),
    # Created: the page with the temporary password (200).
    Route("user-new", "post", lambda w: "/users/new/", ADMIN_PAGE, data=new_login, format="multipart"),
    Route("user-import", "get", lambda w: "/users/import/", ADMIN_PAGE),
    Route("user-detail", "get", lambda w: f"/users/{user_id(w, 'secretary_a')}/", ADMIN_PAGE),
    Route("user-detail", "get", lambda w: f"/users/{user_id(w, 'outsider')}/", OUTSIDE_PAGE),
    Route("user-edit", "get", lambda w: f"/users/{user_id(w, 'secretary_a')}/edit/", ADMIN_PAGE),
    Route("user-edit", "get", lambda w: f"/users/{user_id(w, 'outsider')}/edit/", OUTSIDE_PAGE),
    Route("grant-new", "get", lambda w: f"/users/{user_id(w, 'viewer')}/grants/new/", ADMIN_PAGE),
    Route("grant-new", "post", lambda w: f"/users/{user_id(w, 'viewer')}/grants/new/", ADMIN_POST,
          data=lambda w: {"role": "park_admin"}, format="multipart"),
    Route("grant-take", "post", lambda w: f"/users/grants/{grant_id(w, 'secretary_b')}/take/", ADMIN_POST,
          format="multipart"),
    Route("grant-take", "post", lambda w: f"/users/grants/{grant_id(w, 'outsider')}/take/",
          statuses(404, 403, 403, 403, 403, 302, 302), format="multipart"),
    Route("user-deactivate", "post", lambda w: f"/users/{user_id(w, 'secretary_b')}/deactivate/", ADMIN_POST,
          format="multipart"),
    Route("user-reactivate", "post", lambda w: f"/users/{user_id(w, 'secretary_b')}/reactivate/", ADMIN_POST,
          format="multipart"),
    Route("user-password", "post", lambda w: f"/users/{user_id(w, 'secretary_b')}/password/", ADMIN_PAGE,
          format="multipart"),
    Route("user-password", "post", lambda w: f"/users/{user_id(w, 'outsider')}/password/",
          statuses(404, 403, 403, 403, 403, 302, 302), format="multipart"),
    Route("v1:user-list", "get", lambda w: with_accounts(w, f"{API}/users/?park={w.park.pk}"), ADMIN_API),
    Route("v1:user-detail", "get", lambda w: f"{API}/users/{user_id(w, 'secretary_a')}/", ADMIN_API),
    Route("v1:user-detail", "get", lambda w: f"{API}/users/{user_id(w, 'outsider')}/",
          statuses(404, 403, 403, 403, 403, 401, 403)),
    Route("v1:user-list", "post", lambda w: f"{API}/users/", statuses(201, 403, 403, 403, 403, 401, 403),
          data=new_login),
    Route("v1:user-detail", "patch", lambda w: f"{API}/users/{user_id(w, 'secretary_b')}/", ADMIN_API,
          data=lambda w: {"is_active": False}),
    Route("v1:grant-list", "get", lambda w: f"{API}/grants/?user={user_id(w, 'viewer')}", ADMIN_API),
    Route("v1:grant-detail", "get", lambda w: f"{API}/grants/{grant_id(w, 'secretary_a')}/", ADMIN_API),
    Route("v1:grant-detail", "get", lambda w: f"{API}/grants/{grant_id(w, 'outsider')}/",
          statuses(404, 403, 403, 403, 403, 401, 403)),
    Route("v1:grant-list", "post", lambda w: f"{API}/grants/", statuses(201, 403, 403, 403, 403, 401, 403),
          data=lambda w: {"user": user_id(w, "viewer"), "role": "park_admin", "park": w.park.pk}),
    Route("v1:grant-detail", "delete", lambda w: f"{API}/grants/{grant_id(w, 'secretary_b')}/",
          statuses(204, 403, 403, 403, 403, 401, 403)),
]  # fmt: skip
