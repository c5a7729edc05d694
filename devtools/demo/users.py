"""The demo logins and their grants: two park admins (four eyes on subsidies: one approves what the other
proposed, and pays what the other approved), a park viewer and one branch secretary."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Account
from devtools.demo import PARKS, dehua
from organizations.models import Organization, Park
from parkparty.models import Grant, Role


@dataclass(frozen=True)
class Login:
    username: str
    may: str
    changed: bool


@transaction.atomic
def ensure_users(*, password: str) -> list[Login]:
    """Fetch or create the demo logins and their grants; the password is (re)set to `password`.

    Returns each login with what it may do and whether this call changed anything about it.
    """
    parks = list(Park.objects.filter(code__in=[spec.CODE for spec in PARKS]))
    branch = Organization.objects.filter(park__code=dehua.CODE, name=dehua.SECRETARY_BRANCH).first()
    logins = [
        _login("demo-admin", password, [(Role.PARK_ADMIN, park, None) for park in parks],
               "park admin of the demo parks: reads and writes everything there, personal data unmasked"),
        _login("demo-treasurer", password, [(Role.PARK_ADMIN, park, None) for park in parks],
               "second park admin of the demo parks: approves or pays the subsidies demo-admin proposed or approved"),
        _login("demo-viewer", password, [(Role.PARK_VIEWER, park, None) for park in parks],
               "park viewer of the demo parks: reads everything there, ID numbers and phones masked"),
    ]  # fmt: skip
    if branch is not None:
        logins.append(
            _login("demo-secretary", password, [(Role.SECRETARY, None, branch)],
                   f"secretary of {branch.name} ({dehua.NAME}): that branch's subtree, its members and the enterprises it covers")
        )  # fmt: skip
    return logins


def _login(username: str, password: str, grants, may: str) -> Login:
    user, changed = get_user_model().objects.get_or_create(username=username)
    # check_password first: re-hashing an unchanged password would rewrite the row on every run.
    if changed or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        changed = True
    for role, park, organization in grants:
        _grant, created = Grant.objects.get_or_create(user=user, role=role, park=park, organization=organization)
        changed = changed or created
    # The home park whose admins manage the login: none for a login of several parks.
    parks = {park or organization.park for _role, park, organization in grants}
    _account, created = Account.objects.get_or_create(
        user=user, defaults={"park": parks.pop() if len(parks) == 1 else None}
    )
    return Login(username, may, changed or created)
