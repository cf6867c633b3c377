"""Settings for the integration grant portal.

Everything that differs between a developer's laptop and production comes from the
environment (twelve-factor), so several stateless app servers can run behind a load
balancer with the same image. See docs/deployment.md for every variable.
"""

import os
import re
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG")

# Without SECRET_KEY management commands (check, makemigrations, migrate) still run with a
# development key; serving requests does not (portal/wsgi.py), and `check --deploy` flags it.
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))
SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-development-key-never-use-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A failed CSRF check gets a page in the portal's layout and language (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "portal.error_views.csrf_failure"

INSTALLED_APPS = [
    "portal",
    "policies",
    "grants",
    "indicators",
    "transfer",
    "web",
    "identity",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # SearchVectorField (the search document); harmless on SQLite
    "django_filters",
    "django_otp",
    "portal.apps.OtpTotpConfig",
    "portal.apps.OtpStaticConfig",
    "portal.apps.AxesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "portal.apps.TasksDatabaseConfig",
    "worker",
    "rest_framework",  # the read API, /api/v1/
    "drf_spectacular",  # its OpenAPI document
    "drf_spectacular_sidecar",  # Swagger UI from our own static files (the CSP allows no CDN)
]
# The demo and scale generators (the `demo` app) are development and benchmark tools: installed
# when DEBUG or DEV_TOOLS is on (and in the tests and bench/ settings), never in production.
DEV_TOOLS = env_bool("DEV_TOOLS", DEBUG)
if DEV_TOOLS:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PolicyHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Outside the page cache's early answer, so a stored page gets the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChosenLanguageMiddleware",
    # A stored public page for a visitor without a session, before the rest is asked.
    "portal.public_cache.PublicPageHitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionEndedNoticeMiddleware",
    # After the session and user are known, so its 400 page shows the portal's own layout.
    "portal.middleware.RejectNullCharactersMiddleware",
    "portal.middleware.MethodNotAllowedPageMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "portal.middleware.RequireStaffTwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.csp",
                "portal.site.context",
            ],
        },
    },
]

# PostgreSQL in production (DATABASE_URL=postgres://…, psycopg 3); an SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A ceiling on any one SQL statement (milliseconds), for the web servers: a query that
# cannot finish in time ends as a handled error instead of a worker killed by gunicorn's
# timeout. Set it below that timeout (docs/deployment.md); 0 (the default) means none, which
# management commands such as migrate need.
STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and STATEMENT_TIMEOUT_MS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    )
# Prepared statements (PostgreSQL): psycopg sends a query's parameters apart from its text
# (server-side binding) and prepares a statement its connection has run
# DATABASE_PREPARE_THRESHOLD times (5, psycopg's and pgJDBC's default), so PostgreSQL parses
# and plans a page's queries once per connection, not on every request: planning was 3 of
# the caseworker dashboard's 24 ms (issue #17). "off" turns them off, for a pooler that
# cannot keep them (PgBouncer in transaction mode before 1.21 or without
# max_prepared_statements; docs/deployment.md); 0 prepares a query at its first run.
PREPARE_THRESHOLD = (os.environ.get("DATABASE_PREPARE_THRESHOLD") or "5").strip().lower()
PREPARED_STATEMENTS = PREPARE_THRESHOLD not in {"off", "none"}
if PREPARED_STATEMENTS and not re.fullmatch(r"[0-9]+", PREPARE_THRESHOLD):
    raise ImproperlyConfigured(
        f"DATABASE_PREPARE_THRESHOLD must be a whole number or 'off', not {PREPARE_THRESHOLD!r}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PREPARED_STATEMENTS:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=int(PREPARE_THRESHOLD)
    )
# How long an action waits for another one holding a pool's row lock (PostgreSQL) before the
# user is told to try again; 0 waits for as long as the statement timeout allows.
POOL_LOCK_TIMEOUT_MS = env_int("POOL_LOCK_TIMEOUT_MS", 5000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE: concurrent writers queue instead of failing mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses logins for a user/IP locked out after failed attempts.
    "axes.backends.AxesStandaloneBackend",
    # Passwords: everyone while LOCAL_PASSWORD_LOGIN is on, only superusers when it is off.
    "portal.backends.LocalPasswordBackend",
    # Sessions of people signed in through their municipality's identity provider.
    "portal.backends.ProviderSessionBackend",
    # Sessions of organisations' people signed in by an e-mail link (development and demo).
    "portal.backends.EmailLinkSessionBackend",
]
# Local user names and passwords: on in development and demo; off in production once the
# municipalities sign in through their identity providers, leaving superusers a break-glass
# login (docs/identity.md).
LOCAL_PASSWORD_LOGIN = env_bool("LOCAL_PASSWORD_LOGIN", True)
# A directory of files named after the providers' client secrets (a mounted secret store);
# the environment variable of the same name is read first (identity.oidc.client_secret).
OIDC_SECRETS_DIR = os.environ.get("OIDC_SECRETS_DIR", "")
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# Wrong passwords for one user name from all addresses together within the cool-off before
# password sign-in for it pauses everywhere (portal/lockouts.py; docs/security.md).
PASSWORD_ACCOUNT_FAILURE_LIMIT = env_int("PASSWORD_ACCOUNT_FAILURE_LIMIT", 20)
# Lock a user name from one client address, never a user name for everyone: anyone could
# otherwise lock any staff account by typing five wrong passwords (docs/security.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout do not start the wait over: the person who tries their right
# password early, or someone at the same address, cannot keep it locked (attack round 12).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Our page says until when, and links back (fresh eyes round 12: a dead end).
AXES_LOCKOUT_CALLABLE = "portal.lockouts.lockout_response"
# The attempt list's request data: the form token is no use to support either.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
# Successful sign-ins are in the portal's own sign-in log (identity.SignInEvent), which keeps
# no address; django-axes' access log stored each e-mail link's address, token included.
AXES_DISABLE_ACCESS_LOG = True
# The client's address behind the proxies (portal/client_ip.py): how many proxies of our own
# append to X-Forwarded-For. 0: the connecting address is the client, X-Forwarded-For is
# ignored. Behind the deployment guide's nginx: 1. (PROXY_COUNT is the setting's old name.)
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT",
    env_int("PROXY_COUNT", 1) if env_bool("BEHIND_PROXY", not DEBUG) else 0,
)
# X-Forwarded-For is believed only on connections from these networks (the proxies' own):
# a client that reaches an app server directly from outside cannot make up its address.
TRUSTED_PROXY_NETWORKS = env_list(
    "TRUSTED_PROXY_NETWORKS",
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
)
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "portal.backends.lockout_username"

# Two-factor login (TOTP app + backup codes) for committee staff and administrators.
REQUIRE_STAFF_2FA = env_bool("REQUIRE_STAFF_2FA", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Integrationsportalen")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Danish first; the chosen language is remembered in a cookie, never in the URL, so the
# public addresses stay stable (DESIGN.md, "Stable addresses").
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per kind and language (portal/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Attachments are private: stored outside the static/public tree and only ever
        # streamed through a view that checks permissions.
        "OPTIONS": {"location": os.environ.get("MEDIA_ROOT", str(BASE_DIR / "private_media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1000 * 1000)
# A Word or Excel file is a zip container: what it may fill when opened (grants.services.
# attachments); real documents of 10 MB are far below, a "zip bomb" far above.
ATTACHMENT_MAX_UNPACKED_BYTES = env_int("ATTACHMENT_MAX_UNPACKED_BYTES", 200 * 1000 * 1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1000 * 1000

# Shared cache for several app servers: REDIS_URL=redis://…; local memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's, reusing its client object (portal/redis_cache.py).
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each worker's own copy of recently served public pages, in front of the shared cache: a hit
# then fetches only the shared data version (a few bytes) from Redis, not the page. A copy is
# used only while its version is current, so invalidation still reaches every worker at once.
CACHES["public_pages_local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "public-pages",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# Public pages are cached for anonymous visitors and invalidated on every data change.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 300)
# How long a browser, proxy or CDN may keep an anonymous public page without asking again
# (portal.public_cache; 0: no HTTP caching headers). After that it revalidates with its ETag
# and gets a 304 while the data are unchanged.
PUBLIC_HTTP_MAX_AGE = env_int("PUBLIC_HTTP_MAX_AGE", 60)

# Sessions live in the database so any app server can serve any request; with the shared
# cache (REDIS_URL) they are read from it first and written to both, which spares every
# signed-in request a query (issue #17). Never a worker's own memory: a sign-out in one
# worker would not end the session another worker still holds.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("REDIS_URL")
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

# Behind a TLS-terminating proxy (docs/deployment.md).
if env_bool("BEHIND_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (Django 6): only our own scripts, each with the request's nonce;
# no inline script or style; nothing from other sites; no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

# E-mail (Django 6.1 MAILERS): the console in development, SMTP from the environment in
# production. Mail is only sent after the database transaction commits.
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# The background worker (Django's Tasks framework): tasks are rows in the database, run by
# `manage.py run_worker` (one or more processes beside the app servers, docs/deployment.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Days a sent (or failed) e-mail stays on record before it is deleted (it holds addresses).
MAIL_RECORD_DAYS = env_int("MAIL_RECORD_DAYS", 90)

# GDPR: contact persons of ended projects are anonymised after this many years
# (manage.py anonymise_contacts, run daily).
PERSONAL_DATA_RETENTION_YEARS = env_int("PERSONAL_DATA_RETENTION_YEARS", 5)

# The portal's public address, scheme and host only (https://integration.kommune.dk), for
# absolute links: open data, sitemap, canonical links, e-mails (portal/site.py). Unset, links
# take the address of the request; links made without one (e-mails, management commands)
# are then only paths.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "").strip().rstrip("/")
if PORTAL_BASE_URL and not re.fullmatch(r"https?://[^/?#\s]+", PORTAL_BASE_URL):
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL={PORTAL_BASE_URL!r}: give the scheme and host only, "
        "e.g. https://integration.kommune.dk (docs/deployment.md)."
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "integrationspulje@localhost")

# Open data (docs/deployment.md, "Open data"). GIVING_PREFIX: the publisher prefix 360Giving
# assigns (360G-…); grant ids and the fallback organisation ids start with it.
GIVING_PREFIX = os.environ.get("GIVING_PREFIX", "360G-integrationsportalen").strip()
if not re.fullmatch(r"360G-[A-Za-z0-9-]+", GIVING_PREFIX):
    raise ImproperlyConfigured(
        f"GIVING_PREFIX={GIVING_PREFIX!r}: 360Giving's prefixes look like 360G-name "
        "(letters, digits and hyphens; docs/deployment.md)."
    )
# Where generated open-data files (projekter.xlsx) are kept until the public data changes.
OPEN_DATA_FILES_DIR = os.environ.get(
    "OPEN_DATA_FILES_DIR", str(Path(tempfile.gettempdir()) / "integrationsportal-opendata")
)
# Who publishes the open data and answers questions about it, for the catalogue record.
OPEN_DATA_PUBLISHER = os.environ.get("OPEN_DATA_PUBLISHER", "Integrationsportalen").strip()
OPEN_DATA_CONTACT_EMAIL = os.environ.get("OPEN_DATA_CONTACT_EMAIL", DEFAULT_FROM_EMAIL).strip()
# The read API (/api/v1/): anonymous, read-only, rate-limited per client address in the
# shared cache (Redis with REDIS_URL), so the limit holds across app servers.
API_RATE = os.environ.get("API_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # The rate limit runs before the public cache, in web/api/limits.py, not in DRF.
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "web.api.schema.PublicAPISchema",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "web.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Integrationsportalen API",
    "DESCRIPTION": (
        "Læseadgang til de offentlige data: bevilgede projekter, puljer, politikker og mål, "
        "indikatorer og målinger. Kun det, der også står på portalens offentlige sider."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation's headings: each list's path word, with a line saying what it holds
    # (without them the entry point sat under Swagger's "default").
    "TAGS": [
        {"name": "indgang", "description": _("Hvor listerne og dokumentationen er.")},
        {"name": "projekter", "description": _("Bevilgede projekter med beløb pr. år og mål.")},
        {"name": "puljer", "description": _("Puljerne pr. år med budget, bevilget og reserveret.")},
        {"name": "politikker", "description": _("Politikker og deres mål.")},
        {"name": "indikatorer", "description": _("Indikatorer og deres målinger.")},
    ],
    # Its deploy check only repeats schema-generation hints (a filter whose type it cannot
    # guess); the contract tests check the document against the answers instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# django-filter: an empty choice reads "Alle", never "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("Alle")

# Django's form renderer, with every <select> written in Python (portal/widgets.py, #17).
FORM_RENDERER = "portal.widgets.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Ordinary 403s and other client errors: one line, no traceback (portal/log_filters.py).
    "filters": {"no_client_tracebacks": {"()": "portal.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_client_tracebacks"]}
    },
    "loggers": {
        "django.request": {"filters": ["no_client_tracebacks"]},
        # The worker's loop says "starting"/"no more tasks" every second: only its problems.
        # Each task's start and end are logged by django.tasks.
        "django_tasks_db": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
