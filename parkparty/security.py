"""The security log: logins, failed logins, lockouts, changes of a login's roles, API tokens made and
revoked, and exports that carried unmasked personal data. Park admins read their parks' events
(`/users/security-log/`); superusers read every event in the operators' admin.

It holds no personal data of its own (PIPL): an account is a foreign key, not a copy of its name; a
client's address is a keyed hash (`address_hash`), never the address; a failed login under a user
name that matches no login keeps no name (it may be a password typed into the wrong box) and belongs
to no park, so only superusers see it; `detail` holds codes, names of organizations and counts.

`record` is the one writer. The login signals, django-axes' lockout signal and the API token's
post_save/post_delete are connected in `connect()` (ParkpartyConfig.ready); the role services of
accounts call `record` themselves; parkparty.exports records an export with unmasked rows.
Rows older than SECURITY_LOG_RETENTION_DAYS are pruned (`prune`, the `prune_security_log` command
and the monthly beat task).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parkparty.client_ip import client_ip
from parkparty.dates import local_datetime
from parkparty.history import user_or_none
from parkparty.models import Grant, Role, SecurityEvent

Kind = SecurityEvent.Kind

# Hex digits of the address hash kept: 64 bits tell a few thousand addresses apart without collisions
# worth speaking of, and the rest of the HMAC adds nothing to that.
ADDRESS_HASH_LENGTH = 16
# A value of `detail` is a code, a count or an organization's name: never more than this.
DETAIL_LENGTH = 100

# Where else a login belongs (its home park, an instructor's park): accounts knows and registers it.
_park_resolvers: list[Callable[[object], Iterable[int]]] = []


def register_user_parks(resolver: Callable[[object], Iterable[int]]) -> None:
    """`resolver(user)` gives ids of further parks the user's events belong to. Idempotent."""
    if resolver not in _park_resolvers:
        _park_resolvers.append(resolver)


def parks_of(user) -> set[int]:
    """The parks a login's events belong to now: those of its grants (a secretary's organization's
    park), and what the apps above register (accounts: the home park and an instructor's park)."""
    grants = Grant.objects.filter(user=user).values_list("park_id", "organization__park_id")
    parks = {park for pair in grants for park in pair if park is not None}
    for resolver in _park_resolvers:
        parks.update(resolver(user))
    return parks


def address_hash(request) -> str:
    """The client's address as a keyed hash (HMAC-SHA256 under SECRET_KEY, truncated): the same
    address gives the same hash, so repeated failures from one place can be told, but the address is
    not kept. Whoever holds SECRET_KEY could still test guesses against it: it is pseudonymous."""
    address = client_ip(request) if request is not None else ""
    if not address:
        return ""
    return salted_hmac("parkparty.security.address", address, algorithm="sha256").hexdigest()[:ADDRESS_HASH_LENGTH]


def _clean_detail(detail: dict | None) -> dict:
    cleaned = {}
    for key, value in (detail or {}).items():
        if not isinstance(value, bool | int | str):
            raise TypeError(f"A security event's detail holds codes and counts, not {type(value).__name__}.")
        cleaned[str(key)] = value[:DETAIL_LENGTH] if isinstance(value, str) else value
    return cleaned


def record(
    kind: str, *, user=None, actor=None, parks: Iterable | None = None, detail: dict | None = None, request=None
) -> SecurityEvent:
    """Write one event. `parks` (parks or their ids) defaults to the parks of `user` at this moment
    (`parks_of`); an event of no park is read by superusers only. `request` gives the address hash.
    Inside a service's transaction the event goes, or is rolled back, with the change it records."""
    user, actor = user_or_none(user), user_or_none(actor)
    if parks is None:
        parks = parks_of(user) if user is not None else ()
    park_ids = {getattr(park, "pk", park) for park in parks}
    with transaction.atomic():
        event = SecurityEvent.objects.create(
            kind=kind, user=user, actor=actor, address=address_hash(request), detail=_clean_detail(detail)
        )
        through = SecurityEvent.parks.through
        through.objects.bulk_create([through(securityevent=event, park_id=park_id) for park_id in sorted(park_ids)])
    return event


def record_grant(kind: str, grant: Grant, *, actor, request=None) -> SecurityEvent:
    """A role given or taken back: filed under the login's parks and the park of the role (a role taken
    back still shows in the park it was taken from), with the role and where it was held."""
    place = grant.organization if grant.role == Role.SECRETARY else grant.park
    park_id = place.park_id if grant.role == Role.SECRETARY else place.pk
    return record(
        kind,
        user=grant.user,
        actor=actor,
        parks=parks_of(grant.user) | {park_id},
        detail={"role": grant.role, "place": place.name},
        request=request,
    )


# --- reading -------------------------------------------------------------------------------------------


def events_of_park(park, *, kind: str = "", since: date | None = None, until: date | None = None) -> QuerySet:
    """A park's events, newest first, of one kind and between two days (local time, both included) if
    asked; with the login and who acted, and each event's parks prefetched."""
    events = SecurityEvent.objects.filter(parks=park)
    if kind:
        events = events.filter(kind=kind)
    if since is not None:
        events = events.filter(at__gte=local_datetime(since))
    if until is not None:
        events = events.filter(at__lt=local_datetime(until + timedelta(days=1)))
    return events.select_related("user", "actor").order_by("-at", "-pk")


def describe(event: SecurityEvent) -> str:
    """The event's detail in the reader's language."""
    detail = event.detail or {}
    if event.kind in (Kind.GRANT_GIVEN, Kind.GRANT_TAKEN) and "role" in detail:
        role = dict(Role.choices).get(detail["role"], detail["role"])
        return f"{role} · {detail['place']}" if detail.get("place") else str(role)
    if event.kind == Kind.EXPORT_UNMASKED:
        return _export_description(detail)
    if event.kind in (Kind.LOGIN_FAILED, Kind.LOCKED_OUT) and event.user_id is None:
        return _("a user name that matches no login")
    return ""


def _export_description(detail: dict) -> str:
    rows = int(detail.get("rows", 0))
    try:
        what = apps.get_model(detail.get("export", ""))._meta.verbose_name_plural
    except (LookupError, ValueError):
        what = detail.get("export", "")
    return ngettext("%(what)s: %(rows)s row", "%(what)s: %(rows)s rows", rows) % {"what": what, "rows": rows}


# --- retention -----------------------------------------------------------------------------------------


def prune(*, now=None) -> int:
    """Delete the events older than SECURITY_LOG_RETENTION_DAYS; answers how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    _total, by_model = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return by_model.get(SecurityEvent._meta.label, 0)


# --- hooks ---------------------------------------------------------------------------------------------


def _known_user(username):
    """The login of this user name, or None; the name itself is never kept."""
    if not isinstance(username, str) or not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def on_logged_in(sender, request, user, **kwargs) -> None:
    record(Kind.LOGIN, user=user, request=request)


def on_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    # An attempt refused because the login is locked out is recorded once, by on_locked_out.
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    record(Kind.LOGIN_FAILED, user=_known_user(credentials.get("username")), request=request)


def on_locked_out(sender, request=None, username=None, **kwargs) -> None:
    record(Kind.LOCKED_OUT, user=_known_user(username), request=request)


def _acting_user():
    """Who made the request that is running, as simple-history's middleware saw it (None in a task or
    a command)."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    return getattr(request, "user", None)


def on_token_saved(sender, instance, created: bool, **kwargs) -> None:
    if created:
        record(Kind.TOKEN_CREATED, user=instance.user, actor=_acting_user())


def on_token_deleted(sender, instance, **kwargs) -> None:
    record(Kind.TOKEN_REVOKED, user=instance.user, actor=_acting_user())


def connect() -> None:
    """Connect the hooks (ParkpartyConfig.ready); dispatch_uid keeps a second call harmless."""
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.db.models.signals import post_delete, post_save
    from rest_framework.authtoken.models import Token

    user_logged_in.connect(on_logged_in, dispatch_uid="parkparty-security-login")
    user_login_failed.connect(on_login_failed, dispatch_uid="parkparty-security-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="parkparty-security-locked-out")
    post_save.connect(on_token_saved, sender=Token, dispatch_uid="parkparty-security-token-saved")
    post_delete.connect(on_token_deleted, sender=Token, dispatch_uid="parkparty-security-token-deleted")
