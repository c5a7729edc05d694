"""Permission-matrix rows for the pages of activities, venues, designations, plans and the membership
pipeline (see tests/matrix.py)."""

from tests.matrix import Route

ROUTES: list[Route] = []
