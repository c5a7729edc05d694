"""What the organization pages ask of the access rules to show their management buttons."""

from __future__ import annotations

from django import template

from parkparty import access

register = template.Library()


@register.filter
def administered_by(organization, user) -> bool:
    """`organization|administered_by:user`: the user is a park admin of its park (no query)."""
    return access.administers(user, organization.park_id)


@register.filter
def roster_kept_by(organization, user) -> bool:
    """`organization|roster_kept_by:user`: the user may add and edit members of it (a park admin of its
    park without a query, a secretary of its subtree with one)."""
    if access.administers(user, organization.park_id):
        return True
    # Asked twice on the organization's page (its buttons, its roster): one query, kept on the row.
    cached = getattr(organization, "_roster_kept_by", None)
    if cached is None or cached[0] != user.pk:
        cached = (user.pk, access.organizations_in_charge(user).filter(pk=organization.pk).exists())
        organization._roster_kept_by = cached
    return cached[1]
