"""Project-wide pytest set-up.

Tests that need a real service (PostgreSQL, Redis, a browser) call `service_required`. On a
developer's machine a missing service skips the test with the reason printed; in CI (CI=true) it
fails the test instead, so a green CI run cannot hide a fallback to SQLite or the embedded broker.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_required(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"Required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_cache(settings, tmp_path):
    """Each test gets its own empty cache (and never the shared Redis cache unless it asks)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
