"""Figures computed from the ledger, cached until the ledger changes.

Every committed write to a model the figures read bumps `LedgerVersion` (post_save/post_delete
receivers connected by `watch`; bulk loads call `bump_ledger_version()` themselves, as bulk_create sends no signals).
Readers take the version first and compute after, so a figure can be stored under an old version
but never served for a newer one.

A restore (`manage.py restore`) sets the counter back to the dump's number, and the writes after it
count up through numbers the discarded history used already, with figures cached for them. So every
key also carries a generation kept in the cache itself, a random token that `invalidate()` replaces:
after it no figure cached before is read again, in any process that shares the cache (Redis), and
without flushing the cache (with Redis, that would also flush Celery's queue when both share a db).
"""

from __future__ import annotations

import contextlib
import contextvars
import secrets
from collections.abc import Callable, Iterator

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from parkparty.models import LedgerVersion

TIMEOUT = 60 * 60  # a safety net; versions, not time, decide freshness
GENERATION_KEY = "ledger:generation"


def ledger_version() -> int:
    return LedgerVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_ledger_version() -> None:
    """Bump after the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(_bump)


def _bump() -> None:
    if not LedgerVersion.objects.filter(pk=1).update(version=F("version") + 1):
        LedgerVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def generation() -> str:
    """The cache's generation of figures. A lost one (evicted, the cache cleared) is replaced by a
    new token: the figures are then computed again, never served from an older generation."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)  # the first of racing readers wins
        value = cache.get(GENERATION_KEY) or "lost"  # "lost": a cache that keeps nothing (DummyCache)
    return value


def invalidate() -> None:
    """No figure cached so far is served again: after a restore, the ledger's versions repeat."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def cached(name: str, parts: tuple, compute: Callable[[], object]) -> object:
    """`compute()` once per generation, ledger version, name, parts and language (labels in figures
    are translated)."""
    key = ":".join(str(part) for part in ("ledger", generation(), ledger_version(), name, get_language(), *parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


# Set while a bulk writer (an import) saves row after row and bumps the version once itself.
_quiet = contextvars.ContextVar("ledger_writes_quiet", default=False)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Saves inside do not each queue a bump: the caller bumps once, in the same transaction (an
    import of 10,000 enterprises would otherwise queue 20,000 updates of the counter row)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _on_ledger_write(sender, **kwargs) -> None:
    if not _quiet.get():
        bump_ledger_version()


def watch(*models) -> None:
    """Every write to these models changes a cached figure: called by each app's AppConfig.ready()
    (parkparty.apps.FeatureConfig.ledger_models) for the models the figures read."""
    for model in models:
        label = model._meta.label
        post_save.connect(_on_ledger_write, sender=model, dispatch_uid=f"ledger-version-{label}-save")
        post_delete.connect(_on_ledger_write, sender=model, dispatch_uid=f"ledger-version-{label}-delete")
