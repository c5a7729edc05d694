"""泉州开发区: the "five forces" report (seeds/quanzhou-five-forces.zh.txt, published 2023-07-10).

Five levels: working committee → "two-new" organizations committee → 4 district stations (each also the
district's joint branch) → 136 enterprise party organizations → 79 workshop party groups. 18 grids,
each led by a strong enterprise organization. The ledger holds the 131 above-scale industrial and 133
above-quota firms (264), of which 258 are covered: 97.73%, the published 97.7%. 220 firms wrote party
building into their charter; 856 of the 1,096 members on the report's date hold middle-or-higher posts
(78.1%).
The organization names are the report's own; the firms' legal names and all people are invented.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from devtools.demo.builder import Formation, Kind, ParkBuilder, Post, chinese_number, day_between, split_total

CODE = "quanzhou"
NAME = "泉州开发区"
REGION = "福建省泉州市"
REGION_CODE = "350500"
BIRTHPLACES = ("350503", "350582", "350521")
SURNAMES = "陈林黄王吴张李蔡许郑洪庄"
SEED = 20230710
PUBLISHED_ON = date(2023, 7, 10)
LEDGER_CLOSED = date(2023, 6, 30)  # everything in the report had happened by then
MEMBERS = 1096
MIDDLE_OR_HIGHER = 856  # owners, senior and middle managers
GROUPS = 79

INDUSTRIAL = {  # above-scale industry (规上工业)
    "纺织鞋服": "泉州{}服饰有限公司",
    "鞋业": "泉州{}鞋业有限公司",
    "食品": "泉州{}食品有限公司",
    "医药": "泉州{}制药有限公司",
    "电子信息": "泉州{}电子科技有限公司",
    "机械装备": "泉州{}机械有限公司",
    "工艺制品": "泉州{}工艺品有限公司",
    "新材料": "泉州{}新材料科技有限公司",
}
TRADE = {  # above-quota trade and services (限上)
    "批发零售": "泉州{}商贸有限公司",
    "电子商务": "泉州{}电子商务有限公司",
    "物流快递": "泉州{}物流有限公司",
    "住宿餐饮": "泉州{}酒店管理有限公司",
    "汽车销售": "泉州{}汽车销售服务有限公司",
}
# (organization, trade name, kind, industry, sub-branches) as named in the report.
NAMED = (
    ("九牧王党委", "九牧王", Kind.COMMITTEE, "纺织鞋服", ("制造中心", "营销中心", "职能部门")),
    ("特步党委", "特步", Kind.COMMITTEE, "鞋业", ("研发中心", "生产中心", "物流中心")),
    ("安记食品党总支", "安记", Kind.GENERAL_BRANCH, "食品", ("生产", "营销")),
    ("泰亚党总支", "泰亚", Kind.GENERAL_BRANCH, "鞋业", ("生产", "管理")),
    ("太阳海党支部", "太阳海", Kind.BRANCH, "鞋业", ()),
    ("盛克党支部", "盛克", Kind.BRANCH, "纺织鞋服", ()),
    ("天地星党支部", "天地星", Kind.BRANCH, "电子信息", ()),
    ("万龙党支部", "万龙", Kind.BRANCH, "机械装备", ()),
    ("艺达党支部", "艺达", Kind.BRANCH, "工艺制品", ()),
    ("友臣党支部", "友臣", Kind.BRANCH, "食品", ()),
    ("三星党支部", "三星", Kind.BRANCH, "机械装备", ()),
    ("太平洋制药党支部", "太平洋", Kind.BRANCH, "医药", ()),
    ("利讯党支部", "利讯", Kind.BRANCH, "电子信息", ()),
    ("瑞丰快递党支部", "瑞丰", Kind.BRANCH, "物流快递", ()),
)
# Invented firms by how they are covered: (industrial, trade). With the 13 industrial and 1 trade firms
# named above: 131 industrial and 133 trade, 264 in all.
INVENTED_GENERAL_BRANCHES = (3, 0)
INVENTED_STANDALONE_BRANCHES = (64, 27)  # 14 + 3 + 91 = 108 firms with their own organization
JOINT_FIRMS = (35, 75)  # 18 joint branches
JOINT_SIZES = [7, 7] + [6] * 16
STATION_FIRMS = (12, 28)  # 10 per district station's joint branch
UNCOVERED_FIRMS = (4, 2)
GRIDS_PER_DISTRICT = (5, 5, 4, 4)
CHARTERS = 220
SUFFIXES = {Kind.COMMITTEE: "党委", Kind.GENERAL_BRANCH: "党总支", Kind.BRANCH: "党支部"}
ROADS = ("清濛园区", "崇贤路", "德泰路", "安吉路", "清华路")
BRAND_CHARACTERS = "鸿达盛兴宏昌隆丰源恒泰瑞祥金华安康豪锦佳润晋海闽南东星辉诚和嘉信德永鑫宝"
WORKSHOPS = {
    "纺织鞋服": ("裁剪车间", "缝制车间", "整烫车间", "包装车间", "质检部"),
    "鞋业": ("成型车间", "针车车间", "裁断车间", "底厂车间", "质检部"),
    None: ("生产一车间", "生产二车间", "研发中心", "质检部", "仓储物流部"),
    # Departments away from the shop floor number their groups.
    "office": ("第一", "第二", "第三"),
}


def build(b: ParkBuilder) -> None:
    b.reserve_brands(brand for _org, brand, *_rest in NAMED)
    working_committee = b.organization(
        None, "泉州开发区党工委", Kind.WORKING_COMMITTEE, Formation.REGIONAL, date(2008, 9, 1)
    )
    two_new = b.organization(
        working_committee, "泉州开发区“两新”组织党委", Kind.COMMITTEE, Formation.REGIONAL, date(2012, 6, 28)
    )
    stations = [_station(b, two_new, n) for n in range(1, 5)]
    standalone, sub_branches = _standalone(b, stations)
    joint = _joint(b, stations)
    regional = _regional(b, stations)
    uncovered = [
        _firm(b, industrial, b.rng.choice(stations).district) for industrial in _categories(b, UNCOVERED_FIRMS)
    ]
    _groups(b, sub_branches, standalone)
    _alliance(b, two_new)
    _grids(b, stations, standalone, joint, regional, uncovered)
    _charters(b, standalone)
    _rosters(b, standalone + sub_branches + joint + regional, sub_branches)
    _instructors(b, stations, uncovered)


def _station(b: ParkBuilder, two_new, n: int):
    district = b.district(f"第{chinese_number(n)}片区")
    return b.organization(
        two_new, f"{district.name}党建工作站（片区联合支部）", Kind.DISTRICT_STATION, Formation.REGIONAL,
        date(2014, 5, 1), district=district,
    )  # fmt: skip


def _categories(b: ParkBuilder, counts: tuple[int, int]) -> list[bool]:
    """True for an above-scale industrial firm, False for an above-quota one, in random order."""
    categories = [True] * counts[0] + [False] * counts[1]
    b.rng.shuffle(categories)
    return categories


def _firm(b: ParkBuilder, industrial: bool, district, industry=None, brand=None, entered_by=date(2022, 12, 31)):
    templates = INDUSTRIAL if industrial else TRADE
    industry = industry or b.rng.choice(list(templates))
    firm = b.enterprise(
        templates[industry].format(brand or b.brand(BRAND_CHARACTERS)),
        industry=industry,
        entered_on=day_between(b.rng, date(1998, 1, 1), entered_by),
        district=district,
        above_scale=industrial,
        above_quota=not industrial,
        employees=b.rng.randint(200, 3000) if industrial else b.rng.randint(20, 400),
        address=f"泉州开发区{b.rng.choice(ROADS)}{b.rng.randint(1, 300)}号",
    )
    firm.output_value = Decimal(firm.employees * b.rng.randint(30, 80 if industrial else 200))
    return firm


def _regional(b: ParkBuilder, stations) -> list:
    """Each district station's joint branch takes ten firms too small or new for another branch."""
    categories = _categories(b, STATION_FIRMS)
    size = len(categories) // len(stations)
    regional = []
    for i, station in enumerate(stations):
        firms = [_firm(b, industrial, station.district) for industrial in categories[i * size : (i + 1) * size]]
        for firm in firms:
            b.cover_soon(firm, station)
        regional.append((station, firms))
    return regional


def _plans(b: ParkBuilder) -> list[tuple]:
    """(organization name or None, trade name or None, kind, industrial?, industry or None, sub-branches)."""
    plans = [(name, brand, kind, industry in INDUSTRIAL, industry, subs) for name, brand, kind, industry, subs in NAMED]
    for kind, counts in ((Kind.GENERAL_BRANCH, INVENTED_GENERAL_BRANCHES), (Kind.BRANCH, INVENTED_STANDALONE_BRANCHES)):
        plans += [(None, None, kind, industrial, None, ()) for industrial in _categories(b, counts)]
    return plans


def _standalone(b: ParkBuilder, stations):
    """108 organizations each covering its own firm; committees and general branches hold sub-branches."""
    standalone, sub_branches = [], []
    for i, (name, brand, kind, industrial, industry, subs) in enumerate(_plans(b)):
        station = stations[i % len(stations)]
        district = station.district
        # The report's firms are long established; the others arrived over the years.
        entered_by = date(2010, 12, 31) if name else date(2022, 12, 31)
        firm = _firm(b, industrial, district, industry, brand, entered_by=entered_by)
        name = name or f"{firm.name}{SUFFIXES[kind]}"
        established = day_between(b.rng, date(2014, 6, 1), date(2016, 12, 31) if brand else date(2022, 6, 30))
        organization = b.organization(station, name, kind, Formation.STANDALONE, established, district=district)
        b.cover_soon(firm, organization)
        standalone.append((organization, [firm]))
        for sub in subs:
            on = established + timedelta(days=b.rng.randint(30, 365))
            sub_name = f"{name.removesuffix(SUFFIXES[kind])}{sub}党支部"
            node = b.organization(organization, sub_name, Kind.BRANCH, Formation.STANDALONE, on, district=district)
            sub_branches.append((node, [firm]))
    return standalone, sub_branches


def _joint(b: ParkBuilder, stations) -> list:
    """18 joint branches of smaller neighbours; covered firms are dealt from one shuffled list."""
    categories = _categories(b, JOINT_FIRMS)
    joint = []
    for i, size in enumerate(JOINT_SIZES):
        station, number = stations[i % len(stations)], i // len(stations) + 1
        established = day_between(b.rng, date(2014, 6, 1), date(2022, 6, 30))
        name = f"{station.district.name}第{chinese_number(number)}联合党支部"
        branch = b.organization(station, name, Kind.BRANCH, Formation.JOINT, established, district=station.district)
        firms = [_firm(b, industrial, station.district) for industrial in categories[:size]]
        categories = categories[size:]
        for firm in firms:
            b.cover_soon(firm, branch)
        joint.append((branch, firms))
    return joint


def _groups(b: ParkBuilder, sub_branches, standalone) -> None:
    """79 workshop groups: three in each sub-branch, then two in each of the next 25 big branches (one in the last)."""
    branches = [(organization, firms[0]) for organization, firms in standalone if organization.kind == Kind.BRANCH]
    hosts = [(organization, firms[0], 3) for organization, firms in sub_branches]
    hosts += [(organization, firm, 2) for organization, firm in branches[:24]] + [(*branches[24], 1)]
    for organization, firm, count in hosts:
        prefix = organization.name.removesuffix("党支部")
        # A firm's own branch (depth 4) and the production sub-branches have workshops; offices number groups.
        on_the_floor = organization.depth == 4 or any(word in prefix for word in ("制造", "生产"))
        workshops = WORKSHOPS.get(firm.industry, WORKSHOPS[None]) if on_the_floor else WORKSHOPS["office"]
        for workshop in b.rng.sample(workshops, count):
            on = min(organization.established_on + timedelta(days=b.rng.randint(60, 400)), LEDGER_CLOSED)
            b.organization(organization, f"{prefix}{workshop}党小组", Kind.GROUP, Formation.STANDALONE, on)
    assert sum(count for *_rest, count in hosts) == GROUPS


def _alliance(b: ParkBuilder, two_new) -> None:
    # Founded on 20 June 2023 by 18 firms of the textile and footwear chain; five of them lead in turn.
    b.organization(two_new, "纺织鞋服产业链党建联盟", Kind.ALLIANCE, Formation.INDUSTRY_CHAIN, date(2023, 6, 20))


def _grids(b: ParkBuilder, stations, standalone, joint, regional, uncovered) -> None:
    """Per district: its strongest organizations lead a grid each ("1 leading organization + 1 cadre + N
    firms"); the district's firms are dealt over its grids, each leader's firm in its own grid."""
    for station, count in zip(stations, GRIDS_PER_DISTRICT, strict=True):
        district = station.district
        leaders = [(org, firms[0]) for org, firms in standalone if org.district_id == district.pk][:count]
        grids = [
            b.grid(f"{district.name}{n}号网格", district=district, leading_organization=org)
            for n, (org, _firm) in enumerate(leaders, start=1)
        ]
        led = [firm for _org, firm in leaders]
        led_ids = {id(firm) for firm in led}
        others = [firm for _org, firms in standalone + joint + regional for firm in firms] + uncovered
        others = [firm for firm in others if firm.district_id == district.pk and id(firm) not in led_ids]
        for grid, firm in zip(grids, led, strict=True):
            firm.grid = grid
        b.rng.shuffle(others)
        for i, firm in enumerate(others):
            firm.grid = grids[i % len(grids)]


def _charters(b: ParkBuilder, standalone) -> None:
    """220 firms wrote party building into their charter: every firm with its own organization, and more."""
    own = [firms[0] for _org, firms in standalone]
    own_ids = {id(firm) for firm in own}
    others = [firm for firm in b.enterprises if id(firm) not in own_ids]
    for firm in own + b.rng.sample(others, CHARTERS - len(own)):
        firm.charter_includes_party_building = True


def _rosters(b: ParkBuilder, rosters, sub_branches) -> None:
    """1,096 members, 856 of them (78.1%) in middle-or-higher posts.

    Secretaries of sub-branches head a business department (middle managers, as the report says of
    九牧王); the other secretaries are owners or senior managers. The rest of the posts are one shuffled
    deck so that the totals are exact.
    """
    counts = split_total(b.rng, MEMBERS, len(rosters), 4, 14)
    subs = {id(organization) for organization, _firms in sub_branches}
    leads = [Post.OWNER] * 40 + [Post.SENIOR_MANAGER] * (len(rosters) - len(subs) - 40)
    b.rng.shuffle(leads)
    higher = MIDDLE_OR_HIGHER - len(rosters)  # every secretary already counts
    lower = MEMBERS - MIDDLE_OR_HIGHER
    deck = [Post.SENIOR_MANAGER] * 200 + [Post.MIDDLE_MANAGER] * (higher - 200)
    deck += [Post.TECHNICIAN] * (lower - 100) + [Post.WORKER] * 100
    b.rng.shuffle(deck)
    for (organization, firms), count in zip(rosters, counts, strict=True):
        secretary = Post.MIDDLE_MANAGER if id(organization) in subs else leads.pop()
        posts, deck = [secretary, *deck[: count - 1]], deck[count - 1 :]
        b.roster(organization, posts, firms=firms)
    assert not deck and not leads


def _instructors(b: ParkBuilder, stations, uncovered) -> None:
    """Each district's full-time liaison looks after its uncovered firms (work coverage)."""
    for station in stations:
        liaison = b.instructor(f"{station.district.name}专职党建联络员")
        for firm in uncovered:
            if firm.district_id == station.district.pk:
                b.assign(liaison, firm, day_between(b.rng, date(2023, 3, 1), LEDGER_CLOSED))
