"""Writes to the organization tree and the member roster that carry business rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, PartyMember
from parkparty import access
from parkparty.dates import year_in_range


@transaction.atomic
def organization_create(*, parent: Organization | None, actor=None, **fields) -> Organization:
    """Add an organization under `parent` (or as a root); treebeard keeps the materialized path."""
    organization = Organization(**fields)
    if parent is not None:
        if parent.park_id != organization.park_id:
            raise ValidationError({"parent": _("The parent organization is in another park.")})
        if not parent.is_active_on(organization.established_on):
            raise ValidationError({"parent": _("The parent organization was not active on the founding date.")})
    # Validate before treebeard writes: it saves inside add_child/add_root.
    organization.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        organization = Organization.objects.add_root(instance=organization)
    else:
        organization = Organization.objects.add_child(parent, instance=organization)
    access.require_writable(actor, organization)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, actor=None, **fields) -> Organization:
    """Change an organization's name, kind, formation, district, founding date or secretary. Its place
    in the tree and its park stay (moves and dissolution have their own services)."""
    for name, value in fields.items():
        setattr(organization, name, value)
    secretary = organization.secretary
    if secretary is not None and not secretary.organization.path.startswith(organization.path):
        raise ValidationError({"secretary": _("The secretary must be a member of this organization.")})
    organization.full_clean(exclude=["path", "depth", "numchild"])  # the district must be in the park
    organization.save()
    access.require_writable(actor, organization)
    return organization


# What else ends when an organization is dissolved, registered by the apps that keep it (enterprises:
# its open coverages end the same day). Each step runs in the dissolving transaction.
DISSOLUTION_STEPS: list[Callable[..., None]] = []


def register_dissolution_step(step: Callable[..., None]) -> None:
    """Once per step, however often an app's ready() runs: a step run twice would end a coverage twice."""
    if step not in DISSOLUTION_STEPS:
        DISSOLUTION_STEPS.append(step)


@transaction.atomic
def organization_dissolve(*, organization: Organization, on: date, actor=None) -> Organization:
    """Dissolve an organization. Refused while it has active sub-organizations; its coverages end the same day."""
    if organization.dissolved_on is not None:
        raise ValidationError({"dissolved_on": _("This organization is already dissolved.")})
    if on is None or not year_in_range(on.year) or on > timezone.localdate():
        # A date ahead would stick: a dissolved organization is not dissolved again on the right day.
        raise ValidationError({"dissolved_on": _("Give the day it was dissolved: today or earlier.")})
    children = Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1)
    if children.filter(dissolved_on__isnull=True).exists():
        raise ValidationError({"dissolved_on": _("Dissolve or move its sub-organizations first.")})
    organization.dissolved_on = on
    organization.full_clean()
    organization.save(update_fields=["dissolved_on"])
    for step in DISSOLUTION_STEPS:
        step(organization=organization, on=on)
    access.require_writable(actor, organization)
    return organization


@transaction.atomic
def member_save(*, member: PartyMember, actor=None) -> PartyMember:
    """Add or change a member on a roster the actor keeps (a park admin's parks, a secretary's subtree)."""
    member.full_clean()
    member.save()
    access.require_writable(actor, member)
    return member
