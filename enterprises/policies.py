"""Who reads the enterprise ledger, and how an instructor's assigned enterprises are found."""

from django.db.models import Q
from django.utils import timezone

from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment, active_on
from parkparty.access import Instructors, Policy, any_prefix


def _covered_today(paths: list[str]) -> Q:
    """A secretary sees the enterprises their subtrees cover today: through a subquery, not a join,
    which would repeat an enterprise once per coverage."""
    covered = Coverage.objects.filter(active_on(timezone.localdate()), any_prefix("organization__path", paths))
    return Q(pk__in=covered.values("enterprise_id"))


POLICIES = {
    Enterprise: Policy(
        park="park", path="coverages__organization__path", enterprise="pk", subtree_reads=_covered_today
    ),
    Coverage: Policy(park="enterprise__park", path="organization__path", enterprise="enterprise"),
    Instructor: Policy(park="park"),
    InstructorAssignment: Policy(park="enterprise__park", enterprise="enterprise"),
}


def _instructor_of(user) -> dict | None:
    return Instructor.objects.filter(user=user).values("pk", "park_id").first()


def _assigned_enterprises(instructor_id: int):
    assignments = InstructorAssignment.objects.filter(active_on(timezone.localdate()), instructor_id=instructor_id)
    return assignments.values("enterprise_id")


INSTRUCTORS = Instructors(of_user=_instructor_of, assigned_enterprises=_assigned_enterprises)
