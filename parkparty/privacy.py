"""Answers that carry unmasked personal data are never stored by a browser or a proxy.

Whoever decides to show an ID number or a phone unmasked asks `shows_personal_data(request, park_id)`
instead of `access.sees_personal_data`: the same answer, and a mark on the request when it is yes.
`NoStoreMiddleware` then sends `Cache-Control: private, no-store` with the response, be it an API
answer, an Excel export or a page. One decision, one header: no view has to remember it.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

from parkparty import access

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
