"""Permission-matrix rows for the instructors' assignments (issue 14; see tests/parkparty/matrix.py).

Read-only: a POST is 405 for a park admin, 403 for anyone else (the global permission answers first).
An assignment is read with its enterprise: the world's is the uncovered firm, which the instructor is
assigned and no secretary's subtree covers. Assignments are kept on the ledger pages.
"""

from tests.parkparty.matrix import API, READ_ALL, Route, statuses

ROUTES: list[Route] = [
    Route("v1:instructor-assignment-list", "get", lambda w: f"{API}/instructor-assignments/", READ_ALL),
    Route("v1:instructor-assignment-list", "get",
          lambda w: f"{API}/instructor-assignments/?park={w.park.pk}&as_of=2020-06-01", READ_ALL),
    Route("v1:instructor-assignment-detail", "get",
          lambda w: f"{API}/instructor-assignments/{w.instructor.assignments.get().pk}/",
          statuses(200, 200, 404, 404, 200, 401, 200)),
    Route("v1:instructor-assignment-list", "post", lambda w: f"{API}/instructor-assignments/",
          statuses(405, 403, 403, 403, 403, 401, 403),
          data=lambda w: {"instructor": w.instructor.pk, "enterprise": w.enterprise_a.pk, "started_on": "2024-01-01"}),
]  # fmt: skip
