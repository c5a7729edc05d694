"""德化城东新区: the "dual-joint mechanism" report (seeds/dehua-chengdong-dual-joint-mechanism.zh.txt).

Published figures at the end of 2019, which coverage as of 2019-12-31 reproduces exactly: 297 firms in
the park, 59 non-public enterprise branches covering 251 of them (84.51%), about 28,000 employees and
8.7 bn yuan (870,000 万元) output, 10 instructors. Big ceramics firms have their own branch (单独建), the
e-commerce start-up park one branch for its firms, and 120-odd small firms share 22 joint branches by
adjacency (联合建). Firms that arrive, get covered or move out after 2019 make "today" differ from then.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from devtools.demo.builder import Formation, Kind, ParkBuilder, Post, chinese_number, day_between, scale_to_total
from enterprises.models import Enterprise

CODE = "dehua-chengdong"
NAME = "德化城东新区"
REGION = "福建省泉州市德化县"
REGION_CODE = "350526"
BIRTHPLACES = ("350526", "350524", "350525")
SURNAMES = "陈林郑苏颜徐连赖黄李王张许曾涂"
SEED = 20191231
AS_OF = date(2019, 12, 31)
EMPLOYEES = 28_000
OUTPUT = 870_000  # 万元, i.e. 8.7 bn yuan

# The six large firms whose branch secretaries take turns chairing the monthly dual-joint meeting.
CHAIR_FIRMS = (
    "德化县瓷源陶瓷有限公司",
    "福建鸿瓷陶瓷有限公司",
    "德化县嘉顺陶瓷有限公司",
    "德化县润德陶瓷有限公司",
    "福建永鑫陶瓷有限公司",
    "德化县华泰陶瓷有限公司",
)
# demo-secretary's branch: a big one, so its roster and its meetings look like a real branch's.
SECRETARY_BRANCH = f"{CHAIR_FIRMS[0]}党支部"

DISTRICTS = ("城东一期片区", "城东二期片区", "电子商务创业园片区")
ROADS = ("瓷都大道", "城东大道", "宝美路", "浔中路", "龙浔路", "凤凰路", "陶瓷街")
BRAND_CHARACTERS = "瓷源鸿嘉顺润德永鑫华泰冠丰昌盛兴宏达隆升恒福祥瑞美艺晶玉雅金辉星宝诚和泓锦豪佳立荣"
SMALL_TRADES = (
    ("陶瓷", "德化县{}瓷业有限公司"),
    ("陶瓷", "德化{}工艺品有限公司"),
    ("陶瓷", "德化县{}陶瓷厂"),
    ("包装印刷", "德化县{}包装有限公司"),
    ("模具", "德化县{}模具有限公司"),
    ("陶瓷原料", "德化县{}釉料有限公司"),
    ("陶瓷", "德化县{}花纸有限公司"),
    ("物流", "德化县{}物流有限公司"),
)

STANDALONE_FIRMS = 36  # each with its own branch
ECOMMERCE_FIRMS = 89  # under the e-commerce start-up park's branch (standalone)
JOINT_SIZES = [6] * 16 + [5] * 6  # 22 joint branches covering 126 small firms
UNCOVERED_FIRMS = 46  # 36 + 89 + 126 + 46 = 297; covered 251
FINDING_BRANCHES = 4  # joint branches with one firm of 3+ full members: the ledger finding
ARRIVALS_AFTER_2019 = 10  # small firms, covered by a joint branch soon after they arrive
COVERED_AFTER_2019 = 2  # uncovered in 2019, in a joint branch since 2021
JOINT_LEAVERS, UNCOVERED_LEAVERS = 2, 1  # moved out between 2020 and 2022


def build(b: ParkBuilder) -> None:
    districts = [b.district(name) for name in DISTRICTS]
    committee = b.organization(None, "城东工业园区党委", Kind.COMMITTEE, Formation.REGIONAL, date(2016, 3, 18))
    b.roster(committee, [""] * 3)  # the three full-time party workers (专职党务工作者)
    big = _big_firms(b, districts)
    # Joint branches first: three big firms were in one before their own branch was founded.
    joint = _joint_branches(b, committee, districts)
    _standalone_branches(b, committee, big, joint)
    ecommerce = _ecommerce(b, committee, districts[2])
    uncovered = [
        _small_firm(b, b.rng.choice(districts[:2]), date(2012, 1, 1), date(2019, 11, 30))
        for _ in range(UNCOVERED_FIRMS)
    ]
    _size(b, big, ecommerce, [firm for _branch, firms in joint for firm in firms], uncovered)
    leavers = [firms[-1] for _branch, firms in joint[FINDING_BRANCHES : FINDING_BRANCHES + JOINT_LEAVERS]]
    leavers += uncovered[-UNCOVERED_LEAVERS:]
    _joint_rosters(b, joint, leavers)
    _after_2019(b, joint, uncovered, leavers)
    _instructors(b, uncovered, big + ecommerce)


def _big_firms(b: ParkBuilder, districts) -> list[Enterprise]:
    names = list(CHAIR_FIRMS)
    while len(names) < STANDALONE_FIRMS:
        template = b.rng.choice(("德化县{}陶瓷有限公司", "福建{}陶瓷有限公司", "德化{}陶瓷股份有限公司"))
        names.append(template.format(b.brand(BRAND_CHARACTERS)))
    return [
        b.enterprise(
            name,
            industry="陶瓷",
            entered_on=day_between(b.rng, date(2006, 1, 1), date(2015, 12, 31)),
            district=districts[i % 2],
            address=_address(b),
        )
        for i, name in enumerate(names)
    ]


def _small_firm(b: ParkBuilder, district, entered_from: date, entered_by: date) -> Enterprise:
    industry, template = b.rng.choice(SMALL_TRADES)
    return b.enterprise(
        template.format(b.brand(BRAND_CHARACTERS)),
        industry=industry,
        entered_on=day_between(b.rng, entered_from, entered_by),
        district=district,
        address=_address(b),
    )


def _address(b: ParkBuilder) -> str:
    return f"德化县城东新区{b.rng.choice(ROADS)}{b.rng.randint(1, 399)}号"


def _joint_branches(b: ParkBuilder, committee, districts) -> list[tuple]:
    """22 joint branches, each of 5 or 6 small neighbours in one district (联合建 by adjacency)."""
    sizes = JOINT_SIZES[:]
    b.rng.shuffle(sizes)
    branches = []
    for n, size in enumerate(sizes, start=1):
        district = districts[n % 2]
        established = day_between(b.rng, date(2016, 5, 1), date(2019, 9, 30))
        if n <= 3:  # these also held a big firm until it had its own branch; see _standalone_branches
            established = day_between(b.rng, date(2016, 5, 1), date(2016, 8, 31))
        branch = b.organization(
            committee, f"城东新区第{chinese_number(n)}联合党支部", Kind.BRANCH, Formation.JOINT, established,
            district=district,
        )  # fmt: skip
        firms = [_small_firm(b, district, date(2008, 1, 1), date(2019, 6, 30)) for _ in range(size)]
        for firm in firms:
            b.cover_soon(firm, branch)
        branches.append((branch, firms))
    return branches


def _joint_rosters(b: ParkBuilder, joint, leavers) -> None:
    """Members of the small firms that stay: at most two per firm, except that the first four branches
    each hold one firm with three full members and no branch of its own (the ledger finding)."""
    gone = {id(firm) for firm in leavers}
    for n, (branch, firms) in enumerate(joint):
        eligible = [firm for firm in firms if id(firm) not in gone]
        dealt = [eligible[0]] * 3 + eligible[1:] if n < FINDING_BRANCHES else eligible
        count = min(b.rng.randint(6, 10), 2 * len(eligible))
        b.roster(branch, b.posts(count, Post.OWNER), firms=dealt)
        if n % 3 == 0:  # migrant members join branch life here under "one home branch, dual management"
            b.member(branch, post=Post.WORKER, is_mobile=True)


def _standalone_branches(b: ParkBuilder, committee, big, joint) -> None:
    for i, firm in enumerate(big):
        established = day_between(b.rng, date(2016, 4, 1), date(2019, 6, 30))
        if i >= len(big) - 3:
            # Covered by a joint branch first, until the firm grew enough members for its own branch.
            established = day_between(b.rng, date(2018, 3, 1), date(2018, 9, 30))
            joint_branch = joint[len(big) - 1 - i][0]
            b.cover(firm, joint_branch, joint_branch.established_on + timedelta(days=7), established)
        branch = b.organization(committee, f"{firm.name}党支部", Kind.BRANCH, Formation.STANDALONE, established)
        b.cover(firm, branch, established)
        count = 12 if i == 0 else b.rng.randint(6, 16)
        secretary = Post.OWNER if i < len(CHAIR_FIRMS) or b.rng.random() < 0.4 else Post.SENIOR_MANAGER
        b.roster(branch, b.posts(count, secretary), firms=[firm])


def _ecommerce(b: ParkBuilder, committee, district) -> list[Enterprise]:
    branch = b.organization(
        committee, "德化县电子商务创业园党支部", Kind.BRANCH, Formation.STANDALONE, date(2017, 5, 4), district=district
    )
    firms = []
    for _ in range(ECOMMERCE_FIRMS):
        firm = b.enterprise(
            f"德化县{b.brand(BRAND_CHARACTERS)}电子商务有限公司",
            industry="电子商务",
            entered_on=day_between(b.rng, date(2016, 3, 1), date(2019, 6, 30)),
            district=district,
            address=f"德化县城东新区电子商务创业园{b.rng.randint(1, 6)}号楼{b.rng.randint(101, 620)}室",
        )
        b.cover_soon(firm, branch, within_days=45)
        firms.append(firm)
    b.roster(branch, b.posts(30, Post.OWNER), firms=b.rng.sample(firms, 30))
    return firms


def _size(b: ParkBuilder, big, ecommerce, small, uncovered) -> None:
    """Employees and output of the 297 firms of 2019, scaled to the published totals exactly."""
    firms = big + ecommerce + small + uncovered
    people = [b.rng.randint(300, 1500) for _ in big] + [b.rng.randint(3, 25) for _ in ecommerce]
    people += [b.rng.randint(15, 90) for _ in small + uncovered]
    employees = scale_to_total(people, EMPLOYEES)
    # Output per employee: e-commerce sells more per head than a kiln, big firms more than small ones.
    per_head = [1.3] * len(big) + [2.5] * len(ecommerce) + [0.7] * len(small + uncovered)
    weights = [count * factor * b.rng.uniform(0.7, 1.3) for count, factor in zip(employees, per_head, strict=True)]
    output = [Decimal(cents) / 100 for cents in scale_to_total(weights, OUTPUT * 100)]
    b.size(firms, employees=employees, output=output)
    for firm in firms:
        # 规模以上: annual revenue of 20 million yuan (2,000 万元) or more.
        firm.above_scale = firm.output_value >= 2000


def _after_2019(b: ParkBuilder, joint, uncovered, leavers) -> None:
    """Departures, new coverage and arrivals after 2019: the figures of today, not of the report."""
    for firm in leavers:
        b.leave(firm, day_between(b.rng, date(2020, 6, 1), date(2022, 3, 31)))
    for firm in uncovered[:COVERED_AFTER_2019]:
        b.cover(firm, b.rng.choice(joint)[0], day_between(b.rng, date(2021, 3, 1), date(2021, 9, 30)))
    for _ in range(ARRIVALS_AFTER_2019):
        branch = b.rng.choice(joint)[0]
        firm = _small_firm(b, branch.district, date(2020, 3, 1), date(2021, 10, 31))
        firm.employees, firm.output_value = b.rng.randint(10, 60), Decimal(b.rng.randint(300, 1800))
        b.cover_soon(firm, branch, within_days=90)


def _instructors(b: ParkBuilder, uncovered, covered) -> None:
    """Ten instructors: two uncovered firms each (work coverage) and three covered ones."""
    instructors = [b.instructor("城东新区非公党建指导员") for _ in range(10)]
    covered_picks = b.rng.sample(covered, 3 * len(instructors))
    for i, instructor in enumerate(instructors):
        started = day_between(b.rng, date(2018, 3, 1), date(2019, 6, 30))
        for firm in uncovered[2 + 2 * i : 4 + 2 * i] + covered_picks[3 * i : 3 * i + 3]:
            b.assign(instructor, firm, started)
