"""The membership pipeline: no stage skipped, its time rules, introducers, the roster entry it makes,
extensions and withdrawals, the due-soon list and the member statistics."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from organizations.models import Application, ApplicationStep, PartyMember
from organizations.pipeline import selectors, services
from tests import factories as f


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English here; the Chinese catalog is checked by tests/parkparty/test_i18n.py."""
    with translation.override("en"):
        yield


def full_member(world, name):
    return f.PartyMemberFactory(
        organization=world.branch_a,
        name=name,
        status="full",
        joined_on=date(2010, 1, 1),
        full_member_on=date(2011, 1, 1),
    )


def as_target(world):
    return services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))


def as_probationary(world):
    introducers = [full_member(world, "介绍人甲"), full_member(world, "介绍人乙")]
    return services.application_advance(
        application=as_target(world),
        stage="probationary",
        on=date(2024, 7, 1),
        introducers=introducers,
        approved_by="甲支部党员大会",
    )


def test_each_step_is_dated_and_approved_in_order(world):
    application = as_probationary(world)
    steps = list(application.steps.values_list("stage", "on", "approved_by"))
    assert steps == [
        ("applicant", date(2022, 9, 1), ""),
        ("activist", date(2023, 3, 1), "甲支部支委会"),
        ("target", date(2024, 3, 1), ""),
        ("probationary", date(2024, 7, 1), "甲支部党员大会"),
    ]


def test_a_stage_cannot_be_skipped(world):
    with pytest.raises(ValidationError) as error:
        services.application_advance(application=world.application_a, stage="probationary", on=date(2024, 6, 1))
    assert "no stage is skipped" in error.value.message_dict["stage"][0]
    assert Application.objects.get(pk=world.application_a.pk).stage == "activist"


def test_an_activist_becomes_a_development_target_only_after_a_year(world):
    with pytest.raises(ValidationError) as error:
        services.application_advance(application=world.application_a, stage="target", on=date(2024, 2, 29))
    assert "2024-03-01" in error.value.message_dict["on"][0]
    assert not ApplicationStep.objects.filter(application=world.application_a, stage="target").exists()
    assert as_target(world).stage == "target"


def test_a_step_is_not_dated_in_the_future_or_before_the_previous_one(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    for on in (tomorrow, date(2023, 2, 1)):
        with pytest.raises(ValidationError) as error:
            services.application_advance(application=world.application_a, stage="target", on=on)
        assert "on" in error.value.message_dict


def test_a_probationary_member_needs_two_full_member_introducers(world):
    target = as_target(world)
    probationary = f.PartyMemberFactory(
        organization=world.branch_a,
        name="预备党员",
        status="probationary",
        joined_on=date(2024, 1, 1),
        full_member_on=None,
    )
    for introducers in ([], [full_member(world, "甲")], [full_member(world, "乙"), probationary]):
        with pytest.raises(ValidationError) as error:
            services.application_advance(
                application=target, stage="probationary", on=date(2024, 7, 1), introducers=introducers
            )
        assert "introducers" in error.value.message_dict
    assert not PartyMember.objects.filter(name="周青").exists()


def test_becoming_probationary_puts_the_person_on_the_roster_and_full_makes_them_full(world):
    application = as_probationary(world)
    member = application.member
    assert (member.name, member.status, member.joined_on, member.organization) == (
        "周青",
        "probationary",
        date(2024, 7, 1),
        world.branch_a,
    )
    assert application.introducers.count() == 2
    with pytest.raises(ValidationError) as error:
        services.application_advance(application=application, stage="full", on=date(2025, 6, 30))
    assert "2025-07-01" in error.value.message_dict["on"][0]
    services.application_advance(application=application, stage="full", on=date(2025, 7, 1))
    member.refresh_from_db()
    assert (member.status, member.full_member_on) == ("full", date(2025, 7, 1))


def test_an_extended_probation_ends_later_and_keeps_its_reason(world):
    application = as_probationary(world)
    with pytest.raises(ValidationError) as error:
        services.probation_extend(application=application, until=date(2026, 8, 1), reason="")
    assert set(error.value.message_dict) == {"until", "reason"}
    services.probation_extend(application=application, until=date(2026, 1, 1), reason="需进一步考察")
    with pytest.raises(ValidationError):
        services.application_advance(application=application, stage="full", on=date(2025, 7, 1))
    done = services.application_advance(application=application, stage="full", on=date(2026, 1, 1))
    assert done.stage == "full"
    assert Application.objects.get(pk=application.pk).history.filter(history_change_reason="需进一步考察").exists()


def test_a_withdrawn_application_takes_no_further_step(world):
    services.application_withdraw(application=world.application_a, on=date(2023, 6, 1), reason="调离本企业")
    with pytest.raises(ValidationError) as error:
        services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))
    assert "withdrawn" in error.value.message_dict["stage"][0]


def test_applications_go_to_party_organizations_of_the_park(world):
    with pytest.raises(ValidationError) as error:
        services.application_create(
            application=Application(organization=world.group_a, name="李", applied_on=date(2024, 1, 1))
        )
    assert "organization" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.application_create(
            application=Application(
                organization=world.branch_a, name="李", enterprise=world.other_enterprise, applied_on=date(2024, 1, 1)
            )
        )
    assert "enterprise" in error.value.message_dict


def test_the_due_soon_list_holds_activists_and_probationers_within_30_days_and_marks_the_overdue(world):
    assert [d.application for d in selectors.due_soon(park_ids=[world.park.pk], today=date(2024, 1, 30))] == []
    due = selectors.due_soon(park_ids=[world.park.pk], today=date(2024, 2, 15))
    assert [(d.application, d.eligible_on, d.overdue) for d in due] == [(world.application_a, date(2024, 3, 1), False)]
    assert selectors.due_soon(park_ids=[world.park.pk], today=date(2024, 4, 1))[0].overdue
    assert selectors.due_soon(park_ids=[world.other_park.pk], today=date(2024, 4, 1)) == []


def test_member_statistics_count_applications_recommended_new_members_and_cross_appointment(world):
    as_probationary(world)  # recommended by the youth league
    services.application_create(
        application=Application(organization=world.branch_b, name="王", applied_on=date(2024, 5, 1))
    )
    world.member_a.post, world.member_a.mass_post = "owner", "union_chair"
    world.member_a.save()
    world.branch_a.secretary = world.member_a
    world.branch_a.save()
    stats = selectors.member_stats(park_ids=[world.park.pk], since=date(2024, 1, 1), until=date(2024, 12, 31))
    assert (stats["applications"], stats["new_members"], stats["recommended"]) == (1, 1, 1)
    assert str(stats["recommended_share"]) == "1.0000"
    assert stats["probationary"] == 1
    cross = stats["cross_appointment"]
    assert (cross["secretaries"], cross["owners"], cross["mass_organization_heads"]) == (1, 1, 1)
    assert cross["members_middle_or_higher"] == 1


def test_a_reason_longer_than_the_history_keeps_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.application_withdraw(application=world.application_a, on=date(2023, 6, 1), reason="因" * 101)
    assert "reason" in error.value.message_dict
    assert Application.objects.get(pk=world.application_a.pk).withdrawn_on is None
