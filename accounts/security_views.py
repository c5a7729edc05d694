"""The security log of a park (parkparty.security): for its park admins only (403 for everyone else,
viewers included; another park is 404, like one that does not exist)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.forms import SecurityLogFilterForm
from parkparty import managing, security

PAGE_SIZE = 50


@login_required
def security_log(request):
    """A page of the park's events, newest first: the scope, the parks, a count and a page (tested)."""
    parks = managing.admin_parks(request.user)
    park = managing.chosen_park(request, parks)
    form = SecurityLogFilterForm(request.GET or None)
    form.is_valid()
    events = security.events_of_park(
        park, kind=form.value("kind") or "", since=form.value("since"), until=form.value("until")
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.description = security.describe(event)
    context = {
        "form": form, "page": page, "parks": parks, "park": park,
        "retention_days": settings.SECURITY_LOG_RETENTION_DAYS,
    }  # fmt: skip
    return render(request, "accounts/security_log.html", context)
