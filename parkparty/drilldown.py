"""Drill-down: every count in a statistics answer names the list of the rows it counts.

A statistics answer carries `links`: count name (a dotted path for a nested count, `by_kind.pioneer_team`)
→ the API list filtered and dated as the figure was, so that following the link gives exactly that many
rows (its `count`). The list is the figure's definition made visible: a county checks a number by
opening the rows behind it, and exports them with `format=xlsx`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers


def query_value(value) -> str:
    """A filter value as the lists read it: dates in ISO, booleans as true/false, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return ",".join(query_value(item) for item in value)
    return str(value)


def list_url(request, basename: str, **filters) -> str:
    """The absolute URL of the API list `basename` (a router basename: `enterprise`, `member` …) with the
    given filters; a filter given as None is left out."""
    query = {name: query_value(value) for name, value in filters.items() if value is not None}
    url = request.build_absolute_uri(reverse(f"v1:{basename}-list"))
    return f"{url}?{urlencode(query)}" if query else url


class LinksField(serializers.DictField):
    """The `links` of a statistics answer, in the schema: an object of list URLs."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.URLField())
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Each count's rows: count name (a dotted path for a nested count) → the list filtered and "
                "dated as the count; its `count` equals the figure."
            ),
        )
        super().__init__(**kwargs)
