"""`make bench`: build the synthetic county, load a gunicorn of it on loopback, and report the figures.

See docs/benchmarks.md for what is measured and the latest results.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.bench import county, load, queries, report, server
from devtools.bench import export as export_run
from devtools.bench import imports as import_run
from devtools.bench import reports as report_run
from devtools.bench.spec import CountySpec
from organizations.models import Park

DOCS = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
# Endpoints whose queries --explain shows: all but the API root, which makes one query by primary key.
EXPLAINED = ("b", "c", "d", "e", "f", "g")


class Command(BaseCommand):
    help = (
        "Build a synthetic county (20 parks, 100,000 enterprises at --scale 1) in the configured database, "
        "measure the API under a bounded load on 127.0.0.1, and print the figures."
    )

    def add_arguments(self, parser):
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument("--fresh", action="store_true", help="Delete the bench parks first, then build anew.")
        existing.add_argument(
            "--reuse", action="store_true", help="Measure the bench parks already there (build them if absent)."
        )
        parser.add_argument("--scale", type=float, default=1.0, help="County size; 0.01 is a quick small one.")
        parser.add_argument("--seed", type=int, default=CountySpec.seed)
        parser.add_argument("--requests", type=int, default=300, help="Measured requests per endpoint.")
        parser.add_argument("--warmup", type=int, default=20, help="Unmeasured requests per endpoint first.")
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--time-limit", type=float, default=180.0, help="Seconds per endpoint at most.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument(
            "--only-imports",
            action="store_true",
            help="Only time the 10,000-row Excel import (no county needed; nothing is kept).",
        )
        parser.add_argument("--write-docs", action="store_true", help=f"Write the results into {DOCS.name}.")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Print EXPLAIN ANALYZE of each query the measured endpoints make (PostgreSQL).",
        )

    def handle(self, *args, **options):
        if options["only_imports"]:
            self.stdout.write("\n".join(import_run.render(import_run.enterprise_import())))
            return
        spec = CountySpec.scaled(options["scale"], seed=options["seed"])
        seconds = self._prepare(spec, fresh=options["fresh"], reuse=options["reuse"])
        run = report.Run(
            spec=spec,
            scale=options["scale"],
            rows=county.county_rows(),
            generation_seconds=seconds,
            config=load.LoadConfig(
                requests=options["requests"],
                warmup=options["warmup"],
                concurrency=options["concurrency"],
                time_limit=options["time_limit"],
            ),
            workers=options["workers"],
        )
        token = county.bench_token()
        park_ids = list(county.bench_parks().order_by("code").values_list("pk", flat=True))
        run.query_counts = queries.list_query_counts(token=token, park=park_ids[0])
        run.reports = report_run.monthly_reports(park_ids)
        self.stdout.write(f"Monthly reports of {run.reports.parks} parks built in {run.reports.seconds:.1f} s")
        run.imports = import_run.enterprise_import()
        self.stdout.write(f"Excel import of {run.imports.rows:,} rows timed")
        run.export = export_run.enterprise_export(token=token, park=park_ids[0])
        self.stdout.write(f"Excel export of {run.export.rows:,} enterprises in {run.export.seconds:.1f} s")
        run.load = self._load(run, token=token, park=park_ids[0])
        section = report.render(run)
        self.stdout.write("\n" + section)
        if options["explain"]:
            self._explain(token, [measured.path for measured in run.load if measured.endpoint.key in EXPLAINED])
        if options["write_docs"]:
            report.write_docs(DOCS, section)
            self.stdout.write(f"Results written to {DOCS.relative_to(settings.BASE_DIR)}.")

    def _prepare(self, spec: CountySpec, *, fresh: bool, reuse: bool) -> float | None:
        """Build the county, unless --reuse finds it; returns the seconds the build took (None if reused)."""
        if reuse and county.bench_parks().exists():
            self.stdout.write("Reusing the bench parks already in the database.")
            return None
        if fresh:
            deleted = county.delete_county()
            self.stdout.write(f"Deleted the earlier bench data: {deleted}")
        elif not reuse and Park.objects.exists():
            raise CommandError(
                "This database already has parks. Run with --reuse to measure the bench parks already there, "
                "or --fresh to delete the bench parks (codes 'bench-…'; other parks are kept) and build anew."
            )
        self.stdout.write(f"Building the synthetic county: {spec} …")
        built = county.build_county(spec)
        self.stdout.write(f"Built in {built.seconds:.1f} s: {built.rows}")
        return built.seconds

    def _load(self, run: report.Run, *, token: str, park: int) -> list[load.Measured]:
        results = []
        run.load_before = report.load_average()
        with server.gunicorn(workers=run.workers) as port:
            self.stdout.write(f"gunicorn listening on {load.HOST}:{port} with {run.workers} workers")
            for endpoint in load.ENDPOINTS:
                measured = load.measure(endpoint, port=port, token=token, park=park, config=run.config)
                self.stdout.write(f"  ({endpoint.key}) {measured.path}: {measured.rps:.1f} requests/s")
                results.append(measured)
        run.load_after = report.load_average()
        return results

    def _explain(self, token: str, paths: list[str]) -> None:
        plans = queries.explain_requests(token=token, paths=paths)
        if not plans:
            self.stdout.write("EXPLAIN ANALYZE is shown on PostgreSQL only.")
        for path, sql, plan in plans:
            self.stdout.write(f"\n-- {path}\n-- {sql}\n{plan}\n")
