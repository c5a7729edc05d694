"""Fuzz the REST API from its own OpenAPI schema (/api/schema/) with schemathesis, in-process over WSGI.

Each operation of the schema is one test item of `test_reads` / `test_writes` (bounded, every run) and
one of `test_reads_broadly` / `test_writes_broadly` (marked `fuzz`, CI):
- GET operations run as the park admin's API token (read-only, personal data masked);
- POST/PUT/PATCH operations run as the park admin's browser session (the `sessionid` cookie; CSRF
  is waived the way Django's test client waives it), so the write paths and their services run.
Schemathesis generates valid and invalid inputs (mode "all"; explicit examples and fuzzing for every
operation, plus the systematic coverage phase for GET operations) and sends them to Django's WSGI
handler inside pytest-django's test transaction, on the data of the `world` fixture.

Checks that run: schemathesis' default set minus the two in DISABLED_CHECKS, that is
    not_a_server_error, status_code_conformance (parkparty.schema documents the error answers),
    content_type_conformance, response_schema_conformance (the body of each
    documented status), response_headers_conformance, ignored_auth (the same request without
    credentials, or with forged ones, must be refused), unsupported_method, allow_header_conformance,
    missing_required_header, use_after_free, ensure_resource_availability, object_level_authorization.
Each test also asserts that no response is a 401, so the credentials cannot silently stop working.

The schema is loaded when this module is imported rather than through
`schemathesis.pytest.from_fixture`: schemathesis 4.32's lazy loader sets `request.node._nodeid`,
which pytest 9.2 no longer has (AttributeError). Serving the schema needs no database.

What the fuzzer found (a 500 on a huge ?park=, an undeclared null) has a plain regression test at the
bottom.

`make test` runs the bounded `test_reads`/`test_writes` (API_FUZZ_BOUNDED_EXAMPLES generated cases per
operation, 5 by default); the broad `test_reads_broadly`/`test_writes_broadly` are marked `fuzz` and
deselected by default (pyproject.toml's addopts); CI runs them on PostgreSQL:
    make test PYTEST_ARGS="-m fuzz"
Deterministic by default (derandomize). To explore locally:
    API_FUZZ_RANDOM=1 API_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest -m fuzz tests/parkparty/test_api_fuzz.py
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from datetime import timedelta
from importlib import import_module

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle

from enterprises.models import Enterprise
from organizations.models import District, Grid, Organization, Park, PartyMember
from parkparty.api_urls import router
from tests.factories import credit_code, id_number

SCHEMA_URL = "/api/schema/?format=json"
SessionStore = import_module(django_settings.SESSION_ENGINE).SessionStore


class InProcessWSGIHandler(WSGIHandler):
    """Django's WSGI application as the test client runs it: CSRF is not enforced for session writes."""

    def get_response(self, request):
        request._dont_enforce_csrf_checks = True
        return super().get_response(request)


APP = InProcessWSGIHandler()

# --- the schema --------------------------------------------------------------------------------------

# Checks switched off, and why. Each needs a schema change in a file this module does not own.
DISABLED_CHECKS = (
    # "Schema-valid request rejected" (400): the schema cannot say that a foreign key must exist and
    # be in the caller's scope, that dates must be in order or that a credit code carries a check
    # character;
    # and a multipart body cannot carry null.
    "positive_data_acceptance",
    # "Schema-violating request accepted": DRF and django-filter are lenient on purpose: an empty
    # query value means "no filter" (?group_by=, ?status=), an invalid ?page_size= falls back to the
    # default page size, unknown query parameters are ignored.
    "negative_data_rejection",
)


@functools.cache
def _raw_schema() -> str:
    """The schema as the API serves it, fetched once for the four loads below (about a second each)."""
    return Client().get(SCHEMA_URL).content.decode()


def load_schema(*, coverage_phase: bool) -> schemathesis.schemas.BaseSchema:
    raw = json.loads(_raw_schema())  # each load its own copy: schemathesis may annotate what it is given
    config = schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",
                # Credentials come from the auth providers below; generated Authorization headers
                # and sessionid cookies would only turn every request into a 401.
                "with-security-parameters": False,
            },
            "checks": {name: {"enabled": False} for name in DISABLED_CHECKS},
            "phases": {"coverage": {"enabled": coverage_phase}},
        }
    )
    loaded = schemathesis.openapi.from_dict(raw, config=config)
    loaded.app = APP
    return loaded


# Two runs of every operation:
# - bounded, in every `make test`: explicit examples and a few generated cases per operation
#   (BOUNDED below, a deadline per request), and for reads the systematic coverage phase, which
#   sends every boundary value of every query parameter (a huge id, an empty value, a wrong type):
#   the boundaries are where the 500s were. That phase is cheap for query strings but a few hundred
#   requests per write operation (three media types × every body field): writes get the examples
#   and a few generated cases only. About half a minute for the whole API on SQLite.
# - broad, marked `fuzz` (deselected by default; CI runs it against PostgreSQL with `-m fuzz`):
#   ten times as many generated cases per operation; the coverage phase already ran in the bounded run.
# Seen with a 500 planted in a statistics query: the bounded run finds a 500 for any value of a
# parameter from the generated cases, and one for a value past 10**6 only from the coverage phase.
read_schema = load_schema(coverage_phase=True).include(method="GET")
write_schema = load_schema(coverage_phase=False).exclude(method="GET")
broad_read_schema = load_schema(coverage_phase=False).include(method="GET")
broad_write_schema = load_schema(coverage_phase=False).exclude(method="GET")

# --- steering generated input towards real data -------------------------------------------------------

# Foreign keys in paths, query strings and bodies: small generated integers are pointed at real rows
# (in or out of the caller's scope), so requests reach the serializers and services instead of all
# stopping at "object does not exist". Large and negative numbers stay as generated.
REFERENCES = {
    "park": Park,
    "district": District,
    "grid": Grid,
    "organization": Organization,
    "parent": Organization,
    "within": Organization,
    "enterprise": Enterprise,
    "secretary": PartyMember,
}
# A list computed rather than stored (required-meetings/) has no model and no detail path.
PATH_MODELS = {
    prefix: viewset.queryset.model for prefix, viewset, _basename in router.registry if viewset.queryset is not None
}
SMALL = 1000
# Codes with correct check characters, for half of the generated credit codes and ID numbers (those
# of even length); the other half stays as generated and exercises the 400 for a bad code.
VALID_CODES = {"credit_code": credit_code, "id_number": id_number}
SERIAL = itertools.count(900_000)


def _as_small_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 3:
        value = int(value)
    return value if isinstance(value, int) and 0 <= value < SMALL else None


def _real_row(model, value):
    number = _as_small_int(value)
    if number is None:
        return value
    ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    return ids[number % len(ids)] if ids else value


def point_at_real_data(case) -> None:
    prefix = case.operation.path.removeprefix("/api/v1/").split("/", 1)[0]
    if case.path_parameters and "id" in case.path_parameters and prefix in PATH_MODELS:
        case.path_parameters["id"] = _real_row(PATH_MODELS[prefix], case.path_parameters["id"])
    for container in (case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name, model in REFERENCES.items():
            if name in container:
                container[name] = _real_row(model, container[name])
        for name, make in VALID_CODES.items():
            value = container.get(name)
            if isinstance(value, str) and value and len(value) % 2 == 0:
                container[name] = make(next(SERIAL))


# --- credentials ------------------------------------------------------------------------------------

# The park admin's credentials are fixed strings, because schemathesis asks the auth providers for
# them while it builds its explicit cases at collection time; the `credentials` fixture makes them
# valid for each test (the admin's token re-keyed, a logged-in session under a known key).
ADMIN_TOKEN = "fuzz0admin0token" + "0" * 24
ADMIN_SESSION = "fuzz0admin0session" + "0" * 14


class AdminToken:
    """Reads: the park admin's API token (a token is read-only, personal data masked)."""

    def get(self, case, context):
        return ADMIN_TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


class AdminSession:
    """Writes: the park admin's browser session, as the `sessionid` cookie the schema declares."""

    def get(self, case, context):
        return ADMIN_SESSION

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), "sessionid": data}


@pytest.fixture
def credentials(world):
    """Make the admin's fixed credentials valid; keep the test transaction open across requests.

    Django closes "old" connections at the start and end of every request, which inside the test
    transaction would throw the world away; the test client disconnects the same handlers.
    The admin makes a few thousand requests here; their throttle history is cleared before and
    after, so neither this module nor the rest of the suite sees a 429 because of the other.
    """
    admin = world.users["admin"]
    Token.objects.filter(user=admin).delete()
    Token.objects.create(user=admin, key=ADMIN_TOKEN)
    client = Client()
    client.force_login(admin)
    session = SessionStore(session_key=ADMIN_SESSION)
    session.save(must_create=True)  # first, while empty: loading an unknown key would discard it
    session.update(client.session.items())
    session.save()
    throttle_key = UserRateThrottle.cache_format % {"scope": "user", "ident": admin.pk}
    cache.delete(throttle_key)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        cache.delete(throttle_key)
        session.delete()


# --- the fuzz tests ---------------------------------------------------------------------------------

HEALTH_CHECKS_SUPPRESSED = [
    # `world` is function-scoped and shared by all examples of one operation, on purpose: they
    # run against the same data and see each other's writes.
    HealthCheck.function_scoped_fixture,
    # Generating bodies for the larger serializers can be slow on a loaded CI machine.
    HealthCheck.too_slow,
]
RANDOM = bool(os.environ.get("API_FUZZ_RANDOM"))
BOUNDED = settings(
    max_examples=int(os.environ.get("API_FUZZ_BOUNDED_EXAMPLES", "5")),
    # One request answers in tens of milliseconds; one that takes seconds is a finding too (hypothesis
    # runs a slow example again before it reports it, so one hiccup of a loaded machine does not fail).
    deadline=timedelta(seconds=5),
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=HEALTH_CHECKS_SUPPRESSED,
)
BROAD = settings(
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "50")),
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=HEALTH_CHECKS_SUPPRESSED,
)


def check_a_call(case) -> None:
    point_at_real_data(case)
    response = case.call_and_validate()
    assert response.status_code != 401, "the park admin's credentials did not reach the API"


@BOUNDED
@read_schema.auth.apply(AdminToken, refresh_interval=None)
@read_schema.parametrize()
def test_reads(case, credentials):
    check_a_call(case)


@BOUNDED
@write_schema.auth.apply(AdminSession, refresh_interval=None)
@write_schema.parametrize()
def test_writes(case, credentials):
    check_a_call(case)


@pytest.mark.fuzz
@BROAD
@broad_read_schema.auth.apply(AdminToken, refresh_interval=None)
@broad_read_schema.parametrize()
def test_reads_broadly(case, credentials):
    check_a_call(case)


@pytest.mark.fuzz
@BROAD
@broad_write_schema.auth.apply(AdminSession, refresh_interval=None)
@broad_write_schema.parametrize()
def test_writes_broadly(case, credentials):
    check_a_call(case)


# --- what the fuzzer found, as plain tests -----------------------------------------------------------


@pytest.mark.parametrize("resource", ["coverages", "members"])
def test_a_huge_park_filter_is_a_400_not_a_server_error(as_role, resource):
    """Found by the fuzzer: ?park= beyond 64 bits reached SQLite through a number filter (a 500)."""
    response = as_role("token").get(f"/api/v1/{resource}/", {"park": str(2**64)})
    assert response.status_code == 400
    assert "park" in response.json()


def test_the_schema_declares_the_coverage_of_an_uncovered_enterprise_nullable(db):
    """Found by the fuzzer: an enterprise nobody covers has covering_organization null."""
    properties = Client().get(SCHEMA_URL).json()["components"]["schemas"]["Enterprise"]["properties"]
    assert properties["covering_organization"].get("nullable")
    assert properties["covering_formation"].get("nullable")
