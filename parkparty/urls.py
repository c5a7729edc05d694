from django.contrib import admin
from django.urls import include, path

from parkparty import managing

urlpatterns = [
    path("admin/", admin.site.urls),
    # accounts' password change first: it ends a forced change (same paths and names as Django's).
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("parkparty.api_urls")),
    path("", include("parkparty.health_urls")),
    path("enterprises/", include("enterprises.urls")),
    path("users/", include("accounts.urls")),
    path("meetings/", include("meetings.urls")),
    path("ratings/", include("organizations.ratings.urls")),
    path("subsidies/", include("organizations.subsidies.urls")),
    path("activities/", include("activities.urls")),
    path("pipeline/", include("organizations.pipeline.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("parkparty.imports.urls")),
    path("manage/", managing.hub, name="manage-hub"),
    path("organizations/", include("organizations.urls")),  # before the dashboard's tree and pages
    path("", include("dashboard.urls")),
]

handler404 = "parkparty.errors.not_found"
handler500 = "parkparty.errors.server_error"
