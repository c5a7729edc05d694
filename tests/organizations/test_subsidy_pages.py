"""The subsidy ledger's pages: the list with its totals and filters, the actions of park admins (approve,
pay, cancel, reverse, the quarter's allowance run, a record by hand), a record's page, and the Excel
export — what each persona sees, what is refused (field named, nothing saved), and query counts."""

import re
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organizations.models import PartyMember, Rating, Subsidy, SubsidyKind
from organizations.ratings import services as rating_services
from organizations.subsidies import services
from tests import factories as f
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE
from tests.organizations.test_rating_pages import count_queries


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.logout()
        client.force_login(world.users[role])
        return client

    return as_role


def approved(world, actor=None) -> Subsidy:
    """Approved by `actor` (a second park admin where the admin then pays: four eyes)."""
    return services.subsidy_approve(subsidy=world.subsidy_a, actor=actor or world.users["admin"])


def paid(world) -> Subsidy:
    return services.subsidy_pay(subsidy=approved(world), voucher_no="记-001", paid_on=date(2024, 7, 10))


def record_for(world, organization, *, kind=SubsidyKind.ACTIVITY_FUND, period="2024-Q3", amount="500.00"):
    return services.subsidy_propose(
        subsidy=Subsidy(organization=organization, kind=kind, period=period, amount=Decimal(amount))
    )


# --- the list --------------------------------------------------------------------------------------


def test_an_admin_sees_the_ledger_with_the_actions_each_record_allows(world, login):
    response = login("admin").get(reverse("subsidy-list"))
    page = response.content.decode()
    assert f'data-subsidy="{world.subsidy_a.pk}"' in page
    assert reverse("subsidy-approve", args=[world.subsidy_a.pk]) in page
    assert reverse("subsidy-cancel", args=[world.subsidy_a.pk]) in page
    assert reverse("subsidy-pay", args=[world.subsidy_a.pk]) not in page  # not approved yet
    assert reverse("subsidy-allowances") in page


@pytest.mark.parametrize("role", ["viewer", "secretary_a"])
def test_readers_see_the_records_but_no_buttons(world, login, role):
    page = login(role).get(reverse("subsidy-list")).content.decode()
    assert f'data-subsidy="{world.subsidy_a.pk}"' in page
    for name in ("subsidy-approve", "subsidy-cancel"):
        assert reverse(name, args=[world.subsidy_a.pk]) not in page
    assert reverse("subsidy-allowances") not in page


def test_a_secretary_sees_only_their_subtree(world, login):
    other = record_for(world, world.branch_b)
    response = login("secretary_a").get(reverse("subsidy-list"))
    shown = [record.pk for record in response.context["page"].object_list]
    assert shown == [world.subsidy_a.pk]
    client = login("secretary_b")
    assert [r.pk for r in client.get(reverse("subsidy-list")).context["page"].object_list] == [other.pk]
    assert client.get(reverse("subsidy-detail", args=[world.subsidy_a.pk])).status_code == 404


def test_the_totals_are_what_was_paid_net_of_reversals_for_the_filter(world, login):
    payment = paid(world)
    other = record_for(world, world.branch_b, amount="80.00")
    services.subsidy_approve(subsidy=other)
    services.subsidy_pay(subsidy=other, voucher_no="记-002", paid_on=date(2024, 9, 1))
    client = login("admin")
    assert client.get(reverse("subsidy-list")).context["totals"]["paid"] == Decimal("280.00")
    services.subsidy_reverse(subsidy=payment, reason="重复发放", voucher_no="记-003", paid_on=date(2024, 7, 20))
    assert client.get(reverse("subsidy-list")).context["totals"]["paid"] == Decimal("80.00")
    only_a = client.get(reverse("subsidy-list"), {"organization": world.branch_a.pk})
    assert only_a.context["totals"]["paid"] == Decimal("0.00")
    assert only_a.context["page"].paginator.count == 2  # the payment and its reversal


def test_filters_by_kind_status_period_and_year(world, login):
    record_for(world, world.branch_b, period="2023-Q3")
    client = login("admin")

    def shown(**params):
        return {r.pk for r in client.get(reverse("subsidy-list"), params).context["page"].object_list}

    assert shown(kind="red_star_allowance") == {world.subsidy_a.pk}
    assert shown(status="proposed", year=2024) == {world.subsidy_a.pk}
    assert shown(period="2024-q2") == {world.subsidy_a.pk}
    response = client.get(reverse("subsidy-list"), {"period": "2024-Q9"})
    assert "period" in response.context["form"].errors


def add_records(world, count: int) -> None:
    for index in range(count):
        branch = f.OrganizationFactory(park=world.park, parent=world.committee)
        world.committee.refresh_from_db()
        record = record_for(world, branch, period=f"2024-{index % 12 + 1:02d}")
        if index % 2:
            services.subsidy_approve(subsidy=record)


# session + scope, the parks, the organizations to filter by, the totals, the count, one page of rows
# (park, organization, member and reversal joined in).
LEDGER_QUERIES = SESSION_AND_SCOPE + 5


def test_the_ledger_takes_as_many_queries_for_many_records_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(LEDGER_QUERIES):
        one = count_queries(client, reverse("subsidy-list"))
    add_records(world, 20)
    with django_assert_num_queries(LEDGER_QUERIES):
        many = count_queries(client, reverse("subsidy-list"))
    assert one == many


# session + scope, the record (park, organization, member, rule, rating, dues, reversal… joined), its history.
DETAIL_QUERIES = SESSION_AND_SCOPE + 2


def test_the_record_page_shows_its_basis_and_takes_constant_queries(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(DETAIL_QUERIES):
        count_queries(client, reverse("subsidy-detail", args=[world.subsidy_a.pk]))
    page = client.get(reverse("subsidy-detail", args=[world.subsidy_a.pk])).content.decode()
    assert reverse("rating-detail", args=[world.rating_a.pk]) in page


# --- actions ---------------------------------------------------------------------------------------


def test_an_admin_approves_and_a_second_admin_pays_from_the_ledger(world, login, treasurer):
    client = login("admin")
    back = reverse("subsidy-list")
    response = client.post(reverse("subsidy-approve", args=[world.subsidy_a.pk]), {"next": back})
    assert (response.status_code, response.url) == (302, back)
    data = {"voucher_no": "记-010", "paid_on": "2024-07-15", "next": back}
    second = Client()
    second.force_login(treasurer)
    assert second.post(reverse("subsidy-pay", args=[world.subsidy_a.pk]), data).status_code == 302
    world.subsidy_a.refresh_from_db()
    assert (world.subsidy_a.status, world.subsidy_a.voucher_no) == ("paid", "记-010")
    assert (world.subsidy_a.approved_by, world.subsidy_a.paid_by) == (world.users["admin"], treasurer)
    history = client.get(reverse("subsidy-detail", args=[world.subsidy_a.pk])).context["history"]
    assert history[0].who == treasurer


def test_paying_without_a_voucher_is_refused_on_the_field(world, login, treasurer):
    approved(world, treasurer)
    response = login("admin").post(reverse("subsidy-pay", args=[world.subsidy_a.pk]), {"paid_on": "2024-07-15"})
    assert response.status_code == 200
    assert "voucher_no" in response.context["form"].errors
    world.subsidy_a.refresh_from_db()
    assert world.subsidy_a.status == "approved"


def test_paying_an_unapproved_record_is_refused(world, login):
    data = {"voucher_no": "记-011", "paid_on": "2024-07-15"}
    response = login("admin").post(reverse("subsidy-pay", args=[world.subsidy_a.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("approved" in error for error in response.context["form"].non_field_errors())
    world.subsidy_a.refresh_from_db()
    assert (world.subsidy_a.status, world.subsidy_a.voucher_no) == ("proposed", "")


def test_a_payment_dated_tomorrow_is_refused_on_the_date(world, login, treasurer):
    approved(world, treasurer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = login("admin").post(
        reverse("subsidy-pay", args=[world.subsidy_a.pk]), {"voucher_no": "记-012", "paid_on": tomorrow}
    )
    assert "paid_on" in response.context["form"].errors
    assert Subsidy.objects.get(pk=world.subsidy_a.pk).status == "approved"


def test_cancelling_needs_a_reason(world, login):
    client = login("admin")
    response = client.post(reverse("subsidy-cancel", args=[world.subsidy_a.pk]), {"reason": " "})
    assert "reason" in response.context["form"].errors
    assert client.post(reverse("subsidy-cancel", args=[world.subsidy_a.pk]), {"reason": "评定有误"}).status_code == 302
    assert Subsidy.objects.get(pk=world.subsidy_a.pk).status == "cancelled"


def test_a_reversal_is_a_new_negative_entry_linked_from_the_original(world, login):
    payment = paid(world)
    client = login("admin")
    data = {"reason": "重复发放", "voucher_no": "记-020", "paid_on": "2024-08-01"}
    assert client.post(reverse("subsidy-reverse", args=[payment.pk]), data).status_code == 302
    reversal = Subsidy.objects.get(reverses=payment)
    assert reversal.amount == Decimal("-200.00")
    page = client.get(reverse("subsidy-detail", args=[payment.pk])).content.decode()
    assert reverse("subsidy-detail", args=[reversal.pk]) in page
    assert reverse("subsidy-reverse", args=[payment.pk]) not in page  # reversed once only


@pytest.mark.parametrize("role", ["viewer", "secretary_a"])
@pytest.mark.parametrize("action", ["subsidy-approve", "subsidy-pay", "subsidy-cancel", "subsidy-reverse"])
def test_actions_from_anyone_but_a_park_admin_are_forbidden(world, login, role, action):
    data = {"voucher_no": "记-1", "paid_on": "2024-07-01", "reason": "x"}
    assert login(role).post(reverse(action, args=[world.subsidy_a.pk]), data).status_code == 403
    assert Subsidy.objects.get(pk=world.subsidy_a.pk).status == "proposed"


def test_the_quarter_s_allowances_are_proposed_with_counts_in_a_message(world, login):
    rating = rating_services.rating_save(
        rating=Rating(organization=world.branch_b, sheet=world.sheet, year=2024, quarter=2,
                      assessed_on=date(2024, 6, 20)),
        items=[rating_services.ItemLine(c, c.max_points, reason="优秀") for c in world.sheet.criteria.all()],
    )  # fmt: skip
    rating_services.rating_confirm(rating=rating)
    client = login("admin")
    data = {"park": world.park.pk, "year": 2024, "quarter": 2}
    response = client.post(reverse("subsidy-allowances"), data, follow=True)
    # year, quarter, created, updated, unchanged (branch A's proposal was there already)
    assert numbers(response) == [2024, 2, 1, 0, 1]
    created = Subsidy.objects.get(organization=world.branch_b, period="2024-Q2")
    assert created.amount == Decimal("300.00")  # five stars
    again = client.post(reverse("subsidy-allowances"), data, follow=True)
    assert numbers(again) == [2024, 2, 0, 0, 2]
    assert Subsidy.objects.filter(period="2024-Q2").count() == 2


def numbers(response) -> list[int]:
    """The figures in the page's one message."""
    (message,) = response.context["messages"]
    return [int(n) for n in re.findall(r"\d+", str(message))]


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_park_admins_run_the_allowances(world, login, role):
    response = login(role).post(reverse("subsidy-allowances"), {"park": world.park.pk, "year": 2024, "quarter": 2})
    assert response.status_code == 403


def test_a_record_by_hand_with_a_malformed_amount_is_refused_on_the_field(world, login):
    client = login("admin")
    data = {"organization": world.branch_b.pk, "kind": "activity_fund", "period": "2024-Q3", "amount": "12.345"}
    response = client.post(reverse("subsidy-new"), data)
    assert "amount" in response.context["form"].errors
    response = client.post(reverse("subsidy-new"), data | {"amount": "一百"})
    assert "amount" in response.context["form"].errors
    assert not Subsidy.objects.filter(organization=world.branch_b).exists()
    assert client.post(reverse("subsidy-new"), data | {"amount": "100.50"}).status_code == 302
    assert Subsidy.objects.get(organization=world.branch_b).amount == Decimal("100.50")


def test_a_second_record_for_the_same_period_is_refused_on_the_period(world, login):
    data = {"organization": world.branch_a.pk, "kind": "red_star_allowance", "period": "2024-Q2", "amount": "10"}
    response = login("admin").post(reverse("subsidy-new"), data)
    assert "period" in response.context["form"].errors
    assert Subsidy.objects.filter(organization=world.branch_a).count() == 1


# --- the export ------------------------------------------------------------------------------------


def exported(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows


def test_the_export_opens_in_excel_with_numbers_and_only_visible_rows(world, login):
    record_for(world, world.branch_b, amount="66.60")
    response = login("secretary_a").get(reverse("subsidy-export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = exported(response)
    assert len(rows) == 2  # the header, branch A's record
    header, row = rows
    assert header[1] and header[5]
    assert row[1] == world.branch_a.name
    assert row[5] == 200  # a number, not text


def test_the_export_keeps_typed_text_as_text_never_as_a_formula(world, login):
    # A secretary names the members and an admin writes the notes: "=HYPERLINK(…)" was exported as a
    # formula that Excel runs when the ledger is opened.
    formula = '=HYPERLINK("http://evil.example/","点击")'
    PartyMember.objects.filter(pk=world.member_a.pk).update(name=formula)
    Subsidy.objects.filter(pk=world.subsidy_a.pk).update(member=world.member_a, note="=1+1")
    content = b"".join(login("admin").get(reverse("subsidy-export")).streaming_content)
    sheet = load_workbook(BytesIO(content)).active
    person, note = sheet.cell(row=2, column=3), sheet.cell(row=2, column=11)
    assert (person.value, person.data_type) == (formula, "s")
    assert (note.value, note.data_type) == ("=1+1", "s")


def test_the_export_follows_the_filters(world, login):
    record_for(world, world.branch_b, amount="66.60")
    response = login("admin").get(reverse("subsidy-export"), {"organization": world.branch_b.pk})
    rows = exported(response)
    assert [row[5] for row in rows[1:]] == [pytest.approx(66.6)]


def test_the_export_formats_amounts_with_two_decimals(world, login):
    content = b"".join(login("admin").get(reverse("subsidy-export")).streaming_content)
    sheet = load_workbook(BytesIO(content)).active
    assert sheet.cell(row=2, column=6).number_format == "0.00"
