"""/api/: the versioned REST API, its OpenAPI schema and the Swagger UI (served from local static files).

Each installed app that has an API says so in its own `api_urls.py`: `routes` (prefix, viewset,
basename) for the router, and `urlpatterns` for its other paths. The base imports none of them by
name; it finds them the way the admin finds `admin.py`, so it stays below every feature app.
"""

from importlib import import_module

from csp.decorators import csp_update
from django.apps import apps
from django.urls import include, path
from django.utils.module_loading import module_has_submodule
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from parkparty.apps import FeatureConfig
from parkparty.imports import api as imports_api


def _app_apis():
    for app in apps.get_app_configs():
        if isinstance(app, FeatureConfig) and module_has_submodule(app.module, "api_urls"):
            yield import_module(f"{app.name}.api_urls")


router = DefaultRouter()
v1 = [
    # The imports engine lives in the base; the kinds come from the apps (parkparty.imports).
    path("imports/", imports_api.ImportView.as_view(), name="import-run"),
    path("imports/template/", imports_api.TemplateView.as_view(), name="import-template"),
]
for app_api in _app_apis():
    for prefix, viewset, basename in app_api.routes:
        router.register(prefix, viewset, basename=basename)
    v1 += app_api.urlpatterns
v1.append(path("", include(router.urls)))

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    # The schema describes the API, not its data: readable without logging in, like the docs page.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path(
        "docs/",
        # The split view serves its start-up script from ?script (no inline script); Swagger UI's own
        # stylesheet draws its icons as data: images, allowed on this page alone.
        csp_update({"img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/swagger_ui.html", permission_classes=[AllowAny]
            )
        ),
        name="api-docs",
    ),
]
