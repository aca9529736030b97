"""Settings of the Bali portal, read from the environment.

With nothing set, the portal runs on the *embedded default*: a SQLite file, Celery tasks run
eagerly in-process and e-mail is printed to the console. Production sets at least
``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``; the README
lists every setting.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Development is the embedded default; production must say DEBUG=0 explicitly.
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-embedded-default-for-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "bali_portal.accounts",
    "registry",
    "designations",
    "requests_app",
    "reporting",
    "exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bali_portal.unavailable.DatabaseUnavailableMiddleware",
    "bali_portal.nul_query.NulInQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that a locked-out attempt never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bali_portal.urls"
WSGI_APPLICATION = "bali_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bali_portal.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite takes one writer at a time; wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by PostgreSQL, so that the statements of bali_portal.db can be
    # prepared there (only those: prepare_threshold stays Django's None for the ORM's).
    # An unreachable server is known within 5 seconds (a 503, bali_portal.unavailable)
    # rather than after the operating system's connect timeout.
    # What the URL's query gives (sslmode=require for a managed database, application_name)
    # is kept.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": 5,
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
    }
    # A kept connection that the server closed (a restart, a failover, an administrator's
    # pg_terminate_backend) is replaced before a request uses it, instead of failing it.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ------------------------------------------------------------------
# Redis is optional for every request: the cache answers "not cached" while Redis is down
# (bali_portal.cache) and a task that cannot be published is left to the outbox or the lease
# (bali_portal.broker). The timeouts keep a Redis that stopped answering from holding a request.
REDIS_URL = env_str("REDIS_URL") or None
# "shared": what every process must count alike (the login throttle): a worker's own memory
# would let each gunicorn worker allow the rate again. Redis when there is one, else a table
# of the database (created by migrate, whatever the deployment, so that either works).
SHARED_CACHE_TABLE = "portal_shared_cache"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "bali_portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "shared": {
            "BACKEND": "bali_portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": SHARED_CACHE_TABLE,
            # One row per address that asked for a token in the last minute: room for many.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
# No result backend: nothing reads a task's result (the outbox and the report runs are the
# record), and Redis's backend retried for 19 s before a publish while Redis was down.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker the embedded default runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
# ... except these long ones, run in a thread beside the request that asked, so that its page
# answers at once and can show the work's progress (a report takes 10-15 s; issue 17).
EAGER_TASKS_IN_THREAD = [
    "reporting.tasks.generate_annual_report",
    # The public figures when a reader finds them stale (no beat): seconds at large scale.
    "reporting.tasks.refresh_public_statistics",
]
CELERY_TASK_EAGER_PROPAGATES = True
# A worker killed mid-task gives the task back to the queue instead of losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish gives up within half a second when Redis refuses, two when it does not answer;
# what it was for is kept in the database.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message a killed worker held goes back to the queue after this; report runs and the
    # outbox do not wait for it (their leases and claims say when the holder is gone).
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "daily-sla-digest": {
        "task": "requests_app.tasks.send_overdue_digests",
        "schedule": crontab(hour=6, minute=0),
    },
    # Each sweep is one indexed query when nothing is owed. Workers also sweep whenever they
    # (re)connect to the broker (bali_portal.broker), so a backlog never waits for this.
    "notification-outbox-sweep": {
        "task": "requests_app.tasks.send_pending_notifications",
        "schedule": 60,
    },
    "report-run-leases": {
        "task": "reporting.tasks.retry_abandoned_runs",
        "schedule": 30,
    },
    # A referral left without an answer for two weeks: its contact is reminded, once.
    "referral-reminders": {
        "task": "exchange.tasks.remind_unanswered_referrals",
        "schedule": crontab(hour=6, minute=30),
    },
    "exchange-mail-sweep": {
        "task": "exchange.tasks.send_pending_mail",
        "schedule": crontab(minute="*/10"),
    },
    # The public figures (/dashboard/, /api/v1/statistics/): computed here, never by a reader.
    "public-statistics-refresh": {
        "task": "reporting.tasks.refresh_public_statistics",
        "schedule": 300,  # reporting.statistics.REFRESH_SECONDS
    },
    # Completed requests' follow-up assessments, 6 and 12 months on (issue 18).
    "follow-up-invitations": {
        "task": "reporting.tasks.invite_follow_ups",
        "schedule": crontab(hour=7, minute=0),
    },
    "annual-report-each-january": {
        "task": "reporting.tasks.start_annual_report_for_past_year",
        "schedule": crontab(month_of_year=1, day_of_month=2, hour=3, minute=0),
    },
}

# --- Accounts and authentication --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Throttle guessing per account *and* address, with a cool-off: an attacker elsewhere can never
# lock a real focal point out of the portal for good.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Counted per account whatever the case or spacing typed, as the login itself matches it.
AXES_USERNAME_CALLABLE = "bali_portal.accounts.lockout.account_of_attempt"
AXES_LOCKOUT_CALLABLE = "bali_portal.accounts.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None

# --- Internationalization ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
# The six official languages of the United Nations.
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["bali_portal.formats"]
USE_I18N = True
# Not USE_THOUSAND_SEPARATOR: it would group every integer a template prints, years (2,026),
# page numbers and ids in links among them. Amounts are grouped where they are shown, with the
# language's separators (the ``money`` filter: 12 500 in French, 12.500 in Spanish).
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Uploaded and generated files are served by views that check access, never at a public URL.
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Attachments and report files: the local MEDIA_ROOT (one host), or an S3-compatible bucket that
# every web process and worker shares (several hosts, a managed platform). The bucket stays
# private: files are streamed through the portal's views after their scope checks.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    # Imported only here: a deployment that keeps its files on local disk never loads boto.
    from botocore.config import Config as S3ClientConfig

    if not env_str("S3_BUCKET"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
    S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": S3_ENDPOINT_URL,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION") or None,
            # Path-style addresses for MinIO and other self-hosted services; AWS's own choice.
            "addressing_style": "path" if S3_ENDPOINT_URL else None,
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own: private
            "querystring_auth": True,
            # A report run's files keep their names: a retry overwrites instead of adding.
            "file_overwrite": True,
            # An object store that is down fails an upload within seconds, with a clear error.
            "client_config": S3ClientConfig(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}
            ),
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE={MEDIA_STORAGE!r}: use local or s3.")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    # Django's SMTP backend, marking a notice sent just before the end of its data
    # (bali_portal.mail): a notice is handed to the mail server once.
    EMAIL_BACKEND = "bali_portal.mail.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    # A mail server that stops answering fails the sending (retried later) instead of holding
    # the worker for ever.
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Bali portal <no-reply@bali-portal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers and container health checks talk plain HTTP to these.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Nothing is loaded from other hosts: every script, style and font is served by the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bali_portal.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "bali_portal.openapi.AutoSchema",
    # One shape for every error of the API, and JSON bodies of bounded depth.
    "EXCEPTION_HANDLER": "bali_portal.api_errors.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "bali_portal.parsers.BoundedJSONParser",
        "bali_portal.parsers.TextFormParser",
        "bali_portal.parsers.TextMultiPartParser",
    ],
    # Nominations come from anyone, with a file: a few an hour per address is plenty.
    "DEFAULT_THROTTLE_RATES": {"login": "20/minute", "nominate": "20/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bali portal API",
    "DESCRIPTION": "Technology-support requests, the registry of capacity-building activities "
    "and the annual report of the Bali Strategic Plan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names (``kind``, ``status``) mean other sets elsewhere in the API.
    "ENUM_NAME_OVERRIDES": {
        "ForumKindEnum": "registry.models.ForumKind",
        "AttachmentKindEnum": "requests_app.api.serializers.ATTACHMENT_KINDS",
        "DesignationStatusEnum": "designations.models.Status",
    },
    # A request body's schema of its own (no read-only fields, files as binary), so that what
    # it says a client may send is what the API accepts.
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its error answers, in the API's one error shape; every query
    # parameter that an empty value is no filter; a form body, how DRF reads a form.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bali_portal.openapi.document_errors",
        "bali_portal.openapi.allow_empty_query_values",
        "bali_portal.openapi.describe_form_bodies",
    ],
}

# --- Portal -----------------------------------------------------------------------------------
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
# How long the link a referral's partner answers by stays valid, and after how many days
# without an answer the partner is reminded (once).
REFERRAL_LINK_MAX_AGE_DAYS = env_int("REFERRAL_LINK_MAX_AGE_DAYS", 120)
REFERRAL_REMINDER_DAYS = env_int("REFERRAL_REMINDER_DAYS", 14)
# Used in e-mail links, where there is no incoming request to take the host from.
PORTAL_BASE_URL = (env_str("PORTAL_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
