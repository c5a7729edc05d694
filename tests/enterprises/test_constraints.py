"""The database holds the ledger's invariants even when a write skips the services."""

import itertools
import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from enterprises import services
from enterprises.models import Coverage, Enterprise
from organizations.models import Organization
from tests import factories as f


def test_an_enterprise_cannot_have_two_open_coverages(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Coverage.objects.create(enterprise=world.enterprise_a, organization=world.branch_b, started_on=date(2020, 1, 1))


def test_two_operating_enterprises_cannot_share_a_credit_code(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(
            park=world.park, name="冒名企业", credit_code=world.enterprise_a.credit_code, entered_on=date(2020, 1, 1)
        )


def test_an_operating_enterprise_has_no_leaving_date(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=world.enterprise_a.pk).update(left_on=date(2020, 1, 1))


def test_a_coverage_ends_after_it_starts(world):
    coverage = world.enterprise_a.coverages.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Coverage.objects.filter(pk=coverage.pk).update(ended_on=coverage.started_on)


def test_an_organization_is_dissolved_after_it_was_established(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=world.branch_a.pk).update(dissolved_on=date(2000, 1, 1))


def test_a_full_member_has_the_date_of_becoming_full(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        type(world.member_a).objects.filter(pk=world.member_a.pk).update(full_member_on=None)


def test_starting_the_same_coverage_twice_changes_nothing(world):
    first = services.coverage_start(enterprise=world.enterprise_a, organization=world.branch_a, on=date(2024, 1, 1))
    again = services.coverage_start(enterprise=world.enterprise_a, organization=world.branch_a, on=date(2024, 1, 1))
    assert first.pk == again.pk
    assert world.enterprise_a.coverages.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_moves_of_one_enterprise_leave_exactly_one_open_coverage():
    """Both requests read "covered by A" at once; the row lock makes the second wait and see the first's move."""
    park = f.ParkFactory()
    root = f.OrganizationFactory(park=park, kind=Organization.Kind.COMMITTEE)
    targets = [f.OrganizationFactory(park=park, parent=Organization.objects.get(pk=root.pk)) for _ in range(2)]
    source = f.OrganizationFactory(park=park, parent=Organization.objects.get(pk=root.pk))
    enterprise = f.EnterpriseFactory(park=park)
    services.coverage_start(enterprise=enterprise, organization=source, on=date(2016, 1, 1))
    barrier = threading.Barrier(2)
    errors = []

    def move(target, on):
        try:
            barrier.wait(timeout=10)
            services.coverage_start(enterprise=enterprise, organization=target, on=on)
        except Exception as exc:  # a refusal is a fine outcome; a second open coverage is not
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(t, date(2024, 1, 1 + i))) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(isinstance(e, IntegrityError) for e in errors), errors
    assert Coverage.objects.filter(enterprise=enterprise, ended_on__isnull=True).count() == 1
    periods = list(
        Coverage.objects.filter(enterprise=enterprise).order_by("started_on").values_list("started_on", "ended_on")
    )
    for (_, end), (start, _) in itertools.pairwise(periods):
        assert end == start  # a chain of periods, no overlap and no gap
