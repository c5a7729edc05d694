"""The instructor roster and assignments: who may keep them, and which dates they refuse."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from enterprises.models import Enterprise, Instructor, InstructorAssignment
from enterprises.services import assignment_end, assignment_start, instructor_save
from tests import factories as f


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _messages(error: ValidationError) -> dict:
    return error.value.message_dict


def test_a_park_admin_adds_an_instructor_with_a_history_reason(world):
    instructor = instructor_save(instructor=Instructor(park=world.park, name="陈指导"), actor=world.users["admin"])

    assert Instructor.objects.get(pk=instructor.pk).name == "陈指导"
    assert instructor.history.get().history_change_reason == "Instructor added"


def test_an_instructor_needs_a_name(world):
    with pytest.raises(ValidationError) as error:
        instructor_save(instructor=Instructor(park=world.park, name=""), actor=world.users["admin"])

    assert "name" in _messages(error)


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_a_park_admin_keeps_the_roster(world, role):
    before = Instructor.objects.count()

    with pytest.raises(PermissionDenied):
        instructor_save(instructor=Instructor(park=world.park, name="陈指导"), actor=world.users[role])

    assert Instructor.objects.count() == before


def test_an_admin_cannot_add_an_instructor_to_another_park(world):
    with pytest.raises(PermissionDenied):
        instructor_save(instructor=Instructor(park=world.other_park, name="陈指导"), actor=world.users["admin"])


def test_an_admin_cannot_take_another_parks_instructor_into_their_own(world):
    stranger = f.InstructorFactory(park=world.other_park)
    stranger.park = world.park

    with pytest.raises(PermissionDenied):
        instructor_save(instructor=stranger, actor=world.users["admin"])

    assert Instructor.objects.get(pk=stranger.pk).park_id == world.other_park.pk


def test_an_edit_keeps_the_change_in_history(world):
    instructor = world.instructor
    instructor.title = "组织员"

    instructor_save(instructor=instructor, actor=world.users["admin"])

    assert instructor.history.first().history_change_reason == "Instructor changed"
    assert Instructor.objects.get(pk=instructor.pk).title == "组织员"


def test_an_assignment_starts_on_an_enterprise_of_the_instructors_park(world):
    assignment = assignment_start(
        instructor=world.instructor, enterprise=world.enterprise_a, on=date(2026, 3, 1), actor=world.users["admin"]
    )

    assert assignment.started_on == date(2026, 3, 1)
    assert assignment.ended_on is None
    assert assignment.history.get().history_change_reason == "Assignment started"


def test_an_assignment_to_an_enterprise_of_another_park_is_refused(world):
    with pytest.raises(ValidationError) as error:
        assignment_start(instructor=world.instructor, enterprise=world.other_enterprise, on=date(2026, 3, 1))

    assert _messages(error) == {"enterprise": ["The enterprise is in another park than the instructor."]}


def test_a_second_open_assignment_of_the_same_pair_is_refused(world):
    before = InstructorAssignment.objects.count()

    with pytest.raises(ValidationError) as error:
        assignment_start(instructor=world.instructor, enterprise=world.enterprise_uncovered, on=date(2026, 3, 1))

    assert _messages(error) == {"enterprise": ["This instructor is already assigned to this enterprise."]}
    assert InstructorAssignment.objects.count() == before


def test_an_assignment_cannot_start_before_the_enterprise_entered_the_park(world):
    entered_on = world.enterprise_a.entered_on

    with pytest.raises(ValidationError) as error:
        assignment_start(instructor=world.instructor, enterprise=world.enterprise_a, on=entered_on - timedelta(days=1))

    assert list(_messages(error)) == ["started_on"]


def test_an_assignment_cannot_start_once_the_enterprise_has_left(world):
    enterprise = f.EnterpriseFactory(
        park=world.park, entered_on=date(2020, 1, 1), status=Enterprise.Status.CLOSED, left_on=date(2025, 1, 1)
    )

    with pytest.raises(ValidationError) as error:
        assignment_start(instructor=world.instructor, enterprise=enterprise, on=date(2025, 1, 1))

    assert _messages(error) == {"started_on": ["The enterprise was not operating in the park on this date."]}
    assignment_start(instructor=world.instructor, enterprise=enterprise, on=date(2024, 12, 31))


def test_a_new_assignment_of_a_pair_may_not_overlap_its_ended_one(world):
    first = assignment_start(instructor=world.instructor, enterprise=world.enterprise_a, on=date(2025, 1, 1))
    assignment_end(assignment=first, on=date(2025, 6, 1))

    with pytest.raises(ValidationError) as error:
        assignment_start(instructor=world.instructor, enterprise=world.enterprise_a, on=date(2025, 5, 1))

    assert list(_messages(error)) == ["started_on"]
    assert assignment_start(instructor=world.instructor, enterprise=world.enterprise_a, on=date(2025, 6, 1)).pk


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_a_park_admin_assigns(world, role):
    with pytest.raises(PermissionDenied):
        assignment_start(
            instructor=world.instructor, enterprise=world.enterprise_a, on=date(2026, 3, 1), actor=world.users[role]
        )


def test_an_assignment_ends_after_its_start(world):
    assignment = world.instructor.assignments.get()

    ended = assignment_end(assignment=assignment, on=date(2026, 12, 1), actor=world.users["admin"])

    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on == date(2026, 12, 1)
    assert ended.history.first().history_change_reason == "Assignment ended"


@pytest.mark.parametrize("on", [date(2016, 1, 1), date(2015, 12, 31)], ids=["on its start", "before its start"])
def test_an_assignment_cannot_end_on_or_before_its_start(world, on):
    assignment = world.instructor.assignments.get()

    with pytest.raises(ValidationError) as error:
        assignment_end(assignment=assignment, on=on)

    assert _messages(error) == {"ended_on": ["The end must come after the start."]}
    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on is None


def test_an_assignment_cannot_end_after_today(world):
    assignment = world.instructor.assignments.get()

    with pytest.raises(ValidationError) as error:
        assignment_end(assignment=assignment, on=timezone.localdate() + timedelta(days=1))

    assert list(_messages(error)) == ["ended_on"]
    assignment_end(assignment=assignment, on=timezone.localdate())


def test_an_ended_assignment_cannot_end_again(world):
    assignment = world.instructor.assignments.get()
    assignment_end(assignment=assignment, on=date(2026, 1, 1))

    with pytest.raises(ValidationError) as error:
        assignment_end(assignment=InstructorAssignment.objects.get(pk=assignment.pk), on=date(2026, 2, 1))

    assert _messages(error) == {"ended_on": ["This assignment has already ended."]}
    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on == date(2026, 1, 1)


def test_a_stale_copy_cannot_end_it_again_either(world):
    stale = world.instructor.assignments.get()
    assignment_end(assignment=InstructorAssignment.objects.get(pk=stale.pk), on=date(2026, 1, 1))

    with pytest.raises(ValidationError):
        assignment_end(assignment=stale, on=date(2026, 2, 1))


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_a_park_admin_ends_an_assignment(world, role):
    with pytest.raises(PermissionDenied):
        assignment_end(assignment=world.instructor.assignments.get(), on=date(2026, 1, 1), actor=world.users[role])
