"""Liveness and readiness for load balancers and compose health checks.

They say ok or not ok and nothing more: which part failed goes to the log, not to whoever asks.
"""

import logging

import redis
from django.conf import settings
from django.core import checks
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("readiness: database does not answer")
        return False


def _redis_answers() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("readiness: redis does not answer")
        return False


def _no_security_errors() -> bool:
    """The security checks hold (among them the handoff master key, an Error outside DEBUG):
    a server that would fail with a 500 at the first referral is not ready."""
    errors = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.is_serious()]
    for message in errors:
        logger.warning("readiness: check %s fails", message.id)
    return not errors


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    ready = _no_security_errors() and _database_answers() and _redis_answers()
    return HttpResponse(
        "ok" if ready else "not ok", status=200 if ready else 503, content_type="text/plain"
    )
