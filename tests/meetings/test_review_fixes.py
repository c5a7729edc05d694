"""Regression tests for what the review of the first two issues found."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises import services as ledger
from meetings import services
from meetings.models import JointBody, RotationSeat
from organizations.models import Organization
from tests import factories as f

API = "/api/v1"


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "0000-05"])
def test_a_month_outside_the_portals_years_is_a_form_error_not_a_server_error(world, client, month):
    client.force_login(world.users["admin"])
    page = client.get("/meetings/calendar/", {"month": month})
    assert page.status_code == 200
    assert page.context["form"].errors


@pytest.mark.parametrize("period", ["0000-05", "1999-12"])
def test_a_statistics_period_outside_the_portals_years_is_a_400(world, as_role, period):
    response = as_role("viewer").get(f"{API}/stats/meetings/", {"park": world.park.pk, "period": period})
    assert response.status_code == 400
    assert "period" in response.json()


def test_a_schedule_survives_a_chair_whose_enterprise_left_the_rotation(world):
    body = JointBody.objects.create(park=world.park, name="联谊会", kind="friendship_association",
                                    established_on=date(2018, 1, 1))  # fmt: skip
    seats = [RotationSeat.objects.create(joint_body=body, position=i, enterprise=e)
             for i, e in enumerate([world.enterprise_a, world.enterprise_b], start=1)]  # fmt: skip
    services.chair_schedule_generate(joint_body=body, year=2019, actor=None)
    body.terms.filter(starts_on__gte=date(2019, 7, 1)).delete()
    seats[1].delete()  # enterprise B leaves the rotation; June's chair was B
    terms = services.chair_schedule_generate(joint_body=body, year=2019, actor=None)
    assert len(terms) == 12
    assert {term.enterprise_id for term in terms[6:]} == {world.enterprise_a.pk}


def test_a_matter_cannot_be_resolved_in_the_future(world, as_role):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = as_role("admin").patch(
        f"{API}/matters/{world.matter_a.pk}/", {"status": "resolved", "resolution": "已调剂", "resolved_on": tomorrow}
    )
    assert response.status_code == 400
    assert "resolved_on" in response.json()


def test_an_update_that_moves_a_row_out_of_the_callers_scope_is_refused(world, as_role):
    response = as_role("secretary_a").patch(f"{API}/matters/{world.matter_a.pk}/", {"organization": None})
    assert response.status_code == 403
    world.matter_a.refresh_from_db()
    assert world.matter_a.organization == world.branch_a


def test_an_enterprise_keeps_its_park_on_update(world, as_role):
    f.GrantFactory(user=world.users["admin"], role="park_admin", park=world.other_park)
    response = as_role("admin").patch(f"{API}/enterprises/{world.enterprise_a.pk}/", {"park": world.other_park.pk})
    assert response.status_code == 200
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.park == world.park


def test_a_new_organization_cannot_take_a_district_of_another_park(world, as_role):
    elsewhere = f.DistrictFactory(park=world.other_park)
    f.GrantFactory(user=world.users["admin"], role="park_admin", park=world.other_park)
    payload = {"park": world.park.pk, "parent": world.committee.pk, "name": "新支部", "kind": "branch",
               "formation": "standalone", "established_on": "2020-01-01", "district": elsewhere.pk}  # fmt: skip
    before = Organization.objects.count()
    response = as_role("admin").post(f"{API}/organizations/", payload)
    assert response.status_code == 400
    assert "district" in response.json()
    assert Organization.objects.count() == before


def test_a_coverage_cannot_stay_open_past_its_organizations_dissolution(world):
    dissolved = f.OrganizationFactory(park=world.park, parent=world.committee, dissolved_on=date(2022, 1, 1))
    with pytest.raises(ValidationError) as refused:
        ledger.coverage_start(enterprise=world.enterprise_uncovered, organization=dissolved, on=date(2021, 1, 1))
    assert "organization" in refused.value.message_dict


def test_the_finding_as_of_a_past_day_counts_an_enterprise_that_left_since(world):
    from enterprises.selectors import enterprises_needing_own_branch

    for _ in range(2):
        f.PartyMemberFactory(organization=world.branch_b, enterprise=world.enterprise_b)
    ledger.enterprise_leave(enterprise=world.enterprise_b, status="moved_out", on=date(2024, 6, 30))
    enterprises = type(world.enterprise_b).objects.all()
    assert list(enterprises_needing_own_branch(enterprises, date(2024, 1, 1))) == [world.enterprise_b]
    assert list(enterprises_needing_own_branch(enterprises, date(2024, 7, 1))) == []


def test_a_file_added_to_confirmed_minutes_needs_a_reason_kept_in_the_history(world, as_role):
    services.meeting_confirm(meeting=world.meeting_a, actor=None)
    url = f"{API}/meetings/{world.meeting_a.pk}/attachments/"

    def photo():
        return SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")

    locked = as_role("secretary_a").post(url, {"file": photo(), "reason": "补传照片"}, format="multipart")
    assert locked.status_code == 403  # confirmed minutes are the park admin's to correct
    refused = as_role("admin").post(url, {"file": photo()}, format="multipart")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert not world.meeting_a.attachments.exists()
    accepted = as_role("admin").post(url, {"file": photo(), "reason": "补传照片"}, format="multipart")
    assert accepted.status_code == 201
    assert world.meeting_a.history.latest().history_change_reason == "补传照片"


def test_a_change_reason_longer_than_the_history_keeps_is_refused_for_minutes(world):
    """PostgreSQL refused a reason of over 100 characters in the history's column: a 500 from the API."""
    meeting = services.meeting_confirm(meeting=world.meeting_a, actor=None)
    meeting.topic = "主题党日（更正）"
    with pytest.raises(ValidationError) as error:
        services.meeting_save(meeting=meeting, reason="因" * 101)
    assert "reason" in error.value.message_dict
    world.meeting_a.refresh_from_db()
    assert world.meeting_a.topic == "主题党日"
    assert services.meeting_save(meeting=meeting, reason="因" * 100).topic == "主题党日（更正）"


@pytest.mark.parametrize("text", ["202²-03", "2024-0³", "２０２４-03"])
def test_a_month_or_period_with_non_ascii_digits_is_malformed_not_a_500(text):
    from parkparty.dates import parse_month, parse_period

    assert parse_month(text) is None
    assert parse_period(text) is None
    assert parse_period("202²") is None


def test_the_meeting_calendar_answers_a_non_ascii_month_without_a_500(world, client):
    client.force_login(world.users["admin"])
    assert client.get("/meetings/calendar/", {"month": "202²-03"}).status_code in (200, 400)


def test_a_meeting_time_in_year_1_is_a_400_not_a_500(world, as_role):
    payload = {"host": world.branch_a.pk, "kind": "theme_day", "topic": "x", "held_at": "0001-01-01T00:00:00+08:00"}
    response = as_role("admin").post("/api/v1/meetings/", payload, format="json")
    assert response.status_code == 400
    assert "held_at" in response.json()


def test_the_admins_revert_page_does_not_save_a_rating_past_the_services(world, client):
    rating = world.rating_a
    # The admin is for operators (superusers); a read-only screen stays read-only for them too.
    client.force_login(get_user_model().objects.create_superuser("operator", password="x"))
    version = rating.history.earliest()
    url = f"/admin/organizations/rating/{rating.pk}/history/{version.history_id}/"
    response = client.post(url, {"stars": 5, "total": "99.00", "status": "confirmed"})
    assert response.status_code == 403
    rating.refresh_from_db()
    assert rating.stars == 4


def test_a_search_with_a_nul_character_answers_400_in_the_documented_object_shape(world, as_role):
    """Found by schemathesis: DRF's search filter answered a bare list, which the schema does not allow."""
    response = as_role("admin").get("/api/v1/parks/", {"search": "\x00"})
    assert response.status_code == 400
    assert isinstance(response.json(), dict)
    assert response.json()["non_field_errors"]
