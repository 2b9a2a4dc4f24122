"""`/health/` reports database and broker status as JSON, needs no login and shows no personal data."""

import json
from unittest import mock

import pytest
from django.db.utils import OperationalError

from config.tasks import HEARTBEAT_CACHE_KEY, heartbeat


@pytest.mark.django_db
def test_health_is_public_and_reports_database_and_broker(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["engine"] in {"sqlite", "postgresql"}
    assert body["broker"]["status"] == "ok"
    assert body["broker"]["transport"] in {"filesystem", "redis"}
    assert set(body) == {"status", "database", "broker", "worker_last_heartbeat"}


@pytest.mark.django_db
def test_health_says_down_with_503_when_the_database_fails(client):
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == {"status": "down", "engine": body["database"]["engine"], "error": "OperationalError"}


@pytest.mark.django_db
def test_health_says_down_when_the_broker_fails(client):
    with mock.patch("config.health.celery_app.connection_for_write", side_effect=ConnectionRefusedError()):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "down"


@pytest.mark.django_db
def test_health_shows_the_last_worker_heartbeat(client):
    assert client.get("/health/").json()["worker_last_heartbeat"] is None
    stamp = heartbeat()
    body = json.loads(client.get("/health/").content)
    assert body["worker_last_heartbeat"] == stamp
    from django.core.cache import cache

    assert cache.get(HEARTBEAT_CACHE_KEY) == stamp


@pytest.mark.django_db
def test_health_refuses_writes(client):
    assert client.post("/health/").status_code == 405
