"""Template filters of the ledger's pages."""

from django import template

from organizations.models import Organization

register = template.Library()


@register.filter
def may_cover(organization: Organization) -> bool:
    """Whether an organization is of a kind that covers enterprises and is not dissolved."""
    return organization.kind in Organization.COVERING_KINDS and organization.dissolved_on is None
