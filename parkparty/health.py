"""GET /healthz: is the database answering, and the broker (or are tasks eager)? No auth, no data."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        logger.exception("health check: database unreachable")
        return "error"


def _broker() -> str:
    if not settings.REDIS_URL:
        return "eager"  # no broker configured: tasks run in-process
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok"
    except redis.RedisError:
        logger.exception("health check: broker unreachable")
        return "error"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database(), "broker": _broker()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
