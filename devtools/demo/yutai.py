"""鱼台经济开发区: the "four ones" report (seeds/yutai-four-ones-method.zh.txt, published 2020-09-29).

Published figures, which hold on that date: 26 branches, 180 members, 100% coverage of the 44
enterprises, 34 instructors sent to them, 61 requests collected in 2020 and 57 solved, 12 policy
briefings ("10余次"). Members who joined since are extra (ParkBuilder.join_later). The zone's working committee set up a comprehensive party
committee for the park (园区综合党委); its three industrial parks are the districts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from devtools.demo.builder import Formation, Kind, ParkBuilder, Post, chinese_number, day_between, split_total

CODE = "yutai"
NAME = "鱼台经济开发区"
REGION = "山东省济宁市鱼台县"
REGION_CODE = "370827"
BIRTHPLACES = ("370827", "370800", "370400")
SURNAMES = "王张李刘孔孟颜曹高马赵"
SEED = 20200929
PUBLISHED_ON = date(2020, 9, 29)
MEMBERS = 180
STANDALONE_MEMBERS = 130  # 18 standalone branches; the 8 joint branches have the other 50

ROADS = ("工业路", "湖陵路", "鱼新路", "滨湖大道")
BRAND_CHARACTERS = "鲁泰安华恒信鑫源丰盛隆昌宏达瑞康金阳明润德海嘉新星远东圣和"
# district → (industry, name templates, firms, firms with their own branch, sizes of its joint branches)
DISTRICTS = {
    "精细化工产业园": (
        "精细化工",
        ("山东{}化工有限公司", "鱼台{}精细化工有限公司", "济宁{}化学有限公司"),
        16, 6, (4, 3, 3),
    ),
    "机电装备制造产业园": (
        "机电装备制造",
        ("鱼台{}机械制造有限公司", "山东{}电气有限公司", "山东{}矿山设备制造有限公司", "济宁{}机电设备有限公司"),
        16, 6, (4, 3, 3),
    ),
    "生物科技产业园": (
        "生物科技",
        ("山东{}生物科技有限公司", "鱼台{}药业有限公司", "济宁{}生物工程有限公司"),
        12, 6, (3, 3),
    ),
}  # fmt: skip
# 34 instructors, as published: 2 county-level and 15 section-level leaders, the rest the zone's own staff.
INSTRUCTOR_TITLES = ["县级领导干部"] * 2 + ["科级领导干部"] * 15 + ["开发区党建工作指导员"] * 17


def build(b: ParkBuilder) -> None:
    working_committee = b.organization(
        None, "鱼台经济开发区党工委", Kind.WORKING_COMMITTEE, Formation.REGIONAL, date(2006, 5, 10)
    )
    committee = b.organization(working_committee, "园区综合党委", Kind.COMMITTEE, Formation.REGIONAL, date(2016, 7, 1))
    standalone, joint = [], []
    for name, spec in DISTRICTS.items():
        own, shared = _district(b, committee, b.district(name), *spec)
        standalone += own
        joint += shared
    _rosters(b, standalone, joint)
    _instructors(b, [firm for _branch, firms in standalone + joint for firm in firms])


def _district(b: ParkBuilder, committee, district, industry, templates, count, own, joint_sizes):
    """The district's firms: the `own` biggest with a branch each, the rest in joint branches."""
    firms = []
    for _ in range(count):
        firm = b.enterprise(
            b.rng.choice(templates).format(b.brand(BRAND_CHARACTERS)),
            industry=industry,
            entered_on=day_between(b.rng, date(2003, 1, 1), date(2019, 12, 31)),
            district=district,
            address=f"鱼台经济开发区{district.name}{b.rng.choice(ROADS)}{b.rng.randint(1, 199)}号",
            employees=b.rng.randint(30, 800),
        )
        firm.output_value = Decimal(firm.employees * b.rng.randint(40, 160))
        firm.above_scale = firm.output_value >= 2000
        firms.append(firm)
    firms.sort(key=lambda firm: firm.employees, reverse=True)
    standalone = [
        (_branch(b, committee, f"{firm.name}党支部", Formation.STANDALONE, district), [firm]) for firm in firms[:own]
    ]
    rest, joint = firms[own:], []
    for n, size in enumerate(joint_sizes, start=1):
        name = f"{district.name}第{chinese_number(n)}联合党支部"
        joint.append((_branch(b, committee, name, Formation.JOINT, district), rest[:size]))
        rest = rest[size:]
    for branch, covered in standalone + joint:
        for firm in covered:
            b.cover_soon(firm, branch, within_days=30)  # by mid-2020: covered on the published date
    return standalone, joint


def _branch(b: ParkBuilder, committee, name, formation, district):
    established = day_between(b.rng, date(2016, 9, 1), date(2020, 5, 31))
    return b.organization(committee, name, Kind.BRANCH, formation, established, district=district)


def _rosters(b: ParkBuilder, standalone, joint) -> None:
    """Exactly 180 members on the report's date; nobody has transferred out, so the published figure is
    every roster of that day together."""
    standalone_counts = split_total(b.rng, STANDALONE_MEMBERS, len(standalone), 5, 11)
    joint_counts = split_total(b.rng, MEMBERS - STANDALONE_MEMBERS, len(joint), 5, 8)
    for (branch, firms), count in zip(standalone + joint, standalone_counts + joint_counts, strict=True):
        secretary = Post.OWNER if b.rng.random() < 0.4 else Post.SENIOR_MANAGER
        b.roster(branch, b.posts(count, secretary), firms=firms)


def _instructors(b: ParkBuilder, firms) -> None:
    """34 instructors for 44 firms: one each, and the first ten take a second firm."""
    instructors = [b.instructor(title) for title in INSTRUCTOR_TITLES]
    for i, firm in enumerate(firms):
        started = day_between(b.rng, date(2020, 4, 1), date(2020, 6, 30))
        b.assign(instructors[i % len(instructors)], firm, started)
