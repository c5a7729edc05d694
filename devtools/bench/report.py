"""The results table (printed, and written into docs/benchmarks.md with --write-docs) and the machine."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from django.db import connection
from django.utils import timezone

from devtools.bench.export import ExportRun
from devtools.bench.imports import ImportRun
from devtools.bench.imports import render as import_lines
from devtools.bench.load import LoadConfig, Measured
from devtools.bench.queries import QueryCount
from devtools.bench.reports import ReportRun
from devtools.bench.spec import CountySpec
from devtools.bench.targets import REPORT_MIB, REPORT_SECONDS, STATS_RATIO_TARGET, pending

BEGIN = "<!-- bench:results:begin (written by `make bench BENCH_ARGS=--write-docs`; edit outside) -->"
END = "<!-- bench:results:end -->"
STATS_KEYS = ("b", "c", "d")


@dataclass
class Run:
    spec: CountySpec
    scale: float
    rows: dict[str, int]
    # None when --reuse found the county already there.
    generation_seconds: float | None
    config: LoadConfig
    workers: int
    # The 1-minute load average before the load test and after it.
    load_before: str = ""
    load_after: str = ""
    load: list[Measured] = field(default_factory=list)
    query_counts: list[QueryCount] = field(default_factory=list)
    reports: ReportRun | None = None
    imports: ImportRun | None = None
    export: ExportRun | None = None


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def memory_gib() -> float | None:
    try:
        meminfo = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    kib = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:"))
    return kib / 1024 / 1024


def load_average() -> str:
    """The 1-minute load average: other work on the machine during the run shows in every figure."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def machine() -> str:
    memory = memory_gib()
    parts = [
        f"{os.cpu_count()} cores",
        f"{memory:.1f} GiB memory" if memory else "memory unknown",
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
        database_version(),
        f"Django {version('django')}",
        f"gunicorn {version('gunicorn')}",
    ]
    return ", ".join(parts)


def ratios(run: Run) -> list[tuple[Measured, float]]:
    """Each coverage-stats endpoint's requests/s divided by the API root's."""
    by_key = {measured.endpoint.key: measured for measured in run.load}
    root = by_key.get("a")
    if not root or not root.rps:
        return []
    return [(by_key[key], by_key[key].rps / root.rps) for key in STATS_KEYS if key in by_key]


def render(run: Run) -> str:
    lines = [
        f"### Run of {timezone.localdate().isoformat()}",
        "",
        f"- Machine: {machine()}.",
        f"- County: {_rows(run.rows)}; {_generation(run)}.",
        f"- Load: gunicorn with {run.workers} sync workers, production settings, on 127.0.0.1; "
        f"{run.config.warmup} warm-up requests then {run.config.requests} per endpoint from "
        f"{run.config.concurrency} threads, as a park viewer of every bench park with an API token; "
        f"1-minute load average {run.load_before} before, {run.load_after} after "
        f"(the load generator and PostgreSQL share the {os.cpu_count()} cores with gunicorn).",
        "",
        *_load_table(run),
        "",
        *_ratio_table(run),
        "",
        *_query_table(run),
        "",
        *_report_lines(run),
        *_export_lines(run),
        "",
        *([*import_lines(run.imports), ""] if run.imports else []),
        "Not measurable yet:",
        "",
        *[f"- {target.name} ({target.goal}): {target.pending}." for target in pending()],
    ]
    return "\n".join(lines) + "\n"


def _rows(rows: dict[str, int]) -> str:
    return ", ".join(f"{count:,} {label}" for label, count in rows.items())


def _generation(run: Run) -> str:
    if run.generation_seconds is None:
        return "reused from an earlier run (generation not timed)"
    return f"generated in {run.generation_seconds:.1f} s (--scale {run.scale:g}, seed {run.spec.seed})"


def _load_table(run: Run) -> list[str]:
    lines = ["| endpoint | path | ok | failed | requests/s | median ms |", "|---|---|--:|--:|--:|--:|"]
    for measured in run.load:
        failed = sum(measured.tally.failures.values())
        note = " (time limit hit)" if measured.timed_out else ""
        median = f"{measured.median_ms:.1f}" if measured.median_ms is not None else "–"
        lines.append(
            f"| ({measured.endpoint.key}) {measured.endpoint.label} | `{measured.path}` | {measured.ok}{note} "
            f"| {failed} | {measured.rps:.1f} | {median} |"
        )
    return lines


def _ratio_table(run: Run) -> list[str]:
    lines = ["| ratio of requests/s | value | target | met |", "|---|--:|--:|---|"]
    for measured, ratio in ratios(run):
        met = "yes" if ratio >= STATS_RATIO_TARGET else "**no**"
        lines.append(f"| ({measured.endpoint.key}) ÷ (a) API root | {ratio:.2f} | ≥ {STATS_RATIO_TARGET} | {met} |")
    return lines


def _query_table(run: Run) -> list[str]:
    sizes = sorted({size for count in run.query_counts for size in count.counts})
    header = " | ".join(f"queries, page_size={size}" for size in sizes)
    lines = [f"| list | {header} | constant |", "|---|" + "--:|" * len(sizes) + "---|"]
    for count in run.query_counts:
        cells = " | ".join(str(count.counts[size]) for size in sizes)
        lines.append(f"| /api/v1/{count.name}/ | {cells} | {'yes' if count.constant else '**no**'} |")
    return lines


def _report_lines(run: Run) -> list[str]:
    measured = run.reports
    if measured is None:
        return []
    met = "met" if measured.seconds <= REPORT_SECONDS and measured.max_rss_mib <= REPORT_MIB else "**not met**"
    return [
        f"- Monthly report ({measured.period}) of all {measured.parks} parks, built one after another in the "
        f"bench process as a worker builds them: {measured.done} done in {measured.seconds:.1f} s; peak Python "
        f"allocations {measured.peak_python_mib:.0f} MiB, process high-water mark {measured.max_rss_mib:.0f} MiB "
        f"(target ≤ {REPORT_SECONDS} s and ≤ {REPORT_MIB} MB: {met})."
    ]


def _export_lines(run: Run) -> list[str]:
    measured = run.export
    if measured is None:
        return []
    return [
        f"- Excel export (`/api/v1/enterprises/?format=xlsx`, in the bench process) of all {measured.rows:,} "
        f"enterprises: {measured.seconds:.1f} s, {measured.file_mib:.1f} MiB of .xlsx; peak Python allocations "
        f"{measured.peak_python_mib:.0f} MiB, against {measured.park_peak_python_mib:.0f} MiB for one park's "
        f"{measured.park_rows:,} (bounded memory: the peak does not grow with the rows); process high-water mark "
        f"{measured.max_rss_before_mib:.0f} MiB before, {measured.max_rss_mib:.0f} MiB after."
    ]


def write_docs(path: Path, section: str) -> None:
    """Replace the results section of the file, keeping what people wrote around it."""
    text = path.read_text() if path.exists() else ""
    block = f"{BEGIN}\n{section}{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = f"{head}{block}{tail}"
    else:
        text = f"{text.rstrip()}\n\n## Latest results\n\n{block}\n".lstrip()
    path.write_text(text)
