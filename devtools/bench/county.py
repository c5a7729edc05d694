"""Write the synthetic county, count it, and delete it again.

Plain bulk_create, in this package only: bench data needs no history (django-simple-history writes
its rows on save(), not on bulk_create), and the ledger's services would run full_clean() and write a
history row for each of the 300,000.
Everything is written in one transaction, so a failed run leaves no half county behind.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from rest_framework.authtoken.models import Token

from devtools.bench import ledger
from devtools.bench.ledger import ParkContext
from devtools.bench.spec import BENCH_USERNAME, PARK_CODE_PREFIX, CountySpec
from devtools.bench.tree import build_tree, next_root_position
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from organizations.models import District, Grid, Organization, Park, PartyMember
from parkparty import dbstats
from parkparty.ledger_cache import bump_ledger_version
from parkparty.models import Grant, Role
from reports.models import CoverageSnapshot, Report

BATCH_SIZE = 5_000
DISTRICTS_PER_PARK = 5
GRIDS_PER_DISTRICT = 4
DISTRICT_NAMES = ("东片区", "西片区", "南片区", "北片区", "中心片区")


@dataclass(frozen=True)
class Built:
    rows: dict[str, int]
    seconds: float


def bench_parks() -> QuerySet[Park]:
    return Park.objects.filter(code__startswith=PARK_CODE_PREFIX)


# --- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One table of the county: `rows` makes a park's unsaved rows, `order` sorts the whole county's
    before they are written, so ids follow time and parks interleave as on a live ledger. (Written park
    by park, a park's rows would have contiguous ids, and PostgreSQL's merge joins would stop early on
    them: plans and timings no real county would get.)"""

    label: str
    model: type
    rows: Callable[[ParkContext, CountySpec], list]
    order: Callable[[Any], Any]


def build_county(spec: CountySpec) -> Built:
    """Write the county described by `spec`, then `analyze()`; returns the rows written and the seconds taken."""
    started = time.perf_counter()
    rows = {"parks": spec.parks}
    with transaction.atomic():
        root_position = next_root_position()
        parks = [_park(spec, index, root_position + index) for index in range(spec.parks)]
        for step in STEPS:
            objects = sorted((row for ctx in parks for row in step.rows(ctx, spec)), key=step.order)
            # bulk_create sets the primary keys (RETURNING on PostgreSQL and SQLite): later steps need them.
            step.model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
            rows[step.label] = len(objects)
        bump_ledger_version()  # bulk_create sends no signals: cached figures must see the new county
    analyze()
    return Built(rows=rows, seconds=time.perf_counter() - started)


def analyze() -> None:
    """Planner statistics as autovacuum would leave them on a live database (see parkparty.dbstats)."""
    dbstats.analyze([Park, District, Grid, *(step.model for step in STEPS)])


def _park(spec: CountySpec, index: int, root_position: int) -> ParkContext:
    """The park with its districts and grids; its tree is laid out here and written with the others."""
    # A seed per park: a park's rows do not depend on how many rows the parks before it drew.
    rng = random.Random(f"{spec.seed}-{index}")
    park = Park.objects.create(
        code=f"{PARK_CODE_PREFIX}{index + 1:02d}", name=f"基准{index + 1:02d}号园区", region="基准县"
    )
    districts = District.objects.bulk_create(
        [District(park=park, name=name) for name in DISTRICT_NAMES[:DISTRICTS_PER_PARK]]
    )
    grids = Grid.objects.bulk_create(
        [
            Grid(park=park, district=district, name=f"{district.name}{k + 1}号网格", cadre=f"网格员{k + 1}")
            for district in districts
            for k in range(GRIDS_PER_DISTRICT)
        ]
    )
    ctx = ParkContext(park=park, index=index, rng=rng, districts=districts, grids=grids)
    size = spec.share(spec.organizations, index)
    ctx.tree = build_tree(park, districts, root_position=root_position, size=size, rng=rng)
    return ctx


def tree_rows(ctx: ParkContext, spec: CountySpec) -> list[Organization]:
    return ctx.tree.nodes


def enterprise_rows(ctx: ParkContext, spec: CountySpec) -> list[Enterprise]:
    ctx.enterprises = [ledger.enterprise(ctx, k) for k in range(spec.share(spec.enterprises, ctx.index))]
    return ctx.enterprises


def coverage_rows(ctx: ParkContext, spec: CountySpec) -> list[Coverage]:
    return [coverage for enterprise in ctx.enterprises for coverage in ledger.coverages(ctx, enterprise)]


def member_rows(ctx: ParkContext, spec: CountySpec) -> list[PartyMember]:
    operating = ctx.operating
    return [ledger.member(ctx, k, operating) for k in range(spec.share(spec.members, ctx.index))]


def instructor_rows(ctx: ParkContext, spec: CountySpec) -> list[Instructor]:
    count = spec.share(spec.instructors, ctx.index)
    ctx.instructors = [
        Instructor(park=ctx.park, name=f"指导员{ctx.number(k):07d}", title="党建指导员") for k in range(count)
    ]
    return ctx.instructors


def assignment_rows(ctx: ParkContext, spec: CountySpec) -> list[InstructorAssignment]:
    return [row for enterprise in ctx.enterprises for row in ledger.assignments(ctx, enterprise)]


def _by_date(field: str) -> Callable[[Any], Any]:
    # Python's sort is stable: rows of one day keep the order the parks made them in (deterministic).
    return lambda row: getattr(row, field)


# The county's tables in the order they are written; a step reads what earlier steps left on the
# ParkContext (coverages need the enterprises' ids). Later issues append theirs (meetings: 500,000 in
# the full county).
STEPS = [
    Step("organizations", Organization, tree_rows, _by_date("established_on")),
    Step("enterprises", Enterprise, enterprise_rows, _by_date("entered_on")),
    Step("coverages", Coverage, coverage_rows, _by_date("started_on")),
    Step("members", PartyMember, member_rows, _by_date("joined_on")),
    Step("instructors", Instructor, instructor_rows, _by_date("park_id")),
    Step("instructor assignments", InstructorAssignment, assignment_rows, _by_date("started_on")),
]


# --- the bench login -----------------------------------------------------------------------------


def bench_token() -> str:
    """A viewer of every bench park with an API token: the client the load test sends requests as."""
    user, _created = get_user_model().objects.get_or_create(username=BENCH_USERNAME)
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    for park in bench_parks():
        Grant.objects.get_or_create(user=user, role=Role.PARK_VIEWER, park=park)
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


# --- counting and deleting -----------------------------------------------------------------------


def county_rows() -> dict[str, int]:
    """What the bench parks hold now, counted in the database (for --reuse as much as after a build)."""
    parks = bench_parks()
    return {
        "parks": parks.count(),
        "organizations": Organization.objects.filter(park__in=parks).count(),
        "enterprises": Enterprise.objects.filter(park__in=parks).count(),
        "coverages": Coverage.objects.filter(enterprise__park__in=parks).count(),
        "open coverages": Coverage.objects.filter(enterprise__park__in=parks, ended_on__isnull=True).count(),
        "members": PartyMember.objects.filter(organization__park__in=parks).count(),
        "instructors": Instructor.objects.filter(park__in=parks).count(),
        "instructor assignments": InstructorAssignment.objects.filter(enterprise__park__in=parks).count(),
    }


def delete_county() -> dict[str, int]:
    """Delete the bench parks and every row in them; other parks are left alone.

    Raw DELETEs, children first (the foreign keys are PROTECT): QuerySet.delete() would load every row
    and django-simple-history would write a history row for each of the 300,000.
    """
    parks = bench_parks()
    organizations = Organization.objects.filter(park__in=parks)
    deleted = {}
    with transaction.atomic():
        organizations.update(secretary=None)
        Grid.objects.filter(park__in=parks).update(leading_organization=None)
        for label, queryset in (
            ("grants", Grant.objects.filter(Q(park__in=parks) | Q(organization__park__in=parks))),
            ("reports", Report.objects.filter(park__in=parks)),
            ("coverage snapshots", CoverageSnapshot.objects.filter(park__in=parks)),
            ("instructor assignments", InstructorAssignment.objects.filter(enterprise__park__in=parks)),
            ("coverages", Coverage.objects.filter(enterprise__park__in=parks)),
            ("members", PartyMember.objects.filter(organization__park__in=parks)),
            ("instructors", Instructor.objects.filter(park__in=parks)),
            ("enterprises", Enterprise.objects.filter(park__in=parks)),
            ("organizations", organizations),
            ("grids", Grid.objects.filter(park__in=parks)),
            ("districts", District.objects.filter(park__in=parks)),
            ("parks", parks),
        ):
            deleted[label] = _delete_rows(queryset)
        bump_ledger_version()
    return deleted


def _delete_rows(queryset: QuerySet) -> int:
    model = queryset.model
    subquery, params = queryset.order_by().values("pk").query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        # The subquery is the ORM's own SQL for the queryset, with its parameters passed separately.
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({subquery})", params)
        return cursor.rowcount
