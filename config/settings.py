"""Settings for the probation case-management platform, read from the environment.

One module for every profile. Zero-setup defaults (SQLite, an embedded file-system Celery transport,
a file-based cache) make `make run` and `make test` work on a fresh machine; `DATABASE_URL` switches
to PostgreSQL and `REDIS_URL` to Redis for the Celery broker, results and the cache.

`DJANGO_PROFILE=production` turns on the hardened profile: it requires `DJANGO_SECRET_KEY` and
`DJANGO_ALLOWED_HOSTS`, and `manage.py check --deploy` then prints no warnings.
"""

import warnings
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

PROFILE = env.str("DJANGO_PROFILE", default="development")
if PROFILE not in {"development", "production"}:
    raise environ.ImproperlyConfigured("DJANGO_PROFILE must be 'development' or 'production'.")
PRODUCTION = PROFILE == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    if DEBUG:
        raise environ.ImproperlyConfigured("DJANGO_DEBUG must be off in the production profile.")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY",
        default="development-only-key-do-not-use-in-production-0123456789abcdefghijklmnop",
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_celery_beat",
    "govuk_frontend_django",
    "accounts",
    "cases",
    "risk",
    "interventions",
    "enforcement",
    "timeliness",
    "oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Axes must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "timeliness.context_processors.alerts",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: SQLite unless DATABASE_URL is set (postgres://user@host:port/name).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:caseload"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire after SESSION_INACTIVITY_MINUTES without a request (sliding expiry).
SESSION_INACTIVITY_MINUTES = env.int("SESSION_INACTIVITY_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_INACTIVITY_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failed logins (django-axes): by username and address together.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, g:i a"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# build/static holds GOV.UK Frontend and MoJ Frontend, copied from node_modules by `make`.
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Development serves static files through the finders; STATIC_ROOT exists only after collectstatic.
    warnings.filterwarnings("ignore", message="No directory at")

# Redis (broker, results, cache) when REDIS_URL is set; otherwise embedded, zero-setup equivalents.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DATA_DIR = Path(env.str("CELERY_DATA_DIR", default=str(BASE_DIR / ".celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Kombu's file-system transport: a real broker shared by web, worker and beat processes
    # on one machine, with nothing to install.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / ".cache" / "django"),
        }
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "config.tasks.heartbeat", "schedule": 60.0},
    # Raise due-soon and overdue alerts from open service-level clocks (idempotent; see timeliness/tasks.py).
    "service-level-alerts": {"task": "timeliness.tasks.scan_clocks", "schedule": 300.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous caller gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_USER_RATE", default="2000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Probation case management API",
    "DESCRIPTION": "People under supervision and their cases, scoped to what the caller may see.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several endpoints share the disposal choices: one named component for all of them.
    "ENUM_NAME_OVERRIDES": {
        "DisposalEnum": "cases.models.sentencing.Disposal",
        "RequirementStatusEnum": "cases.models.sentencing.Requirement.Status",
        # A case's termination outcome, read on the case and written by POST /api/v1/cases/{id}/end/.
        "TerminationOutcomeEnum": "cases.models.people.Case.TerminationOutcome",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # fontTools (used by WeasyPrint for PDFs) logs every font table it subsets at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# Production hardening: `manage.py check --deploy` is silent with these.
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Domain settings.
PAGE_SIZE = 25
DEMO_PASSWORD = "probation-demo-2026"
# Risk: a completed RoSH assessment older than this many months is a "risk gap" (needs a review).
RISK_ASSESSMENT_REVIEW_MONTHS = env.int("RISK_ASSESSMENT_REVIEW_MONTHS", default=6)

# Service levels (timeliness/registry.py). The sentence plan limit was 10 days, later revised nationally to 15.
SENTENCE_PLAN_DAYS = env.int("SENTENCE_PLAN_DAYS", default=10)
# Delivering the order (interventions/). A RAR requirement with no delivered activity for this many days is
# flagged on the officer's caseload and the manager's team list.
RAR_INACTIVITY_DAYS = env.int("RAR_INACTIVITY_DAYS", default=28)
# Unpaid work: at least this many hours must be offered each week (shared/DOMAIN.md section 3).
UNPAID_WORK_MINIMUM_WEEKLY_HOURS = env.int("UNPAID_WORK_MINIMUM_WEEKLY_HOURS", default=7)
# Unpaid work must be completed within this many months of the order (the 12-month rule).
UNPAID_WORK_COMPLETION_MONTHS = env.int("UNPAID_WORK_COMPLETION_MONTHS", default=12)
# Share of the hours ordered that may be credited for education and training (national guidance allows up to
# 30% of the hours to be spent on education, training and employment support).
UNPAID_WORK_EDUCATION_TRAINING_PERCENT = env.int("UNPAID_WORK_EDUCATION_TRAINING_PERCENT", default=30)
# Enforcement (enforcement/): the officer decides on each failure to comply within this many working days.
ENFORCEMENT_DECISION_WORKING_DAYS = env.int("ENFORCEMENT_DECISION_WORKING_DAYS", default=2)
# Warnings allowed in 12 months before breach (or recall) action must be taken: with 1, a second unacceptable
# failure within 12 months requires it.
ENFORCEMENT_WARNINGS_ALLOWED = env.int("ENFORCEMENT_WARNINGS_ALLOWED", default=1)
# An alert is raised for the responsible officer this many working days before a clock is due.
ALERT_DUE_SOON_WORKING_DAYS = env.int("ALERT_DUE_SOON_WORKING_DAYS", default=2)
# Per service level: "working" or "calendar" days, overriding the defaults in timeliness/registry.py.
SERVICE_LEVEL_CALENDARS: dict[str, str] = {}

# Oversight (oversight/, README "Oversight for managers").
# An officer holding more active cases than this is highlighted on the team dashboard (the inspectorate doubts an
# officer can actively manage more than 50 to 60 cases: shared/DOMAIN.md section 8).
CASELOAD_THRESHOLD = env.int("CASELOAD_THRESHOLD", default=60)
# Workload points of one active case: the weight of its case type times the weight of its RoSH level. A community
# case at medium RoSH is 1 point. Starting points, not a national model: licence cases carry release and licence
# conditions work (1.2); custody cases before release mostly resettlement contact (0.5); youth cases need the
# child, parents or carers and partner agencies (1.3); high and very high RoSH need more frequent contact and
# multi-agency work (1.5 and 2.0); a case with no completed assessment counts as medium until assessed.
WORKLOAD_CASE_TYPE_WEIGHTS: dict[str, float] = {"community": 1.0, "licence": 1.2, "custody": 0.5, "youth": 1.3}
WORKLOAD_ROSH_WEIGHTS: dict[str, float] = {"low": 0.8, "medium": 1.0, "high": 1.5, "very_high": 2.0, "none": 1.0}
# A completed sentence plan not reviewed for this many months is listed as overdue work.
SENTENCE_PLAN_REVIEW_MONTHS = env.int("SENTENCE_PLAN_REVIEW_MONTHS", default=6)
# CRC SL007: the end of a sentence counts as recorded when the case is ended, with its outcome, within this many
# days of the sentence's end date.
TERMINATION_RECORDING_DAYS = env.int("TERMINATION_RECORDING_DAYS", default=7)
# Continuity of officers is measured over cases active in this many months (shared/DOMAIN.md section 8).
CONTINUITY_MONTHS = env.int("CONTINUITY_MONTHS", default=9)
