"""A past period's member figures, rebuilt today, are those of the period's end (issue 14): a member who
joined after it, or a transfer recorded after it, changes nothing."""

from datetime import date

from django.utils import translation

from organizations.models import PartyMember
from parkparty.dates import local_datetime
from reports import periods, sections
from tests import factories as f

TODAY = date(2025, 3, 10)


def members_figures(world) -> dict:
    ctx = sections.Context(park=world.park, period=periods.parse("annual", "2024", TODAY), today=TODAY)
    with translation.override("en"):
        figures = sections.SECTIONS["members"](ctx)["figures"]
        totals = sections.SECTIONS["totals"](ctx)["figures"]
    return {key: figures[key] for key in ("members", "probationary")} | {"totals": totals}


def test_a_past_report_rebuilt_after_the_roster_changed_gives_the_same_members(world):
    before = members_figures(world)
    assert (before["members"], before["probationary"]) == (2, 0)  # 张三 and 李四
    f.PartyMemberFactory(organization=world.branch_a, joined_on=date(2025, 1, 15), full_member_on=None,
                         status=PartyMember.Status.PROBATIONARY)  # fmt: skip
    history = PartyMember.history.filter(id=world.member_b.pk)
    history.update(history_date=local_datetime(date(2011, 7, 1), 9))  # as if entered in the portal then
    world.member_b.status = PartyMember.Status.TRANSFERRED_OUT
    world.member_b.save()
    history.filter(history_id=history.latest("history_id").history_id).update(
        history_date=local_datetime(date(2025, 2, 1), 9)  # and transferred out after the period
    )
    assert members_figures(world) == before
