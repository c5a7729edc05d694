"""/api/: the versioned REST API, its OpenAPI schema and the Swagger UI (served from local static files)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from activities import api as activities_api
from enterprises import api as enterprises_api
from meetings import api as meetings_api
from organizations import api as organizations_api
from organizations.pipeline import api as pipeline_api
from organizations.ratings import api as ratings_api
from organizations.subsidies import api as subsidies_api
from reports import api as reports_api

router = DefaultRouter()
router.register("parks", organizations_api.ParkViewSet, basename="park")
router.register("districts", organizations_api.DistrictViewSet, basename="district")
router.register("grids", organizations_api.GridViewSet, basename="grid")
router.register("organizations", organizations_api.OrganizationViewSet, basename="organization")
router.register("members", organizations_api.MemberViewSet, basename="member")
router.register("enterprises", enterprises_api.EnterpriseViewSet, basename="enterprise")
router.register("coverages", enterprises_api.CoverageViewSet, basename="coverage")
router.register("instructors", enterprises_api.InstructorViewSet, basename="instructor")
router.register("meetings", meetings_api.MeetingViewSet, basename="meeting")
router.register("meeting-rules", meetings_api.MeetingRuleViewSet, basename="meeting-rule")
router.register("joint-bodies", meetings_api.JointBodyViewSet, basename="joint-body")
router.register("matters", meetings_api.MatterViewSet, basename="matter")
router.register("star-levels", ratings_api.StarLevelViewSet, basename="star-level")
router.register("scoring-sheets", ratings_api.ScoringSheetViewSet, basename="scoring-sheet")
router.register("criteria", ratings_api.CriterionViewSet, basename="criterion")
router.register("ratings", ratings_api.RatingViewSet, basename="rating")
router.register("honors", ratings_api.HonorViewSet, basename="honor")
router.register("subsidy-rules", subsidies_api.SubsidyRuleViewSet, basename="subsidy-rule")
router.register("subsidies", subsidies_api.SubsidyViewSet, basename="subsidy")
router.register("dues", subsidies_api.DuesViewSet, basename="dues")
router.register("activities", activities_api.ActivityViewSet, basename="activity")
router.register("venues", activities_api.VenueViewSet, basename="venue")
router.register("venue-bookings", activities_api.VenueBookingViewSet, basename="venue-booking")
router.register("designations", activities_api.DesignationViewSet, basename="designation")
router.register("plans", activities_api.AnnualPlanViewSet, basename="plan")
router.register("applications", pipeline_api.ApplicationViewSet, basename="application")
router.register("reports", reports_api.ReportViewSet, basename="report")

v1 = [
    path("stats/coverage/", enterprises_api.CoverageStatsView.as_view(), name="stats-coverage"),
    path("stats/meetings/", meetings_api.MeetingStatsView.as_view(), name="stats-meetings"),
    path("stats/matters/", meetings_api.MatterStatsView.as_view(), name="stats-matters"),
    path("stats/ratings/", ratings_api.RatingStatsView.as_view(), name="stats-ratings"),
    path("stats/subsidies/", subsidies_api.SubsidyStatsView.as_view(), name="stats-subsidies"),
    path("stats/members/", pipeline_api.MemberStatsView.as_view(), name="stats-members"),
    path("stats/designations/", activities_api.DesignationStatsView.as_view(), name="stats-designations"),
    # An activity's photo, checked against who may read the activity (co-hosts included).
    path("activity-photos/<int:pk>/file/", activities_api.ActivityPhotoFileView.as_view(), name="activity-photo-file"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    # The schema describes the API, not its data: readable without logging in, like the docs page.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
]
