"""Celery tasks of the base: the security log's monthly prune."""

from celery import shared_task

from parkparty import security


@shared_task
def prune_security_log() -> int:
    """Idempotent: a second run the same day finds nothing older than the retention period."""
    return security.prune()
