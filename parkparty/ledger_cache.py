"""Figures computed from the ledger, cached until the ledger changes.

Every committed write to a model the figures read bumps `LedgerVersion` (post_save/post_delete
receivers below; bulk loads call `bump_ledger_version()` themselves, as bulk_create sends no signals).
Readers take the version first and compute after, so a figure can be stored under an old version
but never served for a newer one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from parkparty.models import LedgerVersion

TIMEOUT = 60 * 60  # a safety net; versions, not time, decide freshness


def ledger_version() -> int:
    return LedgerVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_ledger_version() -> None:
    """Bump after the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(_bump)


def _bump() -> None:
    if not LedgerVersion.objects.filter(pk=1).update(version=F("version") + 1):
        LedgerVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def cached(name: str, parts: tuple, compute: Callable[[], object]) -> object:
    """`compute()` once per ledger version, name, parts and language (labels in figures are translated)."""
    key = ":".join(str(part) for part in ("ledger", ledger_version(), name, get_language(), *parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _on_ledger_write(sender, **kwargs) -> None:
    bump_ledger_version()


def connect_ledger_models() -> None:
    """Called from ParkpartyConfig.ready(): every model the cached figures read."""
    from enterprises.models import Coverage, Enterprise, InstructorAssignment
    from organizations.models import District, Grid, Organization, Park, PartyMember

    # District and grid names are the labels of grouped figures.
    for model in (Park, District, Grid, Organization, PartyMember, Enterprise, Coverage, InstructorAssignment):
        post_save.connect(_on_ledger_write, sender=model, dispatch_uid=f"ledger-version-{model.__name__}-save")
        post_delete.connect(_on_ledger_write, sender=model, dispatch_uid=f"ledger-version-{model.__name__}-delete")
