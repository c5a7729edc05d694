"""Accounts for the world's personas (tests/conftest.py builds them before accounts exist) and a login of
the other park, for the accounts tests and the permission matrix."""

from accounts.models import Account
from tests import factories as f


def give_accounts(world) -> dict:
    """Every persona's home park is park A; `outsider` is a secretary of park B. Idempotent."""
    for user in world.users.values():
        Account.objects.get_or_create(user=user, defaults={"park": world.park})
    outsider = f.UserFactory(username="outsider")
    Account.objects.get_or_create(user=outsider, defaults={"park": world.other_park})
    f.GrantFactory(
        user=outsider, role="secretary", organization=world.other_branch
    ) if not outsider.grants.exists() else None
    return {**world.users, "outsider": outsider}


def user_id(world, name: str) -> int:
    return give_accounts(world)[name].pk


def grant_id(world, name: str) -> int:
    return give_accounts(world)[name].grants.get().pk
