"""The monthly sections' figures that come from the owning apps' selectors: who was covered before, the
members at each kind of activity, matters resolved in the month, members who became full, next month's
chair. The world is that of tests/conftest.py (see tests/reports/test_report_sections.py)."""

from datetime import date

from enterprises.models import Coverage
from tests import factories as f
from tests.reports.test_report_sections import context, run


def test_newly_uncovered_names_who_covered_an_enterprise_before_the_month(world):
    Coverage.objects.filter(enterprise=world.enterprise_b).update(ended_on=date(2024, 6, 10))
    f.EnterpriseFactory(park=world.park, name="丁新入园企业", entered_on=date(2024, 6, 5))

    rows = run("newly_uncovered", context(world, "monthly", "2024-06"))["rows"]

    # 丙小微企业 was uncovered before June too: not news this month.
    assert rows == [
        ["丁新入园企业", date(2024, 6, 5), None],
        ["乙电商有限公司", date(2015, 1, 1), world.branch_b.name],
    ]
