"""One's own API token: every login has a page that says whether it has one, when it was made and
when it stops working, makes a new one (the key shown once, on the answer to that POST) and revokes it.

The page takes the session only; a login with a temporary password is sent to change it first
(accounts.middleware), and a deactivated login has no session. Tokens are made and revoked by
accounts.services, where the security log hooks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services


@login_required
@require_http_methods(["GET", "POST"])
def token(request):
    """GET: the page. POST: a new token in place of the old one, its key on this answer only."""
    key = None
    if request.method == "POST":
        try:
            key = services.token_create(user=request.user, actor=request.user).key
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("token")
    context = selectors.token_facts(request.user) | {"key": key, "ttl_days": settings.TOKEN_TTL_DAYS}
    response = render(request, "accounts/token.html", context)
    if key is not None:
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    return response


@login_required
@require_POST
def token_revoke(request):
    if services.revoke_tokens(request.user, actor=request.user, reason="revoked"):
        messages.success(request, _("Your token is revoked: programs using it can no longer read the portal."))
    else:
        messages.info(request, _("You have no token."))
    return redirect("token")
