"""What the enterprise import and the services it writes through cost in statements, so the speed of
the 10,000-row import (docs/benchmarks.md) cannot slip back unnoticed; and that what the services
stopped asking the database is still refused, by the rule that makes the question redundant."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import services
from enterprises.models import Coverage, Enterprise
from organizations.models import District
from parkparty import access
from parkparty.imports import kind_of
from parkparty.imports import services as import_services
from parkparty.relations import loaded_relations
from tests import factories as f
from tests.parkparty.imports_helpers import ENTERPRISE_HEADER, enterprise_rows, workbook

# Each new enterprise with its coverage, committed (a preview makes the same statements):
#   the row's savepoint and its release                                               2
#   enterprise_save: its savepoint and release, the credit code operating elsewhere
#     (Enterprise.clean), the insert, its history row                                 5
#   coverage_start: its savepoint and release, the lock on the enterprise, its open
#     coverage, the overlap check (coverage_errors), the insert, its history row,
#     require_writable (a coverage's park is its enterprise's: asked of the database)  8
STATEMENTS_PER_NEW_ROW = 15


def _statements(world, rows, *, commit=True) -> tuple[int, dict]:
    upload = workbook(ENTERPRISE_HEADER, rows)
    with CaptureQueriesContext(connection) as context:
        report = import_services.import_file(
            kind=kind_of("enterprises"), park=world.park, file=upload, actor=world.users["admin"], commit=commit
        )
    return len(context), report


@pytest.mark.parametrize("commit", [True, False], ids=["commit", "preview"])
def test_each_new_enterprise_with_its_coverage_costs_a_fixed_number_of_statements(world, commit):
    few, few_report = _statements(world, enterprise_rows(20, start=9000), commit=commit)
    many, many_report = _statements(world, enterprise_rows(40, start=9100), commit=commit)

    assert (few_report["created"], many_report["created"]) == (20, 40), many_report["errors"][:3]
    assert many - few == 20 * STATEMENTS_PER_NEW_ROW


def test_an_unchanged_row_costs_only_its_savepoint(world):
    _statements(world, enterprise_rows(40, start=9000))
    few, _ = _statements(world, enterprise_rows(20, start=9000))
    many, report = _statements(world, enterprise_rows(40, start=9000))

    assert report["unchanged"] == 40
    assert many - few == 20 * 2  # the savepoint and its release: nothing is read or written


def test_a_district_given_by_id_alone_is_still_looked_up(world):
    """Only a row read from the database is trusted to exist; an id from elsewhere is asked."""
    enterprise = Enterprise(
        park=world.park, name="新企业", credit_code=f.credit_code(4711), entered_on=date(2024, 1, 1), district_id=10**9
    )

    assert loaded_relations(enterprise) == {"park"}
    with pytest.raises(ValidationError) as refusal:
        enterprise.clean_fields(exclude=loaded_relations(enterprise))
    assert "district" in refusal.value.message_dict


def test_an_unsaved_related_row_is_not_taken_as_existing(world):
    enterprise = Enterprise(park=world.park, district=District(park=world.park, name="未保存"))

    assert loaded_relations(enterprise) == {"park"}


# Enterprise.clean() states every constraint of the model, so enterprise_save does not validate them
# by query (the database enforces them); each case breaks one, and the service must refuse it with a
# field error, not an IntegrityError. A new constraint fails the first test until it has its case.
def _twin(world):
    return {"credit_code": world.enterprise_a.credit_code}


ENTERPRISE_CASES = {
    "enterprise_one_operating_per_code": (_twin, "credit_code"),
    "enterprise_left_on_iff_not_operating": (lambda world: {"status": "closed", "left_on": None}, "left_on"),
    "enterprise_left_after_entered": (
        lambda world: {"status": "closed", "entered_on": date(2024, 5, 1), "left_on": date(2024, 4, 1)},
        "left_on",
    ),
}


def test_every_enterprise_constraint_has_its_case():
    assert set(ENTERPRISE_CASES) == {constraint.name for constraint in Enterprise._meta.constraints}


@pytest.mark.parametrize("name", sorted(ENTERPRISE_CASES))
def test_enterprise_save_refuses_what_each_constraint_forbids_with_a_field_error(world, name):
    overrides, field = ENTERPRISE_CASES[name]
    values = {"name": "新企业", "credit_code": f.credit_code(4712), "entered_on": date(2024, 1, 1)}
    enterprise = Enterprise(park=world.park, **{**values, **overrides(world)})

    with pytest.raises(ValidationError) as refusal:
        services.enterprise_save(enterprise=enterprise, actor=world.users["admin"])

    assert field in refusal.value.message_dict
    assert not Enterprise.objects.filter(name="新企业").exists()


# Likewise coverage_start leaves Coverage's constraints to coverage_errors, which it runs once.
COVERAGE_CASES = {
    "coverage_ends_after_start": ({"ended_on": date(2024, 1, 1)}, "ended_on"),
    "coverage_one_open_per_enterprise": ({"ended_on": None}, "started_on"),
}


def test_every_coverage_constraint_has_its_case():
    assert set(COVERAGE_CASES) == {constraint.name for constraint in Coverage._meta.constraints}


@pytest.mark.parametrize("name", sorted(COVERAGE_CASES))
def test_coverage_errors_name_what_each_constraint_forbids(world, name):
    values, field = COVERAGE_CASES[name]
    current = world.enterprise_a.coverages.get(ended_on__isnull=True)
    coverage = Coverage(enterprise=world.enterprise_a, organization=current.organization, started_on=date(2024, 1, 1))
    for attribute, value in values.items():
        setattr(coverage, attribute, value)

    assert field in services.coverage_errors(coverage)


def test_a_coverage_start_over_the_open_coverage_is_refused(world):
    current = world.enterprise_a.coverages.get(ended_on__isnull=True)

    with pytest.raises(ValidationError) as refusal:
        services.coverage_start(
            enterprise=world.enterprise_a,
            organization=world.branch_b,
            on=current.started_on,
            actor=world.users["admin"],
        )
    assert "started_on" in refusal.value.message_dict


def test_a_park_admin_writes_a_row_of_their_park_without_a_query(world, django_assert_num_queries):
    admin = world.users["admin"]
    access.scope_of(admin)

    with django_assert_num_queries(0):
        access.require_writable(admin, world.enterprise_a)


def test_a_park_admin_may_not_write_a_row_of_another_park(world):
    with pytest.raises(PermissionDenied):
        access.require_writable(world.users["admin"], world.other_enterprise)
