"""OpenSpine settings: one file, driven by environment variables (``OPENSPINE_*``, ``DATABASE_URL``).

SQLite under ``var/`` is the default so that one can check out the project and run it with no
configuration. ``OPENSPINE_ENV=production`` refuses to start without a real secret key, allowed
hosts, PostgreSQL, a field key, an audit key and an explicit audit anchor directory, refuses a
superuser database role (see ``openspine.audit.dbrole``), and turns on the deployment hardening that
``check --deploy`` looks for.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENSPINE_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envsecret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


ENVIRONMENT = os.environ.get("OPENSPINE_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEV_SECRET_KEY = "openspine-development-key-not-for-production"  # noqa: S105 (dev only, refused below)

SECRET_KEY = envsecret("OPENSPINE_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = envbool("OPENSPINE_DEBUG", "false" if PRODUCTION else "true")
ALLOWED_HOSTS = [h for h in os.environ.get("OPENSPINE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
HOSPITAL_NAME = os.environ.get("OPENSPINE_HOSPITAL_NAME", "OpenSpine Demo Hospital")
SITE_URL = os.environ.get("OPENSPINE_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "openspine.core",
    "openspine.accounts",
    "openspine.audit",
    "openspine.patients",
    "openspine.surgery",
    "openspine.proms",
    "openspine.sci",
    "openspine.teaching",
    "openspine.imaging",
    "openspine.analytics",
    "openspine.research",
    "openspine.interop",
    "openspine.portal",
    "openspine.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openspine.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openspine.core.middleware.LoginRequiredMiddleware",
    "openspine.accounts.middleware.SessionTimeoutMiddleware",
    "openspine.accounts.middleware.MfaRequiredMiddleware",
    "openspine.audit.middleware.DatabaseActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "openspine.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "openspine.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "openspine.urls"
WSGI_APPLICATION = "openspine.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "openspine" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openspine.core.context_processors.site",
                "openspine.accounts.context_processors.capabilities",
                "openspine.accounts.context_processors.session",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'openspine.sqlite3'}",
        conn_max_age=envint("OPENSPINE_DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "static").mkdir(exist_ok=True)
    # Wait up to 20 s for another writer (run_periodic and a request overlapping), and take the
    # write lock when a transaction begins (BEGIN IMMEDIATE): a transaction that read first and then
    # wrote would otherwise fail at once with "database is locked" when another writer got in
    # between, since SQLite cannot make it wait without risking a deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the app's queries are short, and on the quality and dashboard aggregates
    # PostgreSQL spent more compiling (2.3 s) than running them (0.24 s) at 30,000 operations.
    # A site can still turn it back on with OPENSPINE_PG_OPTIONS.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", os.environ.get("OPENSPINE_PG_OPTIONS", "-c jit=off")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict:
    """Return the default cache: the database table unless OPENSPINE_CACHE_URL names a Redis server.

    Throttle counts must be shared by every worker process (a per-process memory cache lets each
    worker count on its own), so the default needs nothing but the database, whose table
    ``migrate`` creates. ``redis://`` and ``rediss://`` use Django's built-in Redis backend; that
    needs the ``redis`` package, which a site that wants Redis installs itself.
    """
    if not url:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "openspine_cache"}
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        "OPENSPINE_CACHE_URL must be empty (the database cache) or start with redis:// or rediss://."
    )


CACHES = {"default": cache_from_url(os.environ.get("OPENSPINE_CACHE_URL", ""))}


def trusted_proxies(value: str) -> list[str]:
    """Parse OPENSPINE_TRUSTED_PROXIES: a comma list of the addresses or networks of our own proxies."""
    proxies = [item.strip() for item in value.split(",") if item.strip()]
    for item in proxies:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"OPENSPINE_TRUSTED_PROXIES: {item!r} is not an IP address or network (e.g. 10.0.0.5 or "
                "10.0.0.0/24)."
            )
    return proxies


# X-Forwarded-For is read only from these peers, and the client is the right-most hop that is not one
# of them (see openspine.core.middleware). Empty: every request's client is its REMOTE_ADDR.
TRUSTED_PROXIES = trusted_proxies(os.environ.get("OPENSPINE_TRUSTED_PROXIES", ""))
# Request bodies above this are refused with 413 (JSON on the API, a plain page on forms).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("OPENSPINE_MAX_BODY_BYTES", str(2_621_440))  # 2.5 MB
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# An API create sent again with the same Idempotency-Key replays its first answer this long.
OPENSPINE_IDEMPOTENCY_HOURS = envint("OPENSPINE_IDEMPOTENCY_HOURS", "24")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = ["openspine.accounts.backends.LockoutBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "openspine.accounts.passwords.ProfilePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Background jobs (exports, imports): django-tasks with its database backend, so a job survives a
# restart and needs no broker. `manage.py db_worker` runs them; `make demo` starts one.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("OPENSPINE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "exports", "imports"],
    }
}

LOCALE_PATHS = [BASE_DIR / "openspine" / "locale"]
TIME_ZONE = os.environ.get("OPENSPINE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "openspine" / "static"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("OPENSPINE_SESSION_ABSOLUTE_SECONDS", str(12 * 3600))
SESSION_IDLE_SECONDS = envint("OPENSPINE_SESSION_IDLE_SECONDS", str(15 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Password profile (security.md decision 2): "cn-mlps" (complexity, 90-day expiry) or "asvs5".
OPENSPINE_PASSWORD_PROFILE = os.environ.get("OPENSPINE_PASSWORD_PROFILE", "cn-mlps")
PASSWORD_RESET_TIMEOUT = 3600  # reset links are single-use and last one hour (T-10)
OPENSPINE_MAX_SESSIONS = envint("OPENSPINE_MAX_SESSIONS", "0")  # concurrent sessions per user; 0 = no limit
OPENSPINE_DORMANT_DAYS = envint("OPENSPINE_DORMANT_DAYS", "90")  # unused this long: no login (T-12); 0 = off
DEFAULT_FROM_EMAIL = os.environ.get("OPENSPINE_FROM_EMAIL", "openspine@localhost")
EMAIL_BACKEND = os.environ.get(
    "OPENSPINE_EMAIL_BACKEND",
    f"django.core.mail.backends.{'smtp' if PRODUCTION else 'console'}.EmailBackend",
)

# Lockout (security.md decision 1): one counter for every login path, kept per (account, client
# address) so that nobody can lock a colleague out from afar. Failures from all addresses together
# lock the account everywhere, and alert the security administrator, at a far higher limit.
LOCKOUT_FAILURE_LIMIT = envint("OPENSPINE_LOCKOUT_FAILURES", "5")
LOCKOUT_COOLOFF_SECONDS = envint("OPENSPINE_LOCKOUT_COOLOFF_SECONDS", str(30 * 60))
LOCKOUT_ACCOUNT_FAILURE_LIMIT = envint("OPENSPINE_LOCKOUT_ACCOUNT_FAILURES", "50")
LOCKOUT_ACCOUNT_WINDOW_SECONDS = envint("OPENSPINE_LOCKOUT_ACCOUNT_WINDOW_SECONDS", str(24 * 3600))

# Field encryption keys come from the environment or a key file, never from the database.
FIELD_ENCRYPTION_KEY = envsecret("OPENSPINE_FIELD_KEY", "")
FIELD_ENCRYPTION_ALGORITHM = os.environ.get("OPENSPINE_FIELD_ALGORITHM", "aes-256-gcm")

# The audit chain, its anchors and the sign-off seals are HMAC-SHA-256 under this key (a keyring like
# the field key: "id:base64,id:base64", first entry seals). Separate from the field key; unset outside
# production means a fixed development key (core/crypto.py), so demo data stays verifiable.
AUDIT_KEY = envsecret("OPENSPINE_AUDIT_KEY", "")
# Where the signed chain heads are anchored, outside the database, so that deleting the newest events
# or truncating the table is detected. In production point it at a separate (ideally WORM) mount.
AUDIT_ANCHOR_DIR = os.environ.get("OPENSPINE_AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchor"))
# Independent chains with a lock each, so audited writes for different patients do not queue on one.
AUDIT_STREAMS = envint("OPENSPINE_AUDIT_STREAMS", "16")
if not 1 <= AUDIT_STREAMS <= 1024:
    raise ImproperlyConfigured("OPENSPINE_AUDIT_STREAMS must be a number from 1 to 1024.")

MFA_REQUIRED = envbool("OPENSPINE_MFA_REQUIRED", "true" if PRODUCTION else "false")
MESSAGE_BACKEND = os.environ.get("OPENSPINE_MESSAGE_BACKEND", "openspine.proms.messaging.ConsoleBackend")
INSTRUMENT_TEXT_DIR = os.environ.get("OPENSPINE_INSTRUMENT_TEXT_DIR", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENSPINE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "OPENSPINE_SECRET_KEY must be set to a random value of at least 50 characters in production."
        )
    if not os.environ.get("OPENSPINE_ALLOWED_HOSTS"):
        raise ImproperlyConfigured("OPENSPINE_ALLOWED_HOSTS must list the host names in production.")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production.")
    if not FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured(
            "OPENSPINE_FIELD_KEY (or OPENSPINE_FIELD_KEY_FILE) must hold the field encryption key "
            "in production."
        )
    if not AUDIT_KEY:
        raise ImproperlyConfigured(
            "OPENSPINE_AUDIT_KEY (or OPENSPINE_AUDIT_KEY_FILE) must hold the audit chain key in production."
        )
    if AUDIT_KEY == FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured("OPENSPINE_AUDIT_KEY must be a separate key from OPENSPINE_FIELD_KEY.")
    if not os.environ.get("OPENSPINE_AUDIT_ANCHOR_DIR"):
        raise ImproperlyConfigured(
            "OPENSPINE_AUDIT_ANCHOR_DIR must name the audit anchor directory in production "
            "(a mount outside the database server, ideally write-once)."
        )
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = envbool("OPENSPINE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Teaching (issue 11): the surgery sign-off calls these services of higher layers in its own
# transaction (not a signal); the team records each trainee's stage on the day through the second.
OPENSPINE_SIGN_OFF_STEPS = ["openspine.teaching.services.derive_case_log_entries"]
OPENSPINE_TRAINEE_STAGE = "openspine.teaching.services.trainee_stage_on"
