"""Celery tasks of the base: housekeeping."""

from __future__ import annotations

from celery import shared_task

from parkparty import idempotency, once, security


@shared_task
def prune_security_log() -> int:
    """Idempotent: a second run the same day finds nothing older than the retention period."""
    return security.prune()


@shared_task
def prune_write_records() -> dict[str, int]:
    """Forget the page forms' tokens and the API's idempotency keys older than their day."""
    return {"submission_tokens": once.prune(), "idempotency_keys": idempotency.prune()}
