"""The pipeline pages: the board (columns by stage, due soon and overdue marked), an application's page
with its steps and the forms of the next step, and a new application — who may do what, what is refused
(the field named, nothing saved), and query counts."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.models import Application, ApplicationStep, PartyMember
from organizations.pipeline import services
from tests import factories as f
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.logout()
        client.force_login(world.users[role])
        return client

    return as_role


def count_queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def activist(world, name: str, since: date, organization=None) -> Application:
    application = services.application_create(
        application=Application(
            organization=organization or world.branch_a, name=name, applied_on=since - timedelta(days=90)
        )
    )
    return services.application_advance(application=application, stage="activist", on=since)


def cards(response, stage: str) -> dict[str, object]:
    column = next(column for column in response.context["columns"] if column.stage == stage)
    return {card.application.name: card for card in column.cards}


# --- the board -------------------------------------------------------------------------------------


def test_the_board_shows_a_column_per_stage_with_due_soon_and_overdue_marked(world, login):
    today = timezone.localdate()
    activist(world, "刘洋", today - timedelta(days=365 - 10))  # eligible in ten days: due soon
    activist(world, "陈晨", today - timedelta(days=100))  # eligible in 265 days: not yet
    response = login("admin").get(reverse("pipeline-board"))
    assert response.status_code == 200
    activists = cards(response, "activist")
    assert set(activists) == {"周青", "刘洋", "陈晨"}
    assert (activists["周青"].overdue, activists["周青"].due) == (True, False)  # eligible since 2024-03-01
    assert activists["周青"].eligible == date(2024, 3, 1)
    assert activists["周青"].since == date(2023, 3, 1)
    assert (activists["刘洋"].due, activists["刘洋"].overdue) == (True, False)
    assert (activists["陈晨"].due, activists["陈晨"].overdue) == (False, False)
    page = response.content.decode()
    assert "is-overdue" in page and "is-due" in page
    assert [column.stage for column in response.context["columns"]] == [
        "applicant",
        "activist",
        "target",
        "probationary",
    ]
    assert response.context["full_count"] == 0


def test_a_withdrawn_application_leaves_the_board(world, login):
    services.application_withdraw(application=world.application_a, on=date(2024, 1, 1), reason="调离")
    response = login("admin").get(reverse("pipeline-board"))
    assert cards(response, "activist") == {}


def test_a_secretary_sees_only_their_subtrees_applications(world, login):
    activist(world, "孙悦", date(2024, 1, 1), organization=world.branch_b)
    assert set(cards(login("secretary_a").get(reverse("pipeline-board")), "activist")) == {"周青"}
    assert set(cards(login("secretary_b").get(reverse("pipeline-board")), "activist")) == {"孙悦"}
    response = login("admin").get(reverse("pipeline-board"), {"organization": world.branch_b.pk})
    assert set(cards(response, "activist")) == {"孙悦"}


def add_applications(world, count: int) -> None:
    for index in range(count):
        activist(world, f"积极分子{index}", date(2024, 1, 1) + timedelta(days=index * 30))


# session + scope, parks, organizations (the filter), the counts per stage, the cards (branch joined),
# the due-soon list, whether the user may apply (no query: from the scope).
BOARD_QUERIES = SESSION_AND_SCOPE + 5


def test_the_board_takes_as_many_queries_for_many_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(BOARD_QUERIES):
        count_queries(client, reverse("pipeline-board"))
    add_applications(world, 12)
    with django_assert_num_queries(BOARD_QUERIES):
        count_queries(client, reverse("pipeline-board"))


# --- an application's page and its steps -----------------------------------------------------------


def test_the_page_shows_the_steps_and_the_next_step_preset(world, login):
    response = login("secretary_a").get(reverse("application-detail", args=[world.application_a.pk]))
    assert response.status_code == 200
    assert [step.stage for step in response.context["steps"]] == ["applicant", "activist"]
    form = response.context["advance_form"]
    assert form["stage"].value() == "target"
    assert "introducers" not in form.fields
    assert response.context["eligible"] == date(2024, 3, 1)
    assert "withdraw_form" in response.context and "extend_form" not in response.context


def test_an_admin_moves_an_activist_forward(world, login):
    client = login("admin")
    data = {"stage": "target", "on": "2024-03-05", "approved_by": "甲支部支委会", "note": ""}
    response = client.post(reverse("application-advance", args=[world.application_a.pk]), data)
    assert response.status_code == 302
    world.application_a.refresh_from_db()
    assert (world.application_a.stage, world.application_a.target_on) == ("target", date(2024, 3, 5))
    step = ApplicationStep.objects.get(application=world.application_a, stage="target")
    assert (step.approved_by, step.recorded_by) == ("甲支部支委会", world.users["admin"])


def test_a_step_before_the_year_has_passed_is_refused_next_to_the_date(world, login):
    data = {"stage": "target", "on": "2024-02-28", "approved_by": "甲支部支委会"}
    response = login("admin").post(reverse("application-advance", args=[world.application_a.pk]), data, **EN)
    assert response.status_code == 200
    assert response.context["advance_form"].errors["on"] == ["Too early: this step is allowed from 2024-03-01."]
    world.application_a.refresh_from_db()
    assert world.application_a.stage == "activist"
    assert not ApplicationStep.objects.filter(application=world.application_a, stage="target").exists()


def test_a_skipped_stage_is_refused_by_name(world, login):
    data = {"stage": "probationary", "on": "2024-06-01"}
    response = login("admin").post(reverse("application-advance", args=[world.application_a.pk]), data, **EN)
    assert response.status_code == 200
    errors = response.context["advance_form"].errors["stage"]
    assert errors == ["The next step is “development target”: no stage is skipped."]
    world.application_a.refresh_from_db()
    assert world.application_a.stage == "activist"


def test_becoming_probationary_needs_two_introducers_and_puts_the_person_on_the_roster(world, login):
    services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))
    introducer = f.PartyMemberFactory(organization=world.branch_a, name="赵敏", status=PartyMember.Status.FULL)
    client = login("secretary_a")
    url = reverse("application-advance", args=[world.application_a.pk])
    form = client.get(reverse("application-detail", args=[world.application_a.pk])).context["advance_form"]
    assert form["stage"].value() == "probationary"
    assert set(form.fields["introducers"].queryset) >= {introducer}
    data = {"stage": "probationary", "on": "2024-09-01", "introducers": [introducer.pk]}
    response = client.post(url, data, **EN)
    assert response.context["advance_form"].errors["introducers"] == ["Name two introducers who are full members."]
    assert not PartyMember.objects.filter(name="周青").exists()
    data["introducers"] = [introducer.pk, world.member_a.pk]
    assert client.post(url, data).status_code == 302
    world.application_a.refresh_from_db()
    assert world.application_a.member.status == PartyMember.Status.PROBATIONARY


@pytest.mark.parametrize("value", ["99999999999999999999999", "²"])
def test_a_malformed_introducer_is_a_form_error_not_a_500(world, login, value):
    # An id past 64 bits overflowed the form's query of the introducers: a 500.
    services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))
    url = reverse("application-advance", args=[world.application_a.pk])
    response = login("secretary_a").post(url, {"stage": "probationary", "on": "2024-09-01", "introducers": [value]})
    assert response.status_code == 200
    assert "introducers" in response.context["advance_form"].errors
    world.application_a.refresh_from_db()
    assert world.application_a.stage == "target"


def test_a_probation_is_extended_with_a_reason(world, login):
    application = world.application_a
    services.application_advance(application=application, stage="target", on=date(2024, 3, 1))
    introducer = f.PartyMemberFactory(organization=world.branch_a, name="赵敏", status=PartyMember.Status.FULL)
    services.application_advance(
        application=application, stage="probationary", on=date(2024, 9, 1), introducers=[introducer, world.member_a]
    )
    client = login("admin")
    url = reverse("application-extend", args=[application.pk])
    response = client.post(url, {"extend-until": "2025-08-01", "extend-reason": "考察"}, **EN)
    assert response.status_code == 200
    assert response.context["extend_form"].errors["until"] == [
        "An extension ends after 2025-09-01 and at most a year later."
    ]
    assert client.post(url, {"extend-until": "2026-03-01", "extend-reason": "考察"}).status_code == 302
    application.refresh_from_db()
    assert application.probation_extended_until == date(2026, 3, 1)


def test_an_application_is_withdrawn_with_a_reason(world, login):
    client = login("secretary_a")
    url = reverse("application-withdraw", args=[world.application_a.pk])
    response = client.post(url, {"withdraw-withdrawn_on": "2024-05-01", "withdraw-reason": ""}, **EN)
    assert "reason" in response.context["withdraw_form"].errors
    assert client.post(url, {"withdraw-withdrawn_on": "2024-05-01", "withdraw-reason": "本人撤回"}).status_code == 302
    world.application_a.refresh_from_db()
    assert world.application_a.withdrawn_on == date(2024, 5, 1)
    page = client.get(reverse("application-detail", args=[world.application_a.pk]))
    assert "advance_form" not in page.context


def test_only_those_who_write_the_application_see_and_use_the_forms(world, login):
    url = reverse("application-detail", args=[world.application_a.pk])
    viewer = login("viewer")
    page = viewer.get(url)
    assert page.status_code == 200
    assert "advance_form" not in page.context
    assert reverse("application-advance", args=[world.application_a.pk]) not in page.content.decode()
    data = {"stage": "target", "on": "2024-03-05"}
    assert viewer.post(reverse("application-advance", args=[world.application_a.pk]), data).status_code == 403
    assert (
        login("secretary_b").post(reverse("application-advance", args=[world.application_a.pk]), data).status_code
        == 404
    )
    world.application_a.refresh_from_db()
    assert world.application_a.stage == "activist"


# session + scope, the application (park, branch, enterprise, member joined), may the user write it,
# the history, its introducers, its steps, and (the next step being probationary) the full members to
# choose introducers from.
DETAIL_QUERIES = SESSION_AND_SCOPE + 6


def test_the_application_page_takes_a_constant_number_of_queries(world, login, django_assert_num_queries):
    services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))
    client = login("admin")
    url = reverse("application-detail", args=[world.application_a.pk])
    with django_assert_num_queries(DETAIL_QUERIES):
        count_queries(client, url)
    for index in range(8):
        f.PartyMemberFactory(organization=world.branch_a, name=f"党员{index}", status=PartyMember.Status.FULL)
    with django_assert_num_queries(DETAIL_QUERIES):
        count_queries(client, url)


# --- a new application -----------------------------------------------------------------------------


def test_a_secretary_records_a_new_application_to_their_branch(world, login):
    client = login("secretary_a")
    data = {"organization": world.branch_a.pk, "name": "吴桐", "applied_on": "2024-10-01",
            "enterprise": world.enterprise_a.pk, "recommended_by": "union"}  # fmt: skip
    response = client.post(reverse("application-new"), data)
    application = Application.objects.get(name="吴桐")
    assert response.status_code == 302
    assert response.url == reverse("application-detail", args=[application.pk])
    assert (application.stage, application.park, application.recommended_by) == ("applicant", world.park, "union")
    assert application.steps.get().stage == "applicant"


def test_a_new_application_in_the_future_or_to_another_branch_is_refused(world, login):
    client = login("secretary_a")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {"organization": world.branch_a.pk, "name": "吴桐", "applied_on": tomorrow}
    response = client.post(reverse("application-new"), data, **EN)
    assert response.context["form"].errors["applied_on"] == ["A step cannot be dated in the future."]
    response = client.post(
        reverse("application-new"), data | {"organization": world.branch_b.pk, "applied_on": "2024-01-01"}
    )
    assert "organization" in response.context["form"].errors
    assert not Application.objects.filter(name="吴桐").exists()
    assert login("viewer").get(reverse("application-new")).status_code == 403
    assert login("instructor").get(reverse("application-new")).status_code == 403


# --- the admin ---------------------------------------------------------------------------------------


def test_the_admin_history_page_does_not_save_a_posted_application(world, client):
    # simple_history's revert page saved any posted form, whatever has_change_permission said: a staff
    # park admin could make an activist a full member past every time rule.
    # The admin is for operators (superusers); a read-only screen stays read-only for them too.
    client.force_login(get_user_model().objects.create_superuser("operator", password="x"))
    application = world.application_a
    version = application.history.earliest().history_id
    url = reverse("admin:organizations_application_simple_history", args=[application.pk, version])
    assert client.get(url).status_code == 200
    data = {"park": world.park.pk, "organization": world.branch_a.pk, "name": application.name, "stage": "full",
            "applied_on": "2022-09-01", "activist_on": "2023-03-01", "target_on": "2023-03-02",
            "probationary_on": "2023-03-03", "full_on": "2023-03-04", "recommended_by": ""}  # fmt: skip
    assert client.post(url, data).status_code == 403
    application.refresh_from_db()
    assert (application.stage, application.full_on) == ("activist", None)
