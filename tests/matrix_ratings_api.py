"""Permission-matrix rows for the API routes of ratings, honours and subsidies (see tests/matrix.py)."""

from tests.matrix import Route

ROUTES: list[Route] = []
