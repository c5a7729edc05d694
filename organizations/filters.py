"""API filters over the organization tree, used by every app whose rows belong to an organization."""

from __future__ import annotations

import django_filters

from organizations.models import Organization
from parkparty import access


class SubtreeFilter(django_filters.NumberFilter):
    """`?within=ID`: the organization and everything below it (one indexed prefix query)."""

    def __init__(self, *args, path_field: str, **kwargs):
        self.path_field = path_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        root = access.visible(self.parent.request.user, Organization).filter(pk=value).first()
        if root is None:
            return qs.none()
        return qs.filter(**{f"{self.path_field}__startswith": root.path})
