"""Permission-matrix rows for the API routes of ratings, honours and subsidies (see tests/parkparty/matrix.py).

Reference data (star levels, scoring sheets, criteria, honours, subsidy rules) is read by everyone
working in the park; ratings, subsidies and dues by park admins and viewers, and by a secretary for
their own subtree. Only park admins write any of it: everyone else's write is a 403 (before any
lookup, so a secretary gets 403 even on another branch's record).
"""

from datetime import date
from decimal import Decimal

from organizations.models import Criterion
from organizations.subsidies import services as subsidy_services
from tests import factories as f
from tests.parkparty.matrix import ADMIN_WRITES, API, READ_ALL, Route, photo, statuses

# Park admins only, answering 200; everyone else 403 (anonymous 401).
ADMIN_CHANGES = statuses(200, 403, 403, 403, 403, 401, 403)
# A branch A record: secretary B and the instructor do not see it.
BRANCH_A_READ = statuses(200, 200, 200, 404, 404, 401, 200)
STATS = statuses(200, 200, 403, 403, 403, 401, 200)
STATS_OTHER_PARK = statuses(404, 404, 403, 403, 403, 401, 404)


def free_criterion(w) -> int:
    """A criterion on a sheet no confirmed rating uses yet (the world's sheet is in use)."""
    sheet = f.ScoringSheetFactory(park=w.park, year=2025, title="2025年度评分细则")
    return Criterion.objects.create(sheet=sheet, title="组织建设", max_points=Decimal(20)).pk


def free_star_level(w) -> dict:
    w.park.star_levels.filter(stars=1).delete()
    return {"park": w.park.pk, "stars": 1, "min_score": "0", "classification": "incubating"}


def rating_of_branch_b(w) -> dict:
    items = [
        {"criterion": criterion.pk, "score": str(score), "reason": "巡查"}
        for criterion, score in zip(w.sheet.criteria.all(), (30, 20, 20, 0), strict=True)
    ]
    return {"organization": w.branch_b.pk, "year": 2024, "quarter": 2, "items": items}


def approved(w) -> str:
    subsidy_services.subsidy_approve(subsidy=w.subsidy_a)
    return f"{API}/subsidies/{w.subsidy_a.pk}/pay/"


def paid(w) -> str:
    approved(w)
    subsidy_services.subsidy_pay(subsidy=w.subsidy_a, voucher_no="记-1", paid_on=date(2024, 7, 15))
    return f"{API}/subsidies/{w.subsidy_a.pk}/reverse/"


def dues_return_rule(w) -> int:
    return w.park.subsidy_rules.get(kind="dues_return").pk


ROUTES: list[Route] = [
    # Star levels, scoring sheets and criteria: public to the park, written by its admins.
    Route("v1:star-level-list", "get", lambda w: f"{API}/star-levels/", READ_ALL),
    Route("v1:star-level-detail", "get", lambda w: f"{API}/star-levels/{w.park.star_levels.first().pk}/", READ_ALL),
    Route("v1:star-level-list", "post", lambda w: f"{API}/star-levels/", ADMIN_WRITES, data=free_star_level),
    Route("v1:star-level-detail", "patch", lambda w: f"{API}/star-levels/{w.park.star_levels.get(stars=4).pk}/",
          ADMIN_CHANGES, data=lambda w: {"min_score": "85"}),
    Route("v1:scoring-sheet-list", "get", lambda w: f"{API}/scoring-sheets/", READ_ALL),
    Route("v1:scoring-sheet-detail", "get", lambda w: f"{API}/scoring-sheets/{w.sheet.pk}/", READ_ALL),
    Route("v1:scoring-sheet-list", "post", lambda w: f"{API}/scoring-sheets/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "year": 2025, "title": "2025年度评分细则"}),
    Route("v1:scoring-sheet-detail", "patch", lambda w: f"{API}/scoring-sheets/{w.sheet.pk}/", ADMIN_CHANGES,
          data=lambda w: {"title": "2024年度评分细则（修订）"}),
    Route("v1:scoring-sheet-new-version", "post", lambda w: f"{API}/scoring-sheets/{w.sheet.pk}/new-version/",
          statuses(201, 403, 403, 403, 403, 401, 403)),
    Route("v1:criterion-list", "get", lambda w: f"{API}/criteria/", READ_ALL),
    Route("v1:criterion-detail", "get", lambda w: f"{API}/criteria/{w.sheet.criteria.first().pk}/", READ_ALL),
    Route("v1:criterion-list", "post", lambda w: f"{API}/criteria/", ADMIN_WRITES,
          data=lambda w: {"sheet": Criterion.objects.get(pk=free_criterion(w)).sheet_id, "title": "作用发挥",
                          "max_points": "10"}),
    Route("v1:criterion-detail", "patch", lambda w: f"{API}/criteria/{free_criterion(w)}/", ADMIN_CHANGES,
          data=lambda w: {"max_points": "25"}),
    # Ratings: secretaries read their subtree's; park admins rate, confirm and add evidence.
    Route("v1:rating-list", "get", lambda w: f"{API}/ratings/", READ_ALL),
    Route("v1:rating-detail", "get", lambda w: f"{API}/ratings/{w.rating_a.pk}/", BRANCH_A_READ),
    Route("v1:rating-list", "post", lambda w: f"{API}/ratings/", ADMIN_WRITES, data=rating_of_branch_b),
    Route("v1:rating-detail", "patch", lambda w: f"{API}/ratings/{w.rating_a.pk}/", ADMIN_CHANGES,
          data=lambda w: {"notes": "复核无误", "reason": "补充备注"}),
    Route("v1:rating-confirm", "post", lambda w: f"{API}/ratings/{w.rating_a.pk}/confirm/", ADMIN_CHANGES),
    # An organization outside one's scope is "not found" in the query: 400.
    Route("v1:rating-suggestions", "get",
          lambda w: f"{API}/ratings/suggestions/?organization={w.branch_a.pk}&year=2024&quarter=2",
          statuses(200, 200, 200, 400, 400, 401, 200)),
    Route("v1:rating-evidence", "post", lambda w: f"{API}/ratings/{w.rating_a.pk}/evidence/",
          statuses(201, 403, 403, 403, 403, 401, 403), format="multipart",
          data=lambda w: {"item": w.rating_a.items.first().pk, **photo(w)}),
    Route("v1:stats-ratings", "get", lambda w: f"{API}/stats/ratings/?park={w.park.pk}", STATS),
    Route("v1:stats-ratings", "get", lambda w: f"{API}/stats/ratings/?park={w.other_park.pk}", STATS_OTHER_PARK),
    # Honours: public to the park.
    Route("v1:honor-list", "get", lambda w: f"{API}/honors/", READ_ALL),
    Route("v1:honor-detail", "get", lambda w: f"{API}/honors/{w.honor_a.pk}/", READ_ALL),
    Route("v1:honor-list", "post", lambda w: f"{API}/honors/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "year": 2024, "kind": "brand", "title": "红色引擎",
                          "organization": w.branch_a.pk}),
    Route("v1:honor-detail", "patch", lambda w: f"{API}/honors/{w.honor_a.pk}/", ADMIN_CHANGES,
          data=lambda w: {"notes": "县委两新工委通报"}),
    # Subsidy rules: public to the park.
    Route("v1:subsidy-rule-list", "get", lambda w: f"{API}/subsidy-rules/", READ_ALL),
    Route("v1:subsidy-rule-detail", "get", lambda w: f"{API}/subsidy-rules/{w.rule.pk}/", READ_ALL),
    Route("v1:subsidy-rule-list", "post", lambda w: f"{API}/subsidy-rules/", ADMIN_WRITES,
          data=lambda w: {"park": w.park.pk, "kind": "activity_fund", "valid_from": "2024-01-01", "amount": "1000"}),
    Route("v1:subsidy-rule-detail", "patch", lambda w: f"{API}/subsidy-rules/{dues_return_rule(w)}/", ADMIN_CHANGES,
          data=lambda w: {"notes": "党费全额返还"}),
    # The ledger: secretaries read their subtree's records; every move is a park admin's.
    Route("v1:subsidy-list", "get", lambda w: f"{API}/subsidies/", READ_ALL),
    Route("v1:subsidy-detail", "get", lambda w: f"{API}/subsidies/{w.subsidy_a.pk}/", BRANCH_A_READ),
    Route("v1:subsidy-list", "post", lambda w: f"{API}/subsidies/", ADMIN_WRITES,
          data=lambda w: {"organization": w.branch_b.pk, "kind": "secretary_allowance", "period": "2024-H1",
                          "amount": "600.00"}),
    Route("v1:subsidy-detail", "patch", lambda w: f"{API}/subsidies/{w.subsidy_a.pk}/", ADMIN_CHANGES,
          data=lambda w: {"amount": "210.00"}),
    Route("v1:subsidy-approve", "post", lambda w: f"{API}/subsidies/{w.subsidy_a.pk}/approve/", ADMIN_CHANGES),
    Route("v1:subsidy-pay", "post", approved, ADMIN_CHANGES,
          data=lambda w: {"voucher_no": "记-2024-071", "paid_on": "2024-07-15"}),
    Route("v1:subsidy-cancel", "post", lambda w: f"{API}/subsidies/{w.subsidy_a.pk}/cancel/", ADMIN_CHANGES,
          data=lambda w: {"reason": "评定有误"}),
    Route("v1:subsidy-reverse", "post", paid, statuses(201, 403, 403, 403, 403, 401, 403),
          data=lambda w: {"reason": "重复发放", "voucher_no": "记-2024-080", "paid_on": "2024-08-01"}),
    Route("v1:subsidy-propose-allowances", "post", lambda w: f"{API}/subsidies/propose-allowances/", ADMIN_CHANGES,
          data=lambda w: {"park": w.park.pk, "year": 2024, "quarter": 2}),
    Route("v1:subsidy-propose-allowances", "post", lambda w: f"{API}/subsidies/propose-allowances/",
          statuses(404, 403, 403, 403, 403, 401, 403), data=lambda w: {"park": w.other_park.pk, "year": 2024,
                                                                        "quarter": 2}),
    Route("v1:stats-subsidies", "get", lambda w: f"{API}/stats/subsidies/?park={w.park.pk}", STATS),
    Route("v1:stats-subsidies", "get", lambda w: f"{API}/stats/subsidies/?park={w.other_park.pk}", STATS_OTHER_PARK),
    # Dues: read like the ledger, recorded by park admins.
    Route("v1:dues-list", "get", lambda w: f"{API}/dues/", READ_ALL),
    Route("v1:dues-detail", "get", lambda w: f"{API}/dues/{w.dues_a.pk}/", BRANCH_A_READ),
    Route("v1:dues-list", "post", lambda w: f"{API}/dues/", ADMIN_WRITES,
          data=lambda w: {"organization": w.branch_b.pk, "month": "2024-05-01", "amount": "120.00"}),
    Route("v1:dues-detail", "patch", lambda w: f"{API}/dues/{w.dues_a.pk}/", ADMIN_CHANGES,
          data=lambda w: {"members_paying": 4}),
    Route("v1:dues-propose-returns", "post", lambda w: f"{API}/dues/propose-returns/", ADMIN_CHANGES,
          data=lambda w: {"park": w.park.pk, "month": "2024-05"}),
]  # fmt: skip
