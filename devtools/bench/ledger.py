"""One park's ledger rows: enterprises, coverage history, members and instructor assignments.

Deterministic: every choice comes from the park's own `random.Random`, and every date lies before
HORIZON, so the same seed writes the same rows whenever the bench runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from stdnum.cn import ric, uscc

from devtools.bench.tree import ParkTree
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from organizations.models import District, Grid, Park, PartyMember

HORIZON = date(2025, 6, 30)
FIRST_ENTRY = date(2005, 1, 1)
# Region code of the county the bench invents (南安市): the demo parks use other codes, so the bench's
# credit codes and ID numbers never collide with theirs on the unique constraints.
REGION_CODE = "350583"
INDUSTRIES = ("陶瓷", "电子商务", "机械制造", "纺织服装", "食品加工", "新材料", "物流", "软件信息", "生物医药", "建材")
POSTS = tuple(PartyMember.Post)
POST_WEIGHTS = (1, 2, 4, 5, 12)

# Shares that shape the county: ~90% of operating enterprises covered today (DESIGN: 85–95%).
COVERED_SHARE = 0.90
LAPSED_SHARE = 0.04  # covered once, not any more
CHANGED_SHARE = 0.25  # covered by one organization, then by another
INSTRUCTED_SHARE = 0.25


@dataclass
class ParkContext:
    """What the steps of one park share: each step adds rows and reads what earlier steps wrote."""

    park: Park
    index: int
    rng: random.Random
    districts: list[District]
    grids: list[Grid]
    tree: ParkTree = field(default_factory=ParkTree)
    enterprises: list[Enterprise] = field(default_factory=list)
    instructors: list[Instructor] = field(default_factory=list)

    def number(self, k: int) -> int:
        """A number unique in the county for the k-th row of a kind in this park (codes, ID numbers)."""
        return self.index * 1_000_000 + k

    @property
    def operating(self) -> list[Enterprise]:
        return [enterprise for enterprise in self.enterprises if enterprise.left_on is None]


def between(rng: random.Random, first: date, last: date) -> date:
    """A day in [first, last)."""
    return first + timedelta(days=rng.randrange(max(1, (last - first).days)))


def credit_code(n: int) -> str:
    body = f"91{REGION_CODE}{n:09d}"
    return body + uscc.calc_check_digit(body)


def id_number(n: int) -> str:
    """Unique per n: the birth day advances every 900 numbers and the sequence code is n mod 900."""
    born = date(1941, 1, 1) + timedelta(days=n // 900)
    body = f"{REGION_CODE}{born:%Y%m%d}{n % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def enterprise(ctx: ParkContext, k: int) -> Enterprise:
    rng = ctx.rng
    entered_on = between(rng, FIRST_ENTRY, HORIZON - timedelta(days=60))
    fate = rng.random()
    status = (
        Enterprise.Status.OPERATING
        if fate < 0.94
        else rng.choice([Enterprise.Status.MOVED_OUT, Enterprise.Status.CLOSED])
    )
    grid = rng.choice(ctx.grids) if rng.random() < 0.9 else None
    employees = min(20_000, int(rng.lognormvariate(3.5, 1.2)) + 1)
    return Enterprise(
        park=ctx.park,
        name=f"{ctx.park.name}企业{k + 1:06d}有限公司",
        credit_code=credit_code(ctx.number(k)),
        industry=rng.choice(INDUSTRIES),
        above_scale=employees > 100 and rng.random() < 0.6,
        above_quota=rng.random() < 0.1,
        employees=employees,
        output_value=Decimal(employees * rng.randint(20, 120)),
        status=status,
        entered_on=entered_on,
        left_on=None if status == Enterprise.Status.OPERATING else between(rng, entered_on + timedelta(1), HORIZON),
        charter_includes_party_building=rng.random() < 0.4,
        district=grid.district if grid else None,
        grid=grid,
        address=f"{ctx.park.name}{rng.randint(1, 300)}号",
    )


def coverages(ctx: ParkContext, enterprise: Enterprise) -> list[Coverage]:
    """Its coverage history: open today for ~90% of operating firms; ended for some; changed hands for some."""
    rng = ctx.rng
    first = enterprise.entered_on + timedelta(days=rng.randrange(30, 730))
    limit = enterprise.left_on or HORIZON
    if first >= limit:
        return []
    fate = rng.random()
    if enterprise.left_on is None and fate < COVERED_SHARE:
        end = None
    elif enterprise.left_on is None and fate < COVERED_SHARE + LAPSED_SHARE:
        end = between(rng, first + timedelta(1), limit)
    elif enterprise.left_on is not None and fate < 0.8:
        end = enterprise.left_on  # covered until it left the park
    else:
        return []
    starts = [first]
    if rng.random() < CHANGED_SHARE and ((end or limit) - first).days > 60:
        starts.append(between(rng, first + timedelta(30), (end or limit) - timedelta(1)))
    ends = [*starts[1:], end]
    return [
        Coverage(enterprise=enterprise, organization=rng.choice(ctx.tree.covering), started_on=start, ended_on=stop)
        for start, stop in zip(starts, ends, strict=True)
    ]


def assignments(ctx: ParkContext, enterprise: Enterprise) -> list[InstructorAssignment]:
    """A quarter of operating firms have an instructor today, some after an earlier one."""
    rng = ctx.rng
    if enterprise.left_on is not None or rng.random() >= INSTRUCTED_SHARE or not ctx.instructors:
        return []
    start = between(rng, enterprise.entered_on + timedelta(1), HORIZON)
    rows = [InstructorAssignment(instructor=rng.choice(ctx.instructors), enterprise=enterprise, started_on=start)]
    if rng.random() < 0.3 and (start - enterprise.entered_on).days > 2:
        earlier = between(rng, enterprise.entered_on, start - timedelta(1))
        rows.append(
            InstructorAssignment(
                instructor=rng.choice(ctx.instructors), enterprise=enterprise, started_on=earlier, ended_on=start
            )
        )
    return rows


def member(ctx: ParkContext, k: int, operating: list[Enterprise]) -> PartyMember:
    rng = ctx.rng
    n = ctx.number(k)
    fate = rng.random()
    if fate < 0.1:
        status, joined_on = PartyMember.Status.PROBATIONARY, between(rng, HORIZON - timedelta(365), HORIZON)
    else:
        joined_on = between(rng, date(1975, 1, 1), HORIZON - timedelta(400))
        status = PartyMember.Status.FULL if fate < 0.97 else PartyMember.Status.TRANSFERRED_OUT
    organization = rng.choice(ctx.tree.rolls)
    return PartyMember(
        organization=organization,
        park_id=organization.park_id,  # bulk_create does not call save(), which derives it
        enterprise=rng.choice(operating) if operating and rng.random() < 0.85 else None,
        name=f"党员{n:07d}",
        status=status,
        joined_on=joined_on,
        full_member_on=None if status == PartyMember.Status.PROBATIONARY else joined_on + timedelta(365),
        post=rng.choices(POSTS, POST_WEIGHTS)[0],
        is_mobile=rng.random() < 0.03,
        id_number=id_number(n),
        phone=f"139{n % 100_000_000:08d}",
    )
