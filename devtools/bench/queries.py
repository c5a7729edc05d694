"""In-process measurements that need no server: SQL queries per API list page, and query plans."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

# Every list of the API, with the filter that narrows it to one park (the parks list has none).
LISTS = {
    "parks": "",
    "districts": "park",
    "grids": "park",
    "organizations": "park",
    "members": "park",
    "enterprises": "park",
    "coverages": "park",
    "instructors": "park",
}
PAGE_SIZES = (50, 200)


@dataclass(frozen=True)
class QueryCount:
    name: str
    # page size → number of SQL queries for one request
    counts: dict[int, int]

    @property
    def constant(self) -> bool:
        return len(set(self.counts.values())) == 1


def list_query_counts(*, token: str, park: int) -> list[QueryCount]:
    """Queries per request for each list at page sizes 50 and 200, authenticated by the bench token."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    results = []
    # The test client's host is "testserver"; the settings in force need not allow it.
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for name, park_filter in LISTS.items():
            params = {park_filter: park} if park_filter else {}
            # One request first: caches that fill once per process (content types…) are not per-request cost.
            _count(client, name, {**params, "page_size": PAGE_SIZES[0]})
            counts = {size: _count(client, name, {**params, "page_size": size}) for size in PAGE_SIZES}
            results.append(QueryCount(name=name, counts=counts))
    return results


def _count(client: Client, name: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/{name}/", params)
    if response.status_code != 200:
        raise RuntimeError(f"/api/v1/{name}/ answered {response.status_code}: {response.content[:300]!r}")
    return len(queries.captured_queries)


def explain_requests(*, token: str, paths: list[str]) -> list[tuple[str, str, str]]:
    """(path, SQL, EXPLAIN ANALYZE output) of each SELECT that these API requests make.

    PostgreSQL only: the captured SQL is the exact text psycopg sent, so it can be explained as is.
    """
    if connection.vendor != "postgresql":
        return []
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    plans = []
    with override_settings(ALLOWED_HOSTS=["testserver"]), connection.cursor() as cursor:
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            for query in queries.captured_queries:
                if query["sql"].startswith("SELECT"):
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    # The token lookup names the key: keep it out of logs.
                    plans.append((path, query["sql"].replace(token, "<token>"), plan))
    return plans
