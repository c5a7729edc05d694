"""The management hub; who reaches a park admin's management pages (scoring sheets, meeting rules,
venues, plans, subsidy rules), and which park such a page is about.

A user who administers no park gets 403 on every one of them, whatever the id asked for; an admin
asking for a row or a park outside the parks they administer gets 404, exactly as for one that does
not exist.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from parkparty import access


def require_some_admin(user) -> None:
    if not access.scope_of(user).is_admin:
        raise PermissionDenied


def admin_parks(user) -> list:
    """The parks the user administers, by name (403 when none)."""
    require_some_admin(user)
    park_model = apps.get_model(access.PARK_MODEL)
    return list(access.administered(user, park_model.objects.all()).order_by("name", "pk"))


def chosen_park(request, parks: list):
    """`?park=` (or the posted park) among the parks the user administers, else the first of them. Any
    other value, a park of someone else included, is 404."""
    raw = request.POST.get("park") or request.GET.get("park")
    if not raw:
        return parks[0]
    for park in parks:
        if str(park.pk) == raw:
            return park
    raise Http404


def admin_row(user, queryset: QuerySet | type[Model], pk: int):
    """A row of a park the user administers (403 for a non-admin; 404 outside their parks)."""
    require_some_admin(user)
    return get_object_or_404(access.administered(user, queryset), pk=pk)


@login_required
def hub(request):
    """Where a park admin starts keeping the park: every app's management pages (`manage_pages` on
    its FeatureConfig), under the app's name. No query beyond the user's scope."""
    require_some_admin(request.user)
    sections = [
        (config.verbose_name, config.manage_pages)
        for config in apps.get_app_configs()
        if getattr(config, "manage_pages", ())
    ]
    return render(request, "manage/hub.html", {"sections": sections})
