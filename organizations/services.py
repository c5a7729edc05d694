"""Writes to the organization tree and the member roster that carry business rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from organizations.models import District, Grid, Organization, Park, PartyMember
from organizations.ratings.services import star_levels_install_defaults
from parkparty import access
from parkparty.dates import fact_date
from parkparty.models import Grant, Role


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
    if on is None or on > timezone.localdate():
        # A date ahead would stick: a dissolved organization is not dissolved again on the right day.
        raise ValidationError({"dissolved_on": _("Give the day it was dissolved: today or earlier.")})
    if (message := fact_date.error(on)) is not None:
        raise ValidationError({"dissolved_on": message})
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


# --- members ---------------------------------------------------------------------------------------


def id_number_unusable() -> str:
    """The answer to an ID-card number already on this park's roster. Only this park's roster is asked:
    a number held in another park is taken (a transfer under way, or a typo, which the operators see in
    `selectors.members_in_several_parks`), since refusing it would tell a park admin who types numbers
    which people are party members elsewhere."""
    return _("Another member of this park has this ID-card number.")


PERSONAL_FIELDS = ("id_number", "phone")


def _member_errors(member: PartyMember, stored: PartyMember | None, actor) -> dict[str, str]:
    """What full_clean does not check: personal data only park admins set, an open organization, and
    an ID-card number no other member of the park holds."""
    errors = {}
    park_id = member.organization.park_id if member.organization_id else None
    if actor is not None and not access.sees_personal_data(actor, park_id):
        # A secretary never sees the numbers unmasked, so must not overwrite them either.
        for name in PERSONAL_FIELDS:
            if getattr(member, name) != (getattr(stored, name) if stored else ""):
                errors[name] = _("Only a park admin may set this.")
    moved = stored is None or stored.organization_id != member.organization_id
    if moved and member.organization_id and member.organization.dissolved_on is not None:
        errors["organization"] = _("This organization is dissolved: choose one that is active.")
    if member.id_number and member.organization_id and _id_number_taken(member):
        errors.setdefault("id_number", id_number_unusable())
    return errors


def _model_errors(member: PartyMember) -> dict[str, list[str]]:
    """full_clean's messages, but for the ID number's unique constraint (checked by `_id_number_taken`, in
    words of our own) and the park, which follows the organization."""
    errors = {}
    others = [field.name for field in member._meta.fields if field.name != "id_number"]
    checks = (lambda: member.full_clean(exclude=["id_number", "park"]), lambda: member.clean_fields(exclude=others))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors |= error.message_dict
    return errors


def _id_number_taken(member: PartyMember) -> bool:
    """Held by another member of the member's own park; no other park's roster is read."""
    park_id = member.organization.park_id
    return PartyMember.objects.filter(park_id=park_id, id_number=member.id_number).exclude(pk=member.pk).exists()


@transaction.atomic
def member_save(*, member: PartyMember, actor=None) -> PartyMember:
    """Add or change a member on a roster the actor keeps (a park admin's parks, a secretary's subtree).

    A member moves only from a roster the actor keeps to another they keep (403 otherwise). Refusals
    name their field; an ID-card number is refused only when another member of the same park holds it."""
    stored = PartyMember.objects.select_for_update().filter(pk=member.pk).first() if member.pk else None
    if stored is not None:
        access.require_writable(actor, stored)
    errors = {**_model_errors(member), **_member_errors(member, stored, actor)}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        if member.id_number and _id_number_taken(member):  # the same number saved meanwhile
            raise ValidationError({"id_number": id_number_unusable()}) from None
        raise
    access.require_writable(actor, member)
    return member


# --- districts and grids ---------------------------------------------------------------------------


def _stays_in_its_park(row: District | Grid) -> None:
    """A district or grid keeps its park: its enterprises and organizations are that park's."""
    if row.pk is not None:
        stored_park = type(row).objects.filter(pk=row.pk).values_list("park_id", flat=True).first()
        if stored_park is not None and stored_park != row.park_id:
            raise ValidationError({"park": _("A district or grid stays in its park.")})


def _name_is_free(row: District | Grid, message: str) -> None:
    # Checked here so the form says so on the field; the unique constraint still holds against a race.
    if type(row).objects.filter(park_id=row.park_id, name=row.name).exclude(pk=row.pk).exists():
        raise ValidationError({"name": message})


@transaction.atomic
def district_save(*, district: District, actor=None) -> District:
    """Add or rename a park's district (片区). Park admins only; names are unique within the park."""
    access.require_admin(actor, district.park_id)
    _stays_in_its_park(district)
    _name_is_free(district, _("The park already has a district of this name."))
    district.full_clean()
    district.save()
    return district


@transaction.atomic
def grid_save(*, grid: Grid, actor=None) -> Grid:
    """Add or change a park's grid (党建网格): its district and leading organization are of the same park,
    the leading organization is not dissolved, and its name is unique within the park."""
    access.require_admin(actor, grid.park_id)
    _stays_in_its_park(grid)
    errors = {}
    if grid.district_id and grid.district.park_id != grid.park_id:
        errors["district"] = _("This belongs to another park.")
    leading = grid.leading_organization
    if leading is not None and leading.park_id != grid.park_id:
        errors["leading_organization"] = _("This belongs to another park.")
    elif leading is not None and leading.dissolved_on is not None:
        errors["leading_organization"] = _("This organization is dissolved: choose one that is active.")
    if errors:
        raise ValidationError(errors)
    _name_is_free(grid, _("The park already has a grid of this name."))
    grid.full_clean()
    grid.save()
    return grid


# --- parks -----------------------------------------------------------------------------------------


def _free_code(name: str) -> str:
    """A code for a park named in Chinese (slugify keeps only ASCII): park-1, park-2, …"""
    base = slugify(name) or "park"
    taken = set(Park.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in count(1) if f"{base}-{n}" not in taken)


@transaction.atomic
def park_create(*, name: str, code: str = "", region: str = "", actor=None) -> Park:
    """A new park with the default star levels. Operators only (a superuser, or the portal itself:
    `manage.py create_park`); a park of that name or code is refused, not created twice."""
    if actor is not None and not access.scope_of(actor).everything:
        raise PermissionDenied(_("Only an operator may create a park."))
    name = name.strip()
    if Park.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A park of this name exists already.")})
    if code and Park.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A park with this code exists already.")})
    park = Park(name=name, code=code or _free_code(name), region=region)
    park.full_clean()
    park.save()
    star_levels_install_defaults(park=park)
    return park


@transaction.atomic
def park_admin_grant(*, park: Park, user, actor=None) -> Grant:
    """Make `user` a park admin of `park` (idempotent). Operators, or admins of that park, only."""
    access.require_admin(actor, park.pk)
    grant = Grant.objects.filter(user=user, role=Role.PARK_ADMIN, park=park).first()
    if grant is None:
        grant = Grant(user=user, role=Role.PARK_ADMIN, park=park)
        grant.full_clean()
        grant.save()
    return grant
