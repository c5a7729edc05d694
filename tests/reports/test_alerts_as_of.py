"""reports.alerts as of a past day (issue 14): each kind reads the records as they stood at the end of the
day asked about, so a later step, resolution, transfer or schedule does not change a past day's list."""

from datetime import date

from django.utils import translation

from meetings import services as meeting_services
from meetings.models import ChairTerm, Matter
from organizations.models import Application, PartyMember, Stage
from parkparty.dates import local_datetime
from reports.alerts import park_alerts
from tests import factories as f

DAY = date(2024, 6, 10)  # the past day asked about; "later" records are dated after it


def subjects(world, kind: str, day: date = DAY) -> set[str]:
    with translation.override("en"):
        return {alert.subject for alert in park_alerts([world.park.pk], day, kinds=[kind])}


def recorded_on(model, pk: int, day: date) -> None:
    model.history.filter(id=pk).update(history_date=local_datetime(day, 9))


def test_a_conversion_made_or_an_extension_recorded_later_leaves_the_past_day_due(world):
    application = Application.objects.create(
        park=world.park, organization=world.branch_a, name="钱预备", stage=Stage.PROBATIONARY,
        applied_on=date(2021, 3, 1), activist_on=date(2021, 9, 1), target_on=date(2022, 9, 1),
        probationary_on=date(2023, 6, 20),
    )  # fmt: skip
    recorded_on(Application, application.pk, date(2023, 6, 20))
    assert subjects(world, "conversion_due") == {"钱预备"}  # due on 2024-06-20, within the month

    application.probation_extended_until = date(2025, 6, 20)  # extended, recorded on 2024-06-11
    application.save()
    extension = Application.history.filter(id=application.pk).latest("history_id")
    Application.history.filter(history_id=extension.history_id).update(
        history_date=local_datetime(date(2024, 6, 11), 9)
    )
    assert subjects(world, "conversion_due") == {"钱预备"}
    assert subjects(world, "conversion_due", date(2024, 6, 12)) == set()  # due only in 2025 by then

    application.stage, application.full_on = Stage.FULL, date(2024, 7, 1)
    application.save()
    assert subjects(world, "conversion_due") == {"钱预备"}
    assert subjects(world, "conversion_due", date(2024, 7, 2)) == set()  # a full member from 2024-07-01


def test_a_transfer_recorded_later_leaves_the_enterprise_with_its_three_full_members(world):
    members = f.PartyMemberFactory.create_batch(3, organization=world.branch_a, enterprise=world.enterprise_uncovered)
    assert subjects(world, "own_branch_needed") == {world.enterprise_uncovered.name}

    members[0].status = PartyMember.Status.TRANSFERRED_OUT
    members[0].save()  # recorded today

    assert subjects(world, "own_branch_needed") == {world.enterprise_uncovered.name}
    assert subjects(world, "own_branch_needed", date(2026, 12, 6)) == set()


def test_a_matter_resolved_later_was_past_due_on_the_day(world):
    matter = meeting_services.matter_save(
        matter=Matter(park=world.park, source="visit", organization=world.branch_a, category="policy",
                      title="逾期事项", raised_on=date(2024, 3, 1), due_on=date(2024, 5, 1))
    )  # fmt: skip
    recorded_on(Matter, matter.pk, date(2024, 3, 1))
    matter.status, matter.resolved_on, matter.resolution = Matter.Status.RESOLVED, date(2024, 7, 1), "已协调"
    meeting_services.matter_save(matter=matter)

    assert subjects(world, "matter_past_due") == {"逾期事项"}
    assert subjects(world, "matter_past_due", date(2024, 7, 2)) == set()
    # One raised after the day is no alert of it, whatever its due date.
    meeting_services.matter_save(
        matter=Matter(park=world.park, source="visit", organization=world.branch_a, category="policy",
                      title="后提事项", raised_on=date(2024, 6, 11), due_on=date(2024, 6, 1))
    )  # fmt: skip
    assert subjects(world, "matter_past_due") == {"逾期事项"}


def test_a_chair_named_after_the_day_does_not_fill_that_days_gap(world):
    assert subjects(world, "chair_missing") == {world.joint_body.name}  # July 2024's chair
    term = ChairTerm.objects.create(
        joint_body=world.joint_body, starts_on=date(2024, 7, 1), enterprise=world.enterprise_a
    )
    recorded_on(ChairTerm, term.pk, date(2024, 6, 20))
    assert subjects(world, "chair_missing") == {world.joint_body.name}
    assert subjects(world, "chair_missing", date(2024, 6, 20)) == set()
