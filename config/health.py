"""`/health/`: database and broker status as JSON, for load balancers and monitoring.

Needs no login and shows no personal data.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from config.tasks import HEARTBEAT_CACHE_KEY


def _database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down"
        return {"status": "down", "engine": connection.vendor, "error": error.__class__.__name__}
    return {"status": "ok", "engine": connection.vendor}


def _broker_status() -> dict:
    transport = "redis" if settings.REDIS_URL else "filesystem"
    try:
        with celery_app.connection_for_write() as broker_connection:
            broker_connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return {"status": "down", "transport": transport, "error": error.__class__.__name__}
    return {"status": "ok", "transport": transport}


@never_cache
@require_GET
def health(request):
    database = _database_status()
    broker = _broker_status()
    try:
        heartbeat = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        heartbeat = None
    healthy = database["status"] == "ok" and broker["status"] == "ok"
    body = {
        "status": "ok" if healthy else "down",
        "database": database,
        "broker": broker,
        "worker_last_heartbeat": heartbeat,
    }
    return JsonResponse(body, status=200 if healthy else 503)
