"""Settings come from the environment: defaults for a fresh machine, real services when asked, and a
production profile that passes `manage.py check --deploy` without warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Settings must come from the variables each test gives, not from the shell running the suite.
INHERITED_VARIABLES_TO_DROP = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_PROFILE",
    "DJANGO_DEBUG",
}


def _run(code: str, **environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in INHERITED_VARIABLES_TO_DROP}
    env.update(environment)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*arguments, **environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in INHERITED_VARIABLES_TO_DROP}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_defaults_need_no_services():
    result = _run(
        "print(settings.DATABASES['default']['ENGINE']); print(settings.CELERY_BROKER_URL);"
        " print(settings.CACHES['default']['BACKEND'])"
    )
    assert result.returncode == 0, result.stderr
    engine, broker, cache = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert cache == "django.core.cache.backends.filebased.FileBasedCache"


def test_database_url_and_redis_url_switch_to_the_real_services():
    result = _run(
        "print(settings.DATABASES['default']['ENGINE']); print(settings.DATABASES['default']['NAME']);"
        " print(settings.CELERY_BROKER_URL); print(settings.CELERY_RESULT_BACKEND);"
        " print(settings.CACHES['default']['BACKEND'])",
        DATABASE_URL="postgres://postgres@db.example:5432/probation",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "probation",
        "redis://cache.example:6379/1",
        "redis://cache.example:6379/1",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_production_profile_passes_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_PROFILE="production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-for-this-test-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="probation.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_PROFILE="production", DJANGO_ALLOWED_HOSTS="probation.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_profile_refuses_debug():
    result = _manage(
        "check",
        DJANGO_PROFILE="production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-for-this-test-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="probation.example.org",
        DJANGO_DEBUG="true",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr
