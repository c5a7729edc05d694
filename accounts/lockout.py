"""Login lockouts (django-axes): one mechanism for the login page, the password change and the admin.

Two limits, counted over the cool-off time (settings AXES_FAILURE_LIMIT, AXES_IP_FAILURE_LIMIT):

- per account, from any address: password spraying that rotates addresses still locks the account;
- per address, across accounts: one address trying a few passwords on many accounts is stopped, with a
  higher limit, so a park office behind one NAT is not locked out after a few typos.

django-axes compares one count with one limit; with AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
(alternatives) it takes the larger of the two counts. This handler scales the address's count so that
it reaches the account limit exactly when the address reaches its own limit.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


class TwoLimitsHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        account_limit = settings.AXES_FAILURE_LIMIT
        address_limit = settings.AXES_IP_FAILURE_LIMIT
        counts = []
        attempts_list = self.get_user_attempts(request, credentials)
        for parameter, attempts in zip(settings.AXES_LOCKOUT_PARAMETERS, attempts_list, strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                # 0 turns the address's limit off; otherwise count * L / A >= L exactly when count >= A.
                count = count * account_limit // address_limit if address_limit else 0
            counts.append(count)
        return max(counts, default=0)


def lockout_response(request, original_response=None, credentials=None):
    """The translated lockout answer (429) for pages; for the API, a JSON {detail}."""
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    status = settings.AXES_HTTP_RESPONSE_CODE
    hours = settings.AXES_COOLOFF_TIME
    message = _(
        "Too many failed password attempts: signing in is locked for %(hours)s hour(s). "
        "Try again later, or ask your park admin to reset your password."
    ) % {"hours": hours}
    if request.path_info.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse({"detail": message}, status=status)
    return render(request, "accounts/locked_out.html", {"message": message}, status=status)
