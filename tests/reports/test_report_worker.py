"""Reports built by a real Celery worker: another process, on PostgreSQL and Redis.

The test process sends tasks through Redis (eager mode switched off for the test) to a queue of its own;
`celery -A tests.reports.worker_app worker` (the portal's app plus a test seam, see tests/reports/worker_app.py) consumes
it against the test database. They prove what eager mode cannot:

- a report asked for through the API is built by the worker, polled to done and downloaded;
- a worker killed in the middle of a report (SIGKILL, the whole process group) leaves the task
  unacknowledged (acks_late): once the visibility timeout has passed, a fresh worker builds the report
  again, into the same single row;
- a pool process killed in the middle of a report makes its worker requeue the task at once
  (reject_on_worker_lost) instead of acknowledging it as failed.

Marked `postgres` and `redis`: skipped, with the reason, without PostgreSQL or REDIS_URL (the ci plugin
lists the skip; under CI=true only the SQLite run is allowed to skip them). Workers are killed in
teardown whatever happened; their logs are printed when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.db import connection

from parkparty.celery import app
from reports import services
from reports.models import Report
from tests.conftest import client_for, real_clock
from tests.reports.worker_app import FAST_RESTORE_ENV, SLOW_ONCE_ENV

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2024-06"  # not the world's stored report (May 2024)
TIMEOUT = 60  # seconds for a worker to finish a report
VISIBILITY_TIMEOUT = 5  # seconds before a dead worker's unacknowledged task is handed out again
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUCCEEDED = re.compile(r"Task reports\.tasks\.generate_report\[[0-9a-f-]+\] succeeded in [0-9.]+s: 'done'")


@pytest.fixture(scope="module", autouse=True)
def _real_clock(frozen_clock):
    """The workers are other processes, on the real clock: so is this module, or a report's timestamps
    (requested here, started and finished there) would not follow each other."""
    with real_clock(frozen_clock):
        yield


def worker_database_url() -> str:
    """The database pytest-django created, as a DATABASE_URL for the worker."""
    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), f"refusing to point a worker at {db['NAME']!r}"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")  # a socket directory travels %-encoded
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(db['NAME'], safe='')}"


class Workers:
    """Celery workers started for one test, each its own process group, each logging to a file."""

    def __init__(self, queue: str, directory: Path):
        self.queue = queue
        self.directory = directory
        self.slow_marker = directory / "slow-once"
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, *, fast_restore: bool = False) -> subprocess.Popen:
        number = len(self.started) + 1
        log = self.directory / f"worker-{number}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "parkparty.settings.test",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            SLOW_ONCE_ENV: str(self.slow_marker),
        }
        env.pop(FAST_RESTORE_ENV, None)
        if fast_restore:
            env[FAST_RESTORE_ENV] = "1"
        command = [
            sys.executable, "-m", "celery", "-A", "tests.reports.worker_app", "worker",
            "--pool=prefork", "--concurrency=1", "-Q", self.queue, "-n", f"{self.queue}-{number}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
        ]  # fmt: skip
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: main process and pool die together
            )  # fmt: skip
        self.started.append((process, log))
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker's whole process group: no warm shutdown, no chance to acknowledge."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process, _log in self.started:
            if process.poll() is None:
                # Warm shutdown first: a worker killed by a signal could leave kombu's restore mutex
                # held in Redis for five minutes, and the next run's recovery would wait on it.
                process.send_signal(signal.SIGTERM)
        for process, _log in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            with contextlib.suppress(ProcessLookupError):  # and any pool process left behind
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def log(self, number: int) -> str:
        return self.started[number - 1][1].read_text(errors="replace")

    def logs(self) -> str:
        return "".join(
            f"\n----- celery worker {number} (exit status {process.poll()}) -----\n{self.log(number)}"
            for number, (process, _log) in enumerate(self.started, 1)
        )

    def assert_alive(self, *processes: subprocess.Popen) -> None:
        for process in processes:
            assert process.poll() is None, f"a worker exited with status {process.returncode} (logs above)"


@pytest.fixture
def queue():
    """A queue of this test's own, and the test process sending to it through Redis instead of eagerly."""
    name = f"parkparty-test-{uuid.uuid4().hex[:12]}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    yield name
    app.conf.update(saved)


@pytest.fixture
def workers(transactional_db, queue, tmp_path, request, capsys):
    """Start workers with workers.start(); all of them are stopped, then killed, after the test (before
    the database is flushed), and their logs printed if it failed."""
    failed_before = request.session.testsfailed
    started = Workers(queue, tmp_path)
    yield started
    started.stop_all()
    if request.session.testsfailed > failed_before and started.started:
        with capsys.disabled():
            sys.stdout.write(f"\n===== worker logs of {request.node.nodeid} ====={started.logs()}\n")


def wait_for(what: str, check, workers: Workers, *alive: subprocess.Popen, timeout: float = TIMEOUT):
    """Poll `check` until it returns something true; fail after `timeout` (the fixture prints the logs)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        workers.assert_alive(*alive)
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what} (logs above)"
        time.sleep(0.2)


def status_of(report: Report) -> str:
    report.refresh_from_db(fields=["status"])
    return report.status


def request_report(world) -> Report:
    """Park A's monthly report, asked for in the test process: the task goes to Redis on commit."""
    return services.report_request(park=world.park, kind="monthly", period=PERIOD, user=world.users["admin"])


def assert_one_finished_report(world, report: Report) -> Report:
    [row] = Report.objects.filter(park=world.park, kind="monthly", period=PERIOD)
    assert row.pk == report.pk
    assert (row.status, row.error) == (Report.Status.DONE, "")
    assert row.data["period"] == PERIOD
    book = openpyxl.load_workbook(BytesIO(bytes(row.workbook)), read_only=True)
    assert len(book.sheetnames) >= 2
    book.close()
    return row


def test_a_report_asked_for_through_the_api_is_built_by_the_worker(world, workers):
    worker = workers.start()
    client = client_for(world, "admin")  # a session: API tokens are read-only

    response = client.post(
        "/api/v1/reports/", {"park": world.park.pk, "kind": "monthly", "period": PERIOD}, format="json"
    )

    assert response.status_code == 202, response.content
    queued = response.json()

    def finished():
        body = client.get(queued["url"]).json()
        return body if body["status"] in (Report.Status.DONE, Report.Status.FAILED) else None

    report = wait_for("the report to be built", finished, workers, worker)
    assert report["status"] == Report.Status.DONE, report["error"]
    assert report["data"]["period"] == PERIOD
    # Built by the worker, not in the request: the worker logs the task's success (just after it commits).
    wait_for("the worker to log the task's success", lambda: SUCCEEDED.search(workers.log(1)), workers, timeout=10)

    download = client.get(report["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    content = b"".join(download.streaming_content) if download.streaming else download.content
    book = openpyxl.load_workbook(BytesIO(content), read_only=True)
    assert len(book.sheetnames) >= 2
    book.close()
    assert Report.objects.filter(park=world.park, kind="monthly", period=PERIOD).count() == 1


def test_a_worker_killed_in_the_middle_of_a_report_is_replaced_and_the_report_built_once(world, workers):
    workers.slow_marker.touch()  # the first run sleeps inside report_data
    first = workers.start()
    report = request_report(world)
    pid_file = Path(f"{workers.slow_marker}.pid")

    wait_for("the worker to start the report", lambda: pid_file.exists(), workers, first)
    assert status_of(report) == Report.Status.RUNNING
    report.refresh_from_db()
    first_start = report.started_at

    workers.kill(first)
    time.sleep(1)
    report.refresh_from_db()
    assert (report.status, report.finished_at) == (Report.Status.RUNNING, None)  # nobody finished or failed it

    second = workers.start(fast_restore=True)
    wait_for("a fresh worker to build the report", lambda: status_of(report) == Report.Status.DONE, workers, second)

    row = assert_one_finished_report(world, report)
    assert row.generation == 1  # the same task delivered again, not a new request
    assert row.started_at > first_start  # and run again from the start
    wait_for(
        "the fresh worker to log the task's success", lambda: SUCCEEDED.search(workers.log(2)), workers, timeout=10
    )


def test_a_pool_process_killed_in_the_middle_of_a_report_is_requeued_by_its_worker(world, workers):
    workers.slow_marker.touch()
    worker = workers.start()
    report = request_report(world)
    pid_file = Path(f"{workers.slow_marker}.pid")

    pool_process = int(
        wait_for(
            "the pool process to start the report", lambda: pid_file.exists() and pid_file.read_text(), workers, worker
        )
    )
    assert pool_process != worker.pid
    os.kill(pool_process, signal.SIGKILL)

    # Acknowledged as failed instead (no reject_on_worker_lost), the task would never come back and the
    # report would stay running: only the requeue lets the worker's next pool process build it.
    wait_for("the worker to build the report again", lambda: status_of(report) == Report.Status.DONE, workers, worker)
    row = assert_one_finished_report(world, report)
    assert row.generation == 1
    assert "WorkerLostError" in workers.log(1)
