"""Settings shared by every mode. Everything that differs between machines comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A missing SECRET_KEY stops start-up unless DEBUG is on: production never runs on a default secret.
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="insecure-local-development-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "parkparty.operator_admin.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "simple_history",
    "axes",
    "csp",
    "parkparty",
    "organizations",
    "enterprises",
    "accounts",
    "meetings",
    "activities",
    "reports",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # An answer that shows unmasked ID numbers or phones is not stored (parkparty.privacy).
    "parkparty.privacy.NoStoreMiddleware",
    # The Content-Security-Policy below on every answer (django-csp).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # No ID-card number or phone in a URL (parkparty.privacy); after the locale, so its 400 is translated.
    "parkparty.privacy.PersonalDataInQueryMiddleware",
    # A login with a temporary password goes to the password change first (accounts.middleware).
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A page form's POST sent twice does its work once (after CSRF, authentication and messages).
    "parkparty.once.SubmissionTokenMiddleware",
    # A view that waited out SQLite's busy timeout answers 503 with Retry-After, not 500 (parkparty.errors).
    "parkparty.errors.DatabaseBusyMiddleware",
    # Last, as django-axes asks: it must see the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# Scripts and styles come from our own static files only: no inline script, style attribute or <style>
# (a nonce where a vendored page needs one). The API docs page widens it for itself (parkparty/api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "parkparty.urls"
WSGI_APPLICATION = "parkparty.wsgi.application"

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
                "parkparty.context_processors.access",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'parkparty.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compiles the coverage aggregates anew on every request and costs more than it saves there
    # (measured: 321 ms with JIT, 104 ms without, for all 20 parks of the bench county).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under parallel writers (`make run` serves each request in a thread). SQLite
    # allows one writer at a time; a deferred transaction that read first and then writes cannot wait
    # for the lock (it would deadlock) and fails with "database is locked" at once. IMMEDIATE takes
    # the write lock at BEGIN, where waiting is safe, so every atomic() block waits its turn up to the
    # busy timeout. WAL lets readers run beside the writer; NORMAL syncs at checkpoints only (still
    # durable against a crash of the portal, as WAL keeps each commit whole). See docs/architecture.md.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # django-axes first so a locked-out user is refused before any password check.
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
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

# Login lockouts (accounts/lockout.py; docs/operations.md): AXES_FAILURE_LIMIT failures on one account,
# from any address, or AXES_IP_FAILURE_LIMIT failures from one address across accounts (0: no address
# limit), within AXES_COOLOFF_TIME hours, lock signing in for that time. The address limit is higher so
# that a park office behind one NAT is not locked out by a few typos. A success does not clear the
# counts: it would clear the address's count for every account. A park admin's password reset unlocks.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_HOURS", default=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_HANDLER = "accounts.lockout.TwoLimitsHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Behind reverse proxies every request comes from the proxy: count the proxies we run (see client_ip).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "parkparty.client_ip.client_ip"
# The security log (parkparty.security) keeps its events this many days: the Cybersecurity Law
# (网络安全法, art. 21) asks network logs be kept no less than six months. Pruned monthly (below).
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=185)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# An API token stops working this many days after it was made (0: never); a password change, a password
# reset and a deactivation revoke it (accounts.services.revoke_tokens).
TOKEN_TTL_DAYS = env.int("TOKEN_TTL_DAYS", default=90)
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous API call a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "parkparty.drf.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["parkparty.drf.ScopedAccess"],
    "DEFAULT_FILTER_BACKENDS": [
        "parkparty.filters.ScopedFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "parkparty.drf.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "parkparty.schema.ParkpartyAutoSchema",
    "EXCEPTION_HANDLER": "parkparty.drf.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_RATE", default="6000/hour")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Park party-building portal API",
    "DESCRIPTION": "Ledger and statistics of park party organizations. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Separate request and response components: required strings then carry minLength 1, and
    # read-only fields stay out of request bodies.
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "organizations.models.Organization.Kind",
        "MeetingKindEnum": "meetings.models.MeetingKind",
        "JointBodyKindEnum": "meetings.models.JointBody.Kind",
        "SubsidyKindEnum": "organizations.models.SubsidyKind",
        "HonorKindEnum": "organizations.models.Honor.Kind",
        "CriterionSourceEnum": "organizations.models.Criterion.Source",
        "ReportKindEnum": "reports.models.ReportKind",
        "ReportStatusEnum": "reports.models.Report.Status",
        "GrantRoleEnum": "parkparty.models.Role",
        "AccountRoleEnum": "accounts.services.AccountRole",
    },
}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
# No broker configured: run tasks in-process so the embedded default works end to end.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# An unacknowledged task goes back to the queue after this long (a worker that died without a word):
# longer than any task runs. Redis' default is an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}

# The whole schedule, in the portal's time zone (CELERY_TIMEZONE): snapshots just after midnight on the
# 1st, then each park's report of the period that closed, then the security log's prune.
# `celery -A parkparty beat` runs it.
CELERY_BEAT_SCHEDULE = {
    # Security events older than SECURITY_LOG_RETENTION_DAYS go at 03:00 on the 1st.
    "security-log-prune": {
        "task": "parkparty.tasks.prune_security_log",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    # 03:00 on the 1st: the page forms' one-time tokens and the API's idempotency keys past their day.
    # Each write prunes its own user's anyway; this catches those of users who stopped writing.
    "prune-write-records": {
        "task": "parkparty.tasks.prune_write_records",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    "coverage-snapshots": {
        "task": "reports.tasks.take_coverage_snapshots",
        "schedule": crontab(minute=10, hour=0, day_of_month=1),
    },
    "monthly-reports": {
        "task": "reports.tasks.generate_due_reports",
        "schedule": crontab(minute=30, hour=0, day_of_month=1),
        "args": ("monthly",),
    },
    "quarterly-reports": {
        "task": "reports.tasks.generate_due_reports",
        "schedule": crontab(minute=0, hour=1, day_of_month=1, month_of_year="1,4,7,10"),
        "args": ("quarterly",),
    },
    "half-year-reports": {
        "task": "reports.tasks.generate_due_reports",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year="1,7"),
        "args": ("half_year",),
    },
    "annual-reports": {
        "task": "reports.tasks.generate_due_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year=1),
        "args": ("annual",),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" a handler of its own; without this every line shows twice.
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO"), "propagate": False},
        # django-axes announces itself at INFO on every start; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # Eager tasks (no REDIS_URL) would log every task they run into the page's request log and
        # load_demo's output; a worker logs them at INFO as usual.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
    },
}

# Demo logins are printed by load_demo; the password comes from the environment.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-pass-2024")

# Backups (`manage.py backup` / `restore`, docs/operations.md): where archives go unless told, and the
# directory of pg_dump and pg_restore when they are not on the PATH (e.g. /usr/lib/postgresql/15/bin).
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
PG_BIN = env("PG_BIN", default="")

# E-mail (docs/operations.md, "E-mail from the environment"): off unless EMAIL_HOST names an SMTP server
# (parkparty.mail.email_configured decides). Off, nothing leaves: DEBUG prints mails on the console,
# other modes drop them, and the password-reset page says the portal sends no e-mail.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)  # TLS from the first byte, usually on port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    # Django's SMTP backend refuses the pair only when the first mail is sent: stop at start-up instead.
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one of them.")
EMAIL_PORT = env.int("EMAIL_PORT", default=465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
# A password reset sends while its page waits: a server that does not answer must not hold it for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# With a server the sender has no default: most servers refuse Django's webmaster@localhost, and the
# mails would be lost in silence (a failed reset mail is only logged).
DEFAULT_FROM_EMAIL = (
    env("DEFAULT_FROM_EMAIL") if EMAIL_HOST else env("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
)
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
