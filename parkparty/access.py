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
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Manager, Model, Q, QuerySet
from django.utils import timezone

from parkparty.models import Grant, Role


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
    from enterprises.models import Instructor

    return Instructor.objects.filter(user=user).values("pk", "park_id").first()


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


def _policies() -> dict[type[Model], Policy]:
    from activities.models import Activity, ActivityPhoto, AnnualPlan, Designation, PlanTarget, Venue, VenueBooking
    from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
    from meetings.models import Attachment, ChairTerm, JointBody, Matter, Meeting, MeetingRule
    from organizations.models import (
        Application,
        ApplicationStep,
        Criterion,
        District,
        DuesCollection,
        Grid,
        Honor,
        Organization,
        Park,
        PartyMember,
        Rating,
        RatingEvidence,
        ScoringSheet,
        StarLevel,
        Subsidy,
        SubsidyRule,
    )
    from reports.models import CoverageSnapshot, Report

    return {
        Park: Policy(park="pk", home_park_reads=True),
        District: Policy(park="park", home_park_reads=True),
        Grid: Policy(park="park", home_park_reads=True),
        Organization: Policy(park="park", path="path"),
        PartyMember: Policy(park="organization__park", path="organization__path", secretary_writes=True),
        # A secretary sees the enterprises their subtree covers today; see _subtree_q.
        Enterprise: Policy(park="park", path="coverages__organization__path", enterprise="pk"),
        Coverage: Policy(park="enterprise__park", path="organization__path", enterprise="enterprise"),
        Instructor: Policy(park="park"),
        InstructorAssignment: Policy(park="enterprise__park", enterprise="enterprise"),
        # A secretary logs their subtree's meetings; joint meetings they read when their organization
        # is a member of the joint body (see _subtree_q), and park admins write those.
        Meeting: Policy(park="park", path="host__path", secretary_writes=True),
        Attachment: Policy(park="meeting__park", path="meeting__host__path", secretary_writes=True),
        Matter: Policy(
            park="park",
            path="organization__path",
            enterprise="enterprise",
            secretary_writes=True,
            instructor_writes=True,
        ),
        MeetingRule: Policy(park="park", home_park_reads=True),
        JointBody: Policy(park="park", home_park_reads=True),
        ChairTerm: Policy(park="joint_body__park", home_park_reads=True),
        Venue: Policy(park="park", home_park_reads=True),
        # The rating and subsidy rules of a park are public to those who work in it; ratings, subsidies
        # and dues a secretary reads for their subtree only, and only park admins write them.
        StarLevel: Policy(park="park", home_park_reads=True),
        ScoringSheet: Policy(park="park", home_park_reads=True),
        Criterion: Policy(park="sheet__park", home_park_reads=True),
        Rating: Policy(park="park", path="organization__path"),
        RatingEvidence: Policy(park="item__rating__park", path="item__rating__organization__path"),
        Honor: Policy(park="park", home_park_reads=True),
        SubsidyRule: Policy(park="park", home_park_reads=True),
        Subsidy: Policy(park="park", path="organization__path"),
        DuesCollection: Policy(park="park", path="organization__path"),
        # A secretary records their subtree's activities (co-hosts read them: see _subtree_q), books
        # venues for it and tracks its applicants; park admins award designations and set plans.
        Activity: Policy(park="park", path="organization__path", secretary_writes=True),
        ActivityPhoto: Policy(park="activity__park", path="activity__organization__path", secretary_writes=True),
        VenueBooking: Policy(
            park="venue__park", path="organization__path", home_park_reads=True, secretary_writes=True
        ),
        Designation: Policy(park="park", path="organization__path"),
        AnnualPlan: Policy(park="park", home_park_reads=True),
        PlanTarget: Policy(park="plan__park", home_park_reads=True),
        Application: Policy(park="park", path="organization__path", secretary_writes=True),
        ApplicationStep: Policy(park="application__park", path="application__organization__path"),
        # Park-wide figures: park admins and viewers read them (API tokens too); park admins ask for them.
        Report: Policy(park="park"),
        CoverageSnapshot: Policy(park="park"),
    }


_POLICIES: dict[type[Model], Policy] | None = None


def policy_for(model: type[Model]) -> Policy:
    global _POLICIES
    if _POLICIES is None:
        _POLICIES = _policies()
    return _POLICIES[model]


def _as_queryset(model_or_queryset) -> QuerySet:
    if isinstance(model_or_queryset, QuerySet):
        return model_or_queryset
    if isinstance(model_or_queryset, Manager):
        return model_or_queryset.all()
    return model_or_queryset._default_manager.all()


def _subtree_q(model: type[Model], policy: Policy, scope: Scope, *, for_write: bool = False) -> Q | None:
    if not (policy.path and scope.secretary_orgs):
        return None
    from activities.models import Activity, ActivityPhoto
    from enterprises.models import Coverage, Enterprise, active_on
    from meetings.models import Attachment, Meeting

    if model in (Meeting, Attachment) and not for_write:
        # Joint meetings through a subquery: a joint body has many member organizations.
        in_subtrees = reduce(or_, (Q(host__path__startswith=path) for _park, path in scope.secretary_orgs))
        joined = reduce(
            or_, (Q(joint_body__organizations__path__startswith=path) for _park, path in scope.secretary_orgs)
        )
        meetings = Meeting.objects.filter(in_subtrees | Q(pk__in=Meeting.objects.filter(joined).values("pk")))
        return Q(pk__in=meetings.values("pk")) if model is Meeting else Q(meeting__in=meetings.values("pk"))

    if model in (Activity, ActivityPhoto) and not for_write:
        # Co-hosted activities (and their photos) through a subquery: an activity has many co-hosts.
        in_subtrees = reduce(or_, (Q(organization__path__startswith=path) for _park, path in scope.secretary_orgs))
        co_hosted = reduce(or_, (Q(co_hosts__path__startswith=path) for _park, path in scope.secretary_orgs))
        activities = Activity.objects.filter(in_subtrees | Q(pk__in=Activity.objects.filter(co_hosted).values("pk")))
        return Q(pk__in=activities.values("pk")) if model is Activity else Q(activity__in=activities.values("pk"))

    if model is Enterprise:
        # Through a subquery, not a join: a join on coverages would repeat enterprises.
        today = timezone.localdate()
        covered = Coverage.objects.filter(
            active_on(today),
            reduce(or_, (Q(organization__path__startswith=path) for _park, path in scope.secretary_orgs)),
        ).values("enterprise_id")
        return Q(pk__in=covered)
    return reduce(or_, (Q(**{f"{policy.path}__startswith": path}) for _park, path in scope.secretary_orgs))


def _instructed_q(policy: Policy, scope: Scope) -> Q | None:
    if not (policy.enterprise and scope.instructor_id):
        return None
    from enterprises.models import InstructorAssignment, active_on

    assigned = InstructorAssignment.objects.filter(
        active_on(timezone.localdate()), instructor_id=scope.instructor_id
    ).values("enterprise_id")
    return Q(**{f"{policy.enterprise}__in": assigned})


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
    if scope.read_parks:
        clauses.append(Q(**{f"{policy.park}__in": scope.read_parks}))
    if policy.home_park_reads and scope.home_parks:
        clauses.append(Q(**{f"{policy.park}__in": scope.home_parks}))
    clauses.append(_subtree_q(queryset.model, policy, scope))
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
    if scope.admin_parks:
        clauses.append(Q(**{f"{policy.park}__in": scope.admin_parks}))
    if policy.secretary_writes:
        clauses.append(_subtree_q(queryset.model, policy, scope, for_write=True))
    if policy.instructor_writes:
        clauses.append(_instructed_q(policy, scope))
    return _filter(queryset, clauses)


def organizations_in_charge(user, queryset: QuerySet | None = None) -> QuerySet:
    """Organizations the user works in: a park admin's parks, a secretary's subtrees. Where they may put
    members, host meetings and raise matters."""
    from organizations.models import Organization

    queryset = Organization.objects.all() if queryset is None else queryset
    scope = scope_of(user)
    if scope.everything:
        return queryset
    clauses = [Q(park__in=scope.admin_parks)] if scope.admin_parks else []
    clauses.append(_subtree_q(Organization, policy_for(Organization), scope))
    return _filter(queryset, clauses)


def statistics_parks(user) -> QuerySet:
    """Parks whose park-wide statistics the user may read: those they administer or view."""
    from organizations.models import Park

    scope = scope_of(user)
    if scope.everything:
        return Park.objects.all()
    return Park.objects.filter(pk__in=scope.read_parks)


def reads_statistics(user) -> bool:
    """Whether the user reads any park's park-wide figures (statistics, reports): no query."""
    scope = scope_of(user)
    return scope.everything or bool(scope.read_parks)


def statistics_park_ids(user) -> list[int]:
    """Ids of `statistics_parks`, read from the scope without a query (but for superusers)."""
    scope = scope_of(user)
    if scope.everything:
        from organizations.models import Park

        return list(Park.objects.values_list("pk", flat=True))
    return sorted(scope.read_parks)


def administers(user, park_id: int) -> bool:
    """Park admin of this park: confirms minutes, approves, runs the park's schedules."""
    scope = scope_of(user)
    return scope.everything or park_id in scope.admin_parks


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
