"""The membership pipeline through the API: each step in order and on time, nothing saved when refused,
secretaries see their own subtree's applicants only, and the member statistics."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from organizations.models import Application, ApplicationStep, PartyMember
from organizations.pipeline import services
from tests import factories as f

API = "/api/v1"


def url(application, action: str = "") -> str:
    return f"{API}/applications/{application.pk}/" + (f"{action}/" if action else "")


def snapshot(application) -> tuple:
    application.refresh_from_db()
    return (application.stage, application.target_on, application.probationary_on, application.full_on,
            application.steps.count(), PartyMember.objects.count())  # fmt: skip


def introducers(world) -> list[int]:
    return [world.member_a.pk, f.PartyMemberFactory(organization=world.branch_a, name="钱七").pk]


def probationary(world, on: date) -> Application:
    application = services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))
    return services.application_advance(
        application=application, stage="probationary", on=on,
        introducers=list(PartyMember.objects.filter(pk__in=introducers(world))),
    )  # fmt: skip


def test_a_secretary_records_an_application_and_moves_it_forward_to_full_membership(world, as_role):
    client = as_role("secretary_a")
    response = client.post(
        f"{API}/applications/",
        {"organization": world.branch_a.pk, "name": "吴青", "applied_on": "2021-04-01", "recommended_by": "union"},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["stage"], [s["stage"] for s in response.json()["steps"]]) == ("applicant", ["applicant"])
    application = Application.objects.get(pk=response.json()["id"])
    steps = [
        {"stage": "activist", "on": "2021-10-01", "approved_by": "支委会"},
        {"stage": "target", "on": "2022-10-01"},
        {"stage": "probationary", "on": "2023-06-01", "introducers": introducers(world)},
        {"stage": "full", "on": "2024-06-01", "approved_by": "园区党委"},
    ]
    for step in steps:
        response = client.post(url(application, "advance"), step)
        assert response.status_code == 200, (step, response.content)
    body = response.json()
    assert [s["stage"] for s in body["steps"]] == ["applicant", "activist", "target", "probationary", "full"]
    assert (body["full_on"], body["eligible_on"], len(body["introducers"])) == ("2024-06-01", None, 2)
    member = PartyMember.objects.get(pk=body["member"])
    assert (member.status, member.joined_on, member.full_member_on) == ("full", date(2023, 6, 1), date(2024, 6, 1))


@pytest.mark.parametrize(
    ("step", "field"),
    [
        pytest.param({"stage": "probationary", "on": "2024-04-01"}, "stage", id="a stage skipped"),
        pytest.param({"stage": "target", "on": "2024-02-29"}, "on", id="target a day before the activist year ends"),
        pytest.param({"stage": "target", "on": "2024-02-30"}, "on", id="a malformed date"),
        pytest.param({"stage": "target", "on": "future"}, "on", id="a date in the future"),
        pytest.param({"stage": "expelled", "on": "2024-04-01"}, "stage", id="no such stage"),
        pytest.param({"stage": "target"}, "on", id="no date"),
    ],
)
def test_a_wrong_step_is_refused_naming_the_field_and_nothing_is_saved(world, as_role, step, field):
    if step.get("on") == "future":
        step["on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    before = snapshot(world.application_a)
    response = as_role("admin").post(url(world.application_a, "advance"), step)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(world.application_a) == before


def test_probation_needs_two_full_member_introducers(world, as_role):
    application = services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))
    applicant = f.PartyMemberFactory(organization=world.branch_a, status="probationary", full_member_on=None)
    before = snapshot(application)
    client = as_role("admin")
    for names in ([world.member_a.pk], [world.member_a.pk, world.member_a.pk]):
        response = client.post(url(application, "advance"), {"stage": "probationary", "on": "2024-06-01",
                                                              "introducers": names})  # fmt: skip
        assert response.status_code == 400
        assert "introducers" in response.json()
    response = client.post(url(application, "advance"), {"stage": "probationary", "on": "2024-06-01",
                                                          "introducers": [world.member_a.pk, applicant.pk]})  # fmt: skip
    assert response.status_code == 400
    assert "introducers" in response.json()
    assert snapshot(application) == before


def test_full_membership_comes_a_year_into_probation_or_after_its_extension(world, as_role):
    application = probationary(world, date(2024, 6, 1))
    client = as_role("admin")
    before = snapshot(application)
    response = client.post(url(application, "advance"), {"stage": "full", "on": "2025-05-31"})
    assert response.status_code == 400
    assert "on" in response.json()
    assert snapshot(application) == before
    response = client.post(url(application, "extend"), {"until": "2025-12-01", "reason": "需继续考察"})
    assert response.status_code == 200, response.content
    assert (response.json()["eligible_on"], response.json()["extension_reason"]) == ("2025-12-01", "需继续考察")
    assert client.post(url(application, "advance"), {"stage": "full", "on": "2025-06-01"}).status_code == 400
    assert client.post(url(application, "advance"), {"stage": "full", "on": "2025-12-01"}).status_code == 200


def test_an_extension_beyond_a_year_or_without_a_reason_is_refused(world, as_role):
    application = probationary(world, date(2024, 6, 1))
    client = as_role("admin")
    response = client.post(url(application, "extend"), {"until": "2026-06-02", "reason": "考察"})
    assert (response.status_code, list(response.json())) == (400, ["until"])
    response = client.post(url(application, "extend"), {"until": "2025-09-01", "reason": ""})
    assert (response.status_code, list(response.json())) == (400, ["reason"])
    application.refresh_from_db()
    assert application.probation_extended_until is None


def test_an_application_is_withdrawn_with_a_reason_and_moves_no_more(world, as_role):
    client = as_role("secretary_a")
    response = client.post(url(world.application_a, "withdraw"), {"on": "2024-01-01", "reason": "调离本企业"})
    assert response.status_code == 200, response.content
    assert (response.json()["withdrawn_on"], response.json()["eligible_on"]) == ("2024-01-01", None)
    response = client.post(url(world.application_a, "advance"), {"stage": "target", "on": "2024-04-01"})
    assert response.status_code == 400
    assert "stage" in response.json()


def test_stage_and_dates_do_not_change_by_patch(world, as_role):
    response = as_role("admin").patch(
        url(world.application_a),
        {"stage": "full", "activist_on": "2020-01-01", "full_on": "2024-01-01", "applied_on": "2020-01-01",
         "name": "周青青"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    world.application_a.refresh_from_db()
    assert (world.application_a.stage, world.application_a.activist_on, world.application_a.full_on) == (
        "activist", date(2023, 3, 1), None
    )  # fmt: skip
    assert (world.application_a.applied_on, world.application_a.name) == (date(2022, 9, 1), "周青青")


def test_secretaries_see_and_write_only_their_subtrees_applications(world, as_role):
    client = as_role("secretary_b")
    assert client.get(f"{API}/applications/").json()["results"] == []
    assert client.get(url(world.application_a)).status_code == 404
    assert client.post(url(world.application_a, "advance"), {"stage": "target", "on": "2024-04-01"}).status_code == 404
    response = client.post(f"{API}/applications/", {"organization": world.branch_a.pk, "name": "冯", "applied_on":
                                                     "2024-01-01"})  # fmt: skip
    assert response.status_code == 400
    assert "organization" in response.json()
    assert client.get(f"{API}/applications/due-soon/").json() == []
    ids = [row["id"] for row in as_role("secretary_a").get(f"{API}/applications/").json()["results"]]
    assert ids == [world.application_a.pk]
    assert ApplicationStep.objects.count() == 2


def test_the_due_soon_list_names_who_may_take_their_next_step(world, as_role):
    today = timezone.localdate()
    recent = services.application_create(
        application=Application(organization=world.branch_b, name="褚", applied_on=today - timedelta(days=400))
    )
    # An activist whose year ends in ten days: due soon; one whose year ends in sixty: not yet.
    services.application_advance(application=recent, stage="activist", on=today - timedelta(days=355))
    later = services.application_create(
        application=Application(organization=world.branch_b, name="卫", applied_on=today - timedelta(days=400))
    )
    services.application_advance(application=later, stage="activist", on=today - timedelta(days=305))
    rows = as_role("admin").get(f"{API}/applications/due-soon/", {"park": world.park.pk}).json()
    assert [(row["name"], row["next_stage"], row["overdue"]) for row in rows] == [
        ("周青", "target", True),
        ("褚", "target", False),
    ]
    rows = as_role("admin").get(f"{API}/applications/due-soon/", {"within_days": 90}).json()
    assert [row["name"] for row in rows] == ["周青", "褚", "卫"]
    assert [row["name"] for row in as_role("secretary_b").get(f"{API}/applications/due-soon/").json()] == ["褚"]


# --- statistics ------------------------------------------------------------------------------------


def test_member_statistics_count_applications_recommendations_and_cross_appointment(world, as_role):
    probationary(world, date(2024, 6, 1))  # recommended by the youth league
    services.application_create(
        application=Application(organization=world.branch_b, name="蒋", applied_on=date(2024, 2, 1))
    )
    world.member_a.post = "owner"
    world.member_a.save()
    world.branch_a.secretary = world.member_a
    world.branch_a.save()
    response = as_role("viewer").get(f"{API}/stats/members/", {"park": world.park.pk, "since": "2024-01-01"})
    assert response.status_code == 200, response.content
    body = response.json()
    # Members: A, B, the introducer 钱七 and the new probationary member.
    assert (body["members"], body["probationary"], body["applications"]) == (4, 1, 1)
    assert (body["new_members"], body["recommended"], body["recommended_share"]) == (1, 1, "1.0000")
    cross = body["cross_appointment"]
    assert (cross["secretaries"], cross["owners"], cross["owners_share"]) == (1, 1, "1.0000")
    assert (cross["members_middle_or_higher"], cross["members_middle_or_higher_share"]) == (1, "0.2500")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "2024-02-30"}, "since"), ({"since": "2024-05-01", "until": "2024-04-01"}, "until"),
     ({"park": "x"}, "park")],
)  # fmt: skip
def test_member_statistics_with_bad_parameters_are_a_400(world, as_role, params, field):
    response = as_role("admin").get(f"{API}/stats/members/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_member_statistics_are_for_admins_and_viewers(world, as_role):
    assert as_role("secretary_a").get(f"{API}/stats/members/").status_code == 403
    assert as_role("admin").get(f"{API}/stats/members/", {"park": world.other_park.pk}).status_code == 404
    body = as_role("token").get(f"{API}/stats/members/").json()
    assert (body["park"], body["recommended_share"]) == (None, None)
