"""The data migration gives every login that holds a role an account in the park of that role."""

from importlib import import_module

from django.apps import apps

from accounts.models import Account
from parkparty.models import Role
from tests import factories as f

migration = import_module("accounts.migrations.0002_accounts_of_existing_users")


def test_existing_logins_get_the_park_of_their_role_and_those_of_several_parks_none(world):
    operator = f.UserFactory(username="operator")
    f.GrantFactory(user=operator, role=Role.PARK_VIEWER, park=world.park)
    f.GrantFactory(user=operator, role=Role.PARK_VIEWER, park=world.other_park)
    root = f.UserFactory(username="root", is_superuser=True)
    f.GrantFactory(user=root, role=Role.PARK_ADMIN, park=world.park)
    f.UserFactory(username="nobody")

    migration.create_accounts(apps, None)

    parks = dict(Account.objects.values_list("user__username", "park"))
    assert parks == {
        "admin": world.park.pk, "viewer": world.park.pk, "secretary_a": world.park.pk,
        "secretary_b": world.park.pk, "instructor": world.park.pk, "operator": None, "root": None,
    }  # fmt: skip
    assert not Account.objects.filter(must_change_password=True).exists()


def test_running_it_again_adds_nothing(world):
    migration.create_accounts(apps, None)
    count = Account.objects.count()

    migration.create_accounts(apps, None)

    assert Account.objects.count() == count
