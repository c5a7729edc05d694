"""Every id filter of every API list answers an id outside the caller's scope exactly as an id of no row.

The lists and their filters are read from the router, so a list or a filter added later is walked too.
"""

import django_filters
import pytest
from django.contrib.auth import get_user_model

from meetings.models import Meeting
from meetings.services import meeting_save
from organizations.filters import SubtreeFilter
from parkparty.api_urls import router
from parkparty.dates import local_datetime
from parkparty.filters import ScopedFilterBackend
from parkparty.models import Role
from tests import factories as f

API = "/api/v1"
MISSING = 987_654_321
ID_FILTERS = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter, SubtreeFilter)


def _id_filters():
    """(list prefix, parameter, model of the rows it names) for every id filter of every API list."""
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "list"):
            continue
        view = viewset()
        view.action = "list"
        filterset = ScopedFilterBackend().get_filterset_class(view, viewset.queryset)
        for name, spec in (filterset.base_filters if filterset else {}).items():
            if isinstance(spec, SubtreeFilter):
                yield prefix, name, "Organization"
            elif isinstance(spec, ID_FILTERS):
                model = getattr(spec.queryset, "model", None) or spec.extra.get("to_field_model")
                yield prefix, name, model.__name__ if model else "Park"  # a callable queryset names parks


CASES = sorted(_id_filters())


def _outside(world) -> dict[str, int]:
    """One row of each kind in the other park, which the park admin of the first park cannot see."""
    other = world.other_park
    district = f.DistrictFactory(park=other)
    user = f.UserFactory(username="other_admin")
    f.GrantFactory(user=user, role=Role.PARK_ADMIN, park=other)
    meeting = meeting_save(
        meeting=Meeting(host=world.other_branch, kind="theme_day", status="held", topic="主题党日",
                        held_at=local_datetime(world.meeting_a.held_at.date(), 9)),
        attendance=[],
    )  # fmt: skip
    return {
        "Park": other.pk,
        "District": district.pk,
        "Grid": f.GridFactory(park=other, district=district).pk,
        "Organization": world.other_branch.pk,
        "Enterprise": world.other_enterprise.pk,
        "PartyMember": world.other_member.pk,
        "ScoringSheet": f.ScoringSheetFactory(park=other).pk,
        "JointBody": f.JointBodyFactory(park=other).pk,
        "Meeting": meeting.pk,
        "Venue": f.VenueFactory(park=other).pk,
        "Instructor": f.InstructorFactory(park=other).pk,
        get_user_model().__name__: user.pk,
    }


def test_the_walk_finds_the_lists_and_their_filters():
    assert len(CASES) > 60
    assert {("members", "organization", "Organization"), ("grants", "user", "User")} <= set(CASES)


@pytest.mark.parametrize("role", ["admin", "secretary_a"])
@pytest.mark.parametrize(("resource", "parameter", "model"), CASES)
def test_an_id_outside_ones_scope_answers_as_an_id_of_no_row(world, as_role, role, resource, parameter, model):
    other = _outside(world)[model]
    client = as_role(role)

    outside = client.get(f"{API}/{resource}/", {parameter: other})
    missing = client.get(f"{API}/{resource}/", {parameter: MISSING})

    assert outside.status_code == missing.status_code
    assert outside.content.decode().replace(str(other), "ID") == missing.content.decode().replace(str(MISSING), "ID")
    if missing.status_code == 400:
        assert missing.json().keys() == {parameter}
    else:
        assert missing.status_code == 403, missing.content  # a list the role may not read at all
