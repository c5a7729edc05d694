"""Bad input is refused with a message naming the field, and nothing is saved."""

from datetime import date

import pytest
from stdnum.cn import uscc

from enterprises.models import Coverage, Enterprise
from organizations.models import PartyMember
from tests import factories as f

API = "/api/v1"


def enterprise_payload(world, **overrides):
    return {"park": world.park.pk, "name": "新陶瓷有限公司", "credit_code": f.credit_code(424242),
            "entered_on": "2023-05-01", **overrides}  # fmt: skip


def wrong_check_character(code: str) -> str:
    right = uscc.calc_check_digit(code[:17])
    return code[:17] + ("1" if right != "1" else "2")


@pytest.mark.parametrize(
    "credit_code",
    [
        pytest.param("wrong-check", id="wrong check character"),
        pytest.param("91350100M000100Y", id="17 characters"),
        pytest.param("91350100M000100Y4X9", id="19 characters"),
        pytest.param("91350100M000100YI3", id="a letter the standard does not use"),
    ],
)
def test_it_refuses_a_bad_credit_code(world, as_role, credit_code):
    if credit_code == "wrong-check":
        credit_code = wrong_check_character(f.credit_code(777))
    before = Enterprise.objects.count()
    response = as_role("admin").post(f"{API}/enterprises/", enterprise_payload(world, credit_code=credit_code))
    assert response.status_code == 400
    assert "credit_code" in response.json()
    assert Enterprise.objects.count() == before


def test_it_refuses_a_credit_code_already_operating_on_the_ledger(world, as_role):
    payload = enterprise_payload(world, credit_code=world.enterprise_a.credit_code)
    response = as_role("admin").post(f"{API}/enterprises/", payload, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["credit_code"] == ["An operating enterprise with this credit code is already on the ledger."]


def test_a_firm_that_moved_out_may_come_back_with_its_code(world, as_role):
    client = as_role("admin")
    left = client.post(f"{API}/enterprises/{world.enterprise_b.pk}/leave/", {"status": "moved_out", "on": "2024-06-30"})
    assert left.status_code == 200
    payload = enterprise_payload(world, credit_code=world.enterprise_b.credit_code, entered_on="2025-01-01")
    assert client.post(f"{API}/enterprises/", payload).status_code == 201


def test_it_refuses_an_enterprise_in_a_park_outside_the_callers_scope(world, as_role):
    response = as_role("admin").post(f"{API}/enterprises/", enterprise_payload(world, park=world.other_park.pk))
    assert response.status_code == 400
    assert "park" in response.json()


def test_it_refuses_leaving_before_entering(world, as_role):
    response = as_role("admin").post(
        f"{API}/enterprises/{world.enterprise_uncovered.pk}/leave/", {"status": "closed", "on": "2000-01-01"}
    )
    assert response.status_code == 400
    assert "left_on" in response.json()
    world.enterprise_uncovered.refresh_from_db()
    assert world.enterprise_uncovered.status == Enterprise.Status.OPERATING


def test_it_refuses_overlapping_coverage_periods(world, as_role):
    client = as_role("admin")
    coverage = world.enterprise_a.coverages.get()
    assert client.post(f"{API}/coverages/{coverage.pk}/end/", {"on": "2020-01-01"}).status_code == 200
    # Branch B covering enterprise A from 2019 would overlap branch A's coverage (2016–2020).
    response = client.post(
        f"{API}/coverages/",
        {"enterprise": world.enterprise_a.pk, "organization": world.branch_b.pk, "started_on": "2019-06-01"},
    )
    assert response.status_code == 400
    assert "started_on" in response.json()
    assert world.enterprise_a.coverages.count() == 1


def test_moving_an_enterprise_ends_the_old_coverage_the_day_the_new_one_starts(world, as_role):
    response = as_role("admin").post(
        f"{API}/coverages/",
        {"enterprise": world.enterprise_a.pk, "organization": world.branch_b.pk, "started_on": "2024-03-01"},
    )
    assert response.status_code == 201
    periods = list(world.enterprise_a.coverages.order_by("started_on").values_list("started_on", "ended_on"))
    assert periods == [(date(2016, 1, 1), date(2024, 3, 1)), (date(2024, 3, 1), None)]


def test_it_refuses_a_dissolved_organization_as_coverer(world, as_role):
    client = as_role("admin")
    assert client.post(f"{API}/organizations/{world.group_a.pk}/dissolve/", {"on": "2023-01-01"}).status_code == 200
    dissolved_branch = f.OrganizationFactory(park=world.park, parent=world.committee, dissolved_on=date(2020, 1, 1))
    response = client.post(
        f"{API}/coverages/",
        {"enterprise": world.enterprise_uncovered.pk, "organization": dissolved_branch.pk, "started_on": "2021-01-01"},
    )
    assert response.status_code == 400
    assert "organization" in response.json()
    assert not Coverage.objects.filter(organization=dissolved_branch).exists()


def test_it_refuses_a_party_group_as_coverer(world, as_role):
    response = as_role("admin").post(
        f"{API}/coverages/",
        {"enterprise": world.enterprise_uncovered.pk, "organization": world.group_a.pk, "started_on": "2021-01-01"},
    )
    assert response.status_code == 400
    assert "organization" in response.json()


def test_dissolving_a_branch_with_active_groups_is_refused(world, as_role):
    response = as_role("admin").post(f"{API}/organizations/{world.branch_a.pk}/dissolve/", {"on": "2023-01-01"})
    assert response.status_code == 400
    assert "dissolved_on" in response.json()


def test_dissolving_ends_the_organizations_coverages(world, as_role):
    client = as_role("admin")
    client.post(f"{API}/organizations/{world.group_a.pk}/dissolve/", {"on": "2023-01-01"})
    assert client.post(f"{API}/organizations/{world.branch_a.pk}/dissolve/", {"on": "2023-06-01"}).status_code == 200
    assert world.enterprise_a.coverages.get().ended_on == date(2023, 6, 1)


def test_it_refuses_an_organization_dissolved_before_it_was_established(world, as_role):
    response = as_role("admin").post(f"{API}/organizations/{world.group_a.pk}/dissolve/", {"on": "2001-01-01"})
    assert response.status_code == 400
    assert "dissolved_on" in response.json()


def test_it_refuses_a_member_whose_full_date_precedes_joining(world, as_role):
    before = PartyMember.objects.count()
    response = as_role("secretary_a").post(
        f"{API}/members/",
        {"organization": world.branch_a.pk, "name": "钱七", "status": "full", "joined_on": "2020-07-01",
         "full_member_on": "2019-07-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "full_member_on" in response.json()
    assert PartyMember.objects.count() == before


def test_it_refuses_a_member_in_an_enterprise_outside_the_callers_scope(world, as_role):
    response = as_role("secretary_a").post(
        f"{API}/members/",
        {"organization": world.branch_a.pk, "enterprise": world.enterprise_b.pk, "name": "孙八",
         "joined_on": "2020-07-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "enterprise" in response.json()


def test_a_secretary_may_not_set_personal_data(world, as_role):
    response = as_role("secretary_a").patch(f"{API}/members/{world.member_a.pk}/", {"phone": "13912345678"})
    assert response.status_code == 400
    assert "phone" in response.json()


def test_it_refuses_an_id_number_with_a_wrong_check_digit(world, as_role):
    number = world.member_a.id_number
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = as_role("admin").patch(f"{API}/members/{world.member_a.pk}/", {"id_number": wrong})
    assert response.status_code == 400
    assert "id_number" in response.json()
    world.member_a.refresh_from_db()
    assert world.member_a.id_number == number


def test_personal_data_is_masked_for_viewers_and_tokens_and_plain_for_admins(world, as_role):
    url = f"{API}/members/{world.member_a.pk}/"
    plain = world.member_a.id_number
    assert as_role("admin").get(url).json()["id_number"] == plain
    for role in ("viewer", "token", "secretary_a"):
        body = as_role(role).get(url).json()
        assert body["id_number"] == f"{plain[:6]}********{plain[-4:]}"
        assert body["phone"] == f"{world.member_a.phone[:3]}****{world.member_a.phone[-4:]}"


def test_validation_messages_are_translated(world, as_role):
    client = as_role("admin")
    payload = enterprise_payload(world, credit_code=wrong_check_character(f.credit_code(5)))
    english = client.post(f"{API}/enterprises/", payload, HTTP_ACCEPT_LANGUAGE="en").json()["credit_code"]
    chinese = client.post(f"{API}/enterprises/", payload, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["credit_code"]
    assert english == ["The credit code's check character is wrong."]
    assert chinese != english


@pytest.mark.django_db
def test_a_district_id_of_no_row_is_a_field_error_not_a_crash(world):
    from django.core.exceptions import ValidationError

    from enterprises.services import enterprise_save

    enterprise = Enterprise(park=world.park, name="无片区企业", credit_code=f.credit_code(424243),
                            entered_on=date(2023, 5, 1), district_id=999_999)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        enterprise_save(enterprise=enterprise, actor=world.users["admin"])
    assert set(refused.value.message_dict) == {"district"}
    assert not Enterprise.objects.filter(name="无片区企业").exists()
