"""Permission-matrix rows for the park admin's ledger pages (see tests/parkparty/matrix.py).

Pages take the session only (a token, or nobody, is sent to the login page). Only park admins of the
row's park open these forms: someone who can read the row gets 403, someone who cannot gets 404. A
secretary reads the enterprises their branch covers (A: enterprise A, B: enterprise B), the instructor
the enterprise assigned to them (the uncovered one); instructor records are read by park readers only.
"""

from tests.factories import credit_code
from tests.parkparty.matrix import PAGE_READ_ALL, Route, statuses

ADMIN_PAGE = statuses(200, 403, 403, 403, 403, 302, 302)
ADMIN_SAVES = statuses(302, 403, 403, 403, 403, 302, 302)
# Enterprise A and its coverage by branch A: secretary A reads them, the others of the park do not.
BRANCH_A_ROW = statuses(200, 403, 403, 404, 404, 302, 302)
# The instructor record: park readers only.
INSTRUCTOR_ROW = statuses(200, 403, 404, 404, 404, 302, 302)


def new_enterprise(w) -> dict:
    return {"name": "矩阵新企业有限公司", "credit_code": credit_code(88_888), "entered_on": "2024-01-01",
            "employees": "10", "output_value": "0", "organization": w.branch_a.pk}  # fmt: skip


def coverage_of_a(w) -> int:
    return w.enterprise_a.coverages.get().pk


def assignment_of(w) -> int:
    return w.instructor.assignments.get().pk


ROUTES: list[Route] = [
    Route("enterprise-new", "get", lambda w: "/enterprises/new/", ADMIN_PAGE),
    Route("enterprise-new", "get", lambda w: f"/enterprises/new/?park={w.other_park.pk}",
          statuses(404, 403, 403, 403, 403, 302, 302)),
    Route("enterprise-new", "post", lambda w: "/enterprises/new/", ADMIN_SAVES, data=new_enterprise,
          format="multipart"),
    Route("enterprise-edit", "get", lambda w: f"/enterprises/{w.enterprise_a.pk}/edit/", BRANCH_A_ROW),
    Route("enterprise-edit", "get", lambda w: f"/enterprises/{w.other_enterprise.pk}/edit/",
          statuses(404, 404, 404, 404, 404, 302, 302)),
    Route("enterprise-leave", "get", lambda w: f"/enterprises/{w.enterprise_a.pk}/leave/", BRANCH_A_ROW),
    Route("enterprise-leave", "post", lambda w: f"/enterprises/{w.enterprise_b.pk}/leave/",
          statuses(302, 403, 404, 403, 404, 302, 302),
          data=lambda w: {"status": "moved_out", "left_on": "2024-06-30"}, format="multipart"),
    Route("coverage-new", "get", lambda w: f"/enterprises/{w.enterprise_uncovered.pk}/coverages/new/",
          statuses(200, 403, 404, 404, 403, 302, 302)),
    Route("coverage-new", "post", lambda w: f"/enterprises/{w.enterprise_uncovered.pk}/coverages/new/",
          statuses(302, 403, 404, 404, 403, 302, 302),
          data=lambda w: {"organization": w.branch_b.pk, "started_on": "2024-01-01"}, format="multipart"),
    # From an organization's page; the organization is read like any: park readers and its subtree.
    Route("coverage-attach", "get", lambda w: f"/enterprises/coverages/new/?organization={w.branch_a.pk}",
          BRANCH_A_ROW),
    Route("coverage-attach", "get", lambda w: f"/enterprises/coverages/new/?organization={w.other_branch.pk}",
          statuses(404, 404, 404, 404, 404, 302, 302)),
    Route("coverage-attach", "post", lambda w: f"/enterprises/coverages/new/?organization={w.branch_a.pk}",
          statuses(302, 403, 403, 404, 404, 302, 302),
          data=lambda w: {"enterprise": w.enterprise_uncovered.pk, "started_on": "2024-01-01"}, format="multipart"),
    Route("coverage-end", "get", lambda w: f"/enterprises/coverages/{coverage_of_a(w)}/end/", BRANCH_A_ROW),
    Route("coverage-end", "post", lambda w: f"/enterprises/coverages/{coverage_of_a(w)}/end/",
          statuses(302, 403, 403, 404, 404, 302, 302), data=lambda w: {"ended_on": "2024-01-01"},
          format="multipart"),
    Route("instructor-list", "get", lambda w: "/enterprises/instructors/", PAGE_READ_ALL),
    Route("instructor-new", "get", lambda w: "/enterprises/instructors/new/", ADMIN_PAGE),
    Route("instructor-new", "post", lambda w: "/enterprises/instructors/new/", ADMIN_SAVES,
          data=lambda w: {"name": "矩阵指导员", "title": "", "phone": ""}, format="multipart"),
    Route("instructor-detail", "get", lambda w: f"/enterprises/instructors/{w.instructor.pk}/",
          statuses(200, 200, 404, 404, 404, 302, 302)),
    Route("instructor-edit", "get", lambda w: f"/enterprises/instructors/{w.instructor.pk}/edit/", INSTRUCTOR_ROW),
    Route("instructor-edit", "post", lambda w: f"/enterprises/instructors/{w.instructor.pk}/edit/",
          statuses(302, 403, 404, 404, 404, 302, 302), data=lambda w: {"name": "改名", "title": "", "phone": ""},
          format="multipart"),
    Route("assignment-new", "get", lambda w: f"/enterprises/instructors/{w.instructor.pk}/assignments/new/",
          INSTRUCTOR_ROW),
    Route("assignment-new", "post", lambda w: f"/enterprises/instructors/{w.instructor.pk}/assignments/new/",
          statuses(302, 403, 404, 404, 404, 302, 302),
          data=lambda w: {"enterprise": w.enterprise_a.pk, "started_on": "2024-01-01"}, format="multipart"),
    # The instructor reads their own assignment (it is of the enterprise assigned to them), so 403.
    Route("assignment-end", "get", lambda w: f"/enterprises/assignments/{assignment_of(w)}/end/",
          statuses(200, 403, 404, 404, 403, 302, 302)),
    Route("assignment-end", "post", lambda w: f"/enterprises/assignments/{assignment_of(w)}/end/",
          statuses(302, 403, 404, 404, 403, 302, 302), data=lambda w: {"ended_on": "2026-01-01"},
          format="multipart"),
]  # fmt: skip
