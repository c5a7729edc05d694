"""A login with a temporary password (made or reset by a park admin) chooses its own before anything else.

Whether it must is read from the account once, at login, and kept in the session: the middleware then
costs no query per request. Resetting someone's password changes their password hash, which ends their
sessions (Django's session hash check), so the next login reads the flag again.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_KEY = "accounts_must_change_password"

# Where a login that must change its password may still go.
ALLOWED_URL_NAMES = ("password_change", "password_change_done", "logout", "login", "set_language")


def must_change_password(user) -> bool:
    from accounts.models import Account

    return Account.objects.filter(user=user, must_change_password=True).exists()


def remember_password_change_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: keep the account's flag in the new session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = must_change_password(user)


def forget_password_change(request) -> None:
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = False


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_change(request) and not self._allowed(request.path_info):
            if request.path_info.startswith("/api/"):
                message = _("Change your temporary password before using the portal.")
                return JsonResponse({"detail": message}, status=403)
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        flag = request.session.get(SESSION_KEY)
        if flag is None:  # a session opened before this middleware was installed
            flag = request.session[SESSION_KEY] = must_change_password(user)
        return flag

    @staticmethod
    def _allowed(path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static):
            return True
        allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
        return path in allowed or path.startswith("/i18n/")
