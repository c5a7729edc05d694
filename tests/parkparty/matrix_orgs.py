"""Permission-matrix rows for the structure's management pages (see tests/parkparty/matrix.py).

Organizations, districts and grids are park admins' to change: those who see the row get 403, those
who do not 404. Members are also a secretary's to keep for their subtree (branch A's here, so
secretary B gets 404). The districts list is for those who read the park as a whole.
"""

from django.utils import timezone

from tests.parkparty.matrix import Route, statuses

ADMIN_PAGE = statuses(200, 403, 403, 403, 403, 302, 302)
NOWHERE = statuses(404, 404, 404, 404, 404, 302, 302)
# A row of branch A's subtree: the viewer and secretary A see it, secretary B and the instructor do not.
BRANCH_A_ADMIN = statuses(200, 403, 403, 404, 404, 302, 302)
BRANCH_A_ROSTER = statuses(200, 403, 200, 404, 404, 302, 302)


def new_branch(w) -> dict:
    return {"parent": w.committee.pk, "name": "新支部", "kind": "branch", "formation": "standalone",
            "established_on": "2020-01-01"}  # fmt: skip


def new_member(w) -> dict:
    return {"organization": w.branch_a.pk, "name": "赵六", "status": "probationary", "joined_on": "2024-07-01"}


ROUTES: list[Route] = [
    Route("organization-new", "get", lambda w: "/organizations/new/", ADMIN_PAGE),
    Route("organization-new", "get", lambda w: f"/organizations/new/?parent={w.committee.pk}",
          statuses(200, 403, 404, 404, 404, 302, 302)),
    Route("organization-new", "get", lambda w: f"/organizations/new/?parent={w.branch_a.pk}", BRANCH_A_ADMIN),
    Route("organization-new", "get", lambda w: f"/organizations/new/?parent={w.other_branch.pk}", NOWHERE),
    Route("organization-new", "post", lambda w: f"/organizations/new/?parent={w.committee.pk}",
          statuses(302, 403, 404, 404, 404, 302, 302), data=new_branch, format="multipart"),
    Route("organization-edit", "get", lambda w: f"/organizations/{w.branch_a.pk}/edit/", BRANCH_A_ADMIN),
    Route("organization-edit", "get", lambda w: f"/organizations/{w.other_branch.pk}/edit/", NOWHERE),
    Route("organization-dissolve", "get", lambda w: f"/organizations/{w.group_a.pk}/dissolve/", BRANCH_A_ADMIN),
    Route("organization-dissolve", "post", lambda w: f"/organizations/{w.group_a.pk}/dissolve/",
          statuses(302, 403, 403, 404, 404, 302, 302),
          data=lambda w: {"dissolved_on": timezone.localdate().isoformat()}, format="multipart"),
    Route("organization-dissolve", "get", lambda w: f"/organizations/{w.other_branch.pk}/dissolve/", NOWHERE),
    Route("member-new", "get", lambda w: f"/organizations/{w.branch_a.pk}/members/new/", BRANCH_A_ROSTER),
    Route("member-new", "post", lambda w: f"/organizations/{w.branch_a.pk}/members/new/",
          statuses(302, 403, 302, 404, 404, 302, 302), data=new_member, format="multipart"),
    Route("member-new", "get", lambda w: f"/organizations/{w.other_branch.pk}/members/new/", NOWHERE),
    Route("member-edit", "get", lambda w: f"/organizations/members/{w.member_a.pk}/edit/", BRANCH_A_ROSTER),
    Route("member-edit", "get", lambda w: f"/organizations/members/{w.other_member.pk}/edit/", NOWHERE),
    Route("district-list", "get", lambda w: "/organizations/districts/", statuses(200, 200, 403, 403, 403, 302, 302)),
    Route("district-list", "get", lambda w: f"/organizations/districts/?park={w.other_park.pk}",
          statuses(200, 200, 403, 403, 403, 302, 302)),
    Route("district-new", "get", lambda w: f"/organizations/districts/new/?park={w.park.pk}", ADMIN_PAGE),
    Route("district-new", "get", lambda w: f"/organizations/districts/new/?park={w.other_park.pk}",
          statuses(404, 403, 403, 403, 403, 302, 302)),
    Route("district-new", "post", lambda w: f"/organizations/districts/new/?park={w.park.pk}",
          statuses(302, 403, 403, 403, 403, 302, 302), data=lambda w: {"name": "二片区"}, format="multipart"),
    Route("district-edit", "get", lambda w: f"/organizations/districts/{w.district.pk}/edit/", ADMIN_PAGE),
    Route("grid-new", "get", lambda w: f"/organizations/grids/new/?park={w.park.pk}", ADMIN_PAGE),
    Route("grid-new", "post", lambda w: f"/organizations/grids/new/?park={w.park.pk}",
          statuses(302, 403, 403, 403, 403, 302, 302),
          data=lambda w: {"name": "二网格", "district": w.district.pk, "leading_organization": w.branch_a.pk},
          format="multipart"),
    Route("grid-edit", "get", lambda w: f"/organizations/grids/{w.grid.pk}/edit/", ADMIN_PAGE),
]  # fmt: skip
