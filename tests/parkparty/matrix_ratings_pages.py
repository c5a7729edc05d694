"""Permission-matrix rows for the pages of ratings, honours and subsidies (see tests/parkparty/matrix.py).

Pages take the session only (a token, or nobody, is sent to the login page). Ratings and subsidies are
read by park admins and viewers, and by a secretary for their subtree (branch A's here, so secretary B
gets 404); only park admins rate, confirm and change the ledger (403 for those who see the row).
"""

from tests.parkparty.matrix import PAGE_READ_ALL, Route, statuses

ADMIN_PAGE = statuses(200, 403, 403, 403, 403, 302, 302)
BRANCH_A_PAGE = statuses(200, 200, 200, 404, 404, 302, 302)


def payment(w) -> dict:
    return {"voucher_no": "记-100", "paid_on": "2024-07-01"}


ROUTES: list[Route] = [
    Route("star-map", "get", lambda w: "/ratings/", PAGE_READ_ALL),
    Route("star-map", "get", lambda w: f"/ratings/?park={w.park.pk}&as_of=2024-07-01", PAGE_READ_ALL),
    Route("rating-new", "get", lambda w: "/ratings/new/", ADMIN_PAGE),
    Route("rating-new", "get", lambda w: f"/ratings/new/?organization={w.branch_b.pk}&year=2024&quarter=3", ADMIN_PAGE),
    Route("rating-detail", "get", lambda w: f"/ratings/{w.rating_a.pk}/", BRANCH_A_PAGE),
    Route("rating-edit", "get", lambda w: f"/ratings/{w.rating_a.pk}/edit/",
          statuses(200, 403, 403, 404, 404, 302, 302)),
    Route("rating-confirm", "post", lambda w: f"/ratings/{w.rating_a.pk}/confirm/",
          statuses(302, 403, 403, 404, 404, 302, 302), format="multipart"),
    Route("honor-list", "get", lambda w: "/ratings/honours/", PAGE_READ_ALL),
    Route("honor-list", "get", lambda w: "/ratings/honours/?year=2024&kind=five_star", PAGE_READ_ALL),
    Route("subsidy-list", "get", lambda w: "/subsidies/", PAGE_READ_ALL),
    Route("subsidy-list", "get", lambda w: f"/subsidies/?park={w.park.pk}&status=proposed", PAGE_READ_ALL),
    Route("subsidy-export", "get", lambda w: "/subsidies/export/", PAGE_READ_ALL),
    Route("subsidy-new", "get", lambda w: "/subsidies/new/", ADMIN_PAGE),
    Route("subsidy-allowances", "post", lambda w: "/subsidies/allowances/",
          statuses(302, 403, 403, 403, 403, 302, 302),
          data=lambda w: {"park": w.park.pk, "year": 2024, "quarter": 2}, format="multipart"),
    Route("subsidy-detail", "get", lambda w: f"/subsidies/{w.subsidy_a.pk}/", BRANCH_A_PAGE),
    Route("subsidy-approve", "post", lambda w: f"/subsidies/{w.subsidy_a.pk}/approve/",
          statuses(302, 403, 403, 404, 404, 302, 302), format="multipart"),
    # A proposed record cannot be paid or reversed: the admin gets the form back with the error (200).
    Route("subsidy-pay", "post", lambda w: f"/subsidies/{w.subsidy_a.pk}/pay/",
          statuses(200, 403, 403, 404, 404, 302, 302), data=payment, format="multipart"),
    Route("subsidy-pay", "get", lambda w: f"/subsidies/{w.subsidy_a.pk}/pay/",
          statuses(200, 403, 403, 404, 404, 302, 302)),
    Route("subsidy-cancel", "post", lambda w: f"/subsidies/{w.subsidy_a.pk}/cancel/",
          statuses(302, 403, 403, 404, 404, 302, 302), data=lambda w: {"reason": "评定有误"}, format="multipart"),
    Route("subsidy-reverse", "post", lambda w: f"/subsidies/{w.subsidy_a.pk}/reverse/",
          statuses(200, 403, 403, 404, 404, 302, 302), data=lambda w: payment(w) | {"reason": "重复"},
          format="multipart"),
]  # fmt: skip
