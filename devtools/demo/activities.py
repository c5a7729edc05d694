"""Activities, venues, designations, annual plans and the membership pipeline of a demo park: what
`load_park` writes after the ratings (issue 5).

What each report says, as the demo writes it:

- Quanzhou (五力聚能): 389 pioneer teams (党员先锋队), 382 demo posts (党员示范岗) and 1,107 responsibility
  zones (党员责任区) in force, on its 136 enterprise organizations, and the innovation studio of 三星's
  technology centre; a few pioneer teams of earlier years have ended and are not counted. The "十百千" plan
  for the report's year and the current one: 10 trainings, 100 party lessons "into neighbourhoods and
  grids", 1,000 micro-lectures "into firms and workshops". The branches' own quarterly party lessons
  (meeting kind party_lesson) are not the plan's hundred: the meetings demo holds some 500 of them a year
  in Quanzhou, so the hundred are counted as the lectures (activity kind lecture) the park's organizations
  give at the neighbourhood centre and its stations. Recorded progress follows the elapsed part of the
  year (up to the report's date for its year, up to yesterday for the current one). The "党建+"
  neighbourhood centre and its 10 stations held 264 events (kind neighbourhood) in the report's year
  before its date ("260多场次"). 856 of 1,096 members hold middle-or-higher posts (the ledger's).
- Kaihua (三五模式): the 12 secretaries who head a mass organization (middle managers in kaihua.py) get
  their post (7 union chairs, 5 youth league secretaries), so 45 / 43 / 12 read from the roster. In the
  two years before the report 40 people became probationary members, 29 of them recommended by the youth
  league or the union (推优): 72.5%. Today's pipeline has applicants, activists, development targets,
  probationary members (some due or overdue for conversion) and recent full members.
- Dehua (双联工作机制): 156 employees applied in 2019 ("150多名"); since then some became activists,
  targets and members, many are still applicants, some withdrew. Shared venues (阵地共用) with bookings;
  culture and sports festivals, the skills contest (彩绘、倒坯、修坯、上釉) and the e-commerce contest;
  trainings of 2019 with 318 attendances ("300多人次"), expert lectures and study visits.
- Yutai (四个一): 红帆志愿 volunteer service, workshop "一刻钟党课" micro-lectures and the "红领英才"
  lecture series since 2020, and the 园之帆 volunteer team.

Every park gets a few venues besides the meetings demo's (the park's centre, enterprises' shared rooms)
and bookings. Writing: venues, plans and one activity per park go through the services (`activity_save`,
`plan_save`); every bulk row is checked by the services' own validators (`activity_errors`,
`designation_errors`, the pipeline's `advance_errors`, `extension_errors` and `withdrawal_errors`,
given the rosters held here so they ask no query), bookings against the bookings still pending (no
two overlapping each other or a meeting held there), and written with one history-aware bulk insert
per table, many-to-many rows through their `through` models.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from activities import services as activities_services
from activities.models import Activity, ActivityKind, AnnualPlan, Designation, PlanTarget, Venue, VenueBooking
from activities.services import activity_save, plan_save
from devtools.demo import yutai as yutai_spec
from devtools.demo.builder import BATCH_SIZE, CHANGE_REASON, Formation, Kind, ParkBuilder, day_between, scale_to_total
from devtools.demo.meetings import short_name
from meetings.models import Meeting
from organizations.models import Application, ApplicationStep, Organization, PartyMember, Stage
from organizations.pipeline import services as pipeline_services
from organizations.pipeline.services import DATE_FIELDS, one_year_after
from parkparty.dates import local_datetime

Post = PartyMember.Post
MassPost = PartyMember.MassPost
Recommendation = Application.Recommendation
DK = Designation.Kind
HELD, PLANNED = Activity.Status.HELD, Activity.Status.PLANNED
# A meeting held at a venue holds it this long (meetings carry no duration): bookings keep clear of it.
MEETING_MINUTES = 150


@dataclass
class Written:
    venues: int = 0
    activities: int = 0
    bookings: int = 0
    designations: int = 0
    applications: int = 0
    members: int = 0


@dataclass
class PendingActivity:
    activity: Activity
    co_hosts: list = field(default_factory=list)
    participants: list = field(default_factory=list)


def plan(spec, builder: ParkBuilder, *, reference_date: date, today: date | None = None) -> Written:
    """Write the park's venues, activities, bookings, designations, plans and pipeline; returns the counts."""
    planner = ActivityPlanner(spec, builder, reference_date=reference_date, today=today)
    PLANS[spec.CODE](planner)
    planner.save()
    return planner.written


class ActivityPlanner:
    def __init__(self, spec, builder: ParkBuilder, *, reference_date: date, today: date | None = None) -> None:
        self.spec = spec
        self.builder = builder
        self.park = builder.park
        self.reference_date = reference_date
        self.now = timezone.now()
        self.today = today or timezone.localdate()
        self.written = Written()
        self.venues = {venue.name: venue for venue in Venue.objects.filter(park=self.park)}
        self.activities: list[PendingActivity] = []
        self.bookings: list[VenueBooking] = []
        self.designations: list[tuple[Designation, list]] = []
        self.applications: list[tuple[Application, list]] = []
        self._busy: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        for venue_id, held_at, scheduled_at in Meeting.objects.filter(venue__park=self.park).values_list(
            "venue_id", "held_at", "scheduled_at"
        ):
            start = held_at or scheduled_at
            if start is not None:
                self._hold(venue_id, start, start + timedelta(minutes=MEETING_MINUTES))
        self._rosters = self._subtree_rosters()
        self._through_service = False

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(part) for part in (self.spec.SEED, "activities", *parts)))

    # --- the ledger, from the builder ---------------------------------------------------------------

    def _subtree_rosters(self) -> dict[int, list[PartyMember]]:
        direct = defaultdict(list)
        for member in self.builder.members:
            if member.status != PartyMember.Status.TRANSFERRED_OUT:
                direct[member.organization.pk].append(member)
        organizations = sorted(self.builder.organizations, key=lambda organization: organization.path)
        return {
            organization.pk: [
                m for other in organizations if other.path.startswith(organization.path) for m in direct[other.pk]
            ]
            for organization in organizations
        }

    def roster(self, organization: Organization, on: date | None = None) -> list[PartyMember]:
        """Members of the organization's subtree (as `hosts_members`) who had joined by `on`."""
        return [m for m in self._rosters.get(organization.pk, []) if on is None or m.joined_on <= on]

    def organizations(self, *kinds) -> list[Organization]:
        return [organization for organization in self.builder.organizations if organization.kind in kinds]

    def organization_named(self, name: str) -> Organization:
        return next(organization for organization in self.builder.organizations if organization.name == name)

    def firm_of(self, organization: Organization):
        """The first firm an organization covers (its own firm, for a standalone organization)."""
        return next((c.enterprise for c in self.builder.coverages if c.organization is organization), None)

    def covering(self, enterprise, on: date) -> Organization | None:
        for coverage in self.builder.coverages:
            if (
                coverage.enterprise is enterprise
                and coverage.started_on <= on
                and (coverage.ended_on is None or coverage.ended_on > on)
            ):
                return coverage.organization
        return None

    # --- venues and bookings ---------------------------------------------------------------------------

    def venue(self, name: str, *, capacity: int, owner=None, shared: bool = True, address: str = "") -> Venue:
        if name not in self.venues:
            self.venues[name] = Venue.objects.create(
                park=self.park, name=name, owner=owner, capacity=capacity, shared=shared, address=address
            )
            self.written.venues += 1
        return self.venues[name]

    def _hold(self, venue_id: int, start: datetime, end: datetime) -> None:
        day = timezone.localtime(start).date()
        while day <= timezone.localtime(end).date():
            self._busy[(venue_id, day)].append((start, end))
            day += timedelta(days=1)

    def free(self, venue: Venue, start: datetime, minutes: int) -> bool:
        end = start + timedelta(minutes=minutes)
        day = timezone.localtime(start).date()
        return not any(s < end and start < e for s, e in self._busy[(venue.pk, day)])

    def slot(self, rng: random.Random, venue: Venue, day: date, minutes: int, hours=(9, 14, 19)) -> datetime | None:
        """A free start at the venue on `day` or one of the next six days (None: the week is full)."""
        for offset in range(7):
            for hour in rng.sample(hours, len(hours)):
                start = local_datetime(day + timedelta(days=offset), hour, rng.choice((0, 30)))
                if self.free(venue, start, minutes):
                    return start
        return None

    def book(
        self, venue: Venue, organization: Organization, start: datetime, minutes: int, purpose: str, activity=None
    ):
        """A booking: refused (an error, not silently) when the venue is held then, as `booking_save` refuses."""
        if not self.free(venue, start, minutes):
            raise ValueError(f"{venue} is booked at {start}")
        owner_pk = venue.owner.pk if venue.owner else None
        if owner_pk and not venue.shared and self.covering(venue.owner, timezone.localtime(start).date()) is None:
            raise ValueError(f"{venue} is not shared")
        end = start + timedelta(minutes=minutes)
        self._hold(venue.pk, start, end)
        booking = VenueBooking(
            venue=venue,
            organization=organization,
            starts_at=start,
            ends_at=end,
            purpose=purpose[:150],
            activity=activity,
        )
        self.bookings.append(booking)
        return booking

    # --- activities --------------------------------------------------------------------------------------

    def activity(
        self,
        *,
        kind: str,
        host: Organization,
        at: datetime,
        title: str,
        minutes: int = 90,
        venue: Venue | None = None,
        place: str = "",
        co_hosts=(),
        participants=(),
        non_members: int = 0,
        status: str = HELD,
        description: str = "",
    ) -> Activity:
        """An unsaved activity, checked by `activity_save`'s own `activity_errors` (the hosts' members from
        the rosters held here), with its venue booked."""
        activity = Activity(
            park=self.park,
            organization=host,
            kind=kind,
            title=title[:150],
            status=status,
            starts_at=at,
            duration_minutes=minutes,
            venue=venue,
            place=place,
            non_member_count=non_members,
            description=description,
        )
        allowed = {m.pk for h in [host, *co_hosts] for m in self._rosters.get(h.pk, [])}
        _refuse(
            title, activities_services.activity_errors(activity, list(co_hosts), list(participants), eligible=allowed)
        )
        if venue is not None and status != Activity.Status.CANCELLED:
            self.book(venue, host, at, minutes, title, activity=activity)
        self.activities.append(PendingActivity(activity, list(co_hosts), list(participants) if status == HELD else []))
        return activity

    def people(self, rng: random.Random, hosts, on: date, low: int, high: int) -> list[PartyMember]:
        pool = {m.pk: m for h in hosts for m in self.roster(h, on)}
        pool = sorted(pool.values(), key=lambda m: m.pk)
        return rng.sample(pool, min(len(pool), rng.randint(low, high)))

    def days(self, rng: random.Random, first: date, last: date, count: int) -> list[date]:
        """`count` days between first and last, at random, in order."""
        return sorted(day_between(rng, first, last) for _ in range(count))

    # --- designations ----------------------------------------------------------------------------------

    def designation(self, organization, kind: str, name: str, started_on: date, members, ended_on=None):
        """An unsaved designation, checked by `designation_save`'s own `designation_errors`."""
        designation = Designation(
            park=self.park,
            organization=organization,
            kind=kind,
            name=name[:150],
            started_on=started_on,
            ended_on=ended_on,
        )
        allowed = {m.pk for m in self._rosters.get(organization.pk, [])}
        _refuse(name, activities_services.designation_errors(designation, list(members), eligible=allowed))
        self.designations.append((designation, list(members)))
        return designation

    # --- the pipeline ------------------------------------------------------------------------------------

    def application(
        self,
        organization: Organization,
        enterprise,
        name: str,
        dates: list[date],
        *,
        recommended_by: str = "",
        introducers=(),
        extended_until: date | None = None,
        extension_reason: str = "",
        withdrawn_on: date | None = None,
    ) -> Application:
        """An application whose steps are on `dates` (applied, activist, target, probationary, full: as many
        as it has taken), checked against the services' time rules step by step."""
        application = Application(
            park=self.park,
            organization=organization,
            enterprise=enterprise,
            name=name,
            stage=Stage.APPLICANT,
            applied_on=dates[0],
            recommended_by=recommended_by,
        )
        stages = list(Stage.values)
        for stage, on in zip(stages[1:], dates[1:], strict=False):
            if stage == Stage.FULL and extended_until:
                _refuse(name, pipeline_services.extension_errors(application, extended_until))
                application.probation_extended_until, application.extension_reason = extended_until, extension_reason
            step_introducers = list(introducers) if stage == Stage.PROBATIONARY else []
            _refuse(name, pipeline_services.advance_errors(application, stage, on, step_introducers))
            setattr(application, DATE_FIELDS[stage], on)
            application.stage = stage
        if extended_until and application.stage == Stage.PROBATIONARY:
            _refuse(name, pipeline_services.extension_errors(application, extended_until))
            application.probation_extended_until, application.extension_reason = extended_until, extension_reason
        if stages.index(application.stage) < stages.index(Stage.PROBATIONARY):
            introducers = ()
        if withdrawn_on:
            _refuse(name, pipeline_services.withdrawal_errors(application, withdrawn_on))
            application.withdrawn_on = withdrawn_on
        self.applications.append((application, list(introducers)))
        return application

    def introducers(self, rng: random.Random, organization: Organization, on: date) -> list[PartyMember]:
        """Two full members by `on`: of the branch if it has them, else of its parent's subtree, else the park's."""
        for pool in (self._rosters.get(organization.pk, []), self._parent_roster(organization), self.builder.members):
            full = [
                m for m in pool
                if m.status == PartyMember.Status.FULL and m.full_member_on and m.full_member_on <= on
            ]  # fmt: skip
            if len(full) >= 2:
                return rng.sample(full, 2)
        raise ValueError(f"no introducers for {organization}")

    def _parent_roster(self, organization: Organization) -> list[PartyMember]:
        parent_path = organization.path[: -Organization.steplen]
        parent = next((o for o in self.builder.organizations if o.path == parent_path), None)
        return self._rosters.get(parent.pk, []) if parent else []

    def person(self, rng: random.Random) -> str:
        from devtools.demo.builder import COMMON_SURNAMES, GIVEN_NAME_CHARACTERS

        surnames = self.spec.SURNAMES if rng.random() < 0.6 else COMMON_SURNAMES
        return rng.choice(surnames) + "".join(rng.choices(GIVEN_NAME_CHARACTERS, k=2 if rng.random() < 0.75 else 1))

    # --- writing -----------------------------------------------------------------------------------------

    def save(self) -> None:
        self._save_activities()
        self._save_designations()
        self._save_applications()

    def _save_activities(self) -> None:
        if not self.activities:
            return
        # The park's first held activity with a venue goes through the service, as a secretary records it.
        sample = next((p for p in self.activities if p.activity.venue_id and p.activity.status == HELD), None)
        if sample is not None:
            booking = next(b for b in self.bookings if b.activity is sample.activity)
            self.bookings.remove(booking)
            self._release(booking)
            activity_save(activity=sample.activity, co_hosts=sample.co_hosts, participants=sample.participants)
            self.written.activities += 1
            self.written.bookings += 1
        pending = [p for p in self.activities if p is not sample]
        activities = [p.activity for p in pending]
        for activity in activities:
            activity.clean_fields(exclude=["park", "organization", "venue", "created_by"])
        _bulk(activities, Activity)
        self.written.activities += len(activities)
        Through = Activity.co_hosts.through
        Through.objects.bulk_create(
            [Through(activity_id=p.activity.pk, organization_id=h.pk) for p in pending for h in p.co_hosts],
            batch_size=BATCH_SIZE,
        )
        Through = Activity.participants.through
        Through.objects.bulk_create(
            [Through(activity_id=p.activity.pk, partymember_id=m.pk) for p in pending for m in p.participants],
            batch_size=BATCH_SIZE,
        )
        for booking in self.bookings:
            if booking.activity is not None:
                booking.activity = booking.activity  # the activity has its primary key now
        _bulk(self.bookings, VenueBooking)
        self.written.bookings += len(self.bookings)

    def _release(self, booking: VenueBooking) -> None:
        day = timezone.localtime(booking.starts_at).date()
        self._busy[(booking.venue.pk, day)].remove((booking.starts_at, booking.ends_at))

    def _save_designations(self) -> None:
        if not self.designations:
            return
        designations = [designation for designation, _members in self.designations]
        for designation in designations:
            designation.clean_fields(exclude=["park", "organization"])
        _bulk(designations, Designation)
        Through = Designation.members.through
        Through.objects.bulk_create(
            [Through(designation_id=d.pk, partymember_id=m.pk) for d, members in self.designations for m in members],
            batch_size=BATCH_SIZE,
        )
        self.written.designations += len(designations)

    def _save_applications(self) -> None:
        """Applications with their steps; those that reached probationary put the person on the roster
        (joined on the probationary day, full on the full day), as `application_advance` does."""
        if not self.applications:
            return
        members = []
        for application, _introducers in self.applications:
            if application.probationary_on is None:
                continue
            full = application.full_on is not None
            application.member = PartyMember(
                organization=application.organization,
                park_id=application.organization.park_id,  # bulk-created: save() is not called
                enterprise=application.enterprise,
                name=application.name,
                status=PartyMember.Status.FULL if full else PartyMember.Status.PROBATIONARY,
                joined_on=application.probationary_on,
                full_member_on=application.full_on,
                post=self.rng("post", application.name, application.applied_on).choice(
                    (Post.WORKER, Post.WORKER, Post.TECHNICIAN, Post.TECHNICIAN, Post.MIDDLE_MANAGER)
                ),
            )
            members.append(application.member)
        for member in members:
            member.clean_fields(exclude=["park", "organization", "enterprise"])
        _bulk(members, PartyMember)
        self.written.members += len(members)
        applications = [application for application, _introducers in self.applications]
        for application in applications:
            application.member = application.member  # the member has its primary key now
            application.clean_fields(exclude=["park", "organization", "enterprise", "member"])
        _bulk(applications, Application)
        self.written.applications += len(applications)
        steps = [
            ApplicationStep(application=application, stage=stage, on=getattr(application, DATE_FIELDS[stage]),
                            approved_by=APPROVERS[stage].format(branch=application.organization.name))
            for application in applications
            for stage in Stage.values
            if getattr(application, DATE_FIELDS[stage]) is not None
        ]  # fmt: skip
        ApplicationStep.objects.bulk_create(steps, batch_size=BATCH_SIZE)
        Through = Application.introducers.through
        Through.objects.bulk_create(
            [
                Through(application_id=a.pk, partymember_id=m.pk)
                for a, introducers in self.applications
                for m in introducers
            ],
            batch_size=BATCH_SIZE,
        )


APPROVERS = {
    Stage.APPLICANT: "",
    Stage.ACTIVIST: "{branch}支委会",
    Stage.TARGET: "{branch}支委会（报上级党委备案）",
    Stage.PROBATIONARY: "{branch}支部党员大会，上级党委审批",
    Stage.FULL: "{branch}支部党员大会，上级党委审批",
}


def _bulk(objects: list, model) -> None:
    if objects:
        bulk_create_with_history(objects, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)


def elapsed_share(year: int, last: date) -> float:
    """The part of `year` that has passed by `last`."""
    first = date(year, 1, 1)
    return min(1.0, max(0.0, ((last - first).days + 1) / ((date(year + 1, 1, 1) - first).days)))


# --- Quanzhou: designations, the 十百千 plan, the neighbourhood centre ---------------------------------------

QUANZHOU_DESIGNATIONS = {DK.PIONEER_TEAM: 389, DK.DEMO_POST: 382, DK.RESPONSIBILITY_ZONE: 1107}
QUANZHOU_ENDED_TEAMS = 14  # teams of earlier projects, ended before the report: not counted
QUANZHOU_DESIGNATED_BY = date(2023, 6, 30)
PIONEER_THEMES = (
    "技术攻关",
    "安全生产",
    "质量提升",
    "设备抢修",
    "精益生产",
    "节能降耗",
    "营销攻坚",
    "志愿服务",
    "新品研发",
    "安装调试",
)
POST_PLACES = ("生产一线", "质检", "仓储", "研发", "客服", "设备维护", "安全管理", "班组长", "采购", "财务")
ZONE_PLACES = ("车间", "生产线", "仓库", "班组", "办公区", "实验室", "门店", "配送站")
QUANZHOU_PLAN = (  # (kind, target, label)
    (ActivityKind.TRAINING, 10, "十场党员党务干部培训"),
    (ActivityKind.LECTURE, 100, "百堂党课进邻里进网格"),
    (ActivityKind.MICRO_LECTURE, 1000, "千场微宣讲进企业进车间"),
)
QUANZHOU_NEIGHBOURHOOD = 264  # "今年以来……260多场次", by the report's date
NEIGHBOURHOOD_THEMES = (
    "政策咨询", "公益服务", "文化体育", "教育培训", "青春学堂", "邻里共享日便民服务", "职工子女作业辅导",
    "健康义诊", "法律咨询", "就业招聘", "亲子阅读", "消防安全宣传",
)  # fmt: skip
QUANZHOU_STATIONS = ("天地星", "万龙", "艺达", "友臣", "三星", "太阳海")
QUANZHOU_COMMUNITY_STATIONS = ("清濛花园", "崇贤小区", "德泰苑", "安吉新村")
TRAINING_TOPICS = (
    "党务干部业务培训",
    "党组织书记专题培训班",
    "发展党员工作培训",
    "党费收缴与使用培训",
    "“非公党员学堂”专题培训",
)
LECTURE_TOPICS = ("党的二十大精神", "党章党规", "党史", "“四下基层”", "优化营商环境", "安全生产", "廉洁从业")
MICRO_TOPICS = ("岗位建功", "安全生产", "质量第一", "工匠精神", "节能降耗", "党员承诺践诺", "身边的先锋")


def quanzhou(p: ActivityPlanner) -> None:
    _quanzhou_designations(p)
    two_new = p.organization_named("泉州开发区“两新”组织党委")
    centre = p.venues["泉州开发区“党建+”邻里中心"]
    firms = {p.firm_of(p.organization_named(f"{brand}党支部")) for brand in QUANZHOU_STATIONS}
    stations = [
        p.venue(f"{short_name(firm)}邻里服务站", capacity=40, owner=firm, address=firm.address)
        for firm in sorted(firms, key=lambda f: f.name)
    ]
    stations += [
        p.venue(f"{name}邻里服务站", capacity=30, address=f"泉州开发区{name}") for name in QUANZHOU_COMMUNITY_STATIONS
    ]
    p.venue("泉州开发区党员教育培训基地", capacity=200, address="泉州开发区清濛园区管委会三楼")
    _quanzhou_neighbourhood(p, two_new, [centre, *stations])
    for year, last in (
        (p.reference_date.year, p.reference_date - timedelta(days=1)),
        (p.today.year, p.today - timedelta(days=1)),
    ):
        plan_save(
            plan=AnnualPlan(park=p.park, year=year, title=f"泉州开发区{year}年党员教育培训“十百千”计划"),
            targets=[
                PlanTarget(counts=PlanTarget.Counts.ACTIVITIES, kind=k, target=n, label=label)
                for k, n, label in QUANZHOU_PLAN
            ],
        )
        _quanzhou_plan_year(p, year, last, two_new, [centre, *stations])


def _quanzhou_designations(p: ActivityPlanner) -> None:
    rng = p.rng("designations")
    organizations = [
        o for o in p.builder.organizations
        if o.kind in Organization.BRANCH_KINDS and o.formation in (Formation.STANDALONE, Formation.JOINT)
    ]  # fmt: skip
    weights = [len(p.roster(o)) for o in organizations]
    for kind, total in QUANZHOU_DESIGNATIONS.items():
        for organization, count in zip(organizations, scale_to_total(weights, total), strict=True):
            name = organization.name.removesuffix("党支部").removesuffix("党总支").removesuffix("党委")
            for n in range(count):
                roster = p.roster(organization, QUANZHOU_DESIGNATED_BY)
                started = day_between(rng, max(organization.established_on, date(2016, 1, 1)), QUANZHOU_DESIGNATED_BY)
                if kind == DK.PIONEER_TEAM:
                    members = rng.sample(roster, min(len(roster), rng.randint(3, 6)))
                    label = f"{name}党员{PIONEER_THEMES[(n + len(name)) % len(PIONEER_THEMES)]}先锋队"
                elif kind == DK.DEMO_POST:
                    members = [rng.choice(roster)]
                    label = f"党员示范岗（{rng.choice(POST_PLACES)}·{members[0].name}）"
                else:
                    members = [roster[n % len(roster)]]
                    label = f"党员责任区（{name}{rng.choice(ZONE_PLACES)}{n + 1}号·{members[0].name}）"
                p.designation(organization, kind, label, max(started, *(m.joined_on for m in members)), members)
    older = [o for o in organizations if o.established_on < date(2018, 1, 1)]
    for organization in rng.sample(older, QUANZHOU_ENDED_TEAMS):
        roster = p.roster(organization, date(2018, 6, 1))
        if len(roster) >= 3:
            started = day_between(rng, date(2018, 6, 1), date(2020, 12, 31))
            p.designation(
                organization, DK.PIONEER_TEAM, f"{organization.name}疫情防控党员先锋队", started, roster[:3],
                ended_on=day_between(rng, date(2021, 6, 1), date(2022, 12, 31)),
            )  # fmt: skip
    samsung = p.organization_named("三星党支部")
    p.designation(
        samsung, DK.INNOVATION_STUDIO, "三星公司科技中心党员创新工作室", date(2021, 3, 1),
        [m for m in p.roster(samsung, date(2021, 3, 1)) if m.post in (Post.TECHNICIAN, Post.MIDDLE_MANAGER, Post.SENIOR_MANAGER)][:8]
        or p.roster(samsung)[:3],
    )  # fmt: skip


def _quanzhou_neighbourhood(p: ActivityPlanner, two_new, venues) -> None:
    rng = p.rng("neighbourhood")
    year = p.reference_date.year
    leads = [o for o in p.organizations(Kind.COMMITTEE, Kind.BRANCH) if o.formation == Formation.STANDALONE][:12]
    for day in p.days(rng, date(year, 1, 3), p.reference_date - timedelta(days=1), QUANZHOU_NEIGHBOURHOOD):
        venue = venues[0] if rng.random() < 0.45 else rng.choice(venues[1:])
        minutes = rng.choice((90, 120, 150))
        at = p.slot(rng, venue, day, minutes) or p.slot(rng, venues[0], day, minutes, hours=(8, 10, 13, 15, 17, 19))
        if at is None or at >= p.now:
            raise ValueError(f"no free slot near {day}")
        venue = venue if p.free(venue, at, minutes) else venues[0]
        theme = (
            "“粽香迎端午 新风扬正气”主题活动"
            if day.month == 6 and 15 <= day.day <= 22
            else rng.choice(NEIGHBOURHOOD_THEMES)
        )
        co = [rng.choice(leads)] if rng.random() < 0.4 else []
        p.activity(
            kind=ActivityKind.NEIGHBOURHOOD, host=two_new, co_hosts=co, at=at, minutes=minutes,
            title=f"“党建+”邻里中心：{theme}", venue=venue,
            participants=p.people(rng, [two_new], day, 2, 6), non_members=rng.randint(15, 80),
        )  # fmt: skip


def _quanzhou_plan_year(p: ActivityPlanner, year: int, last: date, two_new, venues) -> None:
    rng = p.rng("plan", year)
    share = elapsed_share(year, last)
    branches = [o for o in p.organizations(Kind.BRANCH, Kind.GENERAL_BRANCH) if o.formation == Formation.STANDALONE]
    base = p.venues["泉州开发区党员教育培训基地"]
    first = date(year, 1, 4)
    for kind, target, _label in QUANZHOU_PLAN:
        count = round(target * share * rng.uniform(0.93, 1.03))
        for n, day in enumerate(p.days(rng, first, last, count), start=1):
            if kind == ActivityKind.TRAINING:
                at = p.slot(rng, base, day, 240, hours=(9,))
                p.activity(
                    kind=kind, host=two_new, at=at, minutes=240, venue=base,
                    title=f"{year}年{TRAINING_TOPICS[n % len(TRAINING_TOPICS)]}（第{n}期）",
                    participants=p.people(rng, [two_new], day, 40, 80), non_members=rng.randint(0, 10),
                )  # fmt: skip
            elif kind == ActivityKind.LECTURE:
                venue = rng.choice(venues)
                host = rng.choice(branches)
                at = p.slot(rng, venue, day, 90, hours=(10, 15, 19, 20))
                if at is None:
                    continue
                p.activity(
                    kind=kind, host=host, co_hosts=[two_new], at=at, minutes=90, venue=venue,
                    title=f"党课进邻里：{rng.choice(LECTURE_TOPICS)}（{venue.name}）",
                    participants=p.people(rng, [host], day, 3, 10), non_members=rng.randint(10, 40),
                )  # fmt: skip
            else:
                host = rng.choice(branches)
                firm = p.firm_of(host)
                p.activity(
                    kind=kind, host=host, at=local_datetime(day, rng.choice((8, 12, 17)), 0), minutes=15,
                    title=f"微宣讲进车间：{rng.choice(MICRO_TOPICS)}", place=f"{short_name(firm)}生产车间" if firm else "",
                    participants=p.people(rng, [host], day, 2, 6), non_members=rng.randint(5, 30),
                )  # fmt: skip
    if year == p.today.year and p.today.month < 12:
        at = p.slot(rng, base, date(year, 12, 10), 240, hours=(9,))
        p.activity(
            kind=ActivityKind.TRAINING, host=two_new, at=at, minutes=240, venue=base, status=PLANNED,
            title=f"{year}年党组织书记年终专题培训班",
        )  # fmt: skip


# --- Kaihua: mass-organization heads and 推优入党 ------------------------------------------------------------

KAIHUA_MASS_POSTS = [MassPost.UNION_CHAIR] * 7 + [MassPost.YOUTH_LEAGUE_SECRETARY] * 5
KAIHUA_NEW_MEMBERS, KAIHUA_RECOMMENDED = 40, 29  # 29 / 40 = 72.5%, the report's two years


def kaihua_window(reference_date: date) -> tuple[date, date]:
    """The report's "近两年来": the two years up to its date."""
    return reference_date.replace(year=reference_date.year - 2), reference_date


def kaihua(p: ActivityPlanner) -> None:
    heads = [
        o.secretary for o in sorted(p.builder.organizations, key=lambda o: o.path)
        if o.secretary is not None and o.secretary.post == Post.MIDDLE_MANAGER
    ]  # fmt: skip
    if len(heads) != len(KAIHUA_MASS_POSTS):
        raise ValueError(f"{len(heads)} mass-organization heads for {len(KAIHUA_MASS_POSTS)} posts")
    for member, post in zip(heads, p.rng("mass").sample(KAIHUA_MASS_POSTS, len(heads)), strict=True):
        member.mass_post = post
    bulk_update_with_history(
        heads, PartyMember, ["mass_post"], batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
    )
    branches = [(o, p.firm_of(o)) for o in p.organizations(Kind.BRANCH, Kind.GENERAL_BRANCH)]
    _kaihua_report_years(p, branches)
    _present_pipeline(p, p.rng("pipeline-now"), branches, recommended_share=0.7)
    centre = p.venues["开化县两新组织党群服务中心"]
    committee = p.organizations(Kind.WORKING_COMMITTEE)[0]
    rng = p.rng("events")
    for n, (month, title, kind) in enumerate((
        (5, "两新组织“好青年”评选暨推优入党对象党建知识考试", ActivityKind.TRAINING),
        (6, "两新组织职工技能比武", ActivityKind.SKILLS_CONTEST),
        (9, "“和合文化”职工文体活动", ActivityKind.CULTURE_SPORTS),
        (11, "推优入党对象党群民主测评培训", ActivityKind.TRAINING),
    )):  # fmt: skip
        day = date(2014, month, 10 + n)
        p.activity(
            kind=kind, host=committee, at=p.slot(rng, centre, day, 180), minutes=180, venue=centre, title=title,
            participants=p.people(rng, [committee], day, 15, 40), non_members=rng.randint(20, 120),
        )  # fmt: skip
    # 双岗双号: demo posts, women's posts, Workers' Pioneers and Youth Civilization posts of 2014.
    own = [o for o, _firm in branches if o.formation == Formation.STANDALONE]
    for kind, count, title in (
        (DK.DEMO_POST, 20, "党员示范岗（{name}）"), (DK.DEMO_POST, 5, "巾帼建功岗（{name}）"),
        (DK.WORKERS_PIONEER, 4, "工人先锋号（{name}班组）"), (DK.YOUTH_CIVILIZATION, 6, "青年文明号（{name}青年突击队）"),
    ):  # fmt: skip
        _designate_posts(p, rng, rng.sample(own, count), kind, count, title, date(2014, 3, 1), date(2014, 12, 31))


def _kaihua_report_years(p: ActivityPlanner, branches) -> None:
    """40 people became probationary in the two years before the report, 29 recommended; a few more
    applications of those years stopped short or were withdrawn."""
    rng = p.rng("pipeline-report")
    first, last = kaihua_window(p.reference_date)
    recommended = [Recommendation.YOUTH_LEAGUE] * 21 + [Recommendation.UNION] * 8
    recommended += [Recommendation.NONE] * (KAIHUA_NEW_MEMBERS - len(recommended))
    rng.shuffle(recommended)
    for n, recommendation in enumerate(recommended):
        probationary = day_between(rng, first + timedelta(days=1), last - timedelta(days=1))
        target = probationary - timedelta(days=rng.randint(60, 200))
        activist = target - timedelta(days=rng.randint(366, 480))
        applied = activist - timedelta(days=rng.randint(90, 300))
        branch, firm = existing(rng, branches, applied)
        full = one_year_after(probationary) + timedelta(days=rng.randint(0, 20))
        extended = n == 7  # one probation extended by half a year
        if extended:
            full = one_year_after(probationary) + timedelta(days=183)
        p.application(
            branch, firm, p.person(rng), [applied, activist, target, probationary, full],
            recommended_by=recommendation, introducers=p.introducers(rng, branch, probationary),
            extended_until=full if extended else None,
            extension_reason="预备期内对企业生产一线锻炼考察不充分，延长预备期半年" if extended else "",
        )  # fmt: skip
    for n in range(12):  # of those years, not (yet) members at the report
        applied = day_between(rng, first - timedelta(days=200), last - timedelta(days=400))
        branch, firm = existing(rng, branches, applied)
        activist = applied + timedelta(days=rng.randint(90, 300))
        dates = [applied, activist] if n < 8 else [applied]
        # The activists of those years who did not go on withdrew; some applicants are still waiting.
        withdrawn = dates[-1] + timedelta(days=rng.randint(200, 600)) if n < 8 or n % 3 == 0 else None
        p.application(
            branch, firm, p.person(rng), dates, withdrawn_on=withdrawn,
            recommended_by=rng.choice((Recommendation.YOUTH_LEAGUE, Recommendation.NONE)),
        )  # fmt: skip


def existing(rng: random.Random, branches, on: date):
    """A branch (and its firm) that existed on `on`: one applies to a branch that is there."""
    return rng.choice([pair for pair in branches if pair[0].established_on <= on] or branches)


def _present_pipeline(p: ActivityPlanner, rng: random.Random, branches, *, recommended_share: float) -> None:
    """Today's board: applicants, activists (a few due or overdue to become targets), targets, probationary
    members (a few due or overdue for conversion, one extended) and recent full members."""
    today = p.today
    year_ago = today.replace(year=today.year - 1, day=min(today.day, 28))

    def recommendation():
        if rng.random() >= recommended_share:
            return Recommendation.NONE
        return rng.choice((Recommendation.YOUTH_LEAGUE, Recommendation.YOUTH_LEAGUE, Recommendation.UNION))

    def add(dates, **extra):
        branch, firm = rng.choice(branches)
        if len(dates) >= 4:
            extra["introducers"] = p.introducers(rng, branch, dates[3])
        p.application(branch, firm, p.person(rng), dates, recommended_by=recommendation(), **extra)

    for _ in range(10):  # applicants
        add([today - timedelta(days=rng.randint(10, 300))])
    # Activists: eligible to become targets a year after; overdue, due within 30 days, later.
    for offset in (-40, -25, -8, 3, 12, 26, 60, 120, 200, 250, 300):
        activist = year_ago + timedelta(days=offset)
        add([activist - timedelta(days=rng.randint(90, 200)), activist])
    for _ in range(6):  # development targets
        target = today - timedelta(days=rng.randint(20, 240))
        activist = target - timedelta(days=rng.randint(366, 420))
        add([activist - timedelta(days=rng.randint(90, 200)), activist, target])
    # Probationary members: due a year after (overdue, due soon, later); one extended.
    for offset in (-30, -6, 4, 19, 90, 180, 280):
        probationary = year_ago + timedelta(days=offset)
        target = probationary - timedelta(days=rng.randint(60, 200))
        activist = target - timedelta(days=rng.randint(366, 420))
        add([activist - timedelta(days=rng.randint(90, 200)), activist, target, probationary])
    probationary = year_ago - timedelta(days=75)
    target = probationary - timedelta(days=120)
    activist = target - timedelta(days=400)
    add(
        [activist - timedelta(days=150), activist, target, probationary],
        extended_until=one_year_after(probationary) + timedelta(days=180),
        extension_reason="预备期考察发现理论学习不够扎实，经支部党员大会讨论延长预备期六个月",
    )
    for _ in range(8):  # full members of the last year
        full = today - timedelta(days=rng.randint(15, 330))
        probationary = full - timedelta(days=rng.randint(366, 380))
        target = probationary - timedelta(days=rng.randint(60, 200))
        activist = target - timedelta(days=rng.randint(366, 420))
        add([activist - timedelta(days=rng.randint(90, 200)), activist, target, probationary, full])
    for _ in range(3):  # withdrawn
        applied = today - timedelta(days=rng.randint(400, 700))
        add([applied, applied + timedelta(days=120)], withdrawn_on=applied + timedelta(days=rng.randint(200, 380)))


def firms_of(p: ActivityPlanner, organization: Organization) -> list:
    return [c.enterprise for c in p.builder.coverages if c.organization is organization]


def _designate_posts(
    p: ActivityPlanner, rng, organizations, kind: str, count: int, title: str, first: date, last: date
):
    """`count` one-member designations (a member's post) on the organizations, started between first and last."""
    for n in range(count):
        organization = organizations[n % len(organizations)]
        started = day_between(rng, max(first, organization.established_on), last)
        roster = p.roster(organization, started)
        if roster:
            member = rng.choice(roster)
            p.designation(organization, kind, title.format(name=member.name, n=n + 1), started, [member])


# --- Dehua: 2019's applications, shared venues, festivals, contests and training ---------------------------

DEHUA_APPLICATIONS = 156  # "150多名优秀企业职工递交了入党申请书"
DEHUA_TRAINING_ATTENDANCE = 318  # "受训人员达300多人次"
# Of the 156 by today: (how many, stages reached). Members only from firms with their own branch.
DEHUA_OUTCOMES = ((70, 1), (20, "withdrawn-applicant"), (14, "withdrawn-activist"), (8, 2), (6, 3), (6, 4), (32, 5))
DEHUA_TRAININGS = (
    "企业精细化管理实务", "安全生产主体责任", "项目申报与政策解读", "车间负责人管理能力提升", "陶瓷企业质量管理",
    "电子商务运营实务", "劳动用工法律风险防范", "消防安全与应急处置", "新生代企业家沟通交流会", "财务管理与税收政策",
    "班组长管理技能", "党务工作实务",
)  # fmt: skip


def dehua(p: ActivityPlanner) -> None:
    committee = p.organizations(Kind.COMMITTEE)[0]
    year = p.reference_date.year
    by_name = {firm.name: firm for firm in p.builder.enterprises}
    jiashun = by_name["德化县嘉顺陶瓷有限公司"]
    runde = by_name["德化县润德陶瓷有限公司"]
    platform = p.venues["城东新区党建共享活动平台"]
    hall = p.venue("城东新区职工文体活动中心", capacity=500, address="德化县城东新区宝美路")
    room = p.venue(f"{short_name(jiashun)}职工培训室", capacity=80, owner=jiashun, address=jiashun.address)
    p.venue(f"{short_name(runde)}党员活动室", capacity=30, owner=runde, shared=False, address=runde.address)
    chairs = [p.covering(by_name[name], date(year, 6, 1)) for name in ("德化县瓷源陶瓷有限公司", "福建鸿瓷陶瓷有限公司",
              "德化县嘉顺陶瓷有限公司", "德化县润德陶瓷有限公司", "福建永鑫陶瓷有限公司", "德化县华泰陶瓷有限公司")]  # fmt: skip
    rng = p.rng("2019")
    # Training: 12 sessions, 318 attendances (members by name and workers as a count).
    days = p.days(rng, date(year, 2, 20), date(year, 12, 20), len(DEHUA_TRAININGS))
    people = [p.people(rng, [committee], day, 5, 14) for day in days]
    others = _split(rng, DEHUA_TRAINING_ATTENDANCE - sum(map(len, people)), len(days), 5, 40)
    for day, topic, members, count in zip(days, DEHUA_TRAININGS, people, others, strict=True):
        venue = rng.choice((platform, room))
        p.activity(
            kind=ActivityKind.TRAINING, host=committee, co_hosts=[rng.choice(chairs)], venue=venue,
            at=p.slot(rng, venue, day, 180, hours=(9, 14)), minutes=180, title=f"{topic}培训",
            participants=members, non_members=count, description="邀请专业培训机构和专家讲师授课",
        )  # fmt: skip
    events = (
        (3, ActivityKind.LECTURE, "城东新区专家讲堂：陶瓷产业转型升级", platform, 120),
        (6, ActivityKind.LECTURE, "城东新区专家讲堂：民营企业融资政策", platform, 120),
        (10, ActivityKind.LECTURE, "城东新区专家讲堂：跨境电商新机遇", platform, 120),
        (4, ActivityKind.STUDY_VISIT, "赴晋江学习考察非公企业党建和精细化管理", None, 600),
        (9, ActivityKind.STUDY_VISIT, "赴景德镇考察陶瓷产业发展", None, 720),
        (5, ActivityKind.CULTURE_SPORTS, "城东新区第一届职工文体节开幕式", hall, 180),
        (5, ActivityKind.CULTURE_SPORTS, "城东新区职工篮球赛", hall, 240),
        (9, ActivityKind.CULTURE_SPORTS, "城东新区“迎中秋·庆国庆”职工文艺晚会", hall, 180),
        (11, ActivityKind.CULTURE_SPORTS, "城东新区职工拔河比赛", hall, 150),
        (7, ActivityKind.SKILLS_CONTEST, "城东新区企业职工技能大赛：彩绘", hall, 240),
        (7, ActivityKind.SKILLS_CONTEST, "城东新区企业职工技能大赛：倒坯", hall, 240),
        (8, ActivityKind.SKILLS_CONTEST, "城东新区企业职工技能大赛：修坯", hall, 240),
        (8, ActivityKind.SKILLS_CONTEST, "城东新区企业职工技能大赛：上釉", hall, 240),
        (11, ActivityKind.SKILLS_CONTEST, "城东新区电商创业大赛", platform, 300),
    )
    for month, kind, title, venue, minutes in events:
        day = date(year, month, rng.randint(5, 24))
        at = p.slot(rng, venue, day, minutes, hours=(9, 14)) if venue else local_datetime(day, 7, 30)
        p.activity(
            kind=kind, host=committee, co_hosts=rng.sample(chairs, 2), venue=venue, at=at, minutes=minutes, title=title,
            place="" if venue else "园区统一组织乘车前往", participants=p.people(rng, [committee], day, 8, 30),
            non_members=rng.randint(30, 260),
        )  # fmt: skip
    _dehua_shared_bookings(p, rng, [platform, room, hall], chairs)
    rng = p.rng("recent")
    for title, kind, back in (
        ("城东新区安全生产专题培训", ActivityKind.TRAINING, 120), ("城东新区职工技能大赛：彩绘", ActivityKind.SKILLS_CONTEST, 90),
        ("“红色城东”志愿服务进社区", ActivityKind.VOLUNTEER, 40), ("城东新区职工文体节", ActivityKind.CULTURE_SPORTS, 20),
    ):  # fmt: skip
        day = p.today - timedelta(days=back)
        venue = hall if kind != ActivityKind.VOLUNTEER else None
        p.activity(
            kind=kind, host=committee, co_hosts=[rng.choice(chairs)], venue=venue, title=title, minutes=180,
            at=p.slot(rng, hall, day, 180, hours=(9, 14)) if venue else local_datetime(day, 9),
            participants=p.people(rng, [committee], day, 6, 20), non_members=rng.randint(10, 120),
        )  # fmt: skip
    day = p.today + timedelta(days=12)
    p.activity(
        kind=ActivityKind.TRAINING, host=committee, venue=room, at=p.slot(rng, room, day, 180, hours=(9, 14)), minutes=180,
        title="城东新区党务工作者年终业务培训", status=PLANNED,
    )  # fmt: skip
    designated = [o for o in p.organizations(Kind.BRANCH) if o.formation == Formation.STANDALONE]
    _designate_posts(
        p, rng, designated, DK.RESPONSIBILITY_ZONE, 15, "党员责任区（{name}）", date(2019, 3, 1), date(2019, 12, 1)
    )
    _designate_posts(p, rng, designated, DK.DEMO_POST, 12, "党员先锋岗（{name}）", date(2019, 3, 1), date(2019, 12, 1))
    _dehua_pipeline(p, year)


def _split(rng: random.Random, total: int, n: int, low: int, high: int) -> list[int]:
    from devtools.demo.builder import split_total

    return split_total(rng, total, n, low, high)


def _dehua_shared_bookings(p: ActivityPlanner, rng, venues, chairs) -> None:
    """阵地共用: branches book the shared venues for their own events (no activity recorded)."""
    branches = p.organizations(Kind.BRANCH)
    purposes = (
        "新员工入职培训（借用场地）",
        "班组长例会",
        "企业年中总结会",
        "客户产品展示会",
        "党员学习会",
        "职工生日会",
    )
    year = p.reference_date.year
    for first, last, count in (
        (date(year, 1, 10), date(year, 12, 20), 16),
        (p.today - timedelta(days=120), p.today + timedelta(days=30), 10),
    ):
        for day in p.days(rng, first, last, count):
            venue = rng.choice(venues)
            at = p.slot(rng, venue, day, 120, hours=(9, 14, 16))
            if at is not None:
                p.book(venue, rng.choice(branches), at, 120, rng.choice(purposes))


def _dehua_pipeline(p: ActivityPlanner, year: int) -> None:
    rng = p.rng("pipeline")
    all_branches = [o for o in p.organizations(Kind.BRANCH) if o.established_on < date(year, 1, 1)]
    own = [o for o in all_branches if o.formation == Formation.STANDALONE]
    outcomes = [stage for count, stage in DEHUA_OUTCOMES for _ in range(count)]
    if len(outcomes) != DEHUA_APPLICATIONS:
        raise ValueError(f"{len(outcomes)} Dehua applications, not {DEHUA_APPLICATIONS}")
    rng.shuffle(outcomes)
    for outcome in outcomes:
        reached = outcome if isinstance(outcome, int) else (1 if outcome.endswith("applicant") else 2)
        branch = rng.choice(own if reached >= 4 else all_branches)
        firm = rng.choice(firms_of(p, branch) or [None])
        applied = day_between(rng, date(year, 1, 2), date(year, 12, 28))
        dates = [applied]
        if reached >= 2:
            # Activists were taken on over the next years; those still activists only recently.
            activist = applied + timedelta(days=rng.randint(120, 700))
            if reached == 2 and isinstance(outcome, int):
                activist = p.today - timedelta(days=rng.randint(300, 390))
            elif reached == 3:
                activist = p.today - timedelta(days=rng.randint(420, 700))
            dates.append(activist)
        if reached >= 3:
            latest = {3: p.today - timedelta(days=10), 4: p.today - timedelta(days=420)}.get(
                reached, p.today - timedelta(days=640)
            )
            dates.append(min(one_year_after(dates[1]) + timedelta(days=rng.randint(0, 200)), latest))
        if reached >= 4:
            if reached == 4:
                probationary = p.today - timedelta(days=rng.randint(60, 330))
                dates[2] = min(dates[2], probationary - timedelta(days=30))
                dates[1] = min(dates[1], dates[2] - timedelta(days=366))
            else:
                probationary = dates[2] + timedelta(days=rng.randint(60, 240))
            dates.append(probationary)
        if reached >= 5:
            dates.append(
                min(one_year_after(dates[3]) + timedelta(days=rng.randint(0, 30)), p.today - timedelta(days=1))
            )
        withdrawn = None
        if not isinstance(outcome, int):
            withdrawn = dates[-1] + timedelta(days=rng.randint(60, 500))
        p.application(
            branch, firm, p.person(rng), dates, withdrawn_on=withdrawn,
            introducers=p.introducers(rng, branch, dates[3]) if reached >= 4 else (),
        )  # fmt: skip
    _present_pipeline(
        p, p.rng("pipeline-now"), [(o, (firms_of(p, o) or [None])[0]) for o in own], recommended_share=0.3
    )


# --- Yutai: 红帆志愿, 一刻钟党课 and the 红领英才 lectures since 2020 ------------------------------------------------

YUTAI_SINCE = date(2020, 3, 1)
VOLUNTEER_TOPICS = (
    "送党课进企业",
    "送政策上门",
    "关爱留守儿童",
    "文明交通劝导",
    "环境卫生整治",
    "走访慰问困难职工",
    "义务植树",
    "防汛值守",
)
YUTAI_LECTURES = (
    "党务工作交流",
    "发展党员程序规范",
    "“三会一课”记录规范",
    "企业党建品牌创建",
    "党费收缴管理",
    "优秀党务工作者经验分享",
)


YUTAI_POLICY_BRIEFINGS = 12  # "10余次"
POLICY_TOPICS = (
    "减税降费政策",
    "稳岗补贴申领",
    "复工复产扶持政策",
    "企业融资支持政策",
    "科技创新奖补政策",
    "人才引进政策",
)


def yutai(p: ActivityPlanner) -> None:
    working_committee = p.organizations(Kind.WORKING_COMMITTEE)[0]
    branches = p.organizations(Kind.BRANCH)
    centre = p.venues["鱼台经济开发区党群服务中心"]
    school = p.venues["园区党员教育中心"]
    p.venue("鱼台经济开发区党员党性体验VR教室", capacity=30, address="鱼台经济开发区党群服务中心三楼")
    rng = p.rng("volunteer")
    month = date(2020, 6, 1)
    while month < p.today.replace(day=1):
        next_month = (month + timedelta(days=32)).replace(day=1)
        for day in p.days(rng, month, next_month - timedelta(days=1), rng.randint(1, 3)):
            host = rng.choice(branches)
            p.activity(
                kind=ActivityKind.VOLUNTEER, host=working_committee, co_hosts=[host], at=local_datetime(day, 9),
                minutes=rng.choice((120, 180, 240)), title=f"“红帆志愿”：{rng.choice(VOLUNTEER_TOPICS)}",
                place="鱼台经济开发区", participants=p.people(rng, [host, working_committee], day, 3, 10),
                non_members=rng.randint(0, 8),
            )  # fmt: skip
        month = next_month
    rng = p.rng("micro")
    quarter = YUTAI_SINCE.replace(month=4)
    while quarter < p.today.replace(day=1):
        end = min((quarter + timedelta(days=95)).replace(day=1) - timedelta(days=1), p.today - timedelta(days=1))
        for branch in branches:
            if rng.random() < 0.8 and branch.established_on < quarter:
                firm = rng.choice(firms_of(p, branch) or [None])
                day = day_between(rng, quarter, end)
                p.activity(
                    kind=ActivityKind.MICRO_LECTURE, host=branch, at=local_datetime(day, rng.choice((7, 11, 17)), 45),
                    minutes=15, title=f"车间“一刻钟党课”：{rng.choice(MICRO_TOPICS)}",
                    place=f"{short_name(firm)}车间" if firm else "", participants=p.people(rng, [branch], day, 2, 6),
                    non_members=rng.randint(4, 25),
                )  # fmt: skip
        quarter = (quarter + timedelta(days=95)).replace(day=1)
    rng = p.rng("lectures")
    n, month = 0, YUTAI_SINCE
    while month < p.today.replace(day=1):
        n += 1
        day = month + timedelta(days=rng.randint(8, 20))
        p.activity(
            kind=ActivityKind.LECTURE, host=working_committee, venue=school, minutes=120,
            at=p.slot(rng, school, day, 120, hours=(9, 14, 15)), title=f"“红领英才”讲坛第{n}期：{YUTAI_LECTURES[n % len(YUTAI_LECTURES)]}",
            participants=p.people(rng, [working_committee], day, 12, 26), non_members=rng.randint(0, 10),
        )  # fmt: skip
        month = (month + timedelta(days=62)).replace(day=1)
    # "今年以来，开展政策解读培训10余次": the red proxy service's policy briefings of 2020, by the report.
    rng = p.rng("policy briefings")
    for day in p.days(rng, date(2020, 3, 2), yutai_spec.PUBLISHED_ON - timedelta(days=2), YUTAI_POLICY_BRIEFINGS):
        p.activity(
            kind=ActivityKind.TRAINING, host=working_committee, venue=centre, minutes=120,
            at=p.slot(rng, centre, day, 120, hours=(9, 14, 15)), title=f"“红色代办”惠企政策解读培训：{rng.choice(POLICY_TOPICS)}",
            participants=p.people(rng, [working_committee], day, 6, 15), non_members=rng.randint(10, 40),
        )  # fmt: skip
    volunteers = [m for m in p.roster(working_committee, date(2020, 5, 1)) if m.post in (Post.TECHNICIAN, Post.WORKER)]
    p.designation(working_committee, DK.PIONEER_TEAM, "“园之帆”志愿服务队", date(2020, 5, 4), volunteers[:16])
    own = [o for o in branches if o.formation == Formation.STANDALONE]
    _designate_posts(p, rng, own, DK.DEMO_POST, len(own), "党员示范岗（{name}）", date(2020, 3, 1), date(2021, 6, 30))
    rng = p.rng("bookings")
    for day in p.days(rng, p.today - timedelta(days=90), p.today + timedelta(days=21), 8):
        at = p.slot(rng, centre, day, 120, hours=(9, 14, 16))
        if at is not None:
            p.book(centre, rng.choice(branches), at, 120, "党支部主题党日活动（借用党群服务中心）")


PLANS = {"dehua-chengdong": dehua, "yutai": yutai, "quanzhou": quanzhou, "kaihua": kaihua}


def _refuse(what: str, errors: dict) -> None:
    """Stop the load on a row the services would refuse: the demo writes nothing they would not."""
    if errors:
        raise ValidationError({field: f"{what}: {message}" for field, message in errors.items()})
