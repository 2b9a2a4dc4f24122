"""Platform-level Celery tasks."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "celery:worker-heartbeat"


@shared_task(name="config.tasks.heartbeat")
def heartbeat() -> str:
    """Record that beat scheduled a task and a worker ran it; /health/ reports the time."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now


@shared_task(name="config.tasks.echo")
def echo(value: str) -> str:
    """Return its argument: used by the health check and tests to prove a real round trip."""
    return value
