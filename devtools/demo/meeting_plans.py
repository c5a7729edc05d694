"""What each report says about meetings and matters, as the demo writes it (see devtools/demo/meetings.py).

- Dehua: the joint conference of branches and the enterprise friendship association; six big firms'
  secretaries chair in turn; in 2019 twelve monthly dual-joint meetings, two special sessions and eight
  quarterly forums and heart-to-heart talks (22 meetings, "20多场次") resolved 83 matters ("80多个").
- Yutai: the "four ones" — monthly party-building meeting, quarterly inspection, half-year summary
  around 1 July, year-end duty appraisal; the red proxy service collected 61 requests in 2020 and had
  solved 57 when the report appeared (2020-09-29).
- Quanzhou: the textile-and-footwear chain alliance founded on 2023-06-20 by 18 firms, five of which
  lead in turn, a quarter each.
- Kaihua: branch meetings, and the secretaries' duty reports and appraisal (述职评议) every December.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from devtools.demo import dehua as dehua_spec
from devtools.demo import kaihua as kaihua_spec
from devtools.demo import quanzhou as quanzhou_spec
from devtools.demo import yutai as yutai_spec
from devtools.demo.builder import Kind, split_total
from devtools.demo.meetings import QUARTERS, RECENT_MONTHS, MeetingPlanner, short_name, weekday_on_or_after
from enterprises.models import Enterprise
from meetings.models import ChairTerm, JointBody, Matter, MeetingKind, Period, RotationSeat
from meetings.selectors import add_months
from meetings.services import GuestLine, chair_on, chair_schedule_generate
from parkparty.dates import local_datetime

MK = MeetingKind
Category = Matter.Category
RESOLVED, IN_PROGRESS, OPEN = Matter.Status.RESOLVED, Matter.Status.IN_PROGRESS, Matter.Status.OPEN


def years_until(today: date, *, first: int) -> range:
    """first … next year: the rotating chair's schedule runs a year ahead."""
    return range(first, today.year + 2)


def recent_months(m: MeetingPlanner) -> list[date]:
    """The months of the stretch up to today (not those up to the report's date)."""
    start = add_months(m.today.replace(day=1), 1 - RECENT_MONTHS)
    return [month for month in m.months if month >= start]


def fill(rng, firm: Enterprise | None, other: Enterprise | None, *templates: str) -> list[str]:
    """The templates of one matter (title, resolution) filled with the same firms and figures."""
    values = {
        "firm": short_name(firm) if firm else "",
        "other": short_name(other) if other else "",
        "n": rng.randint(3, 30),
        "amount": rng.choice((50, 80, 100, 120, 150, 200, 300, 500)),
        "months": rng.randint(2, 6),
        "days": rng.randint(5, 20),
    }
    return [template.format(**values) for template in templates]


# --- Dehua: the dual-joint mechanism ------------------------------------------------------------------

DEHUA_ESTABLISHED = date(2018, 12, 26)
DEHUA_MATTERS_2019 = 83
# 83 matters of 2019 by category: labour disputes, lending between firms and recruitment lead, as the report says.
DEHUA_CATEGORIES = {
    Category.LABOUR_DISPUTE: 16,
    Category.FINANCING: 14,
    Category.RECRUITMENT: 18,
    Category.ORDERS: 12,
    Category.LIVELIHOOD: 11,
    Category.POLICY: 7,
    Category.OTHER: 5,
}
DEHUA_MATTERS = {
    Category.LABOUR_DISPUTE: (
        (
            "{firm}与{n}名员工计件工资结算纠纷",
            "双联工作会议约请双方面谈，核对计件台账后补发差额，{days}天内结清，员工撤回投诉。",
        ),
        ("{firm}员工工伤赔偿争议", "企业联谊会协调企业与员工家属协商，依法足额赔付，签订调解协议。"),
        ("{firm}节前拖欠{n}名临时工工资", "轮值主席单位牵头督促企业筹款，工资已全部发放到位。"),
        ("{firm}与离职员工加班费争议", "党支部书记上门调解，企业按规定补发加班费，双方达成和解。"),
        ("{firm}劳动合同续签争议", "协调县劳动监察部门上门指导，企业与员工规范续签劳动合同。"),
    ),
    Category.FINANCING: (
        (
            "{firm}流动资金周转困难，申请企业间拆借",
            "经双联工作会议协调，{other}拆借{amount}万元，约定{months}个月内归还，资金已到账。",
        ),
        ("{firm}厂房抵押贷款手续办理慢", "园区统一收集资料、统一申报，协调银行以抵押方式发放贷款{amount}万元。"),
        ("{firm}原料款缺口{amount}万元", "组织{other}等企业互相担保、联保，协调金融机构放款{amount}万元。"),
        ("{firm}银行贷款到期续贷困难", "园区党委协调贷款银行办理无还本续贷，企业资金链稳定。"),
    ),
    Category.RECRUITMENT: (
        (
            "{firm}节后返岗用工缺口{n}人",
            "联谊会企业间调剂熟练工{n}名到{firm}帮工，并联合陶瓷职业技术学校组织专场招聘。",
        ),
        ("{firm}彩绘、修坯技工短缺", "联合陶瓷职业技术学校开办定向培训班，{n}名学员结业后到岗。"),
        ("{firm}淡季富余员工{n}人", "调剂到订单饱满的{other}帮工，工资由用工企业发放，旺季返岗。"),
        ("{firm}招聘电商运营人员难", "电子商务创业园党支部对接电子商务协会，推荐{n}名人员到岗。"),
    ),
    Category.ORDERS: (
        ("{firm}订单集中、产能不足，交货期紧", "联谊会将部分订单二次发单给{other}等企业共同赶工，保质保量如期交货。"),
        ("{firm}窑炉检修期间订单无法完成", "协调{other}代为烧制，按期交货。"),
        ("{firm}外销订单减少、产能闲置", "在双联工作会议上对接{other}的外发订单，承接{n}万件。"),
    ),
    Category.LIVELIHOOD: (
        ("{firm}职工子女就近入学难", "双联工作会议汇总意见后向县教育局反映，协调{n}名职工子女就近入读城东片区学校。"),
        ("城东片区公交班次少，{firm}职工上下班不便", "向县交通运输部门反映，公交公司增开城东新区线路并增设站点。"),
        ("{firm}职工就医不便", "协调县医院在城东新区开设巡回诊疗点，每周两次。"),
        ("{firm}外来务工人员租房难", "向县住建部门反映，城东务工人员保障性住房项目纳入建设计划。"),
    ),
    Category.POLICY: (
        ("{firm}咨询党组织工作经费税前列支政策", "协调税务部门上门讲解政策，企业按规定列支党建工作经费。"),
        ("{firm}技改补助政策咨询", "园区党委安排专人统一申报、统一收集资料，企业按期完成申报。"),
    ),
    Category.OTHER: (
        ("{firm}厂房建设办证难", "园区安排专人统一申报、统一收集资料、统一办理证件，{days}天内办结。"),
        ("{firm}与{other}厂区道路共用纠纷", "双联工作会议协调两家企业协商，签订道路共用和维护协议。"),
        ("{firm}污水管网接驳问题", "协调住建部门完成管网接驳，企业恢复正常排放。"),
    ),
}
# Still open: raised at the latest joint meetings, and one during an instructor's visit.
DEHUA_OPEN = (
    (Category.RECRUITMENT, "{firm}旺季用工缺口{n}人", IN_PROGRESS),
    (Category.FINANCING, "{firm}申请企业互助资金周转", OPEN),
    (Category.LIVELIHOOD, "{firm}职工申请保障性住房", IN_PROGRESS),
)


def dehua(m: MeetingPlanner) -> None:
    chair_firms = [m.enterprise_named(name) for name in dehua_spec.CHAIR_FIRMS]
    chair_branches = {firm.pk: m.organization_named(f"{firm.name}党支部") for firm in chair_firms}
    centre = m.venue("城东新区党建共享活动平台", capacity=150, address="德化县城东新区瓷都大道")
    m.venue("城东新区党员职工之家", capacity=60, address="德化县城东新区城东大道")
    firm_venues = {
        chair_firms[0].pk: m.venue(
            f"{short_name(chair_firms[0])}多功能会议室",
            owner=chair_firms[0],
            capacity=80,
            address=chair_firms[0].address,
        ),
        chair_firms[1].pk: m.venue(
            f"{short_name(chair_firms[1])}党员活动室", owner=chair_firms[1], capacity=40, address=chair_firms[1].address
        ),
    }
    branches = m.organizations(Kind.BRANCH)
    conference = JointBody.objects.create(
        park=m.park, name="城东新区党支部联席会", kind=JointBody.Kind.JOINT_CONFERENCE,
        established_on=DEHUA_ESTABLISHED, cadence=Period.MONTH,
    )  # fmt: skip
    conference.organizations.set(branches)
    association = JointBody.objects.create(
        park=m.park, name="城东新区企业联谊会", kind=JointBody.Kind.FRIENDSHIP_ASSOCIATION,
        established_on=DEHUA_ESTABLISHED, cadence=Period.MONTH,
    )  # fmt: skip
    members_now = [firm for firm in m.builder.enterprises if firm.left_on is None]
    association.enterprises.set(members_now)
    RotationSeat.objects.bulk_create(
        RotationSeat(joint_body=conference, position=i, enterprise=firm) for i, firm in enumerate(chair_firms, 1)
    )
    for year in years_until(m.today, first=2019):
        chair_schedule_generate(joint_body=conference, year=year, actor=None)

    committee = m.organization_named("城东工业园区党委")
    hosts = {
        "committee": committee.secretary.name,
        "president": m.person("联谊会会长"),
    }

    def joint(day: date, topic: str, *, kind=MK.JOINT_MEETING, matters=0, hour=15, talk=False):
        rng = m.rng("joint", day)
        term = chair_on(conference, day)
        branch = chair_branches[term.enterprise_id]
        others = [
            o for o in branches if o.established_on <= day and o.pk not in {b.pk for b in chair_branches.values()}
        ]
        invited = [*chair_branches.values(), *rng.sample(others, min(len(others), rng.randint(10, 16)))]
        people = m.secretaries(sorted(invited, key=lambda o: o.path), day)
        if talk:  # 党员群众主题谈心会: the chair branch's members too
            people += [p for p in m.roster(branch, day) if p not in people]
        firms = [firm for firm in m.builder.enterprises if m.in_park(firm, day)]
        owners = rng.sample(firms, rng.randint(6, 10) if kind == MK.FORUM and not talk else rng.randint(2, 4))
        guests = [
            GuestLine(hosts["president"], "城东新区企业联谊会会长"),
            GuestLine(hosts["committee"], "城东工业园区党委书记"),
            *(
                GuestLine(m.person("guest", day, firm.name), "职工代表" if talk else "企业业主", firm.pk)
                for firm in owners
            ),
        ]
        chair = branch.secretary
        recorder = next(p for p in m.roster(branch, day) if p is not chair)
        attendance = m.attend(people, day, rng, presence=0.9)
        present = sum(1 for line in attendance if line.status == "present")
        raised = f"会上收集企业和职工提出的问题{matters}个，逐一明确牵头单位和办结时限。" if matters else ""
        minutes = (
            f"党支部联席会与企业联谊会“两会合一”，轮值主席{chair.name}主持。应到{len(attendance)}人，"
            f"实到{present}人，列席{len(guests)}人。{raised}"
        )
        decisions = "问题由轮值主席单位牵头、园区党委跟踪督办，下次会议通报办理结果。" if matters else ""
        return m.meeting(
            joint_body=conference, kind=kind, at=local_datetime(day, hour), topic=topic, chair=chair,
            recorder=recorder, venue=firm_venues.get(term.enterprise_id, centre), attendance=attendance,
            guests=guests, minutes=minutes, decisions=decisions, through_service=True,
        )  # fmt: skip

    def monthly_topic(day: date) -> str:
        firm = next(f for f in chair_firms if f.pk == chair_on(conference, day).enterprise_id)
        return f"{day.year}年{day.month}月双联工作会议（轮值主席：{short_name(firm)}）"

    # 2019: 12 monthly meetings and two special sessions raise the 83 matters; 8 forums and talks.
    rng = m.rng("dehua 2019")
    special = {
        2: (date(2019, 2, 13), "春节后复工用工协调专题会议", 6),
        11: (date(2019, 11, 12), "秋季广交会订单调剂专题会议", 5),
    }
    monthly_counts = split_total(rng, DEHUA_MATTERS_2019 - sum(n for *_x, n in special.values()), 12, 4, 8)
    raised_at = []
    for month in range(1, 13):
        day = weekday_on_or_after(date(2019, month, rng.randint(8, 16)))
        raised_at.append((joint(day, monthly_topic(day), matters=monthly_counts[month - 1]), monthly_counts[month - 1]))
        if month in special:
            day, topic, n = special[month]
            raised_at.append((joint(day, f"{day.year}年{topic}", matters=n), n))
        if month % 3 == 2:
            day = weekday_on_or_after(date(2019, month, rng.randint(20, 25)))
            joint(day, f"2019年第{QUARTERS[(month - 1) // 3]}季度党支部与企业联谊会恳谈会", kind=MK.FORUM, hour=19)
        if month % 3 == 0:
            day = weekday_on_or_after(date(2019, month, rng.randint(4, 10)))
            joint(day, f"2019年第{QUARTERS[(month - 1) // 3]}季度党员群众主题谈心会", kind=MK.FORUM, hour=19, talk=True)

    # Today: the monthly meetings of the last 18 months and next month's, planned; a forum a quarter.
    recent = []
    for month in [*recent_months(m), add_months(m.today.replace(day=1), 1)]:
        rng = m.rng("dehua recent", month)
        day = weekday_on_or_after(month.replace(day=rng.randint(8, 16)))
        n = rng.randint(1, 3)
        recent.append((joint(day, monthly_topic(day), matters=n), n))
        if month.month % 3 == 2 and month <= m.today:
            day = weekday_on_or_after(month.replace(day=rng.randint(20, 25)))
            quarter = QUARTERS[(month.month - 1) // 3]
            joint(day, f"{day.year}年第{quarter}季度党支部与企业联谊会恳谈会", kind=MK.FORUM, hour=19)

    secretary_branch = m.organization_named(dehua_spec.SECRETARY_BRANCH)
    m.branch_meetings(branches, through_service=[secretary_branch])
    m.save()

    _dehua_matters_2019(m, raised_at, chair_firms)
    _dehua_recent_matters(m, [(meeting, n) for meeting, n in recent if meeting.held_at], chair_firms)


def _dehua_matters_2019(m: MeetingPlanner, raised_at, chair_firms) -> None:
    rng = m.rng("dehua matters 2019")
    deck = [category for category, n in DEHUA_CATEGORIES.items() for _ in range(n)]
    special = {"春节后": Category.RECRUITMENT, "广交会": Category.ORDERS}
    for meeting, n in raised_at:
        theme = next((category for word, category in special.items() if word in meeting.topic), None)
        for _ in range(n):
            category = theme if theme in deck else rng.choice(deck)
            deck.remove(category)
            # "2019年以来……协调解决……80多个" as of the end of 2019: resolved within the year.
            _dehua_matter(m, rng, meeting, category, chair_firms, resolved_by=dehua_spec.AS_OF)
    assert not deck


def _dehua_matter(m, rng, meeting, category, chair_firms, *, status=RESOLVED, title=None, resolved_by=None):
    """A matter raised at a joint meeting (or, without one, during an instructor's visit last week),
    resolved within weeks, and by `resolved_by` at the latest (else by today)."""
    day = timezone.localtime(meeting.held_at).date() if meeting else m.today - timedelta(days=9)
    resolved = status == RESOLVED
    firms = [firm for firm in m.builder.enterprises if m.in_park(firm, day)]
    firm, other = rng.sample(firms, 2)
    if category in (Category.ORDERS, Category.FINANCING):
        other = rng.choice([f for f in chair_firms if f is not firm])  # the big firms lend and hand on orders
    template, resolution = rng.choice(DEHUA_MATTERS[category])
    title, resolution = fill(rng, firm, other, title or template, resolution)
    done = min(day + timedelta(days=rng.randint(3, 35)), resolved_by or m.today)
    return m.matter(
        source=Matter.Source.MEETING if meeting else Matter.Source.VISIT,
        meeting=meeting,
        organization=m.covering(firm, day),
        enterprise=firm,
        category=category,
        title=title[:200],
        raised_on=day,
        assignee=rng.choice(("城东工业园区党委", "城东新区企业联谊会", "轮值主席单位")),
        due_on=day + timedelta(days=30),
        status=status,
        resolution=resolution if resolved else "",
        resolved_on=done if resolved else None,
    )


def _dehua_recent_matters(m: MeetingPlanner, held, chair_firms) -> None:
    """Matters of the recent joint meetings, resolved within weeks; those of the last two meetings and one
    from a visit are still being worked on."""
    rng = m.rng("dehua matters recent")
    categories = list(DEHUA_CATEGORIES)
    for meeting, count in held[:-2]:
        for _ in range(count):
            _dehua_matter(m, rng, meeting, rng.choice(categories), chair_firms)
    last_two = [meeting for meeting, _count in held[-2:]]
    for meeting, (category, title, status) in zip([*last_two, last_two[-1]], DEHUA_OPEN, strict=True):
        _dehua_matter(m, rng, meeting, category, chair_firms, title=title, status=status)
    _dehua_matter(m, rng, None, Category.OTHER, chair_firms, title="{firm}新建厂房消防验收进度慢", status=OPEN)


# --- Yutai: the four ones and the red proxy service --------------------------------------------------

YUTAI_RAISED, YUTAI_RESOLVED = 61, 57
YUTAI_CATEGORIES = {
    Category.POLICY: 20,
    Category.OTHER: 10,
    Category.FINANCING: 9,
    Category.RECRUITMENT: 9,
    Category.LIVELIHOOD: 6,
    Category.ORDERS: 4,
    Category.LABOUR_DISPUTE: 3,
}
# The four still open on the report's date.
YUTAI_OPEN = ((Category.POLICY, IN_PROGRESS), (Category.FINANCING, IN_PROGRESS), (Category.RECRUITMENT, OPEN),
              (Category.OTHER, OPEN))  # fmt: skip
YUTAI_MATTERS = {
    Category.POLICY: (
        ("{firm}申报高新技术企业认定", "上门代办：党建指导员协助整理申报材料，已通过受理。"),
        ("{firm}咨询疫情期间社保费减免政策", "窗口帮办：对照惠企政策清单逐项讲解，企业已享受减免。"),
        ("{firm}申请稳岗返还", "上门代办：协助准备材料并提交人社部门，返还资金已到账。"),
        ("{firm}技术改造项目申报", "组团联办：联合发改、工信部门上门指导，项目已申报入库。"),
        ("{firm}研发费用加计扣除政策咨询", "组团联办：协调税务部门上门辅导，企业完成申报。"),
    ),
    Category.OTHER: (
        ("{firm}复工复产备案", "上门代办：党建指导员代为办理复工备案，企业按期复工。"),
        ("{firm}工商登记变更", "窗口帮办：指导员陪同到政务服务大厅办理，当天办结。"),
        ("{firm}环评手续办理", "组团联办：协调生态环境部门提前介入指导，手续已办结。"),
        ("{firm}厂区门前道路破损", "协调开发区建设部门修复道路。"),
    ),
    Category.FINANCING: (
        ("{firm}复工复产流动资金紧张", "对接青隆村镇银行，发放贷款{amount}万元。"),
        ("{firm}申请创业担保贷款贴息", "上门代办：协助提交贴息申请，贴息资金已拨付。"),
        ("{firm}设备融资租赁对接", "组团联办：对接融资租赁公司，完成设备融资{amount}万元。"),
    ),
    Category.RECRUITMENT: (
        ("{firm}复工后用工缺口{n}人", "联合人社部门举办线上招聘会，招到{n}人。"),
        ("{firm}招聘技术工人难", "对接县职业中专开展订单式培养，首批{n}人到岗。"),
        ("{firm}高校毕业生招聘", "组织企业参加高校毕业生线上双选会，签约{n}人。"),
    ),
    Category.LIVELIHOOD: (
        ("{firm}职工子女入学", "协调教育部门落实职工子女就近入学。"),
        ("{firm}职工上下班交通不便", "协调公交公司增开开发区线路班次。"),
    ),
    Category.ORDERS: (("{firm}产品销路受疫情影响", "推介企业参加线上产销对接会，签订订单{amount}万元。"),),
    Category.LABOUR_DISPUTE: (("{firm}员工工资发放纠纷", "党建指导员上门调解，企业按约定发放工资，双方达成一致。"),),
}
YUTAI_FIRST_REQUEST = date(2020, 2, 3)  # back at work after the Spring Festival and the outbreak


def yutai(m: MeetingPlanner) -> None:
    firms = sorted(m.builder.enterprises, key=lambda firm: -firm.employees)
    centre = m.venue("鱼台经济开发区党群服务中心", capacity=150, address="鱼台经济开发区湖陵路")
    m.venue("园区党员教育中心", capacity=60, address="鱼台经济开发区党群服务中心二楼")
    m.venue(f"{short_name(firms[0])}党员活动室", owner=firms[0], capacity=40, address=firms[0].address)
    working_committee = m.organization_named("鱼台经济开发区党工委")
    branches = m.organizations(Kind.BRANCH)

    def park_meeting(kind, day: date, topic: str, hour=9):
        rng = m.rng("four ones", kind, day)
        people = m.secretaries([b for b in branches if b.established_on <= day], day)
        m.meeting(
            host=working_committee, kind=kind, at=local_datetime(day, hour), topic=topic, venue=centre,
            attendance=m.attend(people, day, rng, presence=0.93), through_service=True,
            minutes=f"党工委召开{topic}，园区各党支部书记参加。",
        )  # fmt: skip

    for month in [*m.months, add_months(m.today.replace(day=1), 1)]:
        rng = m.rng("four ones", month)
        quarter = QUARTERS[(month.month - 1) // 3]
        day = weekday_on_or_after(month.replace(day=rng.randint(3, 8)))
        park_meeting(
            MK.PARK_MONTHLY, day, f"{month.year}年{month.month}月园区党建工作例会：梳理月工作清单，部署当月工作"
        )
        if month.month % 3 == 0:
            day = weekday_on_or_after(month.replace(day=rng.randint(18, 24)))
            park_meeting(
                MK.INSPECTION, day, f"{month.year}年第{quarter}季度园区党建工作巡查通报及星级动态调整", hour=14
            )
        if month.month == 6:
            day = weekday_on_or_after(date(month.year, 6, 28))
            park_meeting(MK.HALF_YEAR_SUMMARY, day, f"{month.year}年上半年园区党建工作会议暨“七一”表彰")
        if month.month == 12:
            day = weekday_on_or_after(month.replace(day=rng.randint(22, 26)))
            park_meeting(MK.DUTY_APPRAISAL, day, f"{month.year}年度园区党组织书记抓基层党建工作述职评议会", hour=14)
    m.branch_meetings(branches, through_service=branches[:1])
    m.save()
    _red_proxy(m)


def _red_proxy(m: MeetingPlanner) -> None:
    """61 requests collected by the instructors in 2020 up to the report's date; 57 solved by then."""
    rng = m.rng("red proxy")
    instructor_of = {assignment.enterprise.pk: assignment.instructor for assignment in m.builder.assignments}
    deck = [category for category, n in YUTAI_CATEGORIES.items() for _ in range(n)]
    rng.shuffle(deck)
    still_open = list(YUTAI_OPEN)
    for category, _status in still_open:
        deck.remove(category)
    span = (yutai_spec.PUBLISHED_ON - YUTAI_FIRST_REQUEST).days
    raised = sorted(YUTAI_FIRST_REQUEST + timedelta(days=rng.randint(0, span - 30)) for _ in deck)
    plans = [(category, day, RESOLVED) for category, day in zip(deck, raised, strict=True)]
    plans += [(category, yutai_spec.PUBLISHED_ON - timedelta(days=rng.randint(3, 25)), status)
              for category, status in still_open]  # fmt: skip
    for category, day, status in plans:
        firm = rng.choice(m.builder.enterprises)
        title, resolution = fill(rng, firm, None, *rng.choice(YUTAI_MATTERS[category]))
        resolved = status == RESOLVED
        instructor = instructor_of.get(firm.pk)
        m.matter(
            source=Matter.Source.RED_PROXY,
            organization=m.covering(firm, day),
            enterprise=firm,
            category=category,
            title=title,
            description=f"“红色代办”服务收集：{rng.choice(('上门走访', '企业来电', '窗口受理', '指导员走访'))}。",
            raised_on=day,
            assignee=f"党建指导员{instructor.name}" if instructor else "开发区党工委组织部",
            due_on=day + timedelta(days=30),
            status=status,
            resolution=resolution if resolved else "",
            resolved_on=min(day + timedelta(days=rng.randint(2, 30)), yutai_spec.PUBLISHED_ON) if resolved else None,
        )


# --- Quanzhou: the textile-and-footwear chain alliance -----------------------------------------------

ALLIANCE_FOUNDED = date(2023, 6, 20)
QUANZHOU_TWO_NEW = "泉州开发区“两新”组织党委"
ALLIANCE_LEADS = ("九牧王", "特步", "泰亚", "太阳海", "盛克")
ALLIANCE_FIRMS = 18
CHAIN_INDUSTRIES = ("纺织鞋服", "鞋业")
ALLIANCE_THEMES = (
    "上下游订单对接",
    "产业链人才共育",
    "党建品牌交流",
    "原辅材料集中采购",
    "抱团开拓海外市场",
    "智能制造经验分享",
    "党员技术攻关成果交流",
)
ALLIANCE_MATTERS = (
    (Category.ORDERS, "{firm}面料供应商交期不稳", "联盟内对接{other}等上游企业，签订稳定供货协议。"),
    (Category.RECRUITMENT, "{firm}缝制工旺季缺口{n}人", "联盟企业间调剂员工{n}名，旺季后返岗。"),
    (Category.ORDERS, "{firm}外贸订单产能不足", "轮值企业{other}承接部分订单，按期交货。"),
    (Category.POLICY, "{firm}咨询智能化改造补助政策", "两新组织党委联系工信部门上门讲解，企业完成申报。"),
    (Category.OTHER, "{firm}鞋底模具共享需求", "联盟建立模具共享清单，{other}开放模具{n}套。"),
)


def quanzhou(m: MeetingPlanner) -> None:
    leads = [next(f for f in m.builder.enterprises if brand in f.name) for brand in ALLIANCE_LEADS]
    others = _alliance_others(m, leads)
    centre = m.venue("泉州开发区“党建+”邻里中心", capacity=200, address="泉州开发区清濛园区")
    lead_venues = {
        leads[0].pk: m.venue("九牧王党群服务中心", owner=leads[0], capacity=120, address=leads[0].address),
        leads[1].pk: m.venue("特步党建活动中心", owner=leads[1], capacity=80, address=leads[1].address),
    }
    organizations = []
    for firm in leads + others:
        organization = m.covering(firm, ALLIANCE_FOUNDED)
        if organization not in organizations:
            organizations.append(organization)
    alliance = JointBody.objects.create(
        park=m.park, name="纺织鞋服产业链党建联盟", kind=JointBody.Kind.CHAIN_ALLIANCE,
        established_on=ALLIANCE_FOUNDED, cadence=Period.QUARTER,
    )  # fmt: skip
    alliance.organizations.set(organizations)
    alliance.enterprises.set(leads + others)
    RotationSeat.objects.bulk_create(
        RotationSeat(joint_body=alliance, position=i, enterprise=firm) for i, firm in enumerate(leads, 1)
    )
    # The founding year's schedule starts with the alliance (chair_schedule_generate would fill the
    # whole of 2023, from January); the following years carry on from it through the service.
    ChairTerm.objects.bulk_create(
        [ChairTerm(joint_body=alliance, starts_on=date(2023, 7, 1), enterprise=leads[0]),
         ChairTerm(joint_body=alliance, starts_on=date(2023, 10, 1), enterprise=leads[1])]
    )  # fmt: skip
    for year in years_until(m.today, first=2024):
        chair_schedule_generate(joint_body=alliance, year=year, actor=None)

    two_new = m.organization_named(QUANZHOU_TWO_NEW)
    liaison = m.person("两新组织党委")

    def alliance_meeting(day: date, topic: str, lead: Enterprise):
        rng = m.rng("alliance", day)
        chair = m.covering(lead, day).secretary
        people = m.secretaries(organizations, day)
        guests = [GuestLine(liaison, f"{two_new.name}专职副书记")]
        return m.meeting(
            joint_body=alliance, kind=MK.JOINT_MEETING, at=local_datetime(day, 14), topic=topic, chair=chair,
            venue=lead_venues.get(lead.pk, centre), attendance=m.attend(people, day, rng, presence=0.9),
            guests=guests, through_service=True,
            minutes=f"轮值企业{short_name(lead)}党组织书记{chair.name}主持，联盟成员企业党组织书记参加。",
        )  # fmt: skip

    held = [alliance_meeting(ALLIANCE_FOUNDED, "纺织鞋服产业链党建联盟成立大会", leads[0])]
    quarter = date(2023, 7, 1)
    last = add_months(m.today.replace(day=1), 3)
    while quarter <= last:
        rng = m.rng("alliance quarter", quarter)
        day = weekday_on_or_after(add_months(quarter, 1).replace(day=rng.randint(10, 18)))
        lead = next(f for f in leads if f.pk == chair_on(alliance, day).enterprise_id)
        number = QUARTERS[(quarter.month - 1) // 3]
        topic = f"{quarter.year}年第{number}季度联盟轮值活动（轮值：{short_name(lead)}）：{rng.choice(ALLIANCE_THEMES)}"
        held.append(alliance_meeting(day, topic, lead))
        quarter = add_months(quarter, 3)

    hosts = m.organizations(Kind.BRANCH, Kind.GROUP, Kind.GENERAL_BRANCH, Kind.DISTRICT_STATION)
    sample = [m.covering(leads[4], ALLIANCE_FOUNDED)]  # 盛克党支部
    m.branch_meetings(hosts, through_service=sample)
    m.save()

    rng = m.rng("alliance matters")
    for meeting, (category, title, resolution) in zip(held[1:], ALLIANCE_MATTERS, strict=False):
        day = timezone.localtime(meeting.held_at).date()
        firm = rng.choice(others)
        other = rng.choice(leads)
        title, resolution = fill(rng, firm, other, title, resolution)
        m.matter(
            source=Matter.Source.MEETING, meeting=meeting, organization=m.covering(firm, day), enterprise=firm,
            category=category, title=title, raised_on=day, assignee="联盟轮值企业",
            status=RESOLVED, resolution=resolution,
            resolved_on=day + timedelta(days=rng.randint(7, 40)),
        )  # fmt: skip


def _alliance_others(m: MeetingPlanner, leads) -> list[Enterprise]:
    """13 more firms of the chain: those with an organization of their own first, then joint-branch ones."""
    lead_ids = {firm.pk for firm in leads}
    chain = sorted(
        (f for f in m.builder.enterprises if f.industry in CHAIN_INDUSTRIES and f.pk not in lead_ids),
        key=lambda firm: firm.name,
    )
    covered = [(firm, m.covering(firm, ALLIANCE_FOUNDED)) for firm in chain]
    own = [firm for firm, organization in covered if organization and organization.formation == "standalone"]
    shared = [firm for firm, organization in covered if organization and organization.formation != "standalone"]
    rng = m.rng("alliance members")
    count = ALLIANCE_FIRMS - len(leads)
    picked = rng.sample(own, min(count, len(own)))
    picked += rng.sample(shared, count - len(picked))
    return sorted(picked, key=lambda firm: firm.name)


# --- Kaihua: branch meetings and the December duty appraisal -----------------------------------------


def kaihua(m: MeetingPlanner) -> None:
    firms = sorted(m.builder.enterprises, key=lambda firm: -firm.employees)
    centre = m.venue("开化县两新组织党群服务中心", capacity=120, address="开化县芹阳办事处江滨路")
    m.venue(f"{short_name(firms[0])}会议室", owner=firms[0], capacity=60, address=firms[0].address)
    working_committee = m.organization_named("中共开化县委两新工委")
    hosts = m.organizations(Kind.BRANCH, Kind.GENERAL_BRANCH)
    years = sorted({month.year for month in m.months if month.month == 12} | {m.today.year})
    for year in years:
        day = weekday_on_or_after(date(year, 12, 18))
        rng = m.rng("duty appraisal", year)
        people = m.secretaries([o for o in hosts if o.established_on <= day], day)
        m.meeting(
            host=working_committee, kind=MK.DUTY_APPRAISAL, at=local_datetime(day, 9), venue=centre,
            topic=f"{year}年度两新组织党组织书记抓党建述职评议会（双述双评）",
            attendance=m.attend(people, day, rng, presence=0.94), through_service=True,
            minutes="各党组织书记现场述职，两新工委委员和企业职工代表评议打分，结果与星级评定、书记津贴挂钩。",
        )  # fmt: skip
    branches = [o for o in hosts if o.kind == Kind.BRANCH]
    m.branch_meetings(hosts, through_service=branches[:1])
    m.save()


PLANS = {
    dehua_spec.CODE: dehua,
    yutai_spec.CODE: yutai,
    quanzhou_spec.CODE: quanzhou,
    kaihua_spec.CODE: kaihua,
}


def plan(spec, builder, *, reference_date: date):
    """Write the park's meetings, joint bodies and matters; returns what was written."""
    planner = MeetingPlanner(spec, builder, reference_date=reference_date)
    PLANS[spec.CODE](planner)
    return planner.written
