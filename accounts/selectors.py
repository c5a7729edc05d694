"""Reads of logins shared by the pages and the API: each row with its account, roles and instructor record."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Account
from accounts.services import AccountRole
from enterprises.models import Instructor
from parkparty.drf import token_expires_at
from parkparty.models import Grant

User = get_user_model()


def with_roles(users: QuerySet) -> QuerySet:
    """Each login with its home park and instructor record joined and its grants prefetched: two queries
    for a page of rows, whatever its length."""
    grants = Grant.objects.select_related("park", "organization").order_by("role", "pk")
    return users.select_related("account__park", "instructor").prefetch_related(Prefetch("grants", queryset=grants))


def filter_by_role(users: QuerySet, role: str) -> QuerySet:
    if role == AccountRole.INSTRUCTOR:
        return users.filter(instructor__isnull=False)
    if role in AccountRole.values:
        return users.filter(Exists(Grant.objects.filter(user=OuterRef("pk"), role=role)))
    return users


def roles_of(user) -> list[str]:
    """The roles a login holds (from its prefetched grants), an instructor's last."""
    roles = sorted({grant.role for grant in user.grants.all()}, key=list(AccountRole.values).index)
    if getattr(user, "instructor", None) is not None:
        roles.append(AccountRole.INSTRUCTOR.value)
    return roles


def parks_of_login(user) -> set[int]:
    """The login's home park and its instructor's park (one query): the security log files the login's
    events under them besides its grants' parks (parkparty.security.parks_of)."""
    homes = Account.objects.filter(user=user, park__isnull=False).order_by().values_list("park_id", flat=True)
    instructed = Instructor.objects.filter(user=user).order_by().values_list("park_id", flat=True)
    return set(homes.union(instructed))


# Characters of a token's key shown after the answer that made it: enough to tell two keys apart, far
# too few to use one.
KEY_PREFIX = 6


def token_facts(user) -> dict:
    """The login's API token (None if it has none), the first characters of its key, when it expires
    (None: never) and whether it has. One query."""
    token = Token.objects.filter(user=user).first()
    if token is None:
        return {"token": None}
    expires_at = token_expires_at(token)
    return {
        "token": token,
        "prefix": token.key[:KEY_PREFIX],
        "expires_at": expires_at,
        "expired": expires_at is not None and expires_at <= timezone.now(),
    }
