"""The organizations app's part of /api/v1/: parks and the tree, members, ratings, subsidies, the pipeline."""

from django.urls import path

from organizations import api
from organizations.pipeline import api as pipeline_api
from organizations.ratings import api as ratings_api
from organizations.subsidies import api as subsidies_api

routes = [
    ("parks", api.ParkViewSet, "park"),
    ("districts", api.DistrictViewSet, "district"),
    ("grids", api.GridViewSet, "grid"),
    ("organizations", api.OrganizationViewSet, "organization"),
    ("members", api.MemberViewSet, "member"),
    ("star-levels", ratings_api.StarLevelViewSet, "star-level"),
    ("scoring-sheets", ratings_api.ScoringSheetViewSet, "scoring-sheet"),
    ("criteria", ratings_api.CriterionViewSet, "criterion"),
    ("ratings", ratings_api.RatingViewSet, "rating"),
    ("honors", ratings_api.HonorViewSet, "honor"),
    ("subsidy-rules", subsidies_api.SubsidyRuleViewSet, "subsidy-rule"),
    ("subsidies", subsidies_api.SubsidyViewSet, "subsidy"),
    ("dues", subsidies_api.DuesViewSet, "dues"),
    ("applications", pipeline_api.ApplicationViewSet, "application"),
]

urlpatterns = [
    path("stats/ratings/", ratings_api.RatingStatsView.as_view(), name="stats-ratings"),
    path("stats/subsidies/", subsidies_api.SubsidyStatsView.as_view(), name="stats-subsidies"),
    path("stats/members/", pipeline_api.MemberStatsView.as_view(), name="stats-members"),
]
