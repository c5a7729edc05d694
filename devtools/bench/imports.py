"""A 10,000-row enterprise workbook imported into a park of its own: the preview, the commit and a
second preview of the same file (every row unchanged), each timed, with the growth of the process's
high-water mark (ru_maxrss) during the step. Not tracemalloc: it slowed the import sevenfold, and
the times are the point; the high-water mark's growth bounds what the step held at its peak.

It runs through the same engine and services as the pages (parkparty.imports), in one transaction
rolled back at the end, so the bench county is left as it was.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook
from stdnum.cn import uscc

from devtools.bench.county import DISTRICT_NAMES
from organizations import services as organization_services
from organizations.models import District, Organization, Park
from parkparty.imports import kind_of
from parkparty.imports import services as import_services
from parkparty.models import Grant, Role

ROWS = 10_000
BRANCHES = 50
HEADER = ["企业名称", "统一社会信用代码", "行业", "规上企业", "限上企业", "职工人数", "年产值(万元)", "入园日期",
          "所在片区", "覆盖党组织"]  # fmt: skip


@dataclass
class Timed:
    label: str
    seconds: float
    peak_growth_mib: float
    report: dict


@dataclass
class ImportRun:
    rows: int
    file_kib: float
    steps: list[Timed]
    max_rss_mib: float


def workbook(rows: int = ROWS) -> bytes:
    """The ledger of a park as its committee would type it: write-only, so the file is built in bounded memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(HEADER)
    for n in range(rows):
        body = f"91350527{n:09d}"
        entered = date(2010, 1, 1) + timedelta(days=n % 4000)
        sheet.append([
            f"基准导入企业{n:05d}", body + uscc.calc_check_digit(body), "制造", "是" if n % 7 == 0 else "否", "否",
            10 + n % 300, f"{100 + n % 5000}.50", entered, DISTRICT_NAMES[n % len(DISTRICT_NAMES)],
            f"基准党支部{n % BRANCHES:02d}",
        ])  # fmt: skip
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def enterprise_import(rows: int = ROWS) -> ImportRun:
    content = workbook(rows)
    steps = []
    with transaction.atomic():
        park, admin = _park_and_admin()
        kind = kind_of("enterprises")
        for label, commit in (("preview", False), ("commit", True), ("second preview", False)):
            upload = SimpleUploadedFile("bench.xlsx", content)
            steps.append(_timed(label, lambda u=upload, c=commit: import_services.import_file(
                kind=kind, park=park, file=u, actor=admin, commit=c)))  # fmt: skip
        transaction.set_rollback(True)
    return ImportRun(rows, len(content) / 1024, steps, _max_rss_mib())


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(label: str, call) -> Timed:
    before = _max_rss_mib()
    started = time.perf_counter()
    report = call()
    return Timed(label, time.perf_counter() - started, _max_rss_mib() - before, report)


def _park_and_admin():
    """A park of its own with its districts and branches, and a park admin to import as."""
    park = Park.objects.create(code="bench-import", name="导入基准园区")
    for name in DISTRICT_NAMES:
        District.objects.create(park=park, name=name)
    committee = organization_services.organization_create(
        parent=None, park=park, name="基准园区党委", kind="committee", formation="regional",
        established_on=date(2005, 1, 1),
    )  # fmt: skip
    for n in range(BRANCHES):
        committee.refresh_from_db()
        organization_services.organization_create(
            parent=committee, park=park, name=f"基准党支部{n:02d}", kind=Organization.Kind.BRANCH,
            formation=Organization.Formation.JOINT, established_on=date(2005, 1, 1),
        )  # fmt: skip
    admin = get_user_model().objects.create(username="bench-importer")
    Grant.objects.create(user=admin, role=Role.PARK_ADMIN, park=park)
    return park, admin


def render(run: ImportRun) -> list[str]:
    lines = [
        f"- Import of a {run.rows:,}-row enterprise workbook ({run.file_kib:,.0f} KiB; covering branch and "
        "district on every row) into a park of its own, through the services, in the bench process:",
        "",
        "| step | seconds | created | updated | unchanged | errors | high-water mark growth, MiB |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for step in run.steps:
        r = step.report
        lines.append(
            f"| {step.label} | {step.seconds:.1f} | {r['created']:,} | {r['updated']:,} | {r['unchanged']:,} "
            f"| {r['error_rows']:,} | {step.peak_growth_mib:.0f} |"
        )
    lines += ["", f"  Process high-water mark after the import: {run.max_rss_mib:.0f} MiB (target: ≤ 1 min each)."]
    return lines
