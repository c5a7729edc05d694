"""A bounded load generator: a fixed number of GETs per endpoint from a few threads, with a deadline.

Each thread keeps one http.client connection. gunicorn's sync workers close it after each response
(they do not keep connections alive); http.client then reconnects by itself, so each request pays a
loopback TCP handshake, as it would behind a proxy that does not pool connections to gunicorn.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    # `{park}` is replaced by the id of one bench park.
    path: str


# The endpoints `make bench` measures. Later issues add theirs (the monthly report, the Excel export).
ENDPOINTS = (
    Endpoint("a", "API root", "/api/v1/"),
    Endpoint("b", "coverage stats, one park", "/api/v1/stats/coverage/?park={park}"),
    Endpoint("c", "coverage stats, all parks", "/api/v1/stats/coverage/"),
    Endpoint("d", "coverage stats, one park by district", "/api/v1/stats/coverage/?park={park}&group_by=district"),
    Endpoint("e", "enterprises of a park, page of 50", "/api/v1/enterprises/?park={park}&page_size=50"),
    Endpoint("f", "organizations of a park", "/api/v1/organizations/?park={park}"),
    Endpoint("g", "members of a park", "/api/v1/members/?park={park}"),
)


@dataclass(frozen=True)
class LoadConfig:
    requests: int = 300
    warmup: int = 20
    concurrency: int = 4
    # Seconds one endpoint may take, warm-up included; the run stops there with what it has.
    time_limit: float = 180.0
    timeout: float = 30.0


@dataclass
class Tally:
    """One thread's results (merged after the threads end, so no locking while measuring)."""

    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    sample: str = ""

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.failures.update(other.failures)
        self.sample = self.sample or other.sample


@dataclass(frozen=True)
class Measured:
    endpoint: Endpoint
    path: str
    tally: Tally
    seconds: float
    timed_out: bool

    @property
    def ok(self) -> int:
        return len(self.tally.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.tally.latencies) * 1000 if self.tally.latencies else None


def measure(endpoint: Endpoint, *, port: int, token: str, park: int, config: LoadConfig) -> Measured:
    """Warm up (results discarded: both workers load their code and open their database connection),
    then send `config.requests` requests from `config.concurrency` threads."""
    path = endpoint.path.format(park=park)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    deadline = time.monotonic() + config.time_limit
    warm, _seconds, _late = _run(port, path, headers, config.warmup, config, deadline)
    if warm.failures and not warm.latencies:
        raise RuntimeError(f"{path}: every warm-up request failed: {dict(warm.failures)} {warm.sample}")
    tally, seconds, timed_out = _run(port, path, headers, config.requests, config, deadline)
    return Measured(endpoint=endpoint, path=path, tally=tally, seconds=seconds, timed_out=timed_out)


def _run(port: int, path: str, headers: dict, count: int, config: LoadConfig, deadline: float):
    tickets = itertools.count()
    lock = threading.Lock()

    def take() -> bool:
        with lock:
            return next(tickets) < count and time.monotonic() < deadline

    tallies = [Tally() for _ in range(config.concurrency)]
    threads = [
        threading.Thread(target=_worker, args=(port, path, headers, take, tally, config.timeout), daemon=True)
        for tally in tallies
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total, seconds, time.monotonic() >= deadline


def _worker(port: int, path: str, headers: dict, take, tally: Tally, timeout: float) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        while take():
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                tally.failures[type(exc).__name__] += 1
                connection.close()
                continue
            if response.status == 200:
                tally.latencies.append(time.perf_counter() - started)
            else:
                tally.failures[f"HTTP {response.status}"] += 1
                tally.sample = tally.sample or body[:300].decode(errors="replace")
    finally:
        connection.close()
