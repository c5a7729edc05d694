"""The bench's synthetic county: written as its spec says, valid trees, read by the statistics. No timings."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from devtools.bench import county, queries
from devtools.bench import export as export_run
from devtools.bench import reports as report_run
from devtools.bench.spec import CountySpec
from enterprises.models import Coverage, Enterprise
from enterprises.selectors import coverage_summary
from organizations.models import Organization, Park
from reports.models import Report
from tests import factories as f

SMALL = CountySpec(parks=2, enterprises=100, organizations=30, members=60, instructors=4, seed=7)


@pytest.fixture
def built(db):
    return county.build_county(SMALL)


def snapshot() -> list[tuple]:
    """What a seed decides, without the ids (which depend on what the tables held before)."""
    return sorted(
        Coverage.objects.values_list(
            "enterprise__name", "enterprise__credit_code", "organization__name", "started_on", "ended_on"
        )
    )


def test_it_writes_the_counts_its_spec_asks_for(built):
    rows = county.county_rows()
    assert rows["parks"] == built.rows["parks"] == 2
    assert rows["enterprises"] == built.rows["enterprises"] == 100
    assert rows["organizations"] == built.rows["organizations"] == 30
    assert rows["members"] == built.rows["members"] == 60
    assert rows["instructors"] == built.rows["instructors"] == 4
    assert rows["coverages"] == built.rows["coverages"] > rows["open coverages"] > 0
    assert built.seconds > 0


def test_its_trees_are_what_treebeard_would_have_written(built):
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    roots = Organization.objects.filter(depth=1)
    assert [root.kind for root in roots] == [Organization.Kind.WORKING_COMMITTEE] * 2
    # 15 a park: the working committee; 5 district stations and 1 committee under it; 8 branches below them.
    for root in roots:
        below = Organization.objects.filter(path__startswith=root.path).values_list("depth", flat=True)
        assert Counter(below) == {1: 1, 2: 6, 3: 8}


def test_the_coverage_statistics_answer_over_it(built):
    summary = coverage_summary(parks=county.bench_parks(), as_of=timezone.localdate())
    operating = Enterprise.objects.filter(status=Enterprise.Status.OPERATING)
    open_coverages = Coverage.objects.filter(ended_on__isnull=True, enterprise__in=operating)
    assert summary["total_enterprises"] == operating.count()
    assert summary["covered_enterprises"] == open_coverages.count()
    assert 0.8 <= summary["coverage_rate"] <= 0.97


def test_the_same_seed_writes_the_same_county(built):
    first = snapshot()
    county.delete_county()
    county.build_county(SMALL)
    assert snapshot() == first


def test_fresh_deletes_the_bench_parks_and_keeps_the_others(db):
    other = f.ParkFactory(code="real-park")
    f.CoverageFactory(enterprise=f.EnterpriseFactory(park=other), organization=f.OrganizationFactory(park=other))
    county.build_county(SMALL)
    assert Organization.objects.find_problems() == ([], [], [], [], [])  # bench roots placed after the existing one
    county.delete_county()
    assert list(Park.objects.values_list("code", flat=True)) == ["real-park"]
    assert Enterprise.objects.count() == Coverage.objects.count() == Organization.objects.count() == 1


def test_every_list_costs_the_same_queries_at_both_page_sizes(built):
    park = county.bench_parks().order_by("code").first()
    counts = queries.list_query_counts(token=county.bench_token(), park=park.pk)
    assert {count.name for count in counts} == set(queries.LISTS)
    assert all(count.constant for count in counts), counts


def test_the_command_refuses_a_database_that_already_has_parks(db):
    f.ParkFactory()
    with pytest.raises(CommandError, match="already has parks"):
        call_command("bench", "--scale", "0.01")


def test_the_monthly_report_of_every_bench_park_is_built_and_measured(built):
    park_ids = list(county.bench_parks().values_list("pk", flat=True))
    measured = report_run.monthly_reports(park_ids)
    assert measured.parks == measured.done == 2
    assert Report.objects.filter(park__in=park_ids, period=measured.period, status=Report.Status.DONE).count() == 2
    assert measured.seconds > 0 and measured.peak_python_mib > 0
    # Measuring again replaces the two reports: still one per park.
    report_run.monthly_reports(park_ids)
    assert Report.objects.filter(park__in=park_ids).count() == 2
    # And the county is still deletable with its reports.
    county.delete_county()
    assert not Report.objects.exists()


def test_the_excel_export_of_the_county_is_measured_with_every_enterprise(built):
    park = county.bench_parks().order_by("code").first()
    measured = export_run.enterprise_export(token=county.bench_token(), park=park.pk)
    assert measured.rows == SMALL.enterprises
    assert measured.park_rows == Enterprise.objects.filter(park=park).count() < measured.rows
    assert measured.seconds > 0 and measured.file_mib > 0 and measured.peak_python_mib > 0
    assert measured.max_rss_mib >= measured.max_rss_before_mib
