"""PostgreSQL under contention: sixteen writers at once at the same records, through the services.

Each writer is a thread with its own connection, released together by a barrier. Whatever the order
the database lets them through, the outcome must be one the rules allow: a writer succeeds or is
refused with a ValidationError naming a field (or PermissionDenied), never an IntegrityError or a
deadlock; no row is there twice; and no writer's change is lost to another's stale copy.

Marked `postgres`: CI's PostgreSQL run carries it (the row locks are no-ops on SQLite, where
IMMEDIATE transactions serialize the writers instead: tests/parkparty/test_sqlite_concurrency.py).
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from activities import services as activity_services
from activities.models import Venue, VenueBooking
from enterprises import services as enterprise_services
from enterprises.models import Coverage, Enterprise
from organizations.models import Criterion, Organization, Rating, Subsidy, SubsidyKind
from organizations.ratings import services as rating_services
from organizations.subsidies import services as subsidy_services
from parkparty.dates import local_datetime
from parkparty.models import Role
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 16
REFUSALS = (ValidationError, PermissionDenied)


def race(work, writers: int = WRITERS) -> list:
    """Run work(i) for i in range(writers), each in its own thread and connection, all released at once.
    Returns what each returned or raised."""
    barrier = threading.Barrier(writers)
    outcomes: list = [None] * writers

    def run(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = work(i)
        except BaseException as exc:  # every outcome is judged by the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting after 60 s"
    return outcomes


def judged(outcomes) -> tuple[list, list]:
    """(successes, refusals); fails on any other exception, and on a refusal that names no field."""
    unexpected = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, REFUSALS)]
    assert not unexpected, unexpected
    refusals = [o for o in outcomes if isinstance(o, REFUSALS)]
    for refusal in refusals:
        if isinstance(refusal, ValidationError):
            assert hasattr(refusal, "error_dict"), f"a refusal names no field: {refusal.messages}"
    return [o for o in outcomes if not isinstance(o, BaseException)], refusals


@pytest.fixture
def park():
    park = f.ParkFactory()
    committee = f.OrganizationFactory(park=park, kind=Organization.Kind.COMMITTEE)
    for _ in range(WRITERS):
        f.OrganizationFactory(park=park, parent=Organization.objects.get(pk=committee.pk))
    return park


def branches(park) -> list[Organization]:
    """The park's branches, fresh from the database (each writer its own instances)."""
    return list(Organization.objects.filter(park=park, kind=Organization.Kind.BRANCH).order_by("path"))


def admins(park, count: int = 2) -> list[int]:
    users = [f.UserFactory() for _ in range(count)]
    for user in users:
        f.GrantFactory(user=user, role=Role.PARK_ADMIN, park=park)
    return [user.pk for user in users]


def user(pk: int):
    return get_user_model().objects.get(pk=pk)


# --- coverage start ------------------------------------------------------------------------------


def test_sixteen_writers_attaching_one_enterprise_to_one_organization_leave_one_coverage(park):
    [admin] = admins(park, 1)
    enterprise = f.EnterpriseFactory(park=park)
    target = branches(park)[0]

    def attach(i):
        return enterprise_services.coverage_start(
            enterprise=Enterprise.objects.get(pk=enterprise.pk),
            organization=Organization.objects.get(pk=target.pk),
            on=date(2024, 1, 1),
            actor=user(admin),
        )

    successes, _refusals = judged(race(attach))
    assert Coverage.objects.filter(enterprise=enterprise).count() == 1
    assert {coverage.pk for coverage in successes} == {Coverage.objects.get(enterprise=enterprise).pk}


def test_sixteen_organizations_attaching_one_enterprise_on_one_day_leave_one_coverage(park):
    [admin] = admins(park, 1)
    enterprise = f.EnterpriseFactory(park=park)

    def attach(i):
        return enterprise_services.coverage_start(
            enterprise=Enterprise.objects.get(pk=enterprise.pk),
            organization=branches(park)[i],
            on=date(2024, 1, 1),
            actor=user(admin),
        )

    successes, refusals = judged(race(attach))
    assert len(successes) == 1
    assert len(refusals) == WRITERS - 1
    assert all("started_on" in refusal.message_dict for refusal in refusals)
    [coverage] = Coverage.objects.filter(enterprise=enterprise)
    assert coverage.organization_id == successes[0].organization_id


# --- paying one subsidy --------------------------------------------------------------------------


def test_sixteen_payments_of_one_subsidy_pay_it_once(park):
    approver, payer = admins(park)
    record = Subsidy.objects.create(
        park=park,
        organization=branches(park)[0],
        kind=SubsidyKind.ACTIVITY_FUND,
        period="2025",
        period_start=date(2025, 1, 1),
        amount=Decimal("800.00"),
        status=Subsidy.Status.APPROVED,
        approved_by=user(approver),
        approved_at=timezone.now(),
    )

    def pay(i):
        return subsidy_services.subsidy_pay(
            subsidy=Subsidy.objects.get(pk=record.pk), voucher_no=f"V-{i}", paid_on=date(2025, 6, 30), actor=user(payer)
        )

    successes, refusals = judged(race(pay))
    assert len(successes) == 1
    assert all("status" in refusal.message_dict for refusal in refusals)
    record.refresh_from_db()
    assert (record.status, record.voucher_no) == (Subsidy.Status.PAID, successes[0].voucher_no)
    assert record.history.filter(status=Subsidy.Status.PAID).count() == 1  # paid once, not paid over
    assert Subsidy.objects.filter(organization=record.organization).count() == 1


def test_sixteen_proposals_of_one_subsidy_make_one_record(park):
    [admin] = admins(park, 1)
    recipient = branches(park)[0]

    def propose(i):
        subsidy = Subsidy(
            organization=Organization.objects.get(pk=recipient.pk),
            kind=SubsidyKind.SPECIAL_FUND,
            period="2025",
            amount=Decimal(100 + i),
        )
        return subsidy_services.subsidy_propose(subsidy=subsidy, actor=user(admin))

    successes, refusals = judged(race(propose))
    assert len(successes) == 1
    assert all("period" in refusal.message_dict for refusal in refusals)
    assert Subsidy.objects.filter(organization=recipient).count() == 1


def test_approvals_and_cancellations_of_one_proposal_at_once_follow_the_ledger_s_path(park):
    """Half approve, half cancel: the record is approved once at most and cancelled once at most, and
    its history is a path the rules allow (proposed, approved, cancelled), never approved after cancelled."""
    [admin] = admins(park, 1)
    record = Subsidy.objects.create(
        park=park,
        organization=branches(park)[0],
        kind=SubsidyKind.ACTIVITY_FUND,
        period="2025",
        period_start=date(2025, 1, 1),
        amount=Decimal("800.00"),
    )

    def act(i):
        fresh = Subsidy.objects.get(pk=record.pk)
        if i % 2:
            return subsidy_services.subsidy_cancel(subsidy=fresh, reason=f"撤销 {i}", actor=user(admin))
        return subsidy_services.subsidy_approve(subsidy=fresh, actor=user(admin))

    successes, refusals = judged(race(act))
    assert all("status" in refusal.message_dict for refusal in refusals)
    done = sorted(success.status for success in successes)
    assert done in (["cancelled"], ["approved"], ["approved", "cancelled"])
    path = list(record.history.order_by("history_id").values_list("status", flat=True))
    assert path == ["proposed", *(s for s in ("approved", "cancelled") if s in done)]
    record.refresh_from_db()
    assert record.status == path[-1]


# --- confirming one rating -----------------------------------------------------------------------


@pytest.fixture
def sheet(park):
    rating_services.star_levels_install_defaults(park=park)
    sheet = f.ScoringSheetFactory(park=park, year=2025)
    Criterion.objects.create(sheet=sheet, position=0, title="三会一课落实", max_points=Decimal(100))
    return sheet


def draft(park, sheet, admin: int) -> Rating:
    return rating_services.rating_save(
        rating=Rating(organization=branches(park)[0], sheet=sheet, year=2025, quarter=1, assessed_on=date(2025, 3, 28)),
        items=[rating_services.ItemLine(sheet.criteria.get(), Decimal(90), reason="巡查核实")],
        actor=user(admin),
    )


def test_sixteen_confirmations_of_one_rating_confirm_it_once(park, sheet):
    [admin] = admins(park, 1)
    rating = draft(park, sheet, admin)

    def confirm(i):
        return rating_services.rating_confirm(rating=Rating.objects.get(pk=rating.pk), actor=user(admin))

    successes, _refusals = judged(race(confirm))
    assert len(successes) == WRITERS  # asking again is no error
    rating.refresh_from_db()
    assert rating.status == Rating.Status.CONFIRMED
    assert rating.history.filter(status=Rating.Status.CONFIRMED).count() == 1
    assert {success.confirmed_at for success in successes} == {rating.confirmed_at}


def test_a_rating_confirmed_while_others_rescore_it_stays_confirmed(park, sheet):
    """Half the writers confirm, half save a new score from the draft they read before: a save that
    comes after the confirmation needs a reason, and none may turn the rating back into a draft."""
    [admin] = admins(park, 1)
    rating = draft(park, sheet, admin)
    criterion = sheet.criteria.get()

    def act(i):
        stale = Rating.objects.get(pk=rating.pk)
        if i % 2:
            return rating_services.rating_confirm(rating=stale, actor=user(admin))
        line = rating_services.ItemLine(criterion, Decimal(50 + i), reason="复核")
        return rating_services.rating_save(rating=stale, items=[line], actor=user(admin))

    _successes, refusals = judged(race(act))
    assert all("reason" in refusal.message_dict for refusal in refusals)
    rating.refresh_from_db()
    assert rating.status == Rating.Status.CONFIRMED
    assert rating.confirmed_at is not None


def test_sixteen_writers_rating_one_organization_for_one_quarter_make_one_rating(park, sheet):
    [admin] = admins(park, 1)
    organization = branches(park)[0]

    def rate(i):
        rating = Rating(
            organization=Organization.objects.get(pk=organization.pk),
            sheet=sheet,
            year=2025,
            quarter=2,
            assessed_on=date(2025, 6, 28),
        )
        line = rating_services.ItemLine(sheet.criteria.get(), Decimal(60 + i), reason="巡查核实")
        return rating_services.rating_save(rating=rating, items=[line], actor=user(admin))

    successes, refusals = judged(race(rate))
    assert len(successes) == 1
    assert all("quarter" in refusal.message_dict for refusal in refusals)
    assert Rating.objects.filter(organization=organization, year=2025, quarter=2).count() == 1


# --- booking one venue slot ----------------------------------------------------------------------


def test_sixteen_bookings_of_one_venue_slot_make_one_booking(park):
    [admin] = admins(park, 1)
    venue = f.VenueFactory(park=park, shared=True, capacity=50)
    starts = local_datetime(date(2027, 1, 8), 9)

    def book(i):
        booking = VenueBooking(
            venue=Venue.objects.get(pk=venue.pk),
            organization=branches(park)[i],
            starts_at=starts + timedelta(minutes=i),  # every request overlaps every other
            ends_at=starts + timedelta(hours=2),
            purpose=f"支部会议 {i}",
        )
        return activity_services.booking_save(booking=booking, actor=user(admin))

    successes, refusals = judged(race(book))
    assert len(successes) == 1
    assert all("starts_at" in refusal.message_dict for refusal in refusals)
    assert VenueBooking.objects.filter(venue=venue).count() == 1
