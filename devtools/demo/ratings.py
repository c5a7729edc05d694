"""Ratings, honours and the subsidy ledger of a demo park: what `load_park` writes after the meetings.

What each report says, as the demo writes it:

- Yutai (四个一): a quarterly inspection on a scoring sheet (一季一巡查, 评分细则) for each year from 2020,
  the stars of its 26 branches adjusted every quarter (动态调整), and the red-star allowance (红星津贴) paid
  by star level, "27,050 yuan since 2020". The branches are rated from 2020 Q1 (or the first quarter they
  existed in) through the last quarter closed before today. Allowances are paid through
  `YUTAI_PAID_THROUGH` (2026 Q2) and add up to exactly 27,050.00 (the report counts what was paid by its
  date, 2020-09-29; issue 4 takes the figure as the park's total paid, which is what the demo shows): the
  star walks are drawn with the park's seed, then single quarterly ratings are moved one star up or down
  (drawn with the same seed, preferring a move towards a neighbouring quarter's stars) until the paid sum
  is the published one; item scores are then drawn for each rating's stars and checked with `total_of` and
  `level_for`, the functions `rating_save` uses. One branch's rating of the last closed quarter goes
  through `rating_save` and `rating_confirm`; for the quarters after `YUTAI_PAID_THROUGH`
  `allowances_propose` proposes the allowances, not yet paid, as in a park that pays a quarter after the
  inspection. Three branches carry the report's three party-building brands (the firms in the demo are
  invented, so the brands sit on the biggest branches of a fitting trade, the report's names in the notes).
- Quanzhou (五力聚能): "非公党支部评星定级良好及以上等次占比82.6%" and 10 branded organizations. Rated are the
  park's non-public party organizations that hold branch life themselves: every branch (党支部) and every
  general branch without branches under it, 132 of the 136 enterprise organizations (a committee or
  general branch with branches below it is rated through them, and the regional "two-new" committee is
  not an enterprise's). 109 of the 132 are demonstration or up-to-standard: 109 / 132 = 0.8258, the
  published 82.6%. (Every branch alone, 129, or all 136 admit no count that rounds to 82.6%.) They are
  rated for the report's quarter (2023 Q2) and the last closed quarter; the brand holders' rated
  organizations are demonstration-class.
- Kaihua (三五模式): the five-star competition (五星争创) of 2014, each star awarded by its department; the
  元通硅业-like firm (the biggest silicon firm with a general branch) wins all five and is then named a
  national Workers' Pioneer (全国工人先锋号). Secretaries of the organizations of firms with three or more
  stars, and a few more, receive the secretary allowance of the year (党组织书记职务津贴补助).
- Dehua (双联工作机制): dues returned to the branches in full (党费全额返还) from 2019, monthly dues of 2019
  with their returns paid; the 300,000-odd yuan special fund donated by the owners (企业业主捐资) paid out
  in 2019: each month's grant to the rotating chair's branch for the dual-joint meeting, and quarterly
  grants to the park committee for forums, festivals, contests and training.

Writing: rules, scoring sheets, star levels, honours and a sample of ratings go through the services;
the bulk (hundreds of ratings with their items, paid allowances, dues and returns) is built with the
services' own functions (`total_of`, `level_for`, `return_owed`) and written with one history-aware bulk
insert per table. Paid records are inserted as paid: the ledger's trigger refuses any change to them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from devtools.demo.builder import BATCH_SIZE, CHANGE_REASON, Kind, ParkBuilder
from meetings.models import ChairTerm
from organizations.models import (
    GOOD_OR_ABOVE,
    Classification,
    Criterion,
    DuesCollection,
    Honor,
    Organization,
    PartyMember,
    Rating,
    RatingItem,
    ScoringSheet,
    StarLevel,
    Subsidy,
    SubsidyKind,
    SubsidyRule,
)
from organizations.ratings.services import (
    ItemLine,
    criterion_save,
    honor_save,
    level_for,
    rating_confirm,
    rating_save,
    sheet_save,
    star_levels_install_defaults,
    total_of,
)
from organizations.subsidies.selectors import return_owed
from organizations.subsidies.services import allowances_propose, rule_save
from parkparty.dates import local_datetime, quarter_bounds, quarter_code

Post = PartyMember.Post
HALF = Decimal("0.5")
CENT = Decimal("0.01")


@dataclass
class Written:
    ratings: int = 0
    honors: int = 0
    subsidies: int = 0


def plan(spec, builder: ParkBuilder, *, reference_date: date, today: date | None = None) -> Written:
    """Write the park's scoring sheets, ratings, honours, subsidy rules and records; returns the counts."""
    planner = RatingPlanner(spec, builder, reference_date=reference_date, today=today)
    PLANS[spec.CODE](planner)
    return planner.written


class RatingPlanner:
    def __init__(self, spec, builder: ParkBuilder, *, reference_date: date, today: date | None = None) -> None:
        self.spec = spec
        self.builder = builder
        self.park = builder.park
        self.reference_date = reference_date
        self.today = today or timezone.localdate()
        self.written = Written()
        self._sheets = 0
        star_levels_install_defaults(park=self.park)
        self.levels = list(StarLevel.objects.filter(park=self.park))

    def rng(self, *parts) -> random.Random:
        """A generator of its own for each part of the plan, so adding one part does not move the others."""
        return random.Random(":".join(str(part) for part in (self.spec.SEED, "ratings", *parts)))

    def organization_named(self, name: str) -> Organization:
        return next(organization for organization in self.builder.organizations if organization.name == name)

    # --- scoring sheets and item scores --------------------------------------------------------------

    def sheet(self, year: int, title: str, lines) -> tuple[ScoringSheet, list[Criterion]]:
        """A scoring sheet through `sheet_save`; `lines`: (title, points, source, description), a veto item
        with 0 points last. The park's first sheet gets its criteria through `criterion_save`, later years'
        copies of them in one bulk insert (the service's checks cost a dozen queries a criterion)."""
        sheet = sheet_save(sheet=ScoringSheet(park=self.park, year=year, title=title))
        criteria = [
            Criterion(
                sheet=sheet,
                position=position,
                title=name,
                max_points=Decimal(points),
                is_veto=not points,
                source=source,
                description=description,
            )
            for position, (name, points, source, description) in enumerate(lines, start=1)
        ]
        if not self._sheets:
            criteria = [criterion_save(criterion=criterion) for criterion in criteria]
        else:
            for criterion in criteria:
                criterion.clean_fields(exclude=["sheet"])
            _bulk(criteria, Criterion)
        self._sheets += 1
        return sheet, criteria

    def lines_for(self, rng: random.Random, criteria, stars: int, *, veto_reason: str = "") -> list[ItemLine]:
        """Item scores (in half points) whose total earns `stars` on the park's levels, or a triggered veto
        item (the rating falls to the lowest level whatever the points)."""
        ordered = sorted(self.levels, key=lambda level: level.stars)
        low = next(level.min_score for level in ordered if level.stars == stars)
        high = next((level.min_score for level in ordered if level.stars > stars), Decimal(100))
        if veto_reason:
            low, high = Decimal(60), Decimal(85)
        for _attempt in range(100):
            target = rng.uniform(float(max(low, Decimal(35))), float(high))
            lines = []
            for criterion in criteria:
                if criterion.is_veto:
                    lines.append(ItemLine(criterion, Decimal(0), veto_reason, triggered=bool(veto_reason)))
                    continue
                share = min(1.0, max(0.0, target / 100 + rng.uniform(-0.07, 0.07)))
                score = (criterion.max_points * Decimal(share) / HALF).quantize(Decimal(1), ROUND_HALF_UP) * HALF
                lines.append(ItemLine(criterion, score))
            total, vetoed = total_of(lines)
            if level_for(self.levels, total, vetoed=vetoed)[0] == stars:
                return lines
        raise RuntimeError(f"no item scores found for {stars} stars")  # pragma: no cover

    def rating(self, organization, sheet, year, quarter, assessed_on, lines, notes="") -> tuple[Rating, list]:
        """An unsaved confirmed rating and its items: total, stars and class as `rating_save` computes them."""
        total, vetoed = total_of(lines)
        stars, classification = level_for(self.levels, total, vetoed=vetoed)
        rating = Rating(
            park=self.park,
            organization=organization,
            sheet=sheet,
            year=year,
            quarter=quarter,
            assessed_on=assessed_on,
            total=total,
            stars=stars,
            classification=classification,
            vetoed=vetoed,
            status=Rating.Status.CONFIRMED,
            confirmed_at=local_datetime(assessed_on + timedelta(days=5), 17),
            notes=notes,
        )
        items = [
            RatingItem(
                rating=rating, criterion=line.criterion, score=line.score, reason=line.reason, triggered=line.triggered
            )
            for line in lines
        ]
        return rating, items

    def save_ratings(self, pairs) -> None:
        ratings = [rating for rating, _items in pairs]
        for rating in ratings:
            rating.clean_fields(exclude=["park", "organization", "sheet", "assessor"])
        _bulk(ratings, Rating)
        _bulk([item for _rating, items in pairs for item in items], RatingItem)
        self.written.ratings += len(ratings)

    def honor(self, **fields) -> Honor:
        honor = honor_save(honor=Honor(park=self.park, **fields))
        self.written.honors += 1
        return honor

    def save_subsidies(self, subsidies: list[Subsidy]) -> None:
        for subsidy in subsidies:
            subsidy.clean_fields(exclude=["park", "organization", "member", "rule", "rating", "dues", "reverses"])
        _bulk(subsidies, Subsidy)
        self.written.subsidies += len(subsidies)


def _bulk(objects: list, model) -> None:
    if objects:
        bulk_create_with_history(objects, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)


def quarters_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    quarters = []
    year, quarter = first
    while (year, quarter) <= last:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def last_closed_quarter(today: date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)


def paid_record(**fields) -> Subsidy:
    """A ledger entry inserted as paid (approved a few days before payment), never updated afterwards."""
    paid_on = fields["paid_on"]
    return Subsidy(status=Subsidy.Status.PAID, approved_at=local_datetime(paid_on - timedelta(days=4), 10), **fields)


# --- Yutai: the quarterly inspection and the red-star allowance -------------------------------------------

YUTAI_FIRST_QUARTER = (2020, 1)
YUTAI_PAID_THROUGH = (2026, 2)
# “2020年以来已发放‘红星津贴’27050元” in the report of 2020-09-29: the allowances paid from 2020-01-01 to
# that day, i.e. those of 2020 Q1 and Q2 (each paid within 25 days of the quarter's end; Q3's in October).
YUTAI_ALLOWANCE_PAID = Decimal("27050.00")
YUTAI_REPORTED_THROUGH = (2020, 2)
# Per quarter, by stars: a 1-star branch's party worker gets nothing. 26 branches over two quarters
# share 27,050 yuan, about 520 a branch and quarter. The steps between rates are 200 and 250 yuan, so
# any multiple of 50 can be reached (see _adjust_to_total).
YUTAI_RATES = {5: Decimal(1000), 4: Decimal(800), 3: Decimal(550), 2: Decimal(350), 1: Decimal(0)}
YUTAI_SHEET = (
    ("三会一课", 25, Criterion.Source.MEETINGS, "支部党员大会、支委会、党小组会按期召开，按时上好党课，记录规范"),
    ("主题党日和党建活动", 15, Criterion.Source.ACTIVITIES, "每月开展“党建+主题党日”，参加园区观摩、“红领英才”讲坛等活动"),
    ("红色代办", 10, Criterion.Source.MATTERS, "企业诉求收集上报及时，问题解决率"),
    ("阵地建设", 15, Criterion.Source.NONE, "党员活动室、党建宣传栏、制度上墙，台账资料齐全"),
    ("党员教育管理", 15, Criterion.Source.NONE, "一刻钟党课、党费收缴、发展党员程序规范"),
    ("发挥作用", 20, Criterion.Source.NONE, "党员示范岗、红帆志愿服务，党建引领企业发展成效"),
    ("一票否决", 0, Criterion.Source.NONE, "发生重大安全生产事故、群体性事件或党员严重违纪违法的，本季度直接评为最低星级"),
)  # fmt: skip
YUTAI_VETOES = ("企业发生安全生产责任事故，一票否决", "党员严重违纪受到处分，一票否决")
# The report's three brands (the firms are invented in the demo): title, the report's organization, and
# the words a branch of the right trade has in its firm's name.
YUTAI_BRANDS = (
    ("“3融入+3引领”", "安泰公司党支部", "化工"),
    ("“青春献党、金融助隆”", "青隆村镇银行党支部", "生物"),
    ("“党建聚能、星火燎原”", "鲁星电气党支部", "电气"),
)
# A branch's first stars, and the chance each quarter to go up or down one.
YUTAI_FIRST_STARS = {1: 10, 2: 30, 3: 40, 4: 15, 5: 5}
YUTAI_UP, YUTAI_DOWN = 0.16, 0.14


def yutai(p: RatingPlanner) -> None:
    branches = [organization for organization in p.builder.organizations if organization.kind == Kind.BRANCH]
    last = last_closed_quarter(p.today)
    quarters = quarters_between(YUTAI_FIRST_QUARTER, last)
    paid_through = min(YUTAI_PAID_THROUGH, last)
    sheets = {
        year: p.sheet(year, f"鱼台经济开发区{year}年党支部季度巡查评分细则", YUTAI_SHEET)
        for year in sorted({year for year, _quarter in quarters})
    }
    inspections = {(year, quarter): _inspection_day(p, year, quarter) for year, quarter in quarters}
    branded = _yutai_brands(p, branches)
    walks = {}  # branch → {quarter: stars}
    for branch in branches:
        rated = [q for q in quarters if branch.established_on <= inspections[q] - timedelta(days=14)]
        walks[branch] = _walk(p.rng("walk", branch.name), rated, start=4 if branch in branded else None)
    rule = rule_save(
        rule=SubsidyRule(
            park=p.park,
            kind=SubsidyKind.RED_STAR_ALLOWANCE,
            valid_from=date(2020, 1, 1),
            notes="“红星津贴”提升保障行动：非公企业党务工作者津贴与党组织星级挂钩，按季度差异化发放",
        ),
        rates=YUTAI_RATES,
    )
    paid_quarters = [q for q in quarters if q <= paid_through]
    if paid_through >= YUTAI_REPORTED_THROUGH:
        reported = [q for q in quarters if q <= YUTAI_REPORTED_THROUGH]
        _adjust_to_total(p.rng("adjust"), walks, reported, YUTAI_ALLOWANCE_PAID)
    vetoes = _vetoes(p.rng("vetoes"), walks, paid_quarters)
    # One branch's rating of the last closed quarter goes through the services, as a user enters it.
    sample = (branches[0], last) if last in walks[branches[0]] else None
    pairs = []
    for branch, walk in walks.items():
        previous = None
        for (year, quarter), stars in walk.items():
            rng = p.rng("items", branch.name, year, quarter)
            veto = vetoes.get((branch, year, quarter), "")
            lines = p.lines_for(rng, sheets[year][1], stars, veto_reason=veto)
            notes = f"星级动态调整：{previous}星→{stars}星" if previous and previous != stars else ""
            assessed_on = min(inspections[year, quarter] + timedelta(days=rng.randint(0, 4)), p.today)
            previous = stars
            if (branch, (year, quarter)) == sample:
                _yutai_sample(p, branch, sheets[year][0], year, quarter, assessed_on, lines, notes)
            else:
                pairs.append(p.rating(branch, sheets[year][0], year, quarter, assessed_on, lines, notes))
    p.save_ratings(pairs)
    paid = [rating for rating, _items in pairs if (rating.year, rating.quarter) <= paid_through]
    p.save_subsidies(_yutai_allowances(p, rule, paid))
    # The quarters after the last paid one: the quarterly run proposes their allowances, not yet paid.
    for year, quarter in quarters:
        if (year, quarter) > paid_through:
            p.written.subsidies += allowances_propose(park=p.park, year=year, quarter=quarter).created


def _inspection_day(p: RatingPlanner, year: int, quarter: int) -> date:
    """The park-wide inspection starts in the quarter's last month; each branch is visited within days."""
    return date(year, 3 * quarter, p.rng("inspection", year, quarter).randint(10, 20))


def _walk(rng: random.Random, quarters, *, start: int | None = None) -> dict:
    """Stars quarter by quarter: a first level, then up or down one now and then (动态调整)."""
    stars = start or rng.choices(list(YUTAI_FIRST_STARS), weights=list(YUTAI_FIRST_STARS.values()))[0]
    walk = {}
    for quarter in quarters:
        walk[quarter] = stars
        draw = rng.random()
        if draw < YUTAI_UP:
            stars = min(stars + 1, 5)
        elif draw < YUTAI_UP + YUTAI_DOWN:
            stars = max(stars - 1, 1)
    return walk


def _paid_sum(walks, paid_quarters) -> Decimal:
    paid = set(paid_quarters)
    return sum((YUTAI_RATES[s] for walk in walks.values() for q, s in walk.items() if q in paid), Decimal(0))


def _adjust_to_total(rng: random.Random, walks, paid_quarters, target: Decimal) -> None:
    """Move single paid quarters one star up (or down) until the allowances paid add up to `target`.

    A move towards a neighbouring quarter's stars is preferred (four times in five), so an adjustment smooths the walk rather
    than adding a spike. The steps between rates are 200, 250 and 350 yuan, so any multiple of 50 is
    reached; the draws are seeded, so the same moves are made on every load.
    """
    paid = set(paid_quarters)
    # (walk, its paid quarters in order, index): a quarter's neighbours are found without a search.
    keys = []
    for walk in walks.values():
        order = [q for q in walk if q in paid]
        keys += [(walk, order, i) for i in range(len(order))]
    total = _paid_sum(walks, paid_quarters)
    for _move in range(10_000):
        if total == target:
            return
        step = 1 if total < target else -1
        movable = [key for key in keys if 1 <= key[0][key[1][key[2]]] + step <= 5]
        smoothing = [key for key in movable if _neighbour_agrees(*key, step)]
        # Now and then any quarter: with steps of 200 and 250 only smoothing moves can cycle round the target.
        walk, order, i = rng.choice(smoothing if smoothing and rng.random() < 0.8 else movable)
        before = walk[order[i]]
        walk[order[i]] = before + step
        total += YUTAI_RATES[before + step] - YUTAI_RATES[before]
    raise RuntimeError(f"the red-star allowances do not add up to {target}")  # pragma: no cover


def _neighbour_agrees(walk: dict, order: list, i: int, step: int) -> bool:
    """A quarter before or after has stars on the side the move goes to."""
    stars = walk[order[i]]
    neighbours = [walk[order[j]] for j in (i - 1, i + 1) if 0 <= j < len(order)]
    return any((other - stars) * step > 0 for other in neighbours)


def _vetoes(rng: random.Random, walks, paid_quarters) -> dict:
    """Two serious incidents in six years, each in a quarter the branch was rated 1 star anyway."""
    paid = set(paid_quarters)
    ones = [(branch, *q) for branch, walk in walks.items() for q, stars in walk.items() if q in paid and stars == 1]
    picks = rng.sample(ones, min(len(YUTAI_VETOES), len(ones)))
    return dict(zip(picks, YUTAI_VETOES, strict=False))


def _yutai_brands(p: RatingPlanner, branches) -> list[Organization]:
    """The report's brands on the biggest standalone branches of the right trade, awarded at the
    half-year meeting around 1 July 2020 (表彰先进)."""
    standalone = [branch for branch in branches if branch.formation == Organization.Formation.STANDALONE]
    members = defaultdict(int)
    for member in p.builder.members:
        members[member.organization_id] += 1
    chosen = []
    for title, reported, trade in YUTAI_BRANDS:
        candidates = [branch for branch in standalone if branch not in chosen]
        fitting = [branch for branch in candidates if trade in branch.name or trade in (branch.district.name or "")]
        branch = max(fitting or candidates, key=lambda branch: (members[branch.pk], branch.name))
        chosen.append(branch)
        p.honor(
            year=2020,
            kind=Honor.Kind.BRAND,
            title=f"{title}党建品牌",
            organization=branch,
            awarded_by="鱼台经济开发区党工委",
            awarded_on=date(2020, 7, 1),
            notes=f"报告中为{reported}的特色党建品牌（演示数据中的企业名称为虚构）。",
        )
    return chosen


def _yutai_allowances(p: RatingPlanner, rule: SubsidyRule, ratings: list[Rating]) -> list[Subsidy]:
    """The paid allowance of each rating whose stars earn one, paid to the branch's party worker (its
    secretary) in the month after the quarter, as `allowances_propose` would have proposed it."""
    records = []
    numbers = defaultdict(int)
    for rating in sorted(ratings, key=lambda rating: (rating.year, rating.quarter, rating.organization.path)):
        amount = YUTAI_RATES.get(rating.stars, Decimal(0))
        if amount <= 0:
            continue
        start, end = quarter_bounds(rating.year, rating.quarter)
        numbers[rating.year, rating.quarter] += 1
        paid_on = end + timedelta(days=p.rng("paid", rating.year, rating.quarter).randint(12, 25))
        records.append(
            paid_record(
                park=p.park,
                organization=rating.organization,
                member_id=rating.organization.secretary_id,
                kind=SubsidyKind.RED_STAR_ALLOWANCE,
                period=quarter_code(rating.year, rating.quarter),
                period_start=start,
                amount=amount,
                rule=rule,
                rating=rating,
                voucher_no=f"YTHX{rating.year}Q{rating.quarter}-{numbers[rating.year, rating.quarter]:03d}",
                paid_on=paid_on,
            )
        )
    return records


def _yutai_sample(p: RatingPlanner, branch, sheet, year, quarter, assessed_on, lines, notes) -> None:
    """The same scores through `rating_save` and `rating_confirm`. The inspectors' scores differ from the
    portal's suggestions (they checked the records on site), which the service wants a reason for."""
    reasoned = [
        ItemLine(line.criterion, line.score, line.reason or ("巡查组现场核查台账后评分" if line.criterion.source else ""),
                 line.triggered)
        for line in lines
    ]  # fmt: skip
    rating = Rating(organization=branch, sheet=sheet, year=year, quarter=quarter, assessed_on=assessed_on, notes=notes)
    rating_confirm(rating=rating_save(rating=rating, items=reasoned))
    p.written.ratings += 1


# --- Quanzhou: classification of the non-public branches, and the ten brands -----------------------------

QUANZHOU_QUARTERS = ((2023, 2), None)  # the report's quarter, and the last closed one
QUANZHOU_GOOD = 109  # of 132: 0.8258, the published 82.6%
# The rest of the 132 by class, and how the good ones split.
QUANZHOU_DEMONSTRATION, QUANZHOU_INCUBATING = 30, 6
QUANZHOU_SHEET = (
    ("组织建设", 20, Criterion.Source.MEETINGS, "三会一课、主题党日、组织生活会按期规范开展"),
    ("党建入章与公司治理", 15, Criterion.Source.NONE, "党建工作写入公司章程，党组织参与重大事项决策"),
    ("先锋作用", 20, Criterion.Source.NONE, "党员先锋队、示范岗、责任区设岗定责，亮身份、亮承诺、比作为"),
    ("党群直通车", 15, Criterion.Source.MATTERS, "党员联系职工，职工困难和生产难题协调解决"),
    ("教育培训", 15, Criterion.Source.ACTIVITIES, "落实“十百千”培训计划，党员参训率"),
    ("阵地和品牌建设", 15, Criterion.Source.NONE, "党员活动阵地、党建品牌培育"),
    ("一票否决", 0, Criterion.Source.NONE, "发生重大安全生产事故、严重违法违规经营或党员严重违纪的，直接评为孵化类"),
)  # fmt: skip
# The report's seven brands and three more (invented), on the organizations the report names.
QUANZHOU_BRANDS = (
    ("九牧王党委", "“五心引领”"),
    ("特步党委", "“步步向前”"),
    ("天地星党支部", "“党员联系职工”"),
    ("万龙党支部", "“党建+人才”"),
    ("艺达党支部", "“四号齐响”"),
    ("友臣党支部", "“五优五味”"),
    ("三星党支部", "“党员+技术中心”"),
    ("安记食品党总支", "“食安先锋”"),
    ("太阳海党支部", "“阳光领航”"),
    ("盛克党支部", "“织梦红心”"),
)
STARS_BY_CLASS = {
    Classification.DEMONSTRATION: (5,),
    Classification.STANDARD: (4,),
    Classification.GROWING: (3, 3, 2),
    Classification.INCUBATING: (1,),
}


def quanzhou_rated(organizations) -> list[Organization]:
    """The non-public organizations that hold branch life themselves: branches, and committees or general
    branches with no branch under them (the regional committee is not an enterprise's)."""
    parents = {_parent_path(organization) for organization in organizations if organization.kind == Kind.BRANCH}
    return [
        organization
        for organization in organizations
        if organization.kind in Organization.BRANCH_KINDS
        and organization.formation != Organization.Formation.REGIONAL
        and (organization.kind == Kind.BRANCH or organization.path not in parents)
    ]


def _parent_path(organization: Organization) -> str:
    return organization.path[: -Organization.steplen]


def quanzhou(p: RatingPlanner) -> None:
    rated = quanzhou_rated(p.builder.organizations)
    for name, title in QUANZHOU_BRANDS:
        p.honor(
            year=2023,
            kind=Honor.Kind.BRAND,
            title=f"{title}党建品牌",
            organization=p.organization_named(name),
            awarded_by="泉州开发区“两新”组织党委",
            awarded_on=date(2023, 6, 28),
            notes="“海丝先锋”达标创星活动培树的特色品牌",
        )
    branded = {p.organization_named(name).pk for name, _title in QUANZHOU_BRANDS}
    # The brands' own organizations, or the branches of a branded committee, lead the demonstration class.
    branded_paths = {p.organization_named(name).path for name, _title in QUANZHOU_BRANDS}
    leading = [org for org in rated if org.pk in branded or _parent_path(org) in branded_paths]
    for year, quarter in [q or last_closed_quarter(p.today) for q in QUANZHOU_QUARTERS]:
        sheet, criteria = p.sheet(year, f"泉州开发区{year}年“海丝先锋”达标创星评分细则", QUANZHOU_SHEET)
        classes = _quanzhou_classes(p.rng("classes", year, quarter), rated, leading)
        inspection = _inspection_day(p, year, quarter)
        pairs = []
        for organization in rated:
            rng = p.rng("items", organization.name, year, quarter)
            stars = rng.choice(STARS_BY_CLASS[classes[organization.pk]])
            assessed_on = inspection + timedelta(days=rng.randint(0, 8))
            pairs.append(p.rating(organization, sheet, year, quarter, assessed_on, p.lines_for(rng, criteria, stars)))
        good = sum(rating.classification in GOOD_OR_ABOVE for rating, _items in pairs)
        assert good == QUANZHOU_GOOD, f"{good} of {len(pairs)} rated good or above"
        p.save_ratings(pairs)


def _quanzhou_classes(rng: random.Random, rated, leading) -> dict[int, str]:
    others = [org for org in rated if org not in leading]
    rng.shuffle(others)
    ordered = leading + others
    good, demonstration, incubating = QUANZHOU_GOOD, QUANZHOU_DEMONSTRATION, QUANZHOU_INCUBATING
    classes = {}
    for i, organization in enumerate(ordered):
        if i < demonstration:
            classes[organization.pk] = Classification.DEMONSTRATION
        elif i < good:
            classes[organization.pk] = Classification.STANDARD
        elif i < len(ordered) - incubating:
            classes[organization.pk] = Classification.GROWING
        else:
            classes[organization.pk] = Classification.INCUBATING
    return classes


# --- Kaihua: the five-star competition and the secretaries' allowance ------------------------------------

KAIHUA_YEAR = 2014
KAIHUA_AWARDED_ON = date(2014, 12, 26)
KAIHUA_WINNERS = 36  # firms with one star or more
KAIHUA_STAR_COUNTS = {1: 20, 2: 9, 3: 4, 4: 2}  # and the 元通-like firm with all five
KAIHUA_STAR_TITLES = {
    Honor.Star.HARMONY: "和谐之星",
    Honor.Star.INNOVATION: "创新之星",
    Honor.Star.DEDICATION: "敬业之星",
    Honor.Star.SERVICE: "服务之星",
    Honor.Star.ECOLOGY: "生态之星",
}
# The county departments the report names for Honor.STAR_DEPARTMENTS (in its words, not the generic labels).
KAIHUA_DEPARTMENTS = {
    Honor.Star.HARMONY: "中共开化县委组织部",
    Honor.Star.INNOVATION: "开化县经信局、科技局",
    Honor.Star.DEDICATION: "开化县总工会",
    Honor.Star.SERVICE: "共青团开化县委",
    Honor.Star.ECOLOGY: "开化县环保局",
}
KAIHUA_SECRETARY_ALLOWANCE = Decimal("2400.00")  # a year
KAIHUA_EXTRA_SECRETARIES = 5  # outstanding secretaries of firms with fewer than three stars
# Which star suits which trade better: 新材料 and 电力器材 firms save energy, pharma cleans its water …
KAIHUA_AFFINITY = {
    "新材料": {Honor.Star.INNOVATION: 3, Honor.Star.ECOLOGY: 2},
    "电力器材": {Honor.Star.INNOVATION: 2, Honor.Star.DEDICATION: 2},
    "医药化工": {Honor.Star.ECOLOGY: 3, Honor.Star.INNOVATION: 2},
    "电子": {Honor.Star.INNOVATION: 3},
    "茶叶": {Honor.Star.ECOLOGY: 3, Honor.Star.SERVICE: 2},
    "教育": {Honor.Star.SERVICE: 3, Honor.Star.HARMONY: 2},
    "社会服务": {Honor.Star.SERVICE: 4},
}


def kaihua(p: RatingPlanner) -> None:
    coverers = {}  # firm → its organization
    for coverage in p.builder.coverages:
        coverers.setdefault(coverage.enterprise.pk, coverage.organization)
    owned = [
        firm for firm in p.builder.enterprises
        if firm.pk in coverers and coverers[firm.pk].formation == Organization.Formation.STANDALONE
    ]  # fmt: skip
    general = [firm for firm in owned if coverers[firm.pk].kind == Kind.GENERAL_BRANCH]
    silicon = [firm for firm in general if "硅业" in firm.name] or general
    pioneer = max(silicon, key=lambda firm: (firm.employees, firm.name))
    rng = p.rng("five-star")
    others = rng.sample([firm for firm in owned if firm is not pioneer], KAIHUA_WINNERS - 1)
    counts = [n for n, many in KAIHUA_STAR_COUNTS.items() for _ in range(many)]
    awards = {pioneer: list(Honor.Star.values)}
    for firm, n in zip(others, counts + [1] * (len(others) - len(counts)), strict=True):
        weights = {star: KAIHUA_AFFINITY.get(firm.industry, {}).get(star, 1) for star in Honor.Star.values}
        awards[firm] = _weighted_sample(rng, weights, n)
    for firm, stars in awards.items():
        for star in stars:
            p.honor(
                year=KAIHUA_YEAR,
                kind=Honor.Kind.FIVE_STAR,
                star=star,
                title=KAIHUA_STAR_TITLES[star],
                awarded_by=KAIHUA_DEPARTMENTS[star],
                enterprise=firm,
                awarded_on=KAIHUA_AWARDED_ON,
                notes="“五星争创”活动，县委两新工委牵头",
            )
    p.honor(
        year=2015,
        kind=Honor.Kind.TITLE,
        title="全国工人先锋号",
        enterprise=pioneer,
        awarded_by="中华全国总工会",
        awarded_on=date(2015, 3, 6),
        notes="成功创建“五星”企业后获评",
    )
    _kaihua_allowances(p, rng, awards, coverers)


def _weighted_sample(rng: random.Random, weights: dict[str, int], n: int) -> list[str]:
    chosen: list[str] = []
    while len(chosen) < n:
        left = [star for star in weights if star not in chosen]
        chosen.append(rng.choices(left, weights=[weights[star] for star in left])[0])
    return sorted(chosen, key=list(weights).index)


def _kaihua_allowances(p: RatingPlanner, rng: random.Random, awards: dict, coverers: dict) -> None:
    """The secretaries who stood out in the competition get the year's allowance, paid in January."""
    rule = rule_save(
        rule=SubsidyRule(
            park=p.park,
            kind=SubsidyKind.SECRETARY_ALLOWANCE,
            valid_from=date(2014, 1, 1),
            amount=KAIHUA_SECRETARY_ALLOWANCE,
            notes="党组织书记职务津贴补助：“五星争创”中工作突出、表现优秀的党组织书记",
        )
    )
    outstanding = [firm for firm, stars in awards.items() if len(stars) >= 3]
    fewer = sorted((firm for firm, stars in awards.items() if len(stars) < 3), key=lambda firm: firm.name)
    outstanding += rng.sample(fewer, KAIHUA_EXTRA_SECRETARIES)
    records = []
    for n, firm in enumerate(sorted(outstanding, key=lambda firm: coverers[firm.pk].path), start=1):
        organization = coverers[firm.pk]
        records.append(
            paid_record(
                park=p.park,
                organization=organization,
                member_id=organization.secretary_id,
                kind=SubsidyKind.SECRETARY_ALLOWANCE,
                period=str(KAIHUA_YEAR),
                period_start=date(KAIHUA_YEAR, 1, 1),
                amount=rule.amount,
                rule=rule,
                note="“五星争创”表现优秀",
                voucher_no=f"KHSJ{KAIHUA_YEAR}-{n:03d}",
                paid_on=date(KAIHUA_YEAR + 1, 1, 20),
            )
        )
    p.save_subsidies(records)


# --- Dehua: dues returned in full, and the owners' special fund -------------------------------------------

DEHUA_YEAR = 2019
# Monthly dues by post (yuan): owners and managers pay more on higher incomes.
DEHUA_DUES = {
    Post.OWNER: (50, 200),
    Post.SENIOR_MANAGER: (30, 100),
    Post.MIDDLE_MANAGER: (15, 50),
    Post.TECHNICIAN: (8, 30),
    Post.WORKER: (3, 15),
    "": (20, 50),
}
DEHUA_SPECIAL_FUND = Decimal("316800.00")
DEHUA_CHAIR_GRANT = (6000, 12000)  # yuan, in hundreds
DEHUA_COMMITTEE_GRANTS = ("季度恳谈会、谈心会", "文体节活动", "技能比武", "党员职工培训")


def dehua(p: RatingPlanner) -> None:
    rule = rule_save(
        rule=SubsidyRule(
            park=p.park,
            kind=SubsidyKind.DUES_RETURN,
            valid_from=date(DEHUA_YEAR, 1, 1),
            share=Decimal("1.0000"),
            notes="党费全额返还：园区党委及时全额返还党支部收缴的党费",
        )
    )
    dues = _dehua_dues(p)
    _bulk(dues, DuesCollection)
    returns = []
    numbers = defaultdict(int)
    for collected in dues:
        amount = return_owed(collected, [rule])
        if amount <= 0:
            continue
        month = collected.month
        numbers[month] += 1
        paid_on = (month + timedelta(days=40)).replace(day=10)
        returns.append(
            paid_record(
                park=p.park,
                organization=collected.organization,
                kind=SubsidyKind.DUES_RETURN,
                period=f"{month:%Y-%m}",
                period_start=month,
                amount=amount,
                rule=rule,
                dues=collected,
                voucher_no=f"DHDF{month:%Y%m}-{numbers[month]:03d}",
                paid_on=paid_on,
            )
        )
    p.save_subsidies(returns)
    _dehua_special_fund(p)


def _dehua_dues(p: RatingPlanner) -> list[DuesCollection]:
    """Each branch's dues of every month of 2019 it existed in: its members' monthly dues (drawn once per
    member), except members transferred out and mobile members (they pay in their home branch)."""
    rng = p.rng("dues")
    paying = defaultdict(list)
    for member in p.builder.members:
        if member.status == PartyMember.Status.TRANSFERRED_OUT or member.is_mobile:
            continue
        low, high = DEHUA_DUES.get(member.post, DEHUA_DUES[""])
        paying[member.organization.pk].append((member.joined_on, Decimal(rng.randint(low * 2, high * 2)) / 2))
    dues = []
    for organization in p.builder.organizations:
        if organization.kind != Kind.BRANCH:
            continue
        for month in (date(DEHUA_YEAR, m, 1) for m in range(1, 13)):
            if organization.established_on >= month:
                continue
            end = (month + timedelta(days=32)).replace(day=1)
            members = [amount for joined_on, amount in paying[organization.pk] if joined_on < end]
            if members:
                dues.append(
                    DuesCollection(
                        park=p.park,
                        organization=organization,
                        month=month,
                        amount=sum(members, Decimal(0)).quantize(CENT),
                        members_paying=len(members),
                    )
                )
    return dues


def _dehua_special_fund(p: RatingPlanner) -> None:
    """The owners' donations paid out in 2019: the month's rotating chair's branch hosts the dual-joint
    meeting; the park committee runs the forums, festivals, contests and training (the remainder)."""
    rule = rule_save(
        rule=SubsidyRule(
            park=p.park,
            kind=SubsidyKind.SPECIAL_FUND,
            valid_from=date(DEHUA_YEAR, 1, 1),
            source="企业业主捐资",
            notes="园区企业主自发捐赠，作为“双联工作机制”党建工作专项经费",
        )
    )
    rng = p.rng("special-fund")
    branches = {organization.name: organization for organization in p.builder.organizations}
    terms = ChairTerm.objects.filter(joint_body__park=p.park, starts_on__year=DEHUA_YEAR).select_related("enterprise")
    chairs = {}
    for term in terms.order_by("starts_on"):
        chairs.setdefault(term.starts_on.replace(day=1), branches.get(f"{term.enterprise.name}党支部"))
    records = []
    for n, (month, branch) in enumerate(sorted(chairs.items()), start=1):
        if branch is None:
            continue
        records.append(
            paid_record(
                park=p.park,
                organization=branch,
                kind=SubsidyKind.SPECIAL_FUND,
                period=f"{month:%Y-%m}",
                period_start=month,
                amount=Decimal(rng.randint(*DEHUA_CHAIR_GRANT) // 100 * 100),
                rule=rule,
                note="轮值主席单位承办当月双联工作会议",
                voucher_no=f"DHZX{DEHUA_YEAR}-{n:03d}",
                paid_on=month + timedelta(days=rng.randint(3, 12)),
            )
        )
    committee = next(organization for organization in p.builder.organizations if organization.kind == Kind.COMMITTEE)
    remainder = DEHUA_SPECIAL_FUND - sum((record.amount for record in records), Decimal(0))
    shares = [Decimal(rng.randint(20, 30)) for _ in DEHUA_COMMITTEE_GRANTS]
    amounts = [(remainder * share / sum(shares)).quantize(Decimal(1)) for share in shares]
    amounts[-1] = remainder - sum(amounts[:-1], Decimal(0))
    for quarter, (purpose, amount) in enumerate(zip(DEHUA_COMMITTEE_GRANTS, amounts, strict=True), start=1):
        start, end = quarter_bounds(DEHUA_YEAR, quarter)
        records.append(
            paid_record(
                park=p.park,
                organization=committee,
                kind=SubsidyKind.SPECIAL_FUND,
                period=quarter_code(DEHUA_YEAR, quarter),
                period_start=start,
                amount=amount.quantize(CENT),
                rule=rule,
                note=purpose,
                voucher_no=f"DHZX{DEHUA_YEAR}-{len(records) + 1:03d}",
                paid_on=end - timedelta(days=rng.randint(5, 15)),
            )
        )
    p.save_subsidies(records)


PLANS = {"dehua-chengdong": dehua, "yutai": yutai, "quanzhou": quanzhou, "kaihua": kaihua}
