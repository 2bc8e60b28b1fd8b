"""Enlace settings. Every value comes from the environment, with production-safe defaults.

Development values are written to `.env` by `make run` (see config/env.py); nothing here is
relaxed for development unless a variable says so.
"""

import os
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    load_dotenv,
)
from config.languages import INTERFACE_LANGUAGES, install_language_info

BASE_DIR = Path(__file__).resolve().parent.parent
# ENLACE_ENV_FILE=/dev/null makes a process ignore the development .env (tests of production).
load_dotenv(Path(os.environ.get("ENLACE_ENV_FILE", BASE_DIR / ".env")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is not set (make run writes one to .env).")
# The audit chain's HMAC key(s), "ID:SECRET[,OLDID:OLDSECRET]" (audit/chain.py), and where the
# chain's head is anchored outside the database (audit/anchor.py). Never stored in the database.
AUDIT_CHAIN_KEY = env_secret("AUDIT_CHAIN_KEY")
if not AUDIT_CHAIN_KEY and not DEBUG:
    raise ImproperlyConfigured("AUDIT_CHAIN_KEY is not set (make run writes one to .env).")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Debug pages show settings, SQL and the request: impossible wherever anyone but this machine can
# connect. DEBUG is refused unless every allowed host is local (production names its host).
if DEBUG and not set(ALLOWED_HOSTS) <= {"localhost", "127.0.0.1", "[::1]", "::1"}:
    raise ImproperlyConfigured("DEBUG is only allowed with local ALLOWED_HOSTS (development).")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, so that the admin shows translated fields side by side.
    "modeltranslation",
    # The admin site itself asks accounts.permissions and requires two factors (accounts/admin_site.py).
    "accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "audit",
    "services",
    "referrals",
    "reports",
    "channels",
    # Every change to a listing, with who, when and from what source (services/translation.py).
    "simple_history",
]

MIDDLEWARE = [
    # First, so that every log line and audit event of the request carries its id.
    "audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL character in a parameter is a 400 in the visitor's language, never a server error.
    "config.input_guard.RejectUnstorableInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in member without a verified second factor can only enrol or enter one; staff
    # responses are never cached.
    "accounts.middleware.StaffAccessMiddleware",
    # Lets listing history record which staff member made a change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": {
        **database_from_url(env_str("DATABASE_URL", "postgis://enlace@127.0.0.1:5432/enlace")),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5)},
        "TEST": {"NAME": env_str("TEST_DATABASE_NAME", "") or None},
    }
}
# Two roles (audit/roles.py): DATABASE_URL's, the application's, is no superuser and owns nothing;
# DATABASE_OWNER_URL's owns the schema and is used by `migrate` alone.
DATABASE_OWNER_URL = env_secret("DATABASE_OWNER_URL")
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
DATABASE_APP_PASSWORD = DATABASES["default"]["PASSWORD"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # Fails soft: a Redis outage must not take down public pages or referral creation.
        "BACKEND": "config.cache.FailSoftRedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": "enlace",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# Public search results (service ids, distances, totals; never the words or the place) are shared
# through this cache for this many seconds (services/search/cache.py); 0 turns it off.
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 120)
# Counts the result cache's hits and misses in Redis (for `make bench`'s hit ratio).
SEARCH_CACHE_STATS = env_bool("SEARCH_CACHE_STATS", False)
# A search's statements may run this long (milliseconds) before it is answered "too broad"
# (services/search/query.py, `bounded`); 0 sets no limit.
SEARCH_STATEMENT_TIMEOUT_MS = env_int("SEARCH_STATEMENT_TIMEOUT_MS", 1500)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sign-in (accounts/): password, then a second factor (TOTP or a one-time backup code).
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 120) * 60
INVITATION_VALID_HOURS = env_int("INVITATION_VALID_HOURS", 72)
# Staff API bearer tokens (accounts.api.authentication) live this long after issue.
API_TOKEN_VALID_DAYS = env_int("API_TOKEN_VALID_DAYS", 30)
OTP_TOTP_ISSUER = "Enlace"
# django-axes counts failures per (username, address) pair, and the same way whether or not the
# account exists, so a lockout says nothing about existence; it keeps an HMAC of the typed name
# (never the name itself: people type passwords into the username field) and the client address
# of failed staff sign-ins until the cool-off ends. No log of successful sign-ins: audit/ has it.
# Failed sign-ins in the audit log (accounts/signin_noise.py): one by one for the first few of an
# address per hour, then counts; at most this many such events an hour, then only the total.
SIGNIN_FAILURES_AUDITED_PER_ADDRESS = env_int("SIGNIN_FAILURES_AUDITED_PER_ADDRESS", 5)
SIGNIN_FAILURE_EVENTS_PER_HOUR = env_int("SIGNIN_FAILURE_EVENTS_PER_HOUR", 200)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.lockout.username_digest"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# How many proxies of ours stand in front of the app. With N, the client's address is the Nth
# X-Forwarded-For entry from the right (the one our outermost proxy added); anything left of it
# was written by the client. 0 (the default, a direct deployment) ignores the header: a client
# that reaches the app directly could otherwise name a new address on every try.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Languages: the interface and the directory content speak Spanish (default), English,
# Brazilian Portuguese (code `pt`, the same code as the content columns), French and Haitian
# Creole. The URL carries the language, never a cookie, so that anonymous visitors get no cookie
# at all. Django has no LANG_INFO for Haitian Creole: config/languages.py adds it.
install_language_info()
LANGUAGE_CODE = "es"
LANGUAGES = [(code, _(name)) for code, name in INTERFACE_LANGUAGES]
# Brazilian formats for `pt`, and formats for `ht`, which Django lacks.
FORMAT_MODULE_PATH = ["config.formats"]
CONTENT_LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in CONTENT_LANGUAGES)
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
# Our own fallback (Translated.localized) follows each record's original language.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es", "en")
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env_str("STATIC_ROOT", ".local/static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security. Defaults are production's; development turns the HTTPS-only ones off in .env.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", True) else None
)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": other sites get no referrer at all, and our own forms carry our origin, which
# Django's CSRF check requires; under "no-referrer" browsers send `Origin: null` and every POST
# is refused.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
# Gone when the browser closes, like the session: a shared device keeps no year-long sign that
# someone used the staff sign-in (Django's default keeps it 52 weeks).
CSRF_COOKIE_AGE = None
# A refused form explains itself in the visitor's language (Django's page is English, for developers).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SESSION_COOKIE_NAME = "enlace_session"
X_FRAME_OPTIONS = "DENY"
# Staff sessions end after this much idle time; every request renews the clock.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Referral handoffs: the master key wraps each handoff's data key; it never enters the database.
# HANDOFF_MASTER_KEYS ("id:base64,id:base64", the current key first) holds the retired keys too,
# for `manage.py rotate_handoff_key`; without it HANDOFF_MASTER_KEY is the current key, under the
# id HANDOFF_MASTER_KEY_ID. Outside DEBUG the server refuses to start without a usable key.
HANDOFF_MASTER_KEYS = env_secret("HANDOFF_MASTER_KEYS")
HANDOFF_MASTER_KEY = env_secret("HANDOFF_MASTER_KEY")
HANDOFF_MASTER_KEY_ID = env_str("HANDOFF_MASTER_KEY_ID", "v1")
# Days a finished referral's handoff is kept before it is shredded (0 = at once; at most 7).
HANDOFF_PURGE_GRACE_DAYS = min(env_int("HANDOFF_PURGE_GRACE_DAYS", 0), 7)
REFERRAL_REMINDER_HOURS = env_int("REFERRAL_REMINDER_HOURS", 48)
REFERRAL_EXPIRY_DAYS = env_int("REFERRAL_EXPIRY_DAYS", 7)
# Days the client's consent lasts from when it is recorded (renewing it records a new one).
CONSENT_VALID_DAYS = env_int("CONSENT_VALID_DAYS", 37)
# Accepted or connected referrals nobody closes are closed as "no outcome recorded" after this.
REFERRAL_MAX_OPEN_DAYS = env_int("REFERRAL_MAX_OPEN_DAYS", 90)
# Referral metadata older than this is reduced to aggregate counts.
REFERRAL_RETENTION_MONTHS = env_int("REFERRAL_RETENTION_MONTHS", 24)
# Reports never publish a count from 1 to REPORT_MIN_CELL - 1 (nor one that would reveal such a
# count); reports.suppression refuses anything below 3 whatever this says.
REPORT_MIN_CELL = env_int("REPORT_MIN_CELL", 5)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Enlace <no-reply@localhost>")
# A mail server that hangs must not hold a worker for ever (Django's default is no timeout).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# How long a worker's claim on a notification lasts before the sweep may retry it (a worker that
# died mid-send). Longer than a send can take: connect and data each wait up to EMAIL_TIMEOUT.
NOTIFICATION_LEASE_SECONDS = max(env_int("NOTIFICATION_LEASE_SECONDS", 300), 1)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Error e-mails would carry request data; errors go to the log (which is scrubbed) instead.
ADMINS: list[tuple[str, str]] = []

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.GuardedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The staff API: a bearer token issued to a two-factor session, or that session itself.
    # The public API names none (no cookie, no credentials).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The public HSDS API (services/api/): its OpenAPI description and docs page serve their assets
# from here (sidecar), browsers elsewhere may GET it (CORS on /api/v1/ only, no credentials), and
# anonymous clients are limited per address (the counters live in the fail-soft cache).
INSTALLED_APPS += ["corsheaders", "drf_spectacular", "drf_spectacular_sidecar"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
# The staff API under /api/v1/staff/ stays same-origin.
CORS_URLS_REGEX = r"^/api/v1/(?!staff/).*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After", "Content-Language")
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "120/minute")
# How many of our own proxies stand before the app (they alone may say who the client is).
API_TRUSTED_PROXIES = env_int("API_TRUSTED_PROXIES", TRUSTED_PROXIES)
SPECTACULAR_SETTINGS = {
    "TITLE": "Enlace HSDS API",
    "DESCRIPTION": (
        "Open Referral HSDS 3.0 read API of the Enlace directory, with documented extensions "
        "(services/hsds/EXTENSIONS.md). Confidential shelters are shown by area only."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would otherwise send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
}
# Search by text message (channels/). Twilio signs each webhook with the account's auth token;
# RapidPro/TextIt sends the shared secret in X-Enlace-Secret. Unset, the endpoint answers 404.
TWILIO_AUTH_TOKEN = env_secret("TWILIO_AUTH_TOKEN")
RAPIDPRO_WEBHOOK_SECRET = env_secret("RAPIDPRO_WEBHOOK_SECRET")
# Messages one phone may send in the window before a single "wait" notice and then silence
# (each answer costs the NGO); kept under a keyed hash of the number, never the number.
CHANNEL_MESSAGES_PER_WINDOW = env_int("CHANNEL_MESSAGES_PER_WINDOW", 10)
CHANNEL_WINDOW_SECONDS = env_int("CHANNEL_WINDOW_SECONDS", 600)
# How long "MAS" can page and a gateway's message id is remembered (30 minutes at most).
CHANNEL_MEMORY_SECONDS = min(env_int("CHANNEL_MEMORY_SECONDS", 1800), 1800)
# Duplicate listings (services/listings/duplicates.py): pairs scoring at least this are queued for a
# steward; only pairs at or above the auto-merge score (unset: never) merge without one.
DUPLICATES_MIN_SCORE = float(env_str("DUPLICATES_MIN_SCORE", "0.75"))
DUPLICATES_AUTO_MERGE_SCORE = float(env_str("DUPLICATES_AUTO_MERGE_SCORE", "0")) or None
# Ageing of listings (services/querysets.py): a public warning and a lower rank past the first,
# out of public search (never deleted) past the second, until verified again.
DIRECTORY_VERIFY_WARN_DAYS = env_int("DIRECTORY_VERIFY_WARN_DAYS", 183)
DIRECTORY_PUBLIC_STALE_DAYS = env_int("DIRECTORY_PUBLIC_STALE_DAYS", 365)
# Anonymous problem reports (services/public/reports.py), per hour.
REPORTS_PER_ADDRESS_PER_HOUR = env_int("REPORTS_PER_ADDRESS_PER_HOUR", 5)
REPORTS_PER_LISTING_PER_HOUR = env_int("REPORTS_PER_LISTING_PER_HOUR", 20)
REPORTS_PER_HOUR = env_int("REPORTS_PER_HOUR", 300)
AUDIT_ANCHOR_DIR = Path(env_str("AUDIT_ANCHOR_DIR", str(BASE_DIR / ".local" / "audit-anchors")))
# Where admin uploads for HSDS imports wait for the worker (shared by web and worker).
HSDS_IMPORT_DIR = Path(env_str("HSDS_IMPORT_DIR", str(BASE_DIR / ".local" / "imports")))

# Celery: JSON only (no pickle), tasks acknowledged after they finish and requeued when a worker
# dies mid-task, so that nothing is lost; tasks take ids only and are idempotent.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# kombu's Redis transport, with a channel closed after its connection was collected failing as a
# connection error the worker handles, not an AttributeError that stops it (config/broker.py).
CELERY_BROKER_TRANSPORT = "config.broker:Transport"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = env_str(
    "CELERY_BEAT_SCHEDULE_FILENAME", ".local/celerybeat-schedule"
)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "purge-expired-sessions": {"task": "accounts.tasks.purge_expired_sessions", "schedule": 3600.0},
    "deliver-notifications": {
        "task": "referrals.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    "purge-due-handoffs": {"task": "referrals.tasks.purge_due_handoffs", "schedule": 300.0},
    "expire-unanswered-referrals": {
        "task": "referrals.tasks.expire_unanswered_referrals",
        "schedule": 900.0,
    },
    # Within the hour of a consent's expiry its handoff is shredded and both sides are told;
    # reads refuse an expired consent before that anyway.
    "act-on-expired-consents": {
        "task": "referrals.tasks.act_on_expired_consents",
        "schedule": 900.0,
    },
    "close-stale-referrals": {"task": "referrals.tasks.close_stale_referrals", "schedule": 3600.0},
    "remind-unanswered-referrals": {
        "task": "referrals.tasks.remind_unanswered_referrals",
        "schedule": 900.0,
    },
    "reduce-old-referrals": {"task": "referrals.tasks.reduce_old_referrals", "schedule": 86400.0},
    # The audit chain's head, appended hourly to AUDIT_ANCHOR_DIR outside the database.
    "anchor-audit-head": {"task": "audit.tasks.anchor_audit_head", "schedule": 3600.0},
    # Monday 07:00 UTC: each organisation admin's listings due for verification (one per week).
    "verification-reminders": {
        "task": "services.tasks.send_verification_reminders",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

# sensitive_variables / sensitive_post_parameters hold under DEBUG too (see config.errors).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.errors.SafeEvenInDebugFilter"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub": {"()": "config.logging.ScrubRequestDetails"},
        "request_id": {"()": "audit.request_id.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["scrub", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Debian 12 ships GDAL 3.6, which cannot block file and network access while parsing spatial
# references. Enlace never hands user input to GDAL as a spatial reference or a file: points are
# built from two validated floats and geometries come from our own data files.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
