"""开化县两新组织: the "three fives" report (seeds/kaihua-three-fives-model.zh.txt, published 2015-03-24).

Not an industrial park but a county's non-public firms and social organizations under the county
committee's "two-new" working committee. Of the 110 party organizations' secretaries, 45 are owners,
43 senior managers and 12 heads of a union or youth league (middle managers here): 41%, 38%, 11%.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from devtools.demo.builder import Formation, Kind, ParkBuilder, Post, day_between, split_total

CODE = "kaihua"
NAME = "开化县两新组织"
REGION = "浙江省衢州市开化县"
REGION_CODE = "330824"
BIRTHPLACES = ("330824", "330800", "330127")
SURNAMES = "汪余徐方程吴郑王张叶姜"
SEED = 20150324
PUBLISHED_ON = date(2015, 3, 24)
MEMBERS = 700
# "近两年来": the two years up to the report. Every member who joined in them came through the pipeline
# (activities.py: 40 new members, 29 of them recommended, 72.5%), so the rosters dealt here had joined
# before they began, and nobody on them was probationary on the report's date but those 40's latest.
REPORT_YEARS_FROM = date(2013, 3, 24)
ROSTER_JOINED_BY = REPORT_YEARS_FROM - timedelta(days=1)

TRADES = (
    ("新材料", "浙江{}硅业有限公司"),
    ("电力器材", "开化{}电力器材有限公司"),
    ("医药化工", "浙江{}药业有限公司"),
    ("电子", "浙江{}电子科技有限公司"),
    ("文化创意", "开化{}动漫有限公司"),
    ("茶叶", "开化县{}茶业有限公司"),
    ("木制品", "开化{}木业有限公司"),
    ("食品", "开化县{}食品有限公司"),
    ("机械", "开化{}机械有限公司"),
)
# New social organizations (新社会组织) are on the same ledger; their credit codes start with 52.
SOCIAL = (("教育", "开化{}外国语学校"), ("教育", "开化县{}幼儿园"), ("社会服务", "开化县{}社会工作服务中心"))
SOCIAL_ORGANIZATIONS = 6
STANDALONE = 100  # the 8 largest as general branches
GENERAL_BRANCHES = 8
TOWNS = ("华埠镇", "芹阳办事处", "城关镇", "池淮镇", "桐村镇", "音坑乡", "马金镇", "村头镇", "杨林镇", "齐溪镇")
JOINT_SIZE = 2  # one joint branch per town for its small firms
UNCOVERED = 5
ROADS = ("工业园区", "城东路", "芹江路", "江滨路")
SECRETARY_POSTS = (
    [Post.OWNER] * 45 + [Post.SENIOR_MANAGER] * 43 + [Post.MIDDLE_MANAGER] * 12
    + [Post.TECHNICIAN] * 6 + [Post.WORKER] * 4
)  # fmt: skip
BRAND_CHARACTERS = "华康海峰七一元通天地金源钱江龙顶开阳新星宏达恒瑞丰山水明润青云之江"


def build(b: ParkBuilder) -> None:
    working_committee = b.organization(
        None, "中共开化县委两新工委", Kind.WORKING_COMMITTEE, Formation.REGIONAL, date(2009, 4, 1)
    )
    organizations = _standalone(b, working_committee) + _joint(b, working_committee)
    for _ in range(UNCOVERED):
        _firm(b, b.rng.choice(TRADES))
    _rosters(b, organizations)
    _instructors(b, [firm for _org, firms in organizations for firm in firms])


def _firm(b: ParkBuilder, trade, registrant: str = "91"):
    industry, template = trade
    employees = b.rng.randint(20, 1200)
    return b.enterprise(
        template.format(b.brand(BRAND_CHARACTERS)),
        industry=industry,
        entered_on=day_between(b.rng, date(1995, 1, 1), date(2014, 6, 30)),
        registrant=registrant,
        employees=employees,
        output_value=Decimal(employees * b.rng.randint(15, 70)),
        address=f"开化县{b.rng.choice(TOWNS)}{b.rng.choice(ROADS)}{b.rng.randint(1, 200)}号",
    )


def _standalone(b: ParkBuilder, working_committee) -> list:
    """100 firms and social organizations with their own organization; the biggest firms a general branch."""
    firms = [_firm(b, b.rng.choice(TRADES)) for _ in range(STANDALONE - SOCIAL_ORGANIZATIONS)]
    firms.sort(key=lambda firm: firm.employees, reverse=True)
    firms += [_firm(b, b.rng.choice(SOCIAL), registrant="52") for _ in range(SOCIAL_ORGANIZATIONS)]
    organizations = []
    for i, firm in enumerate(firms):
        kind, suffix = (Kind.GENERAL_BRANCH, "党总支") if i < GENERAL_BRANCHES else (Kind.BRANCH, "党支部")
        established = day_between(b.rng, date(2009, 6, 1), date(2014, 10, 31))
        organization = b.organization(
            working_committee, f"{firm.name}{suffix}", kind, Formation.STANDALONE, established
        )
        b.cover_soon(firm, organization)
        organizations.append((organization, [firm]))
    return organizations


def _joint(b: ParkBuilder, working_committee) -> list:
    organizations = []
    for town in TOWNS:
        established = day_between(b.rng, date(2010, 1, 1), date(2014, 10, 31))
        branch = b.organization(
            working_committee, f"{town}非公企业联合党支部", Kind.BRANCH, Formation.JOINT, established
        )
        firms = [_firm(b, b.rng.choice(TRADES)) for _ in range(JOINT_SIZE)]
        for firm in firms:
            b.cover_soon(firm, branch)
        organizations.append((branch, firms))
    return organizations


def _rosters(b: ParkBuilder, organizations) -> None:
    """About 700 members; every organization's secretary holds one of the published posts."""
    posts = SECRETARY_POSTS[:]
    b.rng.shuffle(posts)
    counts = split_total(b.rng, MEMBERS, len(organizations), 4, 10)
    for (organization, firms), secretary, count in zip(organizations, posts, counts, strict=True):
        b.roster(organization, b.posts(count, secretary), firms=firms)


def _instructors(b: ParkBuilder, covered) -> None:
    """Six instructors: one of the uncovered firms each (work coverage) and two covered ones."""
    covered_ids = {id(firm) for firm in covered}
    uncovered = [firm for firm in b.enterprises if id(firm) not in covered_ids]
    picks = b.rng.sample(covered, 12)
    for i in range(6):
        instructor = b.instructor("两新组织党建工作指导员")
        started = day_between(b.rng, date(2013, 1, 1), date(2014, 12, 31))
        for firm in uncovered[i : i + 1] + picks[2 * i : 2 * i + 2]:
            b.assign(instructor, firm, started)
