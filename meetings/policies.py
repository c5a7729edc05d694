"""Who reads and writes meetings, matters and the joint bodies (rules in parkparty.access)."""

from django.db.models import Q

from meetings.models import Attachment, ChairTerm, JointBody, Matter, Meeting, MeetingRule
from parkparty.access import Policy, any_prefix


def _meetings_read(paths: list[str]):
    """The subtrees' own meetings and the joint meetings of bodies one of them sits on, through a
    subquery: a joint body has many member organizations, and a join would repeat meetings."""
    joined = Meeting.objects.filter(any_prefix("joint_body__organizations__path", paths)).values("pk")
    return Meeting.objects.filter(any_prefix("host__path", paths) | Q(pk__in=joined)).values("pk")


POLICIES = {
    # A secretary logs their subtree's meetings and reads the joint meetings of bodies their
    # organization sits on; park admins write those. Minutes a park admin has confirmed, with their
    # attendance and files, are locked: only the park's admins correct them (with a reason).
    Meeting: Policy(
        park="park",
        path="host__path",
        secretary_writes=True,
        subtree_reads=lambda paths: Q(pk__in=_meetings_read(paths)),
        locked=Q(status=Meeting.Status.CONFIRMED),
    ),
    Attachment: Policy(
        park="meeting__park",
        path="meeting__host__path",
        secretary_writes=True,
        subtree_reads=lambda paths: Q(meeting__in=_meetings_read(paths)),
        locked=Q(meeting__status=Meeting.Status.CONFIRMED),
    ),
    Matter: Policy(
        park="park", path="organization__path", enterprise="enterprise", secretary_writes=True, instructor_writes=True
    ),
    MeetingRule: Policy(park="park", home_park_reads=True),
    JointBody: Policy(park="park", home_park_reads=True),
    ChairTerm: Policy(park="joint_body__park", home_park_reads=True),
}
