"""/api/: the versioned REST API, its OpenAPI schema and the Swagger UI (served from local static files)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from enterprises import api as enterprises_api
from meetings import api as meetings_api
from organizations import api as organizations_api

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

v1 = [
    path("stats/coverage/", enterprises_api.CoverageStatsView.as_view(), name="stats-coverage"),
    path("stats/meetings/", meetings_api.MeetingStatsView.as_view(), name="stats-meetings"),
    path("stats/matters/", meetings_api.MatterStatsView.as_view(), name="stats-matters"),
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
