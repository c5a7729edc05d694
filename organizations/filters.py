"""API filters over the organization tree, used by every app whose rows belong to an organization."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from organizations.models import Organization


@extend_schema_field(OpenApiTypes.INT)  # an organization's id (django-filter cannot say so here)
class SubtreeFilter(django_filters.ModelChoiceFilter):
    """`?within=ID`: the organization and everything below it (one indexed prefix query).

    A choice among organizations, which `parkparty.filters.ScopedFilterBackend` narrows to the caller's
    scope: an organization outside it is "not a valid choice" (400), exactly as an id of no row."""

    def __init__(self, *args, path_field: str, **kwargs):
        self.path_field = path_field
        kwargs.setdefault("queryset", Organization.objects.all())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.path_field}__startswith": value.path})
