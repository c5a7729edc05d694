"""Access control in one place: which rows a user may read or write, and who sees personal data.

Every API view, page, export and admin screen asks this module; none filters by role itself.

- A park admin reads and writes everything in their parks, and sees personal data unmasked.
- A park viewer reads everything in their parks, personal data masked.
- A branch secretary reads their organization's subtree (members, the enterprises it covers, its park's
  districts and grids) and writes the members of that subtree.
- An instructor reads the enterprises assigned to them today.
- A request authenticated by an API token is read-only and sees personal data masked, whatever its user.

Outside one's scope a row does not exist (the API answers 404); a write to a visible row outside one's
write scope is refused (403).

The rules above are written here once; which model follows which rule, each app says in its own
`policies.py` (a `Policy` per model), registered from its AppConfig.ready(). `policies()` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Manager, Model, Q, QuerySet
from django.utils.translation import gettext as _

from parkparty.models import Grant, Role

# The tenant and the tree every policy is expressed in, named as Django names AUTH_USER_MODEL: the
# base refers to them without importing the app that defines them.
PARK_MODEL = "organizations.Park"
ORGANIZATION_MODEL = "organizations.Organization"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    admin_parks: frozenset[int] = frozenset()
    viewer_parks: frozenset[int] = frozenset()
    # (park id, materialized path) of each organization the user is secretary of.
    secretary_orgs: tuple[tuple[int, str], ...] = ()
    instructor_id: int | None = None
    instructor_park: int | None = None

    @property
    def read_parks(self) -> frozenset[int]:
        return self.admin_parks | self.viewer_parks

    @property
    def home_parks(self) -> frozenset[int]:
        """Parks a secretary or instructor belongs to: they may read the park's name, districts and grids."""
        parks = {park for park, _path in self.secretary_orgs}
        if self.instructor_park is not None:
            parks.add(self.instructor_park)
        return frozenset(parks)

    @property
    def is_admin(self) -> bool:
        return self.everything or bool(self.admin_parks)

    @property
    def is_viewer(self) -> bool:
        return bool(self.viewer_parks)

    @property
    def is_secretary(self) -> bool:
        return bool(self.secretary_orgs)

    @property
    def is_instructor(self) -> bool:
        return self.instructor_id is not None


NOBODY = Scope()


def scope_of(user) -> Scope:
    """The user's scope, read once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_parkparty_scope", None)
    if cached is not None:
        return cached
    scope = _load_scope(user)
    user._parkparty_scope = scope
    return scope


def _load_scope(user) -> Scope:
    if user.is_superuser:
        return Scope(everything=True)
    grants = list(
        Grant.objects.filter(user=user).values_list("role", "park_id", "organization__park_id", "organization__path")
    )
    instructor = _instructor_of(user)
    return Scope(
        admin_parks=frozenset(park for role, park, _p, _path in grants if role == Role.PARK_ADMIN),
        viewer_parks=frozenset(park for role, park, _p, _path in grants if role == Role.PARK_VIEWER),
        secretary_orgs=tuple((park, path) for role, _park, park, path in grants if role == Role.SECRETARY),
        instructor_id=instructor["pk"] if instructor else None,
        instructor_park=instructor["park_id"] if instructor else None,
    )


def _instructor_of(user) -> dict | None:
    return _instructors.of_user(user) if _instructors else None


@dataclass(frozen=True)
class Policy:
    """How rows of one model relate to a park, an organization subtree and an enterprise."""

    park: str
    # Lookup to the organization's materialized path, for a secretary's subtree.
    path: str | None = None
    # Lookup to the enterprise id, for an instructor's assigned enterprises.
    enterprise: str | None = None
    # Read by a secretary or instructor of the park (reference data with nothing personal in it).
    home_park_reads: bool = False
    secretary_writes: bool = False
    # Instructors write these for the enterprises assigned to them (matters raised on a visit).
    instructor_writes: bool = False
    # What a secretary of these subtrees (their materialized paths) reads, where it is more than the
    # rows under `path`: joint meetings, co-hosted activities, the enterprises covered today.
    subtree_reads: Callable[[list[str]], Q] | None = None
    # Read by the park's admins only, not its viewers: logins and their roles (accounts) are the
    # park's own business, not the county's.
    admin_reads_only: bool = False
    # Rows a park admin has closed (confirmed minutes and their files): from then on only the park's
    # admins change them. A secretary or instructor who wrote them still reads them.
    locked: Q | None = None


@dataclass(frozen=True)
class Instructors:
    """Who is an instructor and which enterprises they are assigned today: the enterprises app knows."""

    of_user: Callable[[object], dict | None]  # {"pk", "park_id"} of the user's instructor record
    assigned_enterprises: Callable[[int], QuerySet]  # ids of the enterprises assigned today


# Filled by each app's AppConfig.ready() from its policies.py; `policies()` lists them all.
_POLICIES: dict[type[Model], Policy] = {}
_instructors: Instructors | None = None


def register_policies(policies: dict[type[Model], Policy]) -> None:
    for model, policy in policies.items():
        if _POLICIES.get(model, policy) != policy:
            raise ImproperlyConfigured(f"Two access policies for {model._meta.label}.")
        _POLICIES[model] = policy


def register_instructors(instructors: Instructors) -> None:
    global _instructors
    _instructors = instructors


def policies() -> dict[type[Model], Policy]:
    """Every registered policy, by model: what the permission matrix and the docs walk."""
    return dict(_POLICIES)


def has_policy(model: type[Model]) -> bool:
    return model in _POLICIES


def policy_for(model: type[Model]) -> Policy:
    try:
        return _POLICIES[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"No access policy for {model._meta.label}: add it to its app's policies.py."
        ) from None


def any_prefix(lookup: str, paths: list[str]) -> Q:
    """Rows whose materialized path at `lookup` lies in one of these subtrees."""
    return reduce(or_, (Q(**{f"{lookup}__startswith": path}) for path in paths))


def _as_queryset(model_or_queryset) -> QuerySet:
    if isinstance(model_or_queryset, QuerySet):
        return model_or_queryset
    if isinstance(model_or_queryset, Manager):
        return model_or_queryset.all()
    return model_or_queryset._default_manager.all()


def _subtree_q(policy: Policy, scope: Scope, *, for_write: bool = False) -> Q | None:
    if not (policy.path and scope.secretary_orgs):
        return None
    paths = [path for _park, path in scope.secretary_orgs]
    if policy.subtree_reads and not for_write:
        return policy.subtree_reads(paths)
    return any_prefix(policy.path, paths)


def _instructed_q(policy: Policy, scope: Scope) -> Q | None:
    if not (policy.enterprise and scope.instructor_id and _instructors):
        return None
    return Q(**{f"{policy.enterprise}__in": _instructors.assigned_enterprises(scope.instructor_id)})


def _filter(queryset: QuerySet, clauses: list[Q | None]) -> QuerySet:
    clauses = [clause for clause in clauses if clause is not None]
    if not clauses:
        return queryset.none()
    return queryset.filter(reduce(or_, clauses))


def visible(user, model_or_queryset) -> QuerySet:
    """The rows of this model (or queryset) the user may read."""
    queryset = _as_queryset(model_or_queryset)
    scope = scope_of(user)
    if scope.everything:
        return queryset
    policy = policy_for(queryset.model)
    clauses = []
    read_parks = scope.admin_parks if policy.admin_reads_only else scope.read_parks
    if read_parks:
        clauses.append(Q(**{f"{policy.park}__in": read_parks}))
    if policy.home_park_reads and scope.home_parks:
        clauses.append(Q(**{f"{policy.park}__in": scope.home_parks}))
    clauses.append(_subtree_q(policy, scope))
    clauses.append(_instructed_q(policy, scope))
    return _filter(queryset, clauses)


def writable(user, model_or_queryset) -> QuerySet:
    """The rows of this model (or queryset) the user may change, or attach new rows to."""
    queryset = _as_queryset(model_or_queryset)
    scope = scope_of(user)
    if scope.everything:
        return queryset
    policy = policy_for(queryset.model)
    clauses = []
    if policy.secretary_writes:
        clauses.append(_subtree_q(policy, scope, for_write=True))
    if policy.instructor_writes:
        clauses.append(_instructed_q(policy, scope))
    if policy.locked is not None:
        clauses = [clause & ~policy.locked for clause in clauses if clause is not None]
    if scope.admin_parks:
        clauses.append(Q(**{f"{policy.park}__in": scope.admin_parks}))
    return _filter(queryset, clauses)


def organizations_in_charge(user, queryset: QuerySet | None = None) -> QuerySet:
    """Organizations the user works in: a park admin's parks, a secretary's subtrees. Where they may put
    members, host meetings and raise matters."""
    organization_model = apps.get_model(ORGANIZATION_MODEL)
    queryset = organization_model.objects.all() if queryset is None else queryset
    scope = scope_of(user)
    if scope.everything:
        return queryset
    clauses = [Q(park__in=scope.admin_parks)] if scope.admin_parks else []
    clauses.append(_subtree_q(policy_for(organization_model), scope))
    return _filter(queryset, clauses)


def _in_parks(user, queryset, parks_of: Callable[[Scope], frozenset[int]]) -> QuerySet:
    queryset = _as_queryset(queryset)
    scope = scope_of(user)
    if scope.everything:
        return queryset
    return queryset.filter(**{f"{policy_for(queryset.model).park}__in": sorted(parks_of(scope))})


def administered(user, queryset) -> QuerySet:
    """The rows of the parks the user administers (where only park admins write: ratings, subsidies)."""
    return _in_parks(user, queryset, lambda scope: scope.admin_parks)


def in_parks_worked_in(user, queryset) -> QuerySet:
    """The rows of the parks the user administers or works in as a secretary or instructor (not those
    they only view): where they may raise matters."""
    return _in_parks(user, queryset, lambda scope: scope.admin_parks | scope.home_parks)


def in_parks_known(user, queryset) -> QuerySet:
    """The rows of every park the user reads or works in: an activity's co-hosts may be any organization
    of such a park (活动共办 crosses branches), not only those the user may read."""
    return _in_parks(user, queryset, lambda scope: scope.read_parks | scope.home_parks)


def statistics_parks(user) -> QuerySet:
    """Parks whose park-wide statistics the user may read: those they administer or view."""
    parks = apps.get_model(PARK_MODEL).objects.all()
    scope = scope_of(user)
    return parks if scope.everything else parks.filter(pk__in=scope.read_parks)


def reads_statistics(user) -> bool:
    """Whether the user reads any park's park-wide figures (statistics, reports): no query."""
    scope = scope_of(user)
    return scope.everything or bool(scope.read_parks)


def statistics_park_ids(user) -> list[int]:
    """Ids of `statistics_parks`, read from the scope without a query (but for superusers)."""
    scope = scope_of(user)
    if scope.everything:
        return list(apps.get_model(PARK_MODEL).objects.values_list("pk", flat=True))
    return sorted(scope.read_parks)


def administers(user, park_id: int) -> bool:
    """Park admin of this park: confirms minutes, approves, runs the park's schedules."""
    scope = scope_of(user)
    return scope.everything or park_id in scope.admin_parks


def require_admin(actor, park_id: int, message: str = "") -> None:
    """Refuse (403) a write that only a park admin of this park makes. Services call it with their
    `actor`; `actor=None` is the portal itself (the demo loader, a scheduled task), which acts for
    every park. Pages that show such a form call it too, before showing it."""
    if actor is not None and not administers(actor, park_id):
        raise PermissionDenied(message or _("Only a park admin of this park may do this."))


def require_writable(actor, obj: Model, message: str = "") -> None:
    """Refuse (403) a write that leaves `obj` outside the actor's write scope. Services call it once the
    row is saved, inside their transaction, so a refused write leaves nothing behind (as
    `ScopedViewSet` does for the API); `actor=None` is the portal itself. `message` says why where the
    service knows better than "you may not" (a locked row)."""
    if actor is not None and not (_administers_own_park(actor, obj) or can_write(actor, obj)):
        raise PermissionDenied(message or _("You may not change this record."))


def _administers_own_park(actor, obj: Model) -> bool:
    """Whether the row names, in its own column, a park the actor administers: then it is writable
    without a query (a park admin writes every row of their parks), as the column holds what the
    service has just saved. A park reached through another row is asked of the database."""
    lookup = policy_for(type(obj)).park
    if obj.pk is None or "__" in lookup:
        return False
    park_id = obj.pk if lookup == "pk" else getattr(obj, obj._meta.get_field(lookup).attname)
    return park_id in scope_of(actor).admin_parks


def can_write(user, obj: Model) -> bool:
    return writable(user, type(obj)).filter(pk=obj.pk).exists()


def may_write_any(user, model: type[Model]) -> bool:
    """Whether the user holds a role that writes this model anywhere (decides 403 before any lookup)."""
    scope = scope_of(user)
    policy = policy_for(model)
    return (
        scope.is_admin
        or (policy.secretary_writes and scope.is_secretary)
        or (policy.instructor_writes and scope.is_instructor)
    )


def sees_personal_data(user, park_id: int | None, *, via_token: bool = False) -> bool:
    """ID numbers and phones unmasked: park admins only, and never through an API token."""
    if via_token:
        return False
    scope = scope_of(user)
    return scope.everything or (park_id is not None and park_id in scope.admin_parks)
