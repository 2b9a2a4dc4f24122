"""Celery tasks of the timeliness app: thin, idempotent, safe to run twice or concurrently.

Celery beat runs `scan_clocks` every five minutes: config/settings.py CELERY_BEAT_SCHEDULE
"service-level-alerts", which django-celery-beat's DatabaseScheduler copies into its PeriodicTask table
when beat starts.
"""

from celery import shared_task

from timeliness import services


@shared_task(name="timeliness.tasks.scan_clocks")
def scan_clocks() -> dict[str, int]:
    """Raise due-soon and overdue alerts from the open clocks; return how many of each kind were created."""
    return services.alerts_raise()
