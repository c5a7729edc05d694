import pytest
from rest_framework.test import APIClient

from parkparty.models import Role
from tests import factories as f


@pytest.fixture
def treasurer(world):
    """A second park admin of the world's park. With four eyes on (the default), whoever proposed a
    subsidy does not approve it and whoever approved it does not pay it: the admin and this one take turns."""
    user = f.UserFactory(username="treasurer")
    f.GrantFactory(user=user, role=Role.PARK_ADMIN, park=world.park)
    return user


@pytest.fixture
def as_treasurer(treasurer):
    client = APIClient()
    client.force_login(treasurer)
    return client
