"""Error pages: JSON under /api/ (clients parse every answer), Django's HTML pages elsewhere."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """Also for URLs that match no route, e.g. /api/v1/enterprises/0.5/ (the router takes no dots)."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Server error. It has been logged.")}, status=500)
    return defaults.server_error(request)
