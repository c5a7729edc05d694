"""Who reads and writes activities, venues, designations and plans (rules in parkparty.access)."""

from django.db.models import Q

from activities.models import Activity, ActivityPhoto, AnnualPlan, Designation, PlanTarget, Venue, VenueBooking
from parkparty.access import Policy, any_prefix


def _activities_read(paths: list[str]):
    """The subtrees' own activities and those they co-host, through a subquery: an activity has many
    co-hosts, and a join would repeat activities."""
    co_hosted = Activity.objects.filter(any_prefix("co_hosts__path", paths)).values("pk")
    return Activity.objects.filter(any_prefix("organization__path", paths) | Q(pk__in=co_hosted)).values("pk")


POLICIES = {
    # A secretary records their subtree's activities and books venues for it; park admins award
    # designations and set plans.
    Activity: Policy(
        park="park",
        path="organization__path",
        secretary_writes=True,
        subtree_reads=lambda paths: Q(pk__in=_activities_read(paths)),
    ),
    ActivityPhoto: Policy(
        park="activity__park",
        path="activity__organization__path",
        secretary_writes=True,
        subtree_reads=lambda paths: Q(activity__in=_activities_read(paths)),
    ),
    Venue: Policy(park="park", home_park_reads=True),
    VenueBooking: Policy(park="venue__park", path="organization__path", home_park_reads=True, secretary_writes=True),
    Designation: Policy(park="park", path="organization__path"),
    AnnualPlan: Policy(park="park", home_park_reads=True),
    PlanTarget: Policy(park="plan__park", home_park_reads=True),
}
