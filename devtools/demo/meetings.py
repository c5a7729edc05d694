"""Meetings, venues, joint bodies and matters of a demo park: what `load_park` writes after the ledger.

Every park gets the default meeting rules, a few venues, and its branches' and groups' meetings
(三会一课, 主题党日, …) over two stretches: the 12 months up to the report's reference date, so that the
report's year reads as it was, and the 18 months up to today, so that the compliance table and the
overdue list show something now (with the current quarter, half year and the whole of last year). Most organizations meet as the rules require; a minority miss some (about one
requirement in seven), a few meet more often than required. The park's plan in
`devtools/demo/meeting_plans.py` adds what its report describes (joint bodies, park-level meetings,
matters).

Randomness: every (organization, kind, window) draws from its own generator, seeded by the park's seed,
the organization's name and the window, so a month's meetings are the same whichever day the demo is
loaded on; loading later only adds the months that have passed since.

Writing: thousands of meetings through `meeting_save` one at a time cost a dozen queries each, about a
minute for the four parks. So a sample goes through the services (`meeting_save`, then
`meeting_confirm` for confirmed minutes): every park-level and joint meeting, and one branch's last half
year per park. The rest is checked row by row against the rules `meeting_save` enforces (`_errors`:
the service's own `meeting_errors`, given the host's members asked once per host, and the model's field
checks) and written with one bulk insert per table, meetings together with their history rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from activities.models import Venue
from devtools.demo.builder import BATCH_SIZE, CHANGE_REASON, COMMON_SURNAMES, GIVEN_NAME_CHARACTERS, ParkBuilder
from enterprises.models import Enterprise
from meetings.models import Attendance, Guest, Matter, Meeting, MeetingKind, MeetingRule
from meetings.selectors import add_months, window_containing
from meetings.services import (
    AttendanceLine,
    GuestLine,
    eligible_members,
    matter_save,
    meeting_confirm,
    meeting_errors,
    meeting_save,
    rules_install_defaults,
)
from organizations.models import Organization, PartyMember
from parkparty.dates import local_datetime

Kind = Organization.Kind
MK = MeetingKind

# Months of branch meetings up to the report's date and up to today. Every month costs about 1,000
# meetings and 5,500 attendance rows over the four parks, some 0.5 s of load_demo on SQLite: 18 months
# before the report's date as well would add 3 s for little (the report's own year is in the 12).
REFERENCE_MONTHS, RECENT_MONTHS = 12, 18
ATTENDANCE_COLUMNS = ["id", "meeting_id", "member_id", "status", "reason"]
ATTENDANCE_HISTORY_COLUMNS = [
    *("id", "status", "reason", "meeting_id", "member_id"),
    *("history_id", "history_date", "history_change_reason", "history_type", "history_user_id"),
]
# Checked by the database on the bulk insert (foreign keys); the model checks every other field.
RELATIONS = [field.name for field in Meeting._meta.fields if field.is_relation]
# The sampled branch's meetings of the last half year go through `meeting_save` (see the docstring).
SAMPLE_DAYS = 183
# The attendance of meetings held in these last days gets its history rows (see _attendance_history).
HISTORY_DAYS = 183
# Minutes of a meeting held more than this many days ago have been confirmed by the park committee.
CONFIRMED_AFTER_DAYS = 40
# Organizations without rules of their own that hold their members' branch life: a general branch or a
# district station's joint branch meets as a branch does (it is not counted in the compliance table).
MEETS_AS_BRANCH = (Kind.GENERAL_BRANCH, Kind.DISTRICT_STATION)

# How diligent an organization is: (share of organizations, chance to miss a requirement, chance to
# meet once more than required, chance a member is present).
TEMPERS = ((0.60, 0.03, 0.08, 0.93), (0.28, 0.22, 0.02, 0.88), (0.12, 0.50, 0.0, 0.80))
LEAVE_REASONS = ("出差", "外出参加培训", "病假", "事假", "产假", "倒班值班")
ABSENT_REASONS = (
    "车间赶工，未能脱岗，会后补学",
    "在外地跑业务，会后补学",
    "家中有急事，会后补学",
    "夜班后休息，会后补学",
)

# Days of the month and hours each kind is usually held on.
DAYS = {
    MK.BRANCH_COMMITTEE: (2, 10),
    MK.GROUP_MEETING: (6, 20),
    MK.THEME_DAY: (12, 26),
    MK.GENERAL_ASSEMBLY: (5, 25),
    MK.PARTY_LESSON: (5, 25),
    MK.LIFE_MEETING: (8, 24),
    MK.DEMOCRATIC_APPRAISAL: (8, 24),
}
HOURS = (9, 10, 14, 15, 16, 19)
# Yearly kinds: the organizational life meeting and the democratic appraisal are held together, early
# in the year, or in December when the stretch of months does not reach back to January.
YEARLY_TOGETHER = (MK.LIFE_MEETING, MK.DEMOCRATIC_APPRAISAL)

MONTHLY_TOPICS = {
    MK.BRANCH_COMMITTEE: (
        "研究本月党建工作安排",
        "研究发展党员工作",
        "研究党费收缴和使用",
        "研究主题党日活动方案",
        "研究困难党员职工帮扶",
        "研究党员先锋岗和责任区设置",
        "研究推优入党人选",
        "研究安全生产和党员示范岗工作",
    ),
    MK.GROUP_MEETING: (
        "学习上级文件精神",
        "交流岗位履职情况",
        "讨论车间生产难题",
        "开展党员积分评议",
        "学习安全生产规程",
    ),
}
THEME_DAYS = {
    1: "走访慰问困难党员职工",
    2: "复工复产党员先锋行动",
    3: "学雷锋志愿服务",
    4: "清明缅怀革命先烈",
    5: "劳动技能比武",
    6: "重温入党誓词",
    7: "庆祝中国共产党成立{years}周年",
    8: "走访慰问退役军人职工",
    9: "安全生产月回头看",
    10: "“我和我的祖国”主题学习",
    11: "消防安全演练",
    12: "年终工作总结和党员承诺践诺",
}
LESSONS = (
    "学习《中国共产党章程》",
    "新时代产业工人的责任与担当",
    "党员在生产一线的先锋模范作用",
    "廉洁从业教育",
    "学习党的光辉历史",
    "安全生产与质量意识",
    "民营企业发展与党建引领",
)
ASSEMBLIES = (
    "通报支部工作，部署下季度任务",
    "学习党章党规，讨论支部工作",
    "讨论确定入党积极分子",
    "收缴党费，通报党费使用情况",
)
QUARTERS = "一二三四"


def person(rng: random.Random, surnames: str) -> str:
    """An invented name drawn as the ledger's are (ParkBuilder.person), from a generator of our own."""
    surname = rng.choice(surnames if rng.random() < 0.6 else COMMON_SURNAMES)
    return surname + "".join(rng.choices(GIVEN_NAME_CHARACTERS, k=2 if rng.random() < 0.75 else 1))


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def short_name(enterprise: Enterprise) -> str:
    """德化县瓷源陶瓷有限公司 → 瓷源陶瓷: what people call a firm in minutes and topics."""
    name = enterprise.name
    for prefix in ("德化县", "德化", "福建省", "福建", "山东", "鱼台", "济宁", "泉州", "浙江", "开化县", "开化"):
        name = name.removeprefix(prefix)
    for suffix in ("股份有限公司", "有限公司", "厂"):
        name = name.removesuffix(suffix)
    return name


@dataclass
class Pending:
    meeting: Meeting
    attendance: list[AttendanceLine]
    guests: list[GuestLine]
    through_service: bool


@dataclass
class Written:
    meetings: int = 0
    through_service: int = 0
    attendance: int = 0
    matters: int = 0
    venues: int = 0
    by_status: dict = field(default_factory=lambda: defaultdict(int))


class MeetingPlanner:
    """Collects one park's meetings and writes them (see the module docstring for how)."""

    def __init__(self, spec, builder: ParkBuilder, *, reference_date: date, today: date | None = None) -> None:
        self.spec = spec
        self.builder = builder
        self.park = builder.park
        self.now = timezone.now()
        self.recent_since = self.now - timedelta(days=HISTORY_DAYS)
        self.today = today or timezone.localdate()
        self.reference_date = reference_date
        self.months = self._months()
        self.pending: list[Pending] = []
        self.written = Written()
        self._eligible: dict[tuple, set[int]] = {}
        self._rosters = self._subtree_rosters()
        self.venues: dict[str, Venue] = {}
        self._shared_venues: list[Venue] = []
        self._own_venues: list[tuple[str, Venue]] = []
        rules_install_defaults(park=self.park)

    # --- randomness and calendars ----------------------------------------------------------------------

    def rng(self, *parts) -> random.Random:
        """A generator of its own for each purpose: what one draws does not shift another's draws."""
        return random.Random(":".join(str(part) for part in (self.spec.SEED, *parts)))

    def _months(self) -> list[date]:
        """First days of the months of the two stretches: up to the reference month and up to this month."""
        months = set()
        for last, count in (
            (self.reference_date.replace(day=1), REFERENCE_MONTHS),
            (self.today.replace(day=1), RECENT_MONTHS),
        ):
            months.update(add_months(last, -i) for i in range(count))
        return sorted(months)

    def person(self, *parts) -> str:
        return person(self.rng("person", *parts), self.spec.SURNAMES)

    # --- who is there ------------------------------------------------------------------------------------

    def _subtree_rosters(self) -> dict[int, list[PartyMember]]:
        """Each organization's members and its descendants' (roster order: the secretary first), without
        those transferred out: the same people `eligible_members` allows, taken from the builder."""
        direct = defaultdict(list)
        for member in self.builder.members:
            if member.status != PartyMember.Status.TRANSFERRED_OUT:
                direct[member.organization.pk].append(member)
        organizations = sorted(self.builder.organizations, key=lambda organization: organization.path)
        return {
            organization.pk: [
                member
                for other in organizations
                if other.path.startswith(organization.path)
                for member in direct[other.pk]
            ]
            for organization in organizations
        }

    def roster(self, organization: Organization, on: date | None = None, *, own=False) -> list[PartyMember]:
        """Members of the organization's subtree who had joined by `on`; `own`: only its own roster."""
        members = self._rosters.get(organization.pk, [])
        if own:
            members = [member for member in members if member.organization_id == organization.pk]
        return [member for member in members if on is None or member.joined_on <= on]

    def secretaries(self, organizations, on: date) -> list[PartyMember]:
        return [
            organization.secretary
            for organization in organizations
            if organization.secretary is not None and organization.secretary.joined_on <= on
        ]

    def organizations(self, *kinds) -> list[Organization]:
        return [organization for organization in self.builder.organizations if organization.kind in kinds]

    def organization_named(self, name: str) -> Organization:
        return next(organization for organization in self.builder.organizations if organization.name == name)

    def enterprise_named(self, name: str) -> Enterprise:
        return next(enterprise for enterprise in self.builder.enterprises if enterprise.name == name)

    def covering(self, enterprise: Enterprise, on: date) -> Organization | None:
        """The organization covering a firm on a day, from the builder's coverage rows."""
        for coverage in self.builder.coverages:
            if (
                coverage.enterprise is enterprise
                and coverage.started_on <= on
                and (coverage.ended_on is None or coverage.ended_on > on)
            ):
                return coverage.organization
        return None

    def in_park(self, enterprise: Enterprise, on: date) -> bool:
        return enterprise.entered_on <= on and (enterprise.left_on is None or enterprise.left_on > on)

    def attend(self, members, on: date, rng: random.Random, presence: float = 0.92) -> list[AttendanceLine]:
        """Mostly present; some on leave, a few absent, each with a reason."""
        lines = []
        for member in members:
            if member.joined_on > on:
                continue
            draw = rng.random()
            if draw < presence:
                lines.append(AttendanceLine(member))
            elif draw < presence + (1 - presence) * 0.6:
                lines.append(AttendanceLine(member, Attendance.Status.LEAVE, rng.choice(LEAVE_REASONS)))
            else:
                lines.append(AttendanceLine(member, Attendance.Status.ABSENT, rng.choice(ABSENT_REASONS)))
        return lines

    # --- venues ----------------------------------------------------------------------------------------

    def venue(self, name: str, *, owner: Enterprise | None = None, capacity: int, address: str = "") -> Venue:
        venue = Venue.objects.create(
            park=self.park, name=name, owner=owner, capacity=capacity, shared=True, address=address
        )
        self.venues[name] = venue
        self._shared_venues = [venue for venue in self.venues.values() if venue.shared]
        home = self.covering(owner, self.today) if owner else None
        if home is not None and home.formation == Organization.Formation.STANDALONE:
            self._own_venues.append((home.path, venue))  # the firm's own organizations meet there
        self.written.venues += 1
        return venue

    # --- meetings --------------------------------------------------------------------------------------

    def meeting(
        self,
        *,
        kind: str,
        at: datetime,
        topic: str,
        host: Organization | None = None,
        joint_body=None,
        chair: PartyMember | None = None,
        recorder: PartyMember | None = None,
        venue: Venue | None = None,
        place: str = "",
        attendance=(),
        guests=(),
        minutes: str = "",
        decisions: str = "",
        through_service: bool = False,
    ) -> Meeting:
        """Queue a meeting. Its status follows from its time: planned if still ahead (no attendance, no
        minutes yet), held if recent, confirmed once the committee has had time to confirm it."""
        meeting = Meeting(
            park=self.park,
            host=host,
            joint_body=joint_body,
            kind=kind,
            scheduled_at=at,
            place=place if venue is None else venue.name,
            venue=venue,
            chair=chair,
            recorder=recorder,
            topic=topic[:200],
        )
        if at > self.now:
            meeting.status = Meeting.Status.PLANNED
            attendance, guests = [], []
        else:
            recent = at.date() > self.today - timedelta(days=CONFIRMED_AFTER_DAYS)
            meeting.status = Meeting.Status.HELD if recent else Meeting.Status.CONFIRMED
            meeting.held_at = at
            meeting.minutes = minutes or self._minutes(chair, attendance)
            meeting.decisions = decisions
        self.pending.append(Pending(meeting, list(attendance), list(guests), through_service))
        return meeting

    def _minutes(self, chair, attendance) -> str:
        present = sum(1 for line in attendance if line.status == Attendance.Status.PRESENT)
        text = f"应到{len(attendance)}人，实到{present}人。" if attendance else ""
        return text + (f"{chair.name}主持。" if chair else "")

    def branch_meetings(self, organizations, *, through_service=()) -> None:
        """三会一课 and the rest, as the park's rules require of each organization's kind."""
        rules = defaultdict(list)
        for rule in MeetingRule.objects.filter(park=self.park).order_by("organization_kind", "kind"):
            rules[rule.organization_kind].append(rule)
        sample = {organization.pk for organization in through_service}
        for organization in organizations:
            kind = Kind.BRANCH if organization.kind in MEETS_AS_BRANCH else organization.kind
            temper = self._temper(organization)
            for rule in rules.get(kind, []):
                for start, months in self._windows(rule.period, organization):
                    self._meet_in_window(organization, rule, start, months, temper, organization.pk in sample)

    def _temper(self, organization) -> tuple[float, float, float]:
        draw = self.rng(organization.name, "temper").random()
        for share, *temper in TEMPERS:
            if draw < share:
                return tuple(temper)
            draw -= share
        return tuple(TEMPERS[-1][1:])

    def _windows(self, period: str, organization: Organization) -> list[tuple[date, list[date]]]:
        """The period's windows that meet our months, each with the months in it when the organization
        existed for the whole month."""
        first = add_months(organization.established_on.replace(day=1), 1)
        windows = defaultdict(list)
        for month in self.months:
            if month < first or (organization.dissolved_on and add_months(month, 1) > organization.dissolved_on):
                continue
            windows[window_containing(period, month)[0]].append(month)
        return sorted(windows.items())

    def _meet_in_window(self, organization, rule, start, months, temper, through_service) -> None:
        miss, extra, presence = temper
        rng = self.rng(organization.name, rule.kind, start)
        times = rule.times
        if rng.random() < miss:
            times -= 1
        elif rng.random() < extra:
            times += 1
        # Both yearly kinds draw their day from the same generator: they are held on the same day.
        together = self.rng(organization.name, "yearly", start) if rule.kind in YEARLY_TOGETHER else rng
        used: set[date] = set()
        for _ in range(times):
            if rule.kind in YEARLY_TOGETHER:
                early = [month for month in months if month.month <= 2]
                month = early[0] if early else months[-1]
                day = month.replace(day=together.randint(*DAYS[rule.kind]))
                hour = 9 if rule.kind == MK.LIFE_MEETING else 14
            else:
                month = months[0] if len(months) == 1 else rng.choice(months)
                day = month.replace(day=rng.randint(*DAYS.get(rule.kind, (5, 25))))
                hour = rng.choice(HOURS)
            while day in used:
                day = day + timedelta(days=3) if day.day <= 25 else day - timedelta(days=5)
            used.add(day)
            sample = through_service and day > self.today - timedelta(days=SAMPLE_DAYS)
            self._branch_meeting(organization, rule.kind, day, hour, rng, presence, sample)

    def _branch_meeting(self, organization, kind, day, hour, rng, presence, through_service) -> None:
        # A district station or general branch meeting as a branch gathers its own members, not the
        # branches below it, which meet on their own.
        roster = self.roster(organization, day, own=organization.kind in MEETS_AS_BRANCH)
        if kind == MK.BRANCH_COMMITTEE:
            roster = roster[: 5 if len(roster) >= 10 else 3]  # the branch committee (支委), not every member
        chair = organization.secretary if organization.secretary in roster else (roster[0] if roster else None)
        recorder = next((member for member in roster[1:3] if member is not chair), None)
        venue, place = self._place(organization, rng)
        self.meeting(
            host=organization,
            kind=kind,
            at=local_datetime(day, hour),
            topic=topic(kind, day, rng),
            chair=chair,
            recorder=recorder,
            venue=venue,
            place=place,
            attendance=self.attend(roster, day, rng, presence),
            through_service=through_service,
        )

    def _place(self, organization, rng) -> tuple[Venue | None, str]:
        """A firm's own organizations meet in its meeting room (its venue, if it has one); joint branches
        often borrow a shared venue (阵地共用)."""
        for path, venue in self._own_venues:
            if organization.path.startswith(path):
                return venue, ""
        shared = self._shared_venues
        if organization.formation == Organization.Formation.JOINT and shared and rng.random() < 0.5:
            return rng.choice(shared), ""
        if organization.kind == Kind.GROUP and "车间" in organization.name:
            return None, organization.name.removesuffix("党小组")  # a workshop's group meets on its floor
        if organization.formation == Organization.Formation.STANDALONE:
            for suffix in ("党支部", "党总支", "党委", "党小组"):
                if organization.name.endswith(suffix):
                    return None, f"{organization.name.removesuffix(suffix)}会议室"[:200]
        return None, "支部党员活动室"

    # --- writing ---------------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the queued meetings: the sample through the services, the rest checked and in bulk."""
        pending, self.pending = self.pending, []
        for item in pending:
            if item.through_service:
                self._through_service(item)
        bulk = [item for item in pending if not item.through_service]
        errors = [f"{item.meeting.topic}: {error}" for item in bulk for error in self._errors(item)]
        if errors:
            raise ValidationError(errors[:20])
        if bulk:
            bulk_create_with_history(
                [item.meeting for item in bulk], Meeting, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
            )
        # Positional arguments in field order: Model.__init__'s fast path, a third of the time for 100k+ rows.
        assert [f.attname for f in Attendance._meta.concrete_fields] == ATTENDANCE_COLUMNS
        attendance = [
            Attendance(None, item.meeting.pk, line.member.pk, line.status, line.reason)
            for item in bulk
            for line in item.attendance
        ]
        Attendance.objects.bulk_create(attendance, batch_size=2000)
        recent = {
            item.meeting.pk for item in bulk if item.meeting.held_at and item.meeting.held_at >= self.recent_since
        }
        self._attendance_history([row for row in attendance if row.meeting_id in recent])
        bulk_create_with_history(
            [Guest(meeting_id=item.meeting.pk, **vars(line)) for item in bulk for line in item.guests],
            Guest,
            batch_size=BATCH_SIZE,
            default_change_reason=CHANGE_REASON,
        )
        self.written.meetings += len(pending)
        self.written.attendance += len(attendance) + sum(len(i.attendance) for i in pending if i.through_service)
        for item in pending:
            self.written.by_status[item.meeting.status] += 1

    def _attendance_history(self, attendance: list[Attendance]) -> None:
        """The "created" history record of the recent meetings' attendance (HISTORY_DAYS), so correcting
        a member's status there shows its before. All 150k+ rows would add a third to the load, for
        minutes nobody corrects years later. Positional arguments in the historical model's field
        order, as for the rows themselves."""
        history = Attendance.history.model
        assert [f.attname for f in history._meta.concrete_fields] == ATTENDANCE_HISTORY_COLUMNS
        now = timezone.now()
        history.objects.bulk_create(
            [
                history(
                    row.pk, row.status, row.reason, row.meeting_id, row.member_id, None, now, CHANGE_REASON, "+", None
                )
                for row in attendance
            ],
            batch_size=2000,
        )

    def _through_service(self, item: Pending) -> None:
        meeting = item.meeting
        confirmed = meeting.status == Meeting.Status.CONFIRMED
        if confirmed:
            meeting.status = Meeting.Status.HELD
        meeting._change_reason = CHANGE_REASON
        meeting_save(meeting=meeting, attendance=item.attendance, guests=item.guests)
        if confirmed:
            meeting_confirm(meeting=meeting, actor=None)
            meeting.status = Meeting.Status.CONFIRMED
        self.written.through_service += 1

    def eligible(self, meeting: Meeting) -> set[int]:
        """`eligible_members` of the meeting's host, asked once per host."""
        key = ("host", meeting.host.pk) if meeting.host is not None else ("joint", meeting.joint_body.pk)
        if key not in self._eligible:
            self._eligible[key] = set(eligible_members(meeting).values_list("pk", flat=True))
        return self._eligible[key]

    def _errors(self, item: Pending) -> list[str]:
        """What `meeting_save` would refuse: its own check (`meeting_errors`, the host's members asked once
        per host) and the model's field checks, which need no query. The database holds the rest (one
        host, the park's foreign keys) and refuses a bulk insert that breaks it."""
        meeting = item.meeting
        meeting.park_id = (meeting.host or meeting.joint_body).park_id  # as meeting_save sets it
        errors = meeting_errors(meeting, item.attendance, eligible=self.eligible(meeting))
        try:
            meeting.clean_fields(exclude=RELATIONS)
        except ValidationError as error:
            errors |= error.message_dict
        return [f"{field}: {message}" for field, message in errors.items()]

    # --- matters ---------------------------------------------------------------------------------------

    def matter(self, **fields) -> Matter:
        """Through `matter_save`: matters are few, and the service checks them all."""
        matter = matter_save(matter=Matter(park=self.park, **fields))
        self.written.matters += 1
        return matter


def topic(kind: str, day: date, rng: random.Random) -> str:
    quarter = QUARTERS[(day.month - 1) // 3]
    if kind in MONTHLY_TOPICS:
        label = "支委会" if kind == MK.BRANCH_COMMITTEE else "党小组会"
        return f"{day.month}月{label}：{rng.choice(MONTHLY_TOPICS[kind])}"
    if kind == MK.THEME_DAY:
        return f"{day.month}月主题党日：{THEME_DAYS[day.month].format(years=day.year - 1921)}"
    if kind == MK.PARTY_LESSON:
        return f"第{quarter}季度党课：{rng.choice(LESSONS)}"
    if kind == MK.GENERAL_ASSEMBLY:
        return f"第{quarter}季度支部党员大会：{rng.choice(ASSEMBLIES)}"
    if kind in YEARLY_TOGETHER:
        year = day.year - 1 if day.month <= 2 else day.year
        return f"{year}年度{'组织生活会' if kind == MK.LIFE_MEETING else '民主评议党员'}"
    return str(MK(kind).label)


def years_until(today: date, *, first: int) -> range:
    """first … next year: the rotating chair's schedule runs a year ahead."""
    return range(first, today.year + 2)
