"""gunicorn on 127.0.0.1, started for one bench run and stopped whatever happens.

Settings: parkparty.settings.production, as deployed (DEBUG off, whitenoise, persistent database
connections, the API throttle), with only what a plain-HTTP loopback client needs changed:
ALLOWED_HOSTS=127.0.0.1 and SECURE_SSL_REDIRECT=false (otherwise every request is a 301 to https),
a throwaway SECRET_KEY, and a throttle rate the run cannot reach (the throttle still runs on every
request, as in production, but a run of a few thousand requests must not be cut off by it).
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from devtools.bench.load import HOST


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment() -> dict[str, str]:
    """The environment gunicorn gets: this one (DATABASE_URL, REDIS_URL…) with the overrides above."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parkparty.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_RATE": "1000000/hour",
        "LOG_LEVEL": "WARNING",
    }


@contextmanager
def gunicorn(*, workers: int = 2, log_path: Path | None = None, ready_timeout: float = 60.0) -> Iterator[int]:
    """Run gunicorn with `workers` sync workers on a free loopback port; yields the port."""
    port = free_port()
    log_path = log_path or Path(settings.BASE_DIR) / "var" / "bench-gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "parkparty.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=server_environment(), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_ready(process, port, ready_timeout, log_path)
            yield port
        finally:
            _stop(process)


def _wait_until_ready(process: subprocess.Popen, port: int, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}; see {log_path}")
        if _healthy(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {log_path}")


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM is gunicorn's graceful stop; SIGKILL only if it has not ended 30 s later."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
