"""API filter and field building blocks shared by every app's API."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from parkparty import access
from parkparty.dates import parse_month


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`?kind=branch,general_branch`: several values, each checked against the choices."""


class AsOfFilter(django_filters.DateFilter):
    """`?as_of=YYYY-MM-DD` on a list: the rows a figure as of that day counts. The FilterSet applies the
    dated rule itself (in `filter_queryset`, before the other filters, which may read what it annotates);
    this only reads and checks the date: one that is not a date is a 400 naming `as_of`, as on the
    statistics endpoints."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("as of (YYYY-MM-DD)"))
        super().__init__(method=lambda queryset, name, value: queryset, **kwargs)


# Old names of the date parameters, still read (one name now: `as_of`). The schema marks them
# deprecated; an answer to a call that used one carries a `Deprecation` header naming the new one.
RENAMED = {"on": "as_of", "active_on": "as_of"}


def renamed(query):
    """The query with each deprecated parameter read under its new name (`on=` → `as_of=`), so that
    existing clients go on working; when both names are given the new one wins."""
    old = [name for name in RENAMED if name in query and RENAMED[name] not in query]
    if not old:
        return query
    query = query.copy()
    for name in old:
        query[RENAMED[name]] = query[name]
    return query


def mark_deprecated(request, response):
    """Tell a client that used an old parameter name so (RFC 9745 `Deprecation`, and which name to use)."""
    old = sorted(name for name in RENAMED if name in request.query_params)
    if old:
        response["Deprecation"] = "true"
        response["Warning"] = '299 - "{}"'.format(
            "; ".join(f"{name} is deprecated, use {RENAMED[name]}" for name in old)
        )
    return response


class RenamedFilterSet(django_filters.FilterSet):
    """A FilterSet that reads the deprecated names of its date filters (`active_on=`) as `as_of=`."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(None if data is None else renamed(data), *args, **kwargs)


class MonthField(serializers.CharField):
    """`YYYY-MM`, not after the current month."""

    def to_internal_value(self, data) -> date:
        month = parse_month(super().to_internal_value(data))
        if month is None:
            raise serializers.ValidationError(_("Give the month as YYYY-MM."))
        if month > timezone.localdate().replace(day=1):
            raise serializers.ValidationError(_("This month has not begun yet."))
        return month


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with every filter by a row (`?park=`, `?organization=`, `?enterprise=` …) reading
    only rows within the caller's scope: another park's id is refused (400 naming the parameter) exactly
    as an id that does not exist, so a filter cannot tell which ids exist outside one's scope."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        # A list public to everyone working in the park (honours, venues, plans) names its rows'
        # enterprises and organizations to all of them, so it is filtered by any of the park's; any
        # other list only by the rows its reader may see.
        public = access.has_policy(queryset.model) and access.policy_for(queryset.model).home_park_reads
        scoped = access.in_parks_known if public else access.visible
        for spec in filterset.filters.values():
            rows = getattr(spec, "queryset", None)
            if isinstance(rows, QuerySet) and access.has_policy(rows.model):
                spec.queryset = scoped(request.user, rows)
        return filterset
