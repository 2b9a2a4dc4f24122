"""Prove that CI runs on the real services, not on the zero-setup fallbacks.

In CI (CI=true) these fail when PostgreSQL or Redis are missing; elsewhere they skip with the reason.
"""

import uuid

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from config.tasks import echo
from conftest import service_required


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql():
    service_required(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    assert version.startswith("PostgreSQL")


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_constraints_hold_on_postgresql():
    """The CRN format check uses a regular expression, which each database evaluates itself."""
    service_required(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    from django.db import IntegrityError, transaction

    from cases.models import Person

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(crn="bad-crn", first_name="A", last_name="B", date_of_birth="1990-01-01", gender="male")


@pytest.mark.redis
def test_celery_task_round_trips_through_redis():
    service_required(_redis_reachable(), "REDIS_URL is not set or Redis does not answer")
    from celery.contrib.testing.worker import start_worker

    assert celery_app.conf.broker_url.startswith("redis://")
    assert str(celery_app.conf.result_backend).startswith("redis://")
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            token = uuid.uuid4().hex
            result = echo.delay(token)
            assert result.get(timeout=20) == token
            # The result came back through Redis: the worker stored it there, we read it from there.
            assert result.backend.__class__.__name__ == "RedisBackend"
    finally:
        celery_app.conf.task_always_eager = previous_eager


def test_embedded_transport_round_trips_without_redis(tmp_path):
    """`make run` without REDIS_URL uses kombu's file-system transport: prove a worker consumes from it."""
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    app = Celery("embedded-check")
    queue = tmp_path / "queue"
    queue.mkdir()
    (tmp_path / "control").mkdir()
    app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(tmp_path / "control"),
        },
        result_backend=f"file://{tmp_path / 'results'}",
        task_always_eager=False,
    )
    (tmp_path / "results").mkdir()

    @app.task(name="embedded.echo")
    def embedded_echo(value):
        return value

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert embedded_echo.delay("filesystem").get(timeout=20) == "filesystem"
