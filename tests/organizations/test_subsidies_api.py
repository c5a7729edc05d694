"""The subsidy ledger through the API: proposals, approval, payment, reversal, the proposal runs, dues and
the statistics. A paid record is final, nothing half-saves, and every change keeps its author."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from organizations.models import DuesCollection, Rating, Subsidy, SubsidyRule
from organizations.ratings import services as rating_services
from organizations.subsidies import services

API = "/api/v1"


def subsidy_url(world, action: str = "") -> str:
    return f"{API}/subsidies/{world.subsidy_a.pk}/" + (f"{action}/" if action else "")


def pay(as_role, world, as_treasurer) -> None:
    """The admin approves, a second park admin pays (four eyes)."""
    assert as_role("admin").post(subsidy_url(world, "approve")).status_code == 200
    paid = as_treasurer.post(subsidy_url(world, "pay"), {"voucher_no": "记-2024-071", "paid_on": "2024-07-15"})
    assert paid.status_code == 200, paid.content


def proposal(world, **overrides) -> dict:
    return {"organization": world.branch_b.pk, "kind": "secretary_allowance", "period": "2024-H1",
            "amount": "600.00", **overrides}  # fmt: skip


def test_a_park_admin_proposes_a_record_and_the_period_gives_its_first_day(world, as_role):
    response = as_role("admin").post(f"{API}/subsidies/", proposal(world, member=world.member_b.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["period_start"], body["park"]) == (
        "proposed", "600.00", "2024-01-01", world.park.pk,
    )  # fmt: skip
    assert body["created_by"] == world.users["admin"].pk
    record = Subsidy.objects.get(pk=body["id"])
    assert record.history.get().history_user == world.users["admin"]


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "1.234", "NaN", "99999999999.00"])
def test_a_malformed_or_negative_amount_is_refused_naming_amount_and_nothing_is_saved(world, as_role, amount):
    before = Subsidy.objects.count()
    response = as_role("admin").post(f"{API}/subsidies/", proposal(world, amount=amount))
    assert response.status_code == 400
    assert list(response.json()) == ["amount"]
    assert Subsidy.objects.count() == before

    changed = as_role("admin").patch(subsidy_url(world), {"amount": amount})
    assert (changed.status_code, list(changed.json())) == (400, ["amount"])
    world.subsidy_a.refresh_from_db()
    assert world.subsidy_a.amount == Decimal("200.00")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organization": "branch_a", "kind": "red_star_allowance", "period": "2024-Q2"}, "period"),
        ({"period": "2024-Q5"}, "period"),
        ({"period": "1999"}, "period"),
        ({"member": "member_a"}, "member"),
    ],
)
def test_a_bad_proposal_is_refused_naming_the_field(world, as_role, overrides, field):
    overrides = {k: getattr(world, v).pk if v in ("branch_a", "member_a") else v for k, v in overrides.items()}
    before = Subsidy.objects.count()
    response = as_role("admin").post(f"{API}/subsidies/", proposal(world, **overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert Subsidy.objects.count() == before


def test_a_second_record_for_the_same_recipient_kind_and_period_is_refused_until_the_first_is_cancelled(world, as_role):
    duplicate = proposal(world, organization=world.branch_a.pk, kind="red_star_allowance", period="2024-Q2")
    assert as_role("admin").post(f"{API}/subsidies/", duplicate).status_code == 400
    assert as_role("admin").post(subsidy_url(world, "cancel"), {"reason": "评定有误"}).json()["status"] == "cancelled"
    assert as_role("admin").post(f"{API}/subsidies/", duplicate).status_code == 201
    cancelled = world.subsidy_a.history.latest()
    assert (cancelled.status, cancelled.history_change_reason) == ("cancelled", "评定有误")


def test_a_second_red_star_allowance_for_an_organization_is_refused_whoever_it_names_to_receive_it(world, as_role):
    # The run names the branch's secretary, a hand proposal nobody (or someone else): both were accepted,
    # and the quarter's allowance could be paid twice.
    named = proposal(world, organization=world.branch_a.pk, kind="red_star_allowance", period="2024-Q2",
                     member=world.member_a.pk)  # fmt: skip
    refused = as_role("admin").post(f"{API}/subsidies/", named)
    assert (refused.status_code, list(refused.json())) == (400, ["period"])
    assert Subsidy.objects.filter(organization=world.branch_a, period="2024-Q2").count() == 1
    # Other kinds stay one per person: a named and an unnamed secretary allowance of one branch stand.
    first = proposal(world, organization=world.branch_a.pk, member=world.member_a.pk)
    assert as_role("admin").post(f"{API}/subsidies/", first).status_code == 201
    assert as_role("admin").post(f"{API}/subsidies/", {**first, "member": None}).status_code == 201


def test_a_proposal_changes_only_its_amount_and_note_and_the_history_keeps_who(world, as_role):
    response = as_role("admin").patch(
        subsidy_url(world), {"amount": "250.50", "note": "按四星标准", "kind": "dues_return"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["amount"], response.json()["note"], response.json()["kind"]) == (
        "250.50", "按四星标准", "red_star_allowance",
    )  # fmt: skip
    assert world.subsidy_a.history.latest().history_user == world.users["admin"]
    assert as_role("admin").put(subsidy_url(world), proposal(world)).status_code == 405


def test_paying_a_record_that_was_not_approved_is_refused(world, as_role):
    response = as_role("admin").post(subsidy_url(world, "pay"), {"voucher_no": "记-1", "paid_on": "2024-07-15"})
    assert response.status_code == 400
    assert "status" in response.json()
    world.subsidy_a.refresh_from_db()
    assert (world.subsidy_a.status, world.subsidy_a.voucher_no, world.subsidy_a.paid_on) == ("proposed", "", None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"voucher_no": "", "paid_on": "2024-07-15"}, "voucher_no"),
        ({"voucher_no": "记-1", "paid_on": "2999-01-01"}, "paid_on"),
    ],
)
def test_a_payment_needs_a_voucher_and_a_past_date(world, as_role, as_treasurer, data, field):
    as_role("admin").post(subsidy_url(world, "approve"))
    response = as_treasurer.post(subsidy_url(world, "pay"), data)
    assert response.status_code == 400
    assert field in response.json()
    world.subsidy_a.refresh_from_db()
    assert world.subsidy_a.status == "approved"


def test_a_paid_record_is_final_a_patch_is_refused_and_the_amount_stays(world, as_role, as_treasurer):
    pay(as_role, world, as_treasurer)
    response = as_role("admin").patch(subsidy_url(world), {"amount": "999.00"})
    assert response.status_code == 400
    assert "status" in response.json()
    assert as_role("admin").post(subsidy_url(world, "cancel"), {"reason": "错发"}).status_code == 400
    world.subsidy_a.refresh_from_db()
    assert (world.subsidy_a.amount, world.subsidy_a.status) == (Decimal("200.00"), "paid")


def test_a_reversal_is_a_negative_paid_entry_and_nets_the_statistics_to_zero(world, as_role, as_treasurer):
    stats = f"{API}/stats/subsidies/"
    assert as_role("viewer").get(stats, {"park": world.park.pk}).json()["total"] == "0.00"  # proposed only
    pay(as_role, world, as_treasurer)
    paid = as_role("viewer").get(stats, {"park": world.park.pk}).json()
    assert (paid["total"], paid["by_kind"], paid["by_year"]) == (
        "200.00", {"red_star_allowance": "200.00"}, {"2024": "200.00"},
    )  # fmt: skip

    reversed_ = as_role("admin").post(
        subsidy_url(world, "reverse"), {"reason": "重复发放", "voucher_no": "记-2024-080", "paid_on": "2024-08-01"}
    )
    assert reversed_.status_code == 201, reversed_.content
    entry = reversed_.json()
    assert (entry["amount"], entry["status"], entry["reverses"]) == ("-200.00", "paid", world.subsidy_a.pk)
    assert as_role("admin").get(subsidy_url(world)).json()["reversal"] == entry["id"]
    netted = as_role("viewer").get(stats, {"park": world.park.pk}).json()
    assert (netted["total"], netted["by_kind"]["red_star_allowance"]) == ("0.00", "0.00")
    # Until the day before the reversal, the payment still counts.
    july = as_role("viewer").get(stats, {"park": world.park.pk, "until": "2024-07-31"}).json()
    assert july["total"] == "200.00"
    again = as_role("admin").post(
        subsidy_url(world, "reverse"), {"reason": "再次", "voucher_no": "记-2024-081", "paid_on": "2024-08-02"}
    )
    assert again.status_code == 400
    assert Subsidy.objects.filter(reverses=world.subsidy_a).count() == 1
    assert Subsidy.objects.get(pk=entry["id"]).history.get().history_user == world.users["admin"]


def test_a_cancel_or_reversal_reason_longer_than_the_history_keeps_is_a_400_not_a_database_error(
    world, as_role, as_treasurer
):
    # The history's change reason is a varchar(100): PostgreSQL refused a longer one with a 500.
    too_long = "重复发放" * 26
    cancel = as_role("admin").post(subsidy_url(world, "cancel"), {"reason": too_long})
    assert (cancel.status_code, list(cancel.json())) == (400, ["reason"])
    world.subsidy_a.refresh_from_db()
    assert world.subsidy_a.status == "proposed"
    pay(as_role, world, as_treasurer)
    reverse = {"reason": too_long, "voucher_no": "记-2024-080", "paid_on": "2024-08-01"}
    assert list(as_role("admin").post(subsidy_url(world, "reverse"), reverse).json()) == ["reason"]
    assert not Subsidy.objects.filter(reverses=world.subsidy_a).exists()
    with pytest.raises(ValidationError) as error:
        services.subsidy_reverse(subsidy=world.subsidy_a, reason=too_long, voucher_no="记-2024-080",
                                 paid_on=date(2024, 8, 1))  # fmt: skip
    assert list(error.value.message_dict) == ["reason"]


def test_approval_and_payment_are_recorded_with_their_author(world, as_role, as_treasurer, treasurer):
    pay(as_role, world, as_treasurer)
    history = world.subsidy_a.history.order_by("history_date")
    assert [(h.status, h.history_user) for h in history] == [
        ("proposed", None),  # created by the fixture, outside a request
        ("approved", world.users["admin"]),
        ("paid", treasurer),
    ]


@pytest.mark.parametrize("action", ["approve", "pay", "cancel", "reverse"])
@pytest.mark.parametrize("role", ["viewer", "secretary_a", "secretary_b", "instructor", "token"])
def test_only_a_park_admin_moves_a_record_along(world, as_role, action, role):
    data = {"voucher_no": "记-1", "paid_on": "2024-07-15", "reason": "x"}
    assert as_role(role).post(subsidy_url(world, action), data).status_code == 403
    world.subsidy_a.refresh_from_db()
    assert world.subsidy_a.status == "proposed"


def test_a_secretary_reads_their_own_organizations_subsidies_and_dues_only(world, as_role):
    assert as_role("secretary_a").get(subsidy_url(world)).status_code == 200
    assert as_role("secretary_b").get(subsidy_url(world)).status_code == 404
    assert as_role("secretary_b").get(f"{API}/subsidies/").json()["count"] == 0
    assert as_role("secretary_a").get(f"{API}/dues/{world.dues_a.pk}/").status_code == 200
    assert as_role("secretary_b").get(f"{API}/dues/{world.dues_a.pk}/").status_code == 404
    assert (
        as_role("secretary_a").post(f"{API}/subsidies/", proposal(world, organization=world.branch_a.pk)).status_code
        == 403
    )


def confirmed_rating_of_branch_b(world) -> Rating:
    criteria = list(world.sheet.criteria.all())
    lines = [rating_services.ItemLine(c, Decimal(s), "巡查") for c, s in zip(criteria, (40, 30, 25, 0), strict=True)]
    rating = rating_services.rating_save(
        rating=Rating(
            organization=world.branch_b, sheet=world.sheet, year=2024, quarter=2, assessed_on=date(2024, 6, 28)
        ),
        items=lines,
    )
    return rating_services.rating_confirm(rating=rating)


def test_proposing_the_quarters_allowances_twice_creates_nothing_the_second_time(world, as_role):
    confirmed_rating_of_branch_b(world)  # 95 points: five stars, 300 yuan
    url = f"{API}/subsidies/propose-allowances/"
    payload = {"park": world.park.pk, "year": 2024, "quarter": 2}
    first = as_role("admin").post(url, payload)
    assert first.json() == {"created": 1, "updated": 0, "unchanged": 1}  # branch A's was proposed already
    rows = list(Subsidy.objects.order_by("pk").values_list("pk", "organization", "amount", "status", "rating"))
    assert as_role("admin").post(url, payload).json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert list(Subsidy.objects.order_by("pk").values_list("pk", "organization", "amount", "status", "rating")) == rows
    created = Subsidy.objects.get(organization=world.branch_b)
    assert (created.amount, created.period, created.created_by) == (Decimal("300.00"), "2024-Q2", world.users["admin"])
    assert created.history.get().history_user == world.users["admin"]


@pytest.mark.parametrize(
    ("role", "park", "status"),
    [
        ("admin", "other", 404),
        ("viewer", "own", 403),
        ("secretary_a", "own", 403),
        ("token", "own", 403),
    ],
)
def test_proposal_runs_are_for_a_park_admin_of_that_park(world, as_role, role, park, status):
    park_id = world.park.pk if park == "own" else world.other_park.pk
    quarter = as_role(role).post(f"{API}/subsidies/propose-allowances/", {"park": park_id, "year": 2024, "quarter": 2})
    month = as_role(role).post(f"{API}/dues/propose-returns/", {"park": park_id, "month": "2024-05"})
    assert (quarter.status_code, month.status_code) == (status, status)
    assert Subsidy.objects.count() == 1


@pytest.mark.parametrize(("data", "field"), [({"quarter": 5}, "quarter"), ({"year": 1999}, "year")])
def test_a_proposal_run_for_a_bad_quarter_is_a_400(world, as_role, data, field):
    payload = {"park": world.park.pk, "year": 2024, "quarter": 2, **data}
    response = as_role("admin").post(f"{API}/subsidies/propose-allowances/", payload)
    assert response.status_code == 400
    assert field in response.json()


def test_dues_carry_the_return_owed_proposed_and_paid(world, as_role, as_treasurer):
    url = f"{API}/dues/{world.dues_a.pk}/"
    before = as_role("admin").get(url).json()
    assert (before["owed"], before["returning"], before["returned"]) == ("360.00", "0.00", "0.00")
    run = as_role("admin").post(f"{API}/dues/propose-returns/", {"park": world.park.pk, "month": "2024-05"})
    assert run.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert as_role("admin").post(f"{API}/dues/propose-returns/", {"park": world.park.pk, "month": "2024-05"}).json() == {
        "created": 0, "updated": 0, "unchanged": 1,
    }  # fmt: skip
    assert as_role("admin").get(url).json()["returning"] == "360.00"
    returned = Subsidy.objects.get(dues=world.dues_a)
    # The admin proposed the return: a second park admin approves it, and the admin pays (four eyes).
    assert as_treasurer.post(f"{API}/subsidies/{returned.pk}/approve/").status_code == 200
    paid = as_role("admin").post(f"{API}/subsidies/{returned.pk}/pay/", {"voucher_no": "记-9", "paid_on": "2024-06-10"})
    assert paid.status_code == 200
    after = as_role("admin").get(url).json()
    assert (after["returning"], after["returned"]) == ("0.00", "360.00")
    # Paid from: the dues no longer change.
    assert as_role("admin").patch(url, {"amount": "400.00"}).status_code == 400
    world.dues_a.refresh_from_db()
    assert world.dues_a.amount == Decimal("360.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"month": "2024-05-02"}, "month"),
        ({"month": "next"}, "month"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"organization": "group"}, "organization"),
    ],
)
def test_bad_dues_are_refused_naming_the_field(world, as_role, data, field):
    if data.get("month") == "next":
        data["month"] = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1).isoformat()
    if data.get("organization") == "group":
        data["organization"] = world.group_a.pk
    payload = {"organization": world.branch_b.pk, "month": "2024-05-01", "amount": "120.00", **data}
    response = as_role("admin").post(f"{API}/dues/", payload)
    assert response.status_code == 400
    assert field in response.json()
    assert DuesCollection.objects.count() == 1


def test_a_park_admin_records_dues_and_they_are_annotated_in_the_answer(world, as_role):
    payload = {"organization": world.branch_b.pk, "month": "2024-05-01", "amount": "120.00", "members_paying": 2}
    response = as_role("admin").post(f"{API}/dues/", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owed"], body["returned"], body["recorded_by"]) == ("120.00", "0.00", world.users["admin"].pk)
    assert as_role("admin").post(f"{API}/dues/", payload).status_code == 400  # one per organization and month


def test_a_rule_keeps_its_rates_by_star_level_and_is_frozen_once_used(world, as_role):
    payload = {"park": world.park.pk, "kind": "red_star_allowance", "valid_from": "2025-01-01",
               "rates": {"5": "400.00", "4": "300"}}  # fmt: skip
    response = as_role("admin").post(f"{API}/subsidy-rules/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["rates"] == {"5": "400.00", "4": "300.00"}
    changed = as_role("admin").patch(f"{API}/subsidy-rules/{response.json()['id']}/", {"rates": {"3": "150"}})
    assert changed.json()["rates"] == {"3": "150.00"}
    bad = as_role("admin").post(f"{API}/subsidy-rules/", {**payload, "valid_from": "2026-01-01", "rates": {"6": "1"}})
    assert (bad.status_code, list(bad.json())) == (400, ["rates"])
    used = as_role("admin").patch(f"{API}/subsidy-rules/{world.rule.pk}/", {"rates": {"5": "1000"}})
    assert used.status_code == 400
    assert "valid_from" in used.json()
    assert world.rule.rates.get(stars=5).amount == Decimal("300.00")
    assert SubsidyRule.objects.filter(park=world.park).count() == 3


def test_subsidies_filter_by_status_kind_period_and_payment_date(world, as_role, as_treasurer):
    pay(as_role, world, as_treasurer)
    as_role("admin").post(f"{API}/subsidies/", proposal(world))
    client = as_role("viewer")

    def ids(**params):
        return {row["organization"] for row in client.get(f"{API}/subsidies/", params).json()["results"]}

    assert ids(status="paid") == {world.branch_a.pk}
    assert ids(kind="secretary_allowance,dues_return") == {world.branch_b.pk}
    assert ids(period="2024-H1") == {world.branch_b.pk}
    assert ids(paid_after="2024-07-15", paid_before="2024-07-15") == {world.branch_a.pk}
    assert ids(paid_after="2024-07-16") == set()
    assert ids(within=world.branch_b.pk) == {world.branch_b.pk}


@pytest.mark.parametrize(
    ("role", "params", "status"),
    [
        ("viewer", {"since": "2024-13-01"}, 400),
        ("viewer", {"kind": "bonus"}, 400),
        ("viewer", {"since": "2024-06-01", "until": "2024-01-01"}, 400),
        ("viewer", {"park": "other"}, 404),
        ("token", {"park": "other"}, 404),
        ("secretary_a", {}, 403),
        ("instructor", {}, 403),
        ("token", {}, 200),
    ],
)
def test_subsidy_statistics_refuse_bad_input_and_parks_outside_scope(world, as_role, role, params, status):
    params = {"park": world.park.pk, **params}
    if params["park"] == "other":
        params["park"] = world.other_park.pk
    assert as_role(role).get(f"{API}/stats/subsidies/", params).status_code == status


def test_subsidy_statistics_without_a_park_cover_the_callers_parks(world, as_role, as_treasurer):
    pay(as_role, world, as_treasurer)
    body = (
        as_role("viewer").get(f"{API}/stats/subsidies/", {"kind": "red_star_allowance", "since": "2024-01-01"}).json()
    )
    links = body.pop("links")
    assert body == {"park": None, "since": "2024-01-01", "until": None, "kind": "red_star_allowance",
                    "total": "200.00", "by_kind": {"red_star_allowance": "200.00"}, "by_year": {"2024": "200.00"},
                    "paid_records": 1, "reversals": 0}  # fmt: skip
    assert links["paid_records"].endswith("/subsidies/?kind=red_star_allowance&status=paid&since=2024-01-01")
