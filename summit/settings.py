"""Summit settings: one module, every deploy-time value read from the environment.

Defaults run the demo on SQLite with no setup. With DEBUG off, secrets have no default
and the process refuses to start without them.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def required(name, value):
    """Fail fast: a production process must not start with a guessable secret."""
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off. Set {name} in the environment "
            f"(see README, Configuration), or set DEBUG=1 for a local demo."
        )
    return value


def strong(name, value):
    """Fail fast on a secret someone could guess: the rule of Django's check --deploy (W009)."""
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            f"{name} is too weak: use at least 50 characters, at least 5 of them different "
            f"(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(64))'; see README, Configuration)."
        )
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY") or ("insecure-demo-key-do-not-use-in-production" if DEBUG else "")
required("SECRET_KEY", SECRET_KEY)
if not DEBUG:
    strong("SECRET_KEY", SECRET_KEY)

# Badge codes are HMACs under their own secret, so rotating SECRET_KEY (sessions, links)
# never invalidates printed badges, and a leaked SECRET_KEY does not let anyone forge badges.
BADGE_SECRET = env("BADGE_SECRET") or ("insecure-demo-badge-secret" if DEBUG else "")
required("BADGE_SECRET", BADGE_SECRET)
if not DEBUG:
    strong("BADGE_SECRET", BADGE_SECRET)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

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
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "summit",
    "registrations",
    "workshops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "summit.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "summit.middleware.StaffIdleTimeoutMiddleware",
    "summit.middleware.SummitTimeZoneMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's database errors first: 503 + Retry-After during an outage.
    "summit.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "summit.urls"
WSGI_APPLICATION = "summit.wsgi.application"

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
                "summit.timezones.time_zone",
            ],
        },
    },
]

# Database: SQLite file in the project folder for a first run; PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores select_for_update; IMMEDIATE makes each transaction take the write
    # lock up front, so concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
elif env_bool("DB_PREPARED_STATEMENTS", False):
    # DB_PREPARED_STATEMENTS=1: parameters bound by PostgreSQL, and a statement run five times on
    # one connection kept prepared. Off by default: a 350-seat summit does not need it, and a
    # pooler in transaction mode cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every process (rate limits): Redis when REDIS_URL is set, else the database.
if env("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "summit_cache"}
    }

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Languages: English and Spanish. Stored times are UTC; each summit has its own timezone.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "summit_language"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    # Files appear whole or not at all: a full disk never leaves a partial PDF to download.
    "default": {"BACKEND": "summit.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Email: console by default, SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Without a timeout, a mail server that accepts the connection and never answers holds a
# task worker forever (emails are sent by the worker, after the registration is committed).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Summit <summit@localhost>")

# Stripe: with no key, paid ticket types are shown as unavailable and the demo still works.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE")

# Abuse limits. RATE_LIMITS=off for load tests; TRUSTED_PROXY_COUNT = how many reverse
# proxies in front of us append to X-Forwarded-For (0: use the socket address).
RATE_LIMITS = env("RATE_LIMITS", "on").lower() not in ("off", "0", "false", "no")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
RATELIMIT_ENABLE = RATE_LIMITS
# Emails that anyone can make Summit send to any address by posting a form (the confirmation or
# waitlist email of a registration, "already registered", "send me my link"): at most this many
# an hour to one address, and from one summit (a 350-person summit seldom sees 100 registrations
# in its busiest hour). Past a limit the registration is kept and the email is skipped and logged;
# the private link can be asked for again later. "Already registered" goes to an address once an
# hour at most.
REGISTRATION_EMAILS_PER_ADDRESS = env_int("REGISTRATION_EMAILS_PER_ADDRESS", 5)
REGISTRATION_EMAILS_PER_SUMMIT = env_int("REGISTRATION_EMAILS_PER_SUMMIT", 300)
ALREADY_REGISTERED_EMAILS_PER_ADDRESS = 1

# Background work: run inline for the demo and tests; a database-backed worker in production.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if env("TASKS_BACKEND") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["summit.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "summit.pagination.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "summit.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Summit API",
    "DESCRIPTION": "Registration, payments, planning groups, badges, check-in and recommendations "
    "for a community summit. Staff endpoints take `Authorization: Token <token>`; errors are JSON "
    "with a stable `code`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AttendeeLanguageEnum": "summit.models.Language",
        "GroupLanguageEnum": "summit.models.PlanningGroup.GroupLanguage",
        "SectorEnum": "summit.models.Sector",
    },
}

# Request size: a registration is a few kilobytes; refuse anything far larger early.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

# Security headers; the production values are documented in the README.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Plain HTTP is redirected to HTTPS (the health check excepted: a load balancer may probe it over
# HTTP). Behind the proxy (TRUSTED_PROXY_COUNT > 0), its X-Forwarded-Proto tells us the scheme;
# the proxy must set that header, not pass on the client's. With no proxy the header is ignored,
# or a client could claim https over plain http and skip the redirect.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: 5 failed sign-ins for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "summit.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Staff sessions end after this many idle seconds (door devices signed in by a door link are
# exempt: they stay signed in until the summit ends or the link is revoked).
STAFF_IDLE_TIMEOUT = env_int("STAFF_IDLE_TIMEOUT", 2 * 3600)


# Content Security Policy: no inline script anywhere, nothing from other origins except the
# Stripe Checkout page that paid registrations are redirected to.
def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


CHECKOUT_ORIGINS = ["https://checkout.stripe.com"] + [o for o in [_origin(STRIPE_API_BASE)] if o]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # 'wasm-unsafe-eval' lets the door page's QR decoder (WebAssembly, our own static file) run;
        # it does not allow eval() or inline script.
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        # Inline style attributes only (Django's admin uses a few); never inline script.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *CHECKOUT_ORIGINS],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Private-link and door-link tokens never reach a log line (summit.logs).
    "filters": {"redact_tokens": {"()": "summit.logs.RedactTokensFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint logs every layout step at INFO; keep its warnings (refused URLs) only.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
