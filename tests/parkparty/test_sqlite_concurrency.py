"""The embedded default under parallel writers: `manage.py runserver` (threaded) on a SQLite file.

A probe of `make run` found parallel writes answering `500 database is locked`: SQLite's default
(deferred) transactions take the write lock at their first write, and a transaction that read first
cannot wait for it, so it fails at once whatever the busy timeout. The settings now begin every
transaction IMMEDIATE (the write lock is taken, or waited for, at BEGIN) with a busy timeout and WAL
(readers run beside the writer); see docs/architecture.md, "Concurrent writers".

The test runs the portal in another process on a copy of the test database in a file, and fires
parallel logins, matter creations and subsidy proposals, approvals and payments at it from threads
that start together. No answer may be a 5xx, and the rows must be those the answers promised. It
runs where the default database is SQLite only (on PostgreSQL, tests/parkparty/test_pg_contention.py
covers the same writers through the services).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from accounts.middleware import SESSION_KEY
from meetings.models import Matter
from organizations.models import Organization, Subsidy, SubsidyKind
from parkparty.models import Role
from tests import factories as f
from tests.conftest import real_clock

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 16  # parallel requests per burst
PASSWORD = "pass-1234-word"  # tests.factories.UserFactory's
START_TIMEOUT = 30  # seconds for the server to answer
REQUEST_TIMEOUT = 60  # seconds for one answer (the busy timeout is 20)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("tests the embedded default, SQLite; the default database is " + connection.vendor)


@pytest.fixture
def _real_clock(frozen_clock):
    """The server runs on the real clock; sessions made here must not have expired there."""
    with real_clock(frozen_clock):
        yield


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Seed:
    """A park, its committee with a branch per writer, and three park admins, each with a session."""

    def __init__(self):
        self.park = f.ParkFactory()
        committee = f.OrganizationFactory(park=self.park, kind=Organization.Kind.COMMITTEE)
        self.branches = []
        for _ in range(WRITERS):
            parent = Organization.objects.get(pk=committee.pk)
            self.branches.append(f.OrganizationFactory(park=self.park, parent=parent))
        self.admins = [f.UserFactory() for _ in range(3)]
        for admin in self.admins:
            f.GrantFactory(user=admin, role=Role.PARK_ADMIN, park=self.park)
        self.logins = [f.UserFactory() for _ in range(WRITERS)]
        self.sessions = [self._session(admin) for admin in self.admins]
        # The same recipient, kind and period in every proposal of one burst: one record may result.
        self.contested_branch = self.branches[0]
        # Approved by admins[1] and paid by admins[2]: neither acts on a record they acted on before.
        self.proposed = [
            Subsidy.objects.create(
                park=self.park,
                organization=branch,
                kind=SubsidyKind.ACTIVITY_FUND,
                period="2025",
                period_start=date(2025, 1, 1),
                amount=Decimal("500.00"),
            )
            for branch in self.branches
        ]
        self.one_proposal = Subsidy.objects.create(
            park=self.park,
            organization=self.branches[1],
            kind=SubsidyKind.SECRETARY_ALLOWANCE,
            period="2025",
            period_start=date(2025, 1, 1),
            amount=Decimal("600.00"),
        )

    @staticmethod
    def _session(user) -> str:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[SESSION_KEY] = False  # as a login stores it
        session.save()
        return session.session_key


class Portal:
    """`manage.py runserver` (threaded, as `make run` starts it) on a SQLite file."""

    def __init__(self, database: Path, log: Path):
        self.port = free_port()
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "parkparty.settings.test",
            "DATABASE_URL": f"sqlite:///{database}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self.process.poll() is None, f"the server exited:\n{self.output()}"
            with contextlib.suppress(OSError):
                if self.request("GET", "/healthz")[0] == 200:
                    return
            assert time.monotonic() < deadline, f"the server did not answer in {START_TIMEOUT} s:\n{self.output()}"
            time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def request(self, method: str, path: str, *, session: str = "", json_body=None, form=None) -> tuple[int, str]:
        csrf = secrets.token_hex(16)  # a CSRF secret of our own, as cookie and as header
        headers = {"Cookie": f"csrftoken={csrf}" + (f"; sessionid={session}" if session else ""), "X-CSRFToken": csrf}
        body = None
        if json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.read().decode(errors="replace")
        finally:
            connection.close()


def burst(portal: Portal, calls: list[dict]) -> list[tuple[int, str]]:
    """Send every call at once (threads released together) and return the answers in order."""
    start = threading.Barrier(len(calls))

    def send(call):
        start.wait(timeout=30)
        return portal.request(**call)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def tally(answers) -> dict[int, int]:
    """How many answers of each status: {201: 3, 500: 13}."""
    return dict(sorted(Counter(status for status, _ in answers).items()))


def statuses(answers) -> list[int]:
    return sorted(status for status, _ in answers)


@pytest.fixture
def portal(_real_clock, tmp_path):
    seed = Seed()
    database = tmp_path / "parkparty.sqlite3"
    # The test database (migrated once per session, in memory) with the seed, copied into a file.
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)
    target.close()
    server = Portal(database, tmp_path / "runserver.log")
    try:
        yield server, seed, database
    finally:
        server.stop()


def count(database: Path, model, **where) -> int:
    clause = " AND ".join(f"{column} = ?" for column in where) or "1"
    with contextlib.closing(sqlite3.connect(database)) as db:
        return db.execute(
            f"SELECT COUNT(*) FROM {model._meta.db_table} WHERE {clause}", list(where.values())
        ).fetchone()[0]


def test_parallel_writers_on_the_sqlite_default_get_answers_not_500s(portal):
    server, seed, database = portal
    proposer, approver, payer = seed.sessions
    park = seed.park.pk
    results = {}

    results["logins"] = burst(
        server,
        [
            {"method": "POST", "path": "/accounts/login/", "form": {"username": user.username, "password": PASSWORD}}
            for user in seed.logins
        ],
    )
    results["matters"] = burst(
        server,
        [
            {
                "method": "POST",
                "path": "/api/v1/matters/",
                "session": proposer,
                "json_body": {
                    "park": park,
                    "source": "visit",
                    "category": "recruitment",
                    "title": f"parallel-{n}",
                    "raised_on": "2025-06-01",
                },
            }
            for n in range(WRITERS)
        ],
    )
    results["proposals"] = burst(
        server,
        [
            {
                "method": "POST",
                "path": "/api/v1/subsidies/",
                "session": proposer,
                "json_body": {"organization": branch.pk, "kind": "activity_fund", "period": "2026", "amount": "100.00"},
            }
            for branch in seed.branches
        ],
    )
    results["same proposal"] = burst(
        server,
        [
            {
                "method": "POST",
                "path": "/api/v1/subsidies/",
                "session": proposer,
                "json_body": {
                    "organization": seed.contested_branch.pk,
                    "kind": "special_fund",
                    "period": "2026",
                    "amount": "100.00",
                },
            }
        ]
        * WRITERS,
    )
    results["approvals"] = burst(
        server,
        [
            {"method": "POST", "path": f"/api/v1/subsidies/{record.pk}/approve/", "session": approver}
            for record in seed.proposed
        ],
    )
    results["payments"] = burst(
        server,
        [
            {
                "method": "POST",
                "path": f"/api/v1/subsidies/{record.pk}/pay/",
                "session": payer,
                "json_body": {"voucher_no": f"V-{record.pk}", "paid_on": "2025-06-30"},
            }
            for record in seed.proposed
        ],
    )
    results["same approval"] = burst(
        server,
        [{"method": "POST", "path": f"/api/v1/subsidies/{seed.one_proposal.pk}/approve/", "session": approver}]
        * WRITERS,
    )
    server.stop()

    failures = {name: tally(answers) for name, answers in results.items() if any(s >= 500 for s, _ in answers)}
    assert not failures, f"answers of 500 and more: {failures}\n{server.output()[-3000:]}"
    assert "database is locked" not in server.output()
    assert statuses(results["logins"]) == [302] * WRITERS
    assert statuses(results["matters"]) == [201] * WRITERS
    assert statuses(results["proposals"]) == [201] * WRITERS
    assert statuses(results["same proposal"]) == [201] + [400] * (WRITERS - 1)
    assert statuses(results["approvals"]) == [200] * WRITERS
    assert statuses(results["payments"]) == [200] * WRITERS
    assert statuses(results["same approval"]) == [200] + [400] * (WRITERS - 1)
    # The rows are those the answers promised: nothing lost, nothing twice.
    assert count(database, Matter, park_id=park) == WRITERS
    assert count(database, Subsidy, kind="activity_fund", period="2026") == WRITERS
    assert count(database, Subsidy, kind="special_fund", organization_id=seed.contested_branch.pk) == 1
    assert count(database, Subsidy, kind="activity_fund", period="2025", status="paid") == WRITERS
    assert count(database, Subsidy, id=seed.one_proposal.pk, status="approved") == 1
    with contextlib.closing(sqlite3.connect(database)) as db:  # every login was recorded
        table = get_user_model()._meta.db_table
        assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE last_login IS NULL").fetchone()[0] == 0
