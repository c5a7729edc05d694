"""Answers that carry unmasked personal data are never stored by a browser or a proxy.

Whoever decides to show an ID number or a phone unmasked asks `shows_personal_data(request, park_id)`
instead of `access.sees_personal_data`: the same answer, and a mark on the request when it is yes.
`NoStoreMiddleware` then sends `Cache-Control: private, no-store` with the response, be it an API
answer, an Excel export or a page. One decision, one header: no view has to remember it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from parkparty import access
from parkparty.validators import validate_id_number

MARK = "_parkparty_personal_data"


def _http_request(request):
    # A DRF Request wraps Django's, and an attribute set on the wrapper is not seen by middleware.
    return getattr(request, "_request", request)


def shows_personal_data(request, park_id: int | None, *, via_token: bool = False) -> bool:
    """`access.sees_personal_data` for this request's user; if true, the answer is marked not to be stored."""
    shown = access.sees_personal_data(request.user, park_id, via_token=via_token)
    if shown:
        setattr(_http_request(request), MARK, True)
    return shown


def carries_personal_data(request) -> bool:
    return getattr(_http_request(request), MARK, False)


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response whose request was marked above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if carries_personal_data(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


# --- no personal data in URLs ----------------------------------------------------------------------------

# An 18-character run that may be an ID-card number (checked by its check digit and birth date below) and
# a mainland mobile number, each standing alone (not inside a longer run of digits).
ID_NUMBER_RUN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RUN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def looks_personal(value: str) -> bool:
    """Whether a query-string value holds a full ID-card number or a mobile number. A masked one
    (350526********1234, 138****1234) does not."""
    if MOBILE_RUN.search(value):
        return True
    for run in ID_NUMBER_RUN.findall(value):
        try:
            validate_id_number(run.upper())
        except ValidationError:
            continue
        return True
    return False


def personal_parameter(request) -> str | None:
    """The first query parameter whose value holds an ID-card number or a phone, if any."""
    for name, values in request.GET.lists():
        if any(looks_personal(value) for value in values):
            return name
    return None


class PersonalDataInQueryMiddleware:
    """Refuse a URL that carries an ID-card number or a phone, whatever the path (`?search=`, any filter,
    a page's search box): 400 naming the parameter. URLs end up in access logs, browser histories and
    proxies, where personal data has no place; a person is looked up by ID number with a POST
    (`POST /api/v1/members/lookup/`). The refusal teaches a client not to send them again; the portal
    itself never builds such a URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = personal_parameter(request) if request.META.get("QUERY_STRING") else None
        if name is None:
            return self.get_response(request)
        message = _("Do not put an ID-card number or a phone in a URL; look a person up with a POST.")
        if request.path.startswith("/api/"):
            return JsonResponse({name: [message]}, status=400)
        return HttpResponseBadRequest(f"{name}: {message}", content_type="text/plain; charset=utf-8")
