"""Jiuye settings: one file, driven by environment variables.

JIUYE_ENV selects the profile:
- ``development`` (default): demo and tests. Missing keys are generated once into ``var/``.
- ``production``: every secret must come from the environment, or the process refuses to start.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JIUYE_VAR_DIR", BASE_DIR / "var"))

JIUYE_ENV = os.environ.get("JIUYE_ENV", "development")
if JIUYE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"JIUYE_ENV must be development or production, not {JIUYE_ENV!r}")
PRODUCTION = JIUYE_ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secrets() -> dict[str, str]:
    """Keys for demo and tests, generated on first use into var/secrets.json (mode 0600)."""
    path = VAR_DIR / "secrets.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JIUYE_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "JIUYE_AUDIT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    return values


def _secret(name: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in the environment in production")
    return _development_secrets()[name]


def _key_bytes(name: str) -> bytes:
    raw = _secret(name)
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes")
    return key


SECRET_KEY = _secret("SECRET_KEY")
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production")
# AES-256-GCM key for personal data fields and the HMAC key chaining the audit log.
JIUYE_FIELD_KEY = _key_bytes("JIUYE_FIELD_KEY")
JIUYE_AUDIT_KEY = _key_bytes("JIUYE_AUDIT_KEY")

DEBUG = _env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

_hosts = os.environ.get("ALLOWED_HOSTS", "")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # The project's apps, in layers: each may use only the apps listed before it (a test holds
    # it). Core; the import and export pipelines the domain apps plug their kinds into; the region
    # tree and the accounts it scopes; the statistics the domain apps register with; the domain
    # apps; the report, which reads every figure. A new module goes among the domain apps.
    "jiuye.core",
    "jiuye.imports",
    "jiuye.exports",
    "jiuye.regions",
    "jiuye.accounts",
    "jiuye.indicators",
    "jiuye.registry",
    "jiuye.ledger",
    "jiuye.employers",
    "jiuye.jobs",
    "jiuye.programs",
    "jiuye.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jiuye.core.middleware.RequestIdMiddleware",
    "jiuye.core.middleware.NulGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiuye.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiuye.core.middleware.BusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "jiuye.core.context_processors.navigation",
            ],
        },
    }
]

# Database: DATABASE_URL, default the SQLite file under var/.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiuye.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN,
        # so two writers queue instead of failing on lock upgrade. synchronous=FULL: a commit
        # is on disk when acknowledged, power loss included (security bar B-6).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    # Covering indexes (INCLUDE columns) serve PostgreSQL's index-only scans; SQLite builds the
    # index on its key columns alone, which is all it can use, and would warn on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jiuye.accounts.passwords.RoleLengthValidator"},
    {"NAME": "jiuye.accounts.passwords.CharacterClassValidator"},
    {"NAME": "jiuye.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "jiuye.accounts.passwords.UserSimilarityValidator"},
]

# Sessions live on the server, so logout and disabling a user end them for good.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
JIUYE_IDLE_TIMEOUT = 30 * 60
JIUYE_ADMIN_IDLE_TIMEOUT = 15 * 60
JIUYE_ABSOLUTE_TIMEOUT = 12 * 60 * 60
JIUYE_LOCKOUT_FAILURES = 5
JIUYE_LOCKOUT_WINDOW = 15 * 60
JIUYE_LOCKOUT_DURATION = 30 * 60
JIUYE_IP_FAILURES = 20
JIUYE_IP_WINDOW = 10 * 60
# 等保 身份鉴别 a: passwords are changed periodically; 访问控制 c: dormant accounts are disabled.
# 0 turns either off.
JIUYE_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("JIUYE_PASSWORD_MAX_AGE_DAYS", "90"))
JIUYE_DORMANT_DAYS = int(os.environ.get("JIUYE_DORMANT_DAYS", "90"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
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

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200  # no unbounded lists (security bar P-3): a larger limit is a 422
JIUYE_SITE_NAME = _("就业服务信息平台")

# Roles that must pass a TOTP second factor at every login (等保 身份鉴别 d).
# D-5: revealing full ID numbers or phones — an audited alert above this many a user a day, and
# a hard daily limit.
JIUYE_REVEAL_ALERT_PER_DAY = int(os.environ.get("JIUYE_REVEAL_ALERT_PER_DAY", "100"))
JIUYE_REVEAL_DAILY_LIMIT = int(os.environ.get("JIUYE_REVEAL_DAILY_LIMIT", "300"))
# Anti-automation (security bar P-3): lists and searches of persons per user per minute, Excel
# exports of personal data per user per day (0 turns a limit off), and exports above this many
# rows need another officer's approval (D-10).
JIUYE_SEARCH_PER_MINUTE = int(os.environ.get("JIUYE_SEARCH_PER_MINUTE", "60"))
JIUYE_EXPORTS_PER_DAY = int(os.environ.get("JIUYE_EXPORTS_PER_DAY", "20"))
# The public job board, per client address and minute (a person browsing; not a scraper).
JIUYE_PUBLIC_PER_MINUTE = int(os.environ.get("JIUYE_PUBLIC_PER_MINUTE", "120"))
JIUYE_EXPORT_APPROVAL_ROWS = int(os.environ.get("JIUYE_EXPORT_APPROVAL_ROWS", "5000"))
# L-5: the retention purge (purge_audit) keeps audit events this many days, and those of
# approvals, disclosures and ledgers (apps register their actions) this many; the purge refuses
# less than 180 and 1096 days, and the database refuses to delete an event younger than 180 days.
JIUYE_AUDIT_RETENTION_DAYS = int(os.environ.get("JIUYE_AUDIT_RETENTION_DAYS", "180"))
JIUYE_AUDIT_LONG_RETENTION_DAYS = int(os.environ.get("JIUYE_AUDIT_LONG_RETENTION_DAYS", "1096"))

JIUYE_MFA_ROLES = [
    r.strip()
    for r in os.environ.get("JIUYE_MFA_ROLES", "system_admin,security_admin,audit_admin").split(",")
    if r.strip()
]
# Behind a reverse proxy that sets X-Forwarded-For, take the client address from it.
JIUYE_TRUST_X_FORWARDED_FOR = _env_bool("JIUYE_TRUST_X_FORWARDED_FOR", default=False)
LOGIN_URL_PATH = "/accounts/login/"
CSRF_FAILURE_VIEW = "jiuye.core.views.csrf_failure"

# Background tasks live in the application database; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": os.environ.get("JIUYE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
