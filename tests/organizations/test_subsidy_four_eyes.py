"""Four eyes on the subsidy ledger (the park's `four_eyes`, on by default): whoever proposed a record does
not approve it, whoever approved it does not pay it. Refused on the step's field, through the service, the
API (400) and the page (the form's error), with nothing saved; a park that switched it off lets one admin
do all three."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from organizations.models import Park, Subsidy, SubsidyKind
from organizations.subsidies import services

API = "/api/v1"


def proposed_by(world, actor, period: str = "2024-Q3") -> Subsidy:
    return services.subsidy_propose(
        subsidy=Subsidy(organization=world.branch_b, kind=SubsidyKind.ACTIVITY_FUND, period=period,
                        amount=Decimal("500.00")),
        actor=actor,
    )  # fmt: skip


def pay(record, actor) -> Subsidy:
    return services.subsidy_pay(subsidy=record, voucher_no="记-100", paid_on=date(2024, 10, 8), actor=actor)


def test_a_new_park_has_four_eyes_on(world):
    assert Park.objects.get(pk=world.park.pk).four_eyes is True


def test_the_proposer_cannot_approve_their_own_proposal(world):
    admin = world.users["admin"]
    record = proposed_by(world, admin)
    with pytest.raises(ValidationError) as error:
        services.subsidy_approve(subsidy=record, actor=admin)
    assert list(error.value.message_dict) == ["approved_by"]
    record.refresh_from_db()
    assert (record.status, record.approved_by) == ("proposed", None)


def test_the_approver_cannot_pay_what_they_approved(world, treasurer):
    admin = world.users["admin"]
    record = services.subsidy_approve(subsidy=proposed_by(world, treasurer), actor=admin)
    with pytest.raises(ValidationError) as error:
        pay(record, admin)
    assert list(error.value.message_dict) == ["paid_by"]
    record.refresh_from_db()
    assert (record.status, record.voucher_no, record.paid_by) == ("approved", "", None)


def test_two_admins_taking_turns_carry_a_record_through_and_each_step_names_its_person(world, treasurer):
    admin = world.users["admin"]
    record = pay(services.subsidy_approve(subsidy=proposed_by(world, admin), actor=treasurer), admin)
    record.refresh_from_db()
    assert (record.status, record.created_by, record.approved_by, record.paid_by) == ("paid", admin, treasurer, admin)


def test_with_four_eyes_off_one_admin_proposes_approves_and_pays_alone(world):
    Park.objects.filter(pk=world.park.pk).update(four_eyes=False)
    admin = world.users["admin"]
    record = pay(services.subsidy_approve(subsidy=proposed_by(world, admin), actor=admin), admin)
    assert (record.status, record.approved_by, record.paid_by) == ("paid", admin, admin)


def test_a_record_the_portal_proposed_is_approved_by_any_park_admin(world):
    # world.subsidy_a was made outside a request: no known proposer, nobody to keep out.
    record = services.subsidy_approve(subsidy=world.subsidy_a, actor=world.users["admin"])
    assert record.status == "approved"


def test_the_api_answers_400_naming_the_step(world, as_role, as_treasurer):
    client = as_role("admin")
    created = client.post(f"{API}/subsidies/", {"organization": world.branch_b.pk, "kind": "activity_fund",
                                                "period": "2024-Q3", "amount": "500.00"})  # fmt: skip
    url = f"{API}/subsidies/{created.json()['id']}/"
    refused = client.post(url + "approve/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "another park admin must approve" in refused.json()["approved_by"][0]
    assert as_treasurer.post(url + "approve/").status_code == 200
    refused = as_treasurer.post(url + "pay/", {"voucher_no": "记-101", "paid_on": "2024-10-08"})
    assert (refused.status_code, list(refused.json())) == (400, ["paid_by"])
    paid = client.post(url + "pay/", {"voucher_no": "记-101", "paid_on": "2024-10-08"})
    assert (paid.status_code, paid.json()["status"]) == (200, "paid")


def test_the_page_shows_the_refusal_above_the_form_and_saves_nothing(world, treasurer):
    admin = world.users["admin"]
    record = services.subsidy_approve(subsidy=proposed_by(world, treasurer), actor=admin)
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("subsidy-pay", args=[record.pk]), {"voucher_no": "记-102", "paid_on": "2024-10-08"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert any("another park admin must record its payment" in e for e in response.context["form"].non_field_errors())
    assert Subsidy.objects.get(pk=record.pk).status == "approved"
    approve = client.post(
        reverse("subsidy-approve", args=[proposed_by(world, admin, "2024-Q4").pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert approve.status_code == 200
    assert any("another park admin must approve" in e for e in approve.context["form"].non_field_errors())


# --- reversals ---------------------------------------------------------------------------------------


def reverse_payment(record, actor) -> Subsidy:
    return services.subsidy_reverse(
        subsidy=record, reason="金额算错", voucher_no="红-100", paid_on=date(2024, 10, 9), actor=actor
    )


def paid_by(world, payer, approver) -> Subsidy:
    return pay(services.subsidy_approve(subsidy=proposed_by(world, payer), actor=approver), payer)


def test_the_payer_cannot_reverse_the_payment_they_recorded(world, treasurer):
    admin = world.users["admin"]
    record = paid_by(world, admin, treasurer)
    with pytest.raises(ValidationError) as error:
        reverse_payment(record, admin)
    assert list(error.value.message_dict) == ["paid_by"]
    assert not Subsidy.objects.filter(reverses=record).exists()


def test_another_admin_reverses_the_payment_and_the_reversal_names_them(world, treasurer):
    admin = world.users["admin"]
    record = paid_by(world, admin, treasurer)
    reversal = reverse_payment(record, treasurer)
    reversal.refresh_from_db()
    assert (reversal.reverses, reversal.amount, reversal.created_by, reversal.paid_by) == (
        record, -record.amount, treasurer, treasurer,
    )  # fmt: skip


def test_with_four_eyes_off_the_payer_reverses_alone(world):
    Park.objects.filter(pk=world.park.pk).update(four_eyes=False)
    admin = world.users["admin"]
    record = pay(services.subsidy_approve(subsidy=proposed_by(world, admin), actor=admin), admin)
    assert reverse_payment(record, admin).paid_by == admin


def test_the_api_refuses_the_payers_reversal_naming_the_field(world, treasurer, as_role, as_treasurer):
    record = paid_by(world, world.users["admin"], treasurer)
    data = {"reason": "金额算错", "voucher_no": "红-101", "paid_on": "2024-10-09"}
    refused = as_role("admin").post(f"{API}/subsidies/{record.pk}/reverse/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "another park admin must reverse it" in refused.json()["paid_by"][0]
    assert as_treasurer.post(f"{API}/subsidies/{record.pk}/reverse/", data).status_code in (200, 201)


def test_the_reverse_page_shows_the_refusal_and_saves_nothing(world, treasurer):
    admin = world.users["admin"]
    record = paid_by(world, admin, treasurer)
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("subsidy-reverse", args=[record.pk]),
        {"reason": "金额算错", "voucher_no": "红-102", "paid_on": "2024-10-09"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert any("another park admin must reverse it" in e for e in response.context["form"].non_field_errors())
    assert not Subsidy.objects.filter(reverses=record).exists()
