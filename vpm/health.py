"""/healthz: does this web process reach what it needs?

200 when the database and Redis both answer, 503 naming the part that does
not. Each check is bounded (Redis 0.5 s, the database its connect timeout), so
a monitor polling during an outage is not left hanging. During a Redis outage
pages and the API keep working (vpm/cache.py; messages wait for the sweep), so
a 503 here means "degraded, alert someone", not "restart me".
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .cache import redis_reachable


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not used"  # development: local cache and the filesystem broker
    return "ok" if redis_reachable(settings.REDIS_URL) else "unreachable"


@never_cache
def healthz(request):
    parts = {"database": _database(), "redis": _redis()}
    healthy = "unreachable" not in parts.values()
    return JsonResponse({"status": "ok" if healthy else "degraded", **parts},
                        status=200 if healthy else 503)
