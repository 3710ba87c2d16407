"""The only settings module: every difference between installations is an environment value."""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("GIAMNGHEO_VAR_DIR", PROJECT_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    """A misspelt boolean fails at start-up instead of silently reading as False."""
    value = os.environ.get(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use 1/0, true/false, yes/no or on/off.")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envsecret(name: str) -> str:
    """`NAME`, or the contents of the file named by `NAME_FILE` (kept out of the environment)."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if value or not path:
        return value
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from None


DEBUG = envbool("DEBUG", "1")
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG=0: set SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-1"

# The key of the pseudonymous household ids in Parquet exports (`giamngheo export_parquet`):
# whoever holds it and the registry can link a pseudonym back to a household, so it stays on
# this server. Empty: a key derived from SECRET_KEY.
PSEUDONYM_KEY = envsecret("PSEUDONYM_KEY")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "giamngheo.geo",
    "giamngheo.accounts",
    "simple_history",
    "giamngheo.jobs",
    "giamngheo.households",
    "giamngheo.reviews",
    "giamngheo.programs",
    "giamngheo.support",
    "giamngheo.api",
    "giamngheo.reports",
    "giamngheo.notifications",
    "giamngheo.portal",
    "giamngheo.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "giamngheo.middleware.LanguageMiddleware",
    "giamngheo.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "giamngheo.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "giamngheo.middleware.DomainErrorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "giamngheo.urls"
WSGI_APPLICATION = "giamngheo.wsgi.application"

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

_default_db = f"sqlite:///{VAR_DIR / 'giamngheo.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", _default_db)
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured(
        f"DATABASE_URL={DATABASE_URL!r}: use sqlite:///path or postgresql://user@host/db."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while the job worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's hashers, the first the default, and one for generated temporary passwords
# (accounts/hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "giamngheo.accounts.hashers.TemporaryPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "giamngheo.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploads, stored documents and job outputs: never under a URL the web server maps; served only by
# views that check the reader's unit (see docs/security.md). Backups archive this folder whole.
PRIVATE_ROOT = Path(os.environ.get("GIAMNGHEO_PRIVATE_ROOT", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_ROOT

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Offices share computers: a session ends with the browser, and after 8 hours without a request.
SESSION_ENGINE = "giamngheo.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", str(8 * 60 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0")
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips the client's): otherwise
# anyone could claim HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("SECURE_PROXY_SSL_HEADER", "0") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: pages read their data from json_script / data- attributes.
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

# `giamngheo serve` (gunicorn); each value can also be given on the command line.
WEB_HOST = os.environ.get("WEB_HOST", "127.0.0.1")
WEB_PORT = envint("WEB_PORT", "8000")
WEB_WORKERS = envint("WEB_WORKERS", "0") or min(2 * (os.cpu_count() or 1) + 1, 8)
WEB_THREADS = envint("WEB_THREADS", "4")
WEB_KEEPALIVE_SECONDS = envint("WEB_KEEPALIVE_SECONDS", "15")
WEB_TIMEOUT_SECONDS = envint("WEB_TIMEOUT_SECONDS", "120")

# Job workers say they are alive every few seconds; a running job whose worker is gone (its process
# on this machine, or its heartbeat older than the limit on another) is marked abandoned when a
# worker starts.
JOB_HEARTBEAT_SECONDS = envint("JOB_HEARTBEAT_SECONDS", "5")
JOB_WORKER_STALE_SECONDS = envint("JOB_WORKER_STALE_SECONDS", "60")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# E-mail (reminders and notifications). With EMAIL_HOST set, SMTP; without, the console backend
# (the demo and development print each e-mail). EMAIL_BACKEND overrides either.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "1")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "0")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL: set one of them, not both.")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "giamngheo@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as its users reach it, for the links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# REST API and field collection (ODK Collect over OpenRosa).
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", str(5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Multipart bodies (file uploads: import workbooks, evidence) may be larger than a form or JSON;
# each upload form still applies its own, smaller limit to the file it takes.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", str(200 * 1024 * 1024))
API_MAX_JSON_DEPTH = envint("API_MAX_JSON_DEPTH", "32")
OPENROSA_MAX_SUBMISSION_BYTES = envint("OPENROSA_MAX_SUBMISSION_BYTES", str(20 * 1024 * 1024))
OPENROSA_REALM = os.environ.get("OPENROSA_REALM", "GiamNgheo")

# Shared by every process: login throttle counters, OpenRosa nonce counts. The database cache needs
# no other service (its table is created by a migration); Redis when CACHE_URL=redis://host:port/db.
CACHE_TABLE = "giamngheo_cache"


def cache_config(url: str) -> dict:
    """The CACHES entry for CACHE_URL; a malformed URL fails at start-up, not at the first login."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Django's default of 300 entries would cull live throttle counters.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        parts = parts._replace(scheme="")
    if (parts.scheme in ("redis", "rediss") and parts.hostname) or (
        parts.scheme == "unix" and parts.path
    ):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "giamngheo",
        }
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r}: leave it empty for the database cache, or use redis://host:6379/0."
    )


CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "").strip())}
THROTTLE_CACHE = "default"

# Login throttle (giamngheo/accounts/throttle.py explains the three counters).
LOGIN_FAILURE_WINDOW = envint("LOGIN_FAILURE_WINDOW", "900")
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", "900")
LOGIN_FAILURES_PER_PAIR = envint("LOGIN_FAILURES_PER_PAIR", "5")
LOGIN_FAILURES_PER_ADDRESS = envint("LOGIN_FAILURES_PER_ADDRESS", "100")
LOGIN_SLOWDOWN_AFTER = envint("LOGIN_SLOWDOWN_AFTER", "10")
LOGIN_SLOWDOWN_MAX_SECONDS = envint("LOGIN_SLOWDOWN_MAX_SECONDS", "30")
LOGIN_KNOWN_PAIR_DAYS = envint("LOGIN_KNOWN_PAIR_DAYS", "30")


def envnetworks(name: str, default: str) -> list[str]:
    values = envlist(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an address or network (e.g. 10.0.0.5 or 10.0.0.0/24)."
            ) from None
    return values


# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs); empty: none.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")
