"""The machinery shared by the demo parks: invented names, valid codes, and history-aware bulk writes.

A park module describes its park through a `ParkBuilder`; nothing here knows any park's figures.
Everything random comes from one `random.Random` seeded per park, so two loads give the same data.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from stdnum.cn import ric, uscc

from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from organizations.models import District, Grid, Organization, Park, PartyMember
from organizations.services import organization_create

Kind = Organization.Kind
Formation = Organization.Formation
Post = PartyMember.Post
Status = PartyMember.Status

CHANGE_REASON = "demo data (load_demo)"
BATCH_SIZE = 500

# Characters of the organization-code part of a credit code: digits and capitals without I, O, S, V, Z.
CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Birthplace codes that python-stdnum accepts for any birth year. It knows most county codes only from
# the year they were assigned (德化县 from 1985), so each park lists a neighbouring any-year code last,
# and these are the last resort.
ANY_YEAR_BIRTHPLACES = ("350121", "360121", "330122", "370100", "510121")
COMMON_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程苏魏吕丁沈姚卢姜钟谭陆汪范金石廖夏方邹熊江"
GIVEN_NAME_CHARACTERS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯鹏俊峰晨欣雪琳婷丹志国庆荣海波春梅燕鑫龙云飞亮坤成东"
PHONE_PREFIXES = (
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "158",
    "159",
    "177",
    "180",
    "186",
    "188",
    "189",
)
# Ages on the park's reference date, by post: owners are older than the workers they employ.
AGES = {
    Post.OWNER: (35, 62),
    Post.SENIOR_MANAGER: (32, 58),
    Post.MIDDLE_MANAGER: (28, 52),
    Post.TECHNICIAN: (25, 48),
    Post.WORKER: (23, 50),
    "": (30, 55),
}
# Posts of members other than the secretary, when a park has no published distribution.
USUAL_POSTS = {Post.SENIOR_MANAGER: 1, Post.MIDDLE_MANAGER: 2, Post.TECHNICIAN: 3, Post.WORKER: 4}
# Members who joined after the report (`ParkBuilder.join_later`), probationary today: they joined within
# the year before the demo was written; the dates are fixed, not "a year ago", so that every load gives the
# same rows.
PROBATION_STARTS = (date(2025, 12, 1), date(2026, 6, 30))
# Members of the published rosters who were probationary on the report's date joined in these last days
# before it (and are full members today).
PROBATION_DAYS = 330
# Later joiners, as a share of the published rosters.
LATER_SHARE = 0.05


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def years_after(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals, as in 第二十二联合党支部."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def split_total(rng: random.Random, total: int, n: int, low: int, high: int) -> list[int]:
    """n whole numbers between low and high that add up to exactly `total`, spread at random."""
    if not low * n <= total <= high * n:
        raise ValueError(f"{total} cannot be split into {n} parts of {low}–{high}")
    counts = [low] * n
    for _ in range(total - low * n):
        counts[rng.choice([i for i, count in enumerate(counts) if count < high])] += 1
    return counts


def scale_to_total(weights: Sequence[float], total: int) -> list[int]:
    """Whole numbers proportional to `weights` that add up to exactly `total` (largest remainders)."""
    factor = total / sum(weights)
    scaled = [int(weight * factor) for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: weights[i] * factor - scaled[i], reverse=True)
    for i in by_remainder[: total - sum(scaled)]:
        scaled[i] += 1
    return scaled


class ParkBuilder:
    """Collects one park's rows and writes them; organizations are written at once (treebeard needs
    each parent's path), the rest in one history-aware bulk insert per table in `save()`.

    The rosters a park module deals (`roster`, `member`) are the published ones, on the roster on the
    report's date (`reference_date`): every member joined on or before it, so the member figures hold as
    of that date. Those drawn probationary were so on that date. Members who joined after the report are
    extra (`join_later`), the demo's today going on past the report. A park whose newcomers of some
    period before the report all came through the pipeline (Kaihua's two years) gives `spec.ROSTER_JOINED_BY`:
    its rosters then joined by that day and have nobody probationary on the report's date.
    """

    def __init__(self, spec, *, reference_date: date, transferred_share: float = 0.0) -> None:
        self.park = Park.objects.create(code=spec.CODE, name=spec.NAME, region=spec.REGION)
        self.rng = random.Random(spec.SEED)
        self.seed = spec.SEED
        self.region_code = spec.REGION_CODE
        self.birthplaces = (*spec.BIRTHPLACES, *ANY_YEAR_BIRTHPLACES)
        self.surnames = spec.SURNAMES
        self.reference_date = reference_date
        self.today = timezone.localdate()
        self.transferred_share = transferred_share
        # Full members of the published rosters joined at least 400 days before the report (full by then).
        self.joined_by = min(reference_date - timedelta(days=400), getattr(spec, "ROSTER_JOINED_BY", date.max))
        # Those probationary on the report's date joined in its last PROBATION_DAYS, unless the park's
        # newcomers before the report all came through the pipeline.
        self.probation_from = (
            None if hasattr(spec, "ROSTER_JOINED_BY") else reference_date - timedelta(days=PROBATION_DAYS)
        )
        self._rostered: list[tuple[Organization, Sequence[Enterprise], int]] = []
        self.organizations: list[Organization] = []
        self.enterprises: list[Enterprise] = []
        self.coverages: list[Coverage] = []
        self.members: list[PartyMember] = []
        self.instructors: list[Instructor] = []
        self.assignments: list[InstructorAssignment] = []
        self._secretaries: list[tuple[Organization, PartyMember]] = []
        # Credit codes and ID numbers are unique across the whole database, not only this park.
        self._codes = set(Enterprise.objects.values_list("credit_code", flat=True))
        self._id_numbers = set(PartyMember.objects.exclude(id_number="").values_list("id_number", flat=True))
        self._brands: set[str] = set()

    # --- invented names and valid codes ---------------------------------------------------------------

    def person(self) -> str:
        surnames = self.surnames if self.rng.random() < 0.6 else COMMON_SURNAMES
        given = "".join(self.rng.choices(GIVEN_NAME_CHARACTERS, k=2 if self.rng.random() < 0.75 else 1))
        return self.rng.choice(surnames) + given

    def brand(self, characters: str) -> str:
        """A two-character trade name not used before in this park (德化县「瓷源」陶瓷有限公司)."""
        while True:
            brand = "".join(self.rng.sample(characters, 2))
            if brand not in self._brands:
                self._brands.add(brand)
                return brand

    def reserve_brands(self, brands) -> None:
        """Trade names taken by firms named in a report, so `brand()` does not invent them again."""
        self._brands.update(brands)

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(100_000_000):08d}"

    def credit_code(self, registered: date, registrant: str = "91") -> str:
        """Registrant ("91" a company, "52" a private non-enterprise unit such as a school) + the county's
        region code + a 9-character organization code + the check character.

        Firms registered before the 2015 reform kept their old numeric organization code inside the new one.
        """
        while True:
            if registered.year < 2015:
                organization_code = f"{self.rng.randrange(10_000_000, 80_000_000)}{self.rng.randrange(10)}"
            else:
                organization_code = "MA" + "".join(self.rng.choices(CODE_CHARACTERS, k=7))
            body = f"{registrant}{self.region_code}{organization_code}"
            code = body + uscc.calc_check_digit(body)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def id_number(self, born: date) -> str:
        """An ID-card number with a valid birthplace for the birth year and a correct check digit."""
        for place in self.birthplaces:
            for _attempt in range(3):
                body = f"{place}{born:%Y%m%d}{self.rng.randint(1, 999):03d}"
                number = body + ric.calc_check_digit(body + "0")
                if number not in self._id_numbers and ric.is_valid(number):
                    self._id_numbers.add(number)
                    return number
        return ""

    # --- the tree, districts and grids (written at once) -----------------------------------------------

    def district(self, name: str) -> District:
        return District.objects.create(park=self.park, name=name)

    def organization(
        self, parent: Organization | None, name: str, kind: str, formation: str, established_on: date, **fields
    ) -> Organization:
        """Through the service, so the demo tree obeys the same rules as one built in the portal."""
        node = organization_create(
            parent=parent,
            park=self.park,
            name=name,
            kind=kind,
            formation=formation,
            established_on=established_on,
            **fields,
        )
        self.organizations.append(node)
        return node

    def grid(self, name: str, *, district: District, leading_organization: Organization) -> Grid:
        return Grid.objects.create(
            park=self.park,
            district=district,
            name=name,
            cadre=self.person(),
            leading_organization=leading_organization,
        )

    # --- the ledger (pending until save) ---------------------------------------------------------------

    def enterprise(self, name: str, *, industry: str, entered_on: date, registrant="91", **fields) -> Enterprise:
        enterprise = Enterprise(
            park=self.park,
            name=name,
            industry=industry,
            entered_on=entered_on,
            credit_code=self.credit_code(entered_on, registrant),
            **fields,
        )
        self.enterprises.append(enterprise)
        return enterprise

    def cover(self, enterprise: Enterprise, organization: Organization, started_on: date, ended_on=None) -> None:
        self.coverages.append(
            Coverage(enterprise=enterprise, organization=organization, started_on=started_on, ended_on=ended_on)
        )

    def cover_soon(self, enterprise: Enterprise, organization: Organization, *, within_days: int = 60) -> date:
        """Cover from a day shortly after both the firm and the organization were there; returns that day."""
        start = max(enterprise.entered_on, organization.established_on)
        started_on = start + timedelta(days=self.rng.randint(0, within_days))
        self.cover(enterprise, organization, started_on)
        return started_on

    def size(self, enterprises: Sequence[Enterprise], *, employees: Sequence[int], output: Sequence[Decimal]) -> None:
        for enterprise, people, value in zip(enterprises, employees, output, strict=True):
            enterprise.employees, enterprise.output_value = people, value

    def leave(self, enterprise: Enterprise, on: date, status: str = Enterprise.Status.MOVED_OUT) -> None:
        """Record a firm leaving: its open coverage ends the same day, as `enterprise_leave` does."""
        enterprise.status, enterprise.left_on = status, on
        for coverage in self.coverages:
            if coverage.enterprise is enterprise and coverage.ended_on is None:
                coverage.ended_on = on

    # --- members -----------------------------------------------------------------------------------------

    def posts(self, count: int, secretary_post: str, weights: dict[str, int] = USUAL_POSTS) -> list[str]:
        """The secretary's post first, then `count - 1` posts drawn with `weights`."""
        others = self.rng.choices(list(weights), weights=list(weights.values()), k=count - 1)
        return [secretary_post, *others]

    def roster(
        self, organization: Organization, posts: Sequence[str], *, firms: Sequence[Enterprise] = ()
    ) -> list[PartyMember]:
        """One member per post, dealt round-robin over `firms`. The first is the secretary and the first
        three are full members: a branch needs three full members to stand."""
        members = []
        for i, post in enumerate(posts):
            firm = firms[i % len(firms)] if firms else None
            status = Status.FULL if i < 3 else self._status()
            members.append(self.member(organization, post=post, enterprise=firm, status=status))
        if members:
            self._secretaries.append((organization, members[0]))
            self._rostered.append((organization, firms, len(members)))
        return members

    def _status(self) -> str:
        draw = self.rng.random()
        if draw < self.transferred_share:
            return Status.TRANSFERRED_OUT
        return Status.PROBATIONARY if draw < self.transferred_share + 0.06 else Status.FULL

    def member(
        self,
        organization: Organization,
        *,
        post: str,
        enterprise=None,
        status=Status.FULL,
        is_mobile=False,
        later: bool = False,
    ) -> PartyMember:
        """A member of the published roster, on it on the report's date: full, probationary on that date
        (and full since, if a year has passed by today) or transferred out. `later`: one who joined after
        the report, probationary today (see `join_later`). Each kind draws the same random numbers."""
        youngest, oldest = AGES[post]
        year = (self.today if later else self.reference_date).year - self.rng.randint(youngest, oldest)
        born = date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        if later:
            joined_on, full_member_on, status = day_between(self.rng, *PROBATION_STARTS), None, Status.PROBATIONARY
        elif status == Status.PROBATIONARY and self.probation_from:
            joined_on = day_between(self.rng, self.probation_from, self.reference_date - timedelta(days=1))
            full_member_on = joined_on + timedelta(days=365)
            if full_member_on <= self.today:
                status = Status.FULL
            else:
                full_member_on = None
        else:
            joined_on = day_between(self.rng, min(years_after(born, 20), self.joined_by), self.joined_by)
            full_member_on = joined_on + timedelta(days=365)
            if status == Status.PROBATIONARY:
                status = Status.FULL
        member = PartyMember(
            organization=organization,
            park_id=organization.park_id,  # bulk-created: save(), which derives it, is not called
            enterprise=enterprise,
            name=self.person(),
            status=status,
            joined_on=joined_on,
            full_member_on=full_member_on,
            post=post,
            is_mobile=is_mobile,
            # Not every roster has the ID number on file; the phone is almost always known.
            id_number=self.id_number(born) if self.rng.random() < 0.7 else "",
            phone=self.phone() if self.rng.random() < 0.9 else "",
        )
        self.members.append(member)
        return member

    def join_later(self, share: float = LATER_SHARE) -> list[PartyMember]:
        """Members who joined after the report, probationary today: `share` of the published rosters,
        dealt over the organizations by roster size, each to one of the organization's firms. They come
        from a random stream of their own, so the rest of the park is drawn as without them."""
        if not self._rostered:
            return []
        park_rng, self.rng = self.rng, random.Random(f"{self.seed}:later")
        try:
            total = round(share * sum(size for *_rest, size in self._rostered))
            picks = self.rng.choices(self._rostered, weights=[size for *_rest, size in self._rostered], k=total)
            return [
                self.member(
                    organization,
                    post=self.rng.choices(list(USUAL_POSTS), weights=list(USUAL_POSTS.values()))[0],
                    enterprise=self.rng.choice(firms) if firms else None,
                    later=True,
                )
                for organization, firms, _size in picks
            ]
        finally:
            self.rng = park_rng

    # --- instructors ---------------------------------------------------------------------------------------

    def instructor(self, title: str) -> Instructor:
        instructor = Instructor(park=self.park, name=self.person(), title=title, phone=self.phone())
        self.instructors.append(instructor)
        return instructor

    def assign(self, instructor: Instructor, enterprise: Enterprise, started_on: date) -> None:
        started_on = max(started_on, enterprise.entered_on)
        self.assignments.append(
            InstructorAssignment(instructor=instructor, enterprise=enterprise, started_on=started_on)
        )

    # --- writing ----------------------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the pending rows in dependency order, each table in one history-aware bulk insert.

        Field validators (credit-code and ID check characters, choices) run on every row first; the
        relations are right by construction and checked against the services' rules in tests/devtools/demo/test_demo.py.
        """
        for enterprise in self.enterprises:
            enterprise.clean_fields(exclude=["park", "district", "grid"])
        for member in self.members:
            member.clean_fields(exclude=["park", "organization", "enterprise"])
        _bulk(self.enterprises, Enterprise)
        _bulk(self.coverages, Coverage)
        _bulk(self.members, PartyMember)
        self._save_secretaries()
        # Instructors keep no history; their assignments do.
        Instructor.objects.bulk_create(self.instructors, batch_size=BATCH_SIZE)
        _bulk(self.assignments, InstructorAssignment)

    def _save_secretaries(self) -> None:
        organizations = []
        for organization, member in self._secretaries:
            organization.secretary = member
            organizations.append(organization)
        if organizations:
            bulk_update_with_history(
                organizations,
                Organization,
                ["secretary"],
                batch_size=BATCH_SIZE,
                default_change_reason=CHANGE_REASON,
            )


def _bulk(objects: list, model) -> None:
    if objects:
        bulk_create_with_history(objects, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)
