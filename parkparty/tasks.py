"""Celery tasks of the base: housekeeping."""

from __future__ import annotations

from celery import shared_task

from parkparty import idempotency, once


@shared_task
def prune_write_records() -> dict[str, int]:
    """Forget the page forms' tokens and the API's idempotency keys older than their day."""
    return {"submission_tokens": once.prune(), "idempotency_keys": idempotency.prune()}
