"""Error pages: JSON under /api/ (clients parse every answer), Django's HTML pages elsewhere.

And the last resort for the embedded default: a write that waited the whole busy timeout for SQLite's
write lock answers 503 with Retry-After (a page, or JSON under /api/), not 500. See docs/architecture.md,
"Concurrent writers".
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import JsonResponse
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying a refused write again.
RETRY_AFTER = 5


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


def database_busy(exception: BaseException) -> bool:
    """SQLite's refusal after the busy timeout: another writer held the database all along."""
    return isinstance(exception, OperationalError) and "database is locked" in str(exception)


def busy_message() -> str:
    return _("The portal is busy with other changes and could not complete this one. Try again in a moment.")


def log_busy(request) -> None:
    logger.warning("database busy (SQLite write lock not granted in time): %s %s", request.method, request.path)


class DatabaseBusyMiddleware:
    """A view that raised SQLite's "database is locked" answers 503 with Retry-After instead of 500.

    The API's views answer through parkparty.drf.exception_handler already; this catches the pages
    (and any API view that does not go through DRF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return busy_response(request) if database_busy(exception) else None


def busy_response(request):
    """The 503 with Retry-After for a write SQLite's lock was not granted to in time."""
    log_busy(request)
    if _is_api(request):
        response = JsonResponse({"detail": busy_message()}, status=503)
    else:
        # Not the site's layout: base.html's context asks the database, which is what is busy.
        response = SimpleTemplateResponse("503.html", {"message": busy_message()}, status=503)
        response.render()
    response["Retry-After"] = str(RETRY_AFTER)
    return response
