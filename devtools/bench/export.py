"""The Excel export of the county's enterprises, `GET /api/v1/enterprises/?format=xlsx` in this process.

Bounded memory is the target, so the figure that matters is how the peak grows with the rows: after a
warm-up, the export runs once for one park and once for the whole county, each under tracemalloc (the peak of
Python allocations during the request, in MiB), and once more for the county without it, timed, with
the resident set's high-water mark before and after (ru_maxrss: it includes whatever the process held
before, such as the county's build, so only its rise belongs to the export).
"""

from __future__ import annotations

import resource
import time
import tracemalloc
from dataclasses import dataclass

from django.test import Client
from django.test.utils import override_settings

from devtools.bench.county import bench_parks
from enterprises.models import Enterprise

PATH = "/api/v1/enterprises/"


@dataclass
class ExportRun:
    rows: int
    seconds: float
    file_mib: float
    park_rows: int
    park_peak_python_mib: float
    peak_python_mib: float
    max_rss_before_mib: float
    max_rss_mib: float


def enterprise_export(*, token: str, park: int) -> ExportRun:
    """Export one park's enterprises, then every bench park's, as the bench token's user (a viewer)."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    parks = bench_parks()
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        _download(client, {"park": park})  # once first: what a process loads once is not the export's
        _park_size, park_peak = _traced(client, {"park": park})
        _size, peak = _traced(client, {})
        before = _max_rss_mib()
        started = time.perf_counter()
        size = _download(client, {})
        seconds = time.perf_counter() - started
    return ExportRun(
        rows=Enterprise.objects.filter(park__in=parks).count(),
        seconds=seconds,
        file_mib=size / 2**20,
        park_rows=Enterprise.objects.filter(park=park).count(),
        park_peak_python_mib=park_peak / 2**20,
        peak_python_mib=peak / 2**20,
        max_rss_before_mib=before,
        max_rss_mib=_max_rss_mib(),
    )


def _traced(client: Client, params: dict) -> tuple[int, int]:
    tracemalloc.start()
    try:
        size = _download(client, params)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, peak


def _download(client: Client, params: dict) -> int:
    """The file's size in bytes, read as a client would, chunk by chunk."""
    response = client.get(PATH, {**params, "format": "xlsx"})
    if response.status_code != 200:
        raise RuntimeError(f"{PATH}?format=xlsx answered {response.status_code}: {response.content[:300]!r}")
    return sum(len(chunk) for chunk in response.streaming_content)


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
