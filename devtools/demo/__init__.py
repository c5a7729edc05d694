"""Demo data: four parks built from the published case reports in DOMAIN.md, and four demo logins.

`python manage.py load_demo` calls `load_park` for each of PARKS and then `ensure_users`. Loading is
idempotent: a park whose code exists is skipped whole (each park is written in one transaction, so it
is there completely or not at all), and users and grants are fetched or created.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction

from devtools.demo import activities, dehua, kaihua, meeting_plans, quanzhou, ratings, yutai
from devtools.demo.builder import ParkBuilder
from organizations.models import Park
from parkparty import dbstats
from parkparty.ledger_cache import bump_ledger_version

PARKS = (dehua, yutai, quanzhou, kaihua)
# The date each report's figures describe: rosters and ages are drawn relative to it.
REFERENCE_DATES = {
    dehua: dehua.AS_OF,
    yutai: yutai.PUBLISHED_ON,
    quanzhou: quanzhou.PUBLISHED_ON,
    kaihua: kaihua.PUBLISHED_ON,
}
# Parks whose published member count is every roster together have nobody transferred out.
TRANSFERRED_SHARE = {dehua: 0.03, yutai: 0.0, quanzhou: 0.0, kaihua: 0.02}


@dataclass(frozen=True)
class Loaded:
    code: str
    name: str
    skipped: bool
    enterprises: int = 0
    organizations: int = 0
    members: int = 0
    meetings: int = 0
    matters: int = 0
    seconds: float = 0.0


def _loaded_models() -> list:
    """The tables a park's load fills in bulk: the planner needs their statistics at once."""
    from activities.models import Activity, Designation, VenueBooking
    from enterprises.models import Coverage, Enterprise, InstructorAssignment
    from meetings.models import Attendance, ChairTerm, Matter, Meeting
    from organizations.models import (
        Application,
        ApplicationStep,
        DuesCollection,
        Organization,
        PartyMember,
        Rating,
        RatingItem,
        Subsidy,
    )

    return [
        Enterprise,
        Coverage,
        InstructorAssignment,
        Organization,
        PartyMember,
        Meeting,
        Attendance,
        ChairTerm,
        Matter,
        Rating,
        RatingItem,
        Subsidy,
        DuesCollection,
        Activity,
        Activity.participants.through,
        Activity.co_hosts.through,
        VenueBooking,
        Designation,
        Designation.members.through,
        Application,
        ApplicationStep,
        Application.introducers.through,
    ]


def load_park(spec) -> Loaded:
    """Build one park from its module (`spec`), unless a park with its code is already there."""
    if Park.objects.filter(code=spec.CODE).exists():
        return Loaded(spec.CODE, spec.NAME, skipped=True)
    started = time.perf_counter()
    with transaction.atomic():
        builder = ParkBuilder(spec, reference_date=REFERENCE_DATES[spec], transferred_share=TRANSFERRED_SHARE[spec])
        spec.build(builder)
        builder.join_later()  # members who joined after the report: the published rosters hold as of its date
        builder.save()
        # Meetings, joint bodies and matters (devtools/demo/meetings.py): after the ledger they refer to.
        written = meeting_plans.plan(spec, builder, reference_date=REFERENCE_DATES[spec])
        # Ratings, honours and the subsidy ledger (devtools/demo/ratings.py): after the meetings they score.
        ratings.plan(spec, builder, reference_date=REFERENCE_DATES[spec])
        # Activities, venues, designations, plans and the pipeline (devtools/demo/activities.py): after the ratings.
        activities.plan(spec, builder, reference_date=REFERENCE_DATES[spec])
        if connection.vendor == "postgresql":
            # Fire the deferred foreign-key checks of the park's few hundred thousand rows now, not at the
            # commit: a broken row fails this park's load, and a caller's enclosing transaction (the test
            # modules load the demo inside one) does not re-check them at every savepoint it rolls back.
            connection.check_constraints()
        dbstats.analyze(_loaded_models())
        bump_ledger_version()  # bulk_create sends no signals: cached figures must see the new park
    return Loaded(
        spec.CODE,
        spec.NAME,
        skipped=False,
        enterprises=len(builder.enterprises),
        organizations=len(builder.organizations),
        members=len(builder.members),
        meetings=written.meetings,
        matters=written.matters,
        seconds=time.perf_counter() - started,
    )
