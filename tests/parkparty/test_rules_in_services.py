"""Rules that used to live in one path only now live in their service, so the page, the API and the
admin answer alike: a dissolved host, an organization's update, star thresholds, the admin's coverage."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.models import Coverage
from meetings.models import Meeting
from organizations.models import Organization, StarLevel
from parkparty.dates import local_datetime
from tests import factories as f

API = "/api/v1"


def _dissolve_ten_days_ago(organization) -> date:
    dissolved_on = timezone.localdate() - timedelta(days=10)
    Organization.objects.filter(pk=organization.pk).update(dissolved_on=dissolved_on)
    return dissolved_on


def _meeting_on(world, day: date, **fields) -> dict:
    return {
        "host": world.branch_b.pk,
        "kind": "theme_day",
        "held_at": local_datetime(day, 9).isoformat(),
        "topic": "学习党章",
        "minutes": "学习了党章第一章。",
        **fields,
    }


def test_the_api_refuses_a_meeting_of_a_host_dissolved_ten_days_earlier(world, as_role):
    _dissolve_ten_days_ago(world.branch_b)
    before = Meeting.objects.count()

    response = as_role("admin").post(
        f"{API}/meetings/", _meeting_on(world, timezone.localdate() - timedelta(days=1)), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400, response.content
    assert "dissolved" in response.json()["host"][0]
    assert Meeting.objects.count() == before


def test_the_refusal_names_the_day_in_the_portals_language(world, as_role):
    _dissolve_ten_days_ago(world.branch_b)

    response = as_role("admin").post(
        f"{API}/meetings/", _meeting_on(world, timezone.localdate()), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    assert "撤销" in response.json()["host"][0]


def test_minutes_held_before_the_dissolution_are_still_taken(world, as_role):
    dissolved_on = _dissolve_ten_days_ago(world.branch_b)

    response = as_role("admin").post(f"{API}/meetings/", _meeting_on(world, dissolved_on - timedelta(days=1)))

    assert response.status_code == 201, response.content


def test_the_page_refuses_the_dissolved_host_too(world, client):
    _dissolve_ten_days_ago(world.branch_b)
    client.force_login(world.users["admin"])

    response = client.get(reverse("meeting-log"), {"host": world.branch_b.pk})

    assert response.status_code == 403


def test_an_organizations_secretary_must_be_on_its_subtrees_roster(world, as_role):
    outsider = world.member_b  # on branch_b's roster, not branch_a's

    response = as_role("admin").patch(
        f"{API}/organizations/{world.branch_a.pk}/", {"secretary": outsider.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "secretary" in response.json()
    world.branch_a.refresh_from_db()
    assert world.branch_a.secretary_id != outsider.pk


def test_an_organization_renamed_through_the_api_keeps_a_history_entry(world, as_role):
    response = as_role("admin").patch(f"{API}/organizations/{world.branch_a.pk}/", {"name": "甲支部（新）"})

    assert response.status_code == 200, response.content
    assert world.branch_a.history.first().name == "甲支部（新）"


def test_a_star_threshold_below_a_lower_levels_is_refused_naming_the_minimum_score(world, as_role):
    four = world.park.star_levels.get(stars=4)
    three = world.park.star_levels.get(stars=3)

    response = as_role("admin").patch(
        f"{API}/star-levels/{four.pk}/", {"min_score": str(three.min_score - 1)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "higher minimum score" in response.json()["min_score"][0]
    four.refresh_from_db()
    assert four.min_score > three.min_score


def test_a_star_threshold_between_its_neighbours_is_taken(world, as_role):
    four = world.park.star_levels.get(stars=4)
    three = world.park.star_levels.get(stars=3)

    response = as_role("admin").patch(f"{API}/star-levels/{four.pk}/", {"min_score": str(three.min_score + 1)})

    assert response.status_code == 200, response.content
    assert StarLevel.objects.get(pk=four.pk).min_score == three.min_score + 1


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    return client


def test_a_coverage_added_in_the_admin_moves_the_enterprise_and_ends_the_open_coverage(world, superuser_client):
    current = Coverage.objects.get(enterprise=world.enterprise_a, ended_on__isnull=True)
    moved_on = current.started_on + timedelta(days=30)

    response = superuser_client.post(
        reverse("admin:enterprises_coverage_add"),
        {"enterprise": world.enterprise_a.pk, "organization": world.branch_b.pk, "started_on": moved_on.isoformat()},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    current.refresh_from_db()
    assert current.ended_on == moved_on
    assert Coverage.objects.get(enterprise=world.enterprise_a, ended_on__isnull=True).organization == world.branch_b


def test_the_admin_refuses_a_move_dated_before_the_open_coverage_began(world, superuser_client):
    current = Coverage.objects.get(enterprise=world.enterprise_a, ended_on__isnull=True)

    response = superuser_client.post(
        reverse("admin:enterprises_coverage_add"),
        {
            "enterprise": world.enterprise_a.pk,
            "organization": world.branch_b.pk,
            "started_on": current.started_on.isoformat(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "started on or after this date" in response.content.decode()
    assert Coverage.objects.filter(enterprise=world.enterprise_a).count() == 1


def test_ending_a_coverage_in_the_admin_goes_through_the_service(world, superuser_client):
    current = Coverage.objects.get(enterprise=world.enterprise_a, ended_on__isnull=True)
    ended_on = current.started_on + timedelta(days=1)

    response = superuser_client.post(
        reverse("admin:enterprises_coverage_change", args=[current.pk]), {"ended_on": ended_on.isoformat()}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    current.refresh_from_db()
    assert current.ended_on == ended_on


def test_a_new_sub_organization_of_a_dissolved_parent_is_refused(world, as_role):
    parent = f.OrganizationFactory(park=world.park, parent=world.committee, name="旧支部")
    _dissolve_ten_days_ago(parent)

    response = as_role("admin").post(
        f"{API}/organizations/",
        {"park": world.park.pk, "parent": parent.pk, "name": "新小组", "kind": "group",
         "formation": "standalone", "established_on": timezone.localdate().isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    assert response.status_code == 400
    assert "parent" in response.json()


# --- authorization in the services: whoever calls them, the page, the API, a script -------------------


def test_the_service_refuses_a_secretary_confirming_minutes_whoever_calls_it(world):
    from django.core.exceptions import PermissionDenied

    from meetings import services as meeting_services

    with pytest.raises(PermissionDenied):
        meeting_services.meeting_confirm(meeting=world.meeting_a, actor=world.users["secretary_a"])
    world.meeting_a.refresh_from_db()
    assert world.meeting_a.status != Meeting.Status.CONFIRMED


def test_the_api_answers_the_services_refusal_with_its_message(world, as_role):
    response = as_role("secretary_a").post(f"{API}/meetings/{world.meeting_a.pk}/confirm/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only a park admin confirms minutes."}


def test_a_viewer_may_not_set_the_rotating_chairs_even_calling_the_service(world):
    from django.core.exceptions import PermissionDenied

    from meetings import services as meeting_services

    with pytest.raises(PermissionDenied):
        meeting_services.chair_schedule_generate(joint_body=world.joint_body, year=2024, actor=world.users["viewer"])
    assert not world.joint_body.terms.filter(starts_on__year=2024).exists()


def test_an_admin_of_another_park_may_not_approve_this_parks_subsidy(world, django_user_model):
    from django.core.exceptions import PermissionDenied

    from organizations.subsidies import services as subsidy_services
    from parkparty.models import Role

    other_admin = django_user_model.objects.create_user("other-admin")
    f.GrantFactory(user=other_admin, role=Role.PARK_ADMIN, park=world.other_park)

    with pytest.raises(PermissionDenied):
        subsidy_services.subsidy_approve(subsidy=world.subsidy_a, actor=other_admin)
    world.subsidy_a.refresh_from_db()
    assert world.subsidy_a.status == "proposed"


def test_a_viewer_may_not_ask_for_a_report(world):
    from django.core.exceptions import PermissionDenied

    from reports import services as report_services

    with pytest.raises(PermissionDenied):
        report_services.report_request(park=world.park, kind="monthly", period="2024-05", user=world.users["viewer"])


# --- the pipeline's rules, once, for the services and the demo alike -------------------------------


def test_an_introducer_must_have_been_a_full_member_by_the_day_of_the_step(world):
    from django.core.exceptions import ValidationError

    from organizations.pipeline import services as pipeline_services

    target = pipeline_services.application_advance(application=world.application_a, stage="target", on=date(2024, 3, 1))
    long_full = f.PartyMemberFactory(
        organization=world.branch_a,
        name="老党员",
        status="full",
        joined_on=date(2010, 1, 1),
        full_member_on=date(2011, 1, 1),
    )
    full_later = f.PartyMemberFactory(
        organization=world.branch_a,
        name="新党员",
        status="full",
        joined_on=date(2023, 1, 1),
        full_member_on=date(2024, 8, 1),
    )

    with pytest.raises(ValidationError) as error, translation.override("en"):
        pipeline_services.application_advance(
            application=target, stage="probationary", on=date(2024, 7, 1), introducers=[long_full, full_later]
        )
    assert "full members by the day" in error.value.message_dict["introducers"][0]


def test_the_withdrawal_check_the_demo_asks_is_the_services(world):
    from organizations.pipeline import services as pipeline_services

    application = world.application_a  # an activist since 2023-03-01
    assert pipeline_services.withdrawal_errors(application, date(2023, 2, 1)).keys() == {"on"}
    assert pipeline_services.withdrawal_errors(application, date(2023, 4, 1)) == {}


def test_a_secretary_may_not_put_a_member_on_another_branchs_roster_whoever_calls_the_service(world):
    from django.core.exceptions import PermissionDenied

    from organizations import services as organization_services
    from organizations.models import PartyMember

    member = PartyMember(organization=world.branch_a, name="外来人", status="full", joined_on=date(2020, 1, 1),
                         full_member_on=date(2021, 1, 1))  # fmt: skip
    with pytest.raises(PermissionDenied):
        organization_services.member_save(member=member, actor=world.users["secretary_b"])
    assert not PartyMember.objects.filter(name="外来人").exists()


def test_a_secretary_may_not_log_another_branchs_meeting_through_the_service(world):
    from django.core.exceptions import PermissionDenied

    from meetings import services as meeting_services

    meeting = Meeting(host=world.branch_a, status="held", kind="theme_day", topic="越权")
    meeting.held_at = local_datetime(date(2024, 5, 20), 9)
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_save(meeting=meeting, actor=world.users["secretary_b"])
    assert not Meeting.objects.filter(topic="越权").exists()


def test_a_viewer_may_not_move_an_enterprise_even_calling_the_service(world):
    from django.core.exceptions import PermissionDenied

    from enterprises import services as enterprise_services

    current = Coverage.objects.get(enterprise=world.enterprise_a, ended_on__isnull=True)
    with pytest.raises(PermissionDenied):
        enterprise_services.coverage_start(
            enterprise=world.enterprise_a,
            organization=world.branch_b,
            on=current.started_on + timedelta(days=30),
            actor=world.users["viewer"],
        )
    current.refresh_from_db()
    assert current.ended_on is None


def test_a_secretary_may_not_dissolve_their_own_branch_through_the_service(world):
    from django.core.exceptions import PermissionDenied

    from organizations import services as organization_services

    with pytest.raises(PermissionDenied):
        organization_services.organization_dissolve(
            organization=world.group_a, on=timezone.localdate(), actor=world.users["secretary_a"]
        )
    world.group_a.refresh_from_db()
    assert world.group_a.dissolved_on is None


def test_a_dissolution_dated_ahead_is_refused_so_the_real_day_can_still_be_given(world, as_role):
    url = f"{API}/organizations/{world.group_a.pk}/dissolve/"

    ahead = as_role("admin").post(url, {"on": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE="en")
    today = as_role("admin").post(url, {"on": timezone.localdate().isoformat()})

    assert ahead.status_code == 400 and "today or earlier" in ahead.json()["dissolved_on"][0]
    assert today.status_code == 200, today.content


def test_editing_a_meeting_keeps_who_logged_it(world, as_role):
    logged_by = world.meeting_a.created_by_id

    response = as_role("admin").patch(f"{API}/meetings/{world.meeting_a.pk}/", {"topic": "学习党章（修订）"})

    assert response.status_code == 200, response.content
    world.meeting_a.refresh_from_db()
    assert world.meeting_a.created_by_id == logged_by


def test_a_missing_row_answers_the_translated_not_found_without_naming_the_model(world, as_role):
    response = as_role("admin").get(f"{API}/meetings/999999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_a_unique_pair_refused_by_the_model_comes_under_non_field_errors(world, as_role):
    three = world.park.star_levels.get(stars=3)

    response = as_role("admin").patch(f"{API}/star-levels/{three.pk}/", {"stars": 4})

    assert response.status_code == 400
    assert set(response.json()) == {"non_field_errors"}
