"""Settings for Engagement Log: one module, every knob from the environment.

`DATABASE_URL` unset means SQLite in the project folder; a `postgres://` URL means
PostgreSQL through psycopg 3. `DEBUG` is off unless asked for, and with it off a
missing `SECRET_KEY` stops the process at start-up.
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# pytest imports this module inside its own process; tests then run with production-like
# settings but may use a throwaway key and a fast password hasher.
TESTING = "pytest" in sys.modules
# mypy's django-stubs plugin imports these settings to read the models; it runs nothing.
TYPE_CHECKING_RUN = "mypy" in sys.modules

DEBUG = env_bool("DEBUG", False)


def secret_key_from_environment() -> str:
    """SECRET_KEY itself, or what the file SECRET_KEY_FILE names holds (`make run`
    makes one once, untracked; a deployment's secret store mounts one)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = os.environ.get("SECRET_KEY_FILE", "").strip()
    if not path:
        return ""
    try:
        return Path(path).read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE cannot be read: {error}.") from None


SECRET_KEY = secret_key_from_environment()
if not SECRET_KEY:
    if not (DEBUG or TESTING or TYPE_CHECKING_RUN):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (a long random string), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "engagement.accounts",
    "engagement.community",
    "engagement.meetings",
    "engagement.audit",
    "engagement.dashboards",
    "engagement.retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "engagement.http.NeverCacheSignedIn",
    "engagement.replica.RememberOwnWrites",
    "engagement.audit.reads.LogReads",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "engagement.urls"
WSGI_APPLICATION = "engagement.wsgi.application"

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
                "engagement.accounts.context_processors.role",
                "engagement.meetings.context_processors.nav_section",
            ],
        },
    },
]


def database_from_environment() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE transactions and a busy timeout make two writers wait for each
            # other instead of failing with "database is locked".
            # Write-ahead logging lets readers go on while a worker writes, and each
            # commit appends to the log instead of rewriting the file.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    return postgres_database("DATABASE_URL", url)


def postgres_database(variable: str, url: str) -> dict:
    if not url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"{variable} must be a postgres:// URL"
            + (", or unset for the SQLite default." if variable == "DATABASE_URL" else ".")
        )
    pool_size = env_int("POSTGRES_POOL_SIZE", 0)
    # A pool keeps its own connections: Django's persistent ones must be off beside it.
    conn_max_age = 0 if pool_size else env_int("CONN_MAX_AGE", 60)
    config: dict = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    # A connection that went away while idle is replaced, not handed to a request.
    config["CONN_HEALTH_CHECKS"] = True
    options = config.setdefault("OPTIONS", {})
    options["options"] = postgres_session_options()
    if pool_size:
        options["pool"] = postgres_pool(pool_size)
    return config


def postgres_pool(size: int) -> dict:
    """psycopg's connection pool, one per process and database (engagement/wsgi.py turns it
    on for a served app). A sync gunicorn worker serves one request at a time, so a few
    connections suffice. A new connection takes milliseconds; a request waits at most
    POSTGRES_POOL_TIMEOUT seconds for one, and then gets the 503 page: while the database
    is away a longer wait would only hold the worker and the person."""
    if size < 0:
        raise ImproperlyConfigured("POSTGRES_POOL_SIZE must be 0 (no pool) or more.")
    return {"min_size": 1, "max_size": size, "timeout": env_int("POSTGRES_POOL_TIMEOUT", 3)}


def replica_from_environment(primary: dict) -> dict | None:
    """A streaming replica of the primary (DATABASE_REPLICA_URL), read by the lists and
    dashboards (engagement/replica.py). The test runner makes no database there: the
    primary's test database reaches it by replication (tests/conftest.py)."""
    url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    if primary["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL.")
    return {**postgres_database("DATABASE_REPLICA_URL", url), "TEST": {"MIRROR": "default"}}


def postgres_session_options() -> str:
    """Settings of every connection the app opens (libpq's `options`). JIT compiling
    cost the visibility queries 10-17 % and never paid back on the app's short queries;
    work_mem lets a dashboard's sorts stay in memory; a statement timeout stops a runaway
    query holding a web worker (0: none, the default, for migrations and commands)."""
    options = {
        "jit": "on" if env_bool("POSTGRES_JIT", False) else "off",
        "work_mem": os.environ.get("POSTGRES_WORK_MEM", "16MB").strip(),
        "statement_timeout": str(env_int("POSTGRES_STATEMENT_TIMEOUT_MS", 0)),
    }
    for name, value in options.items():
        if not value or any(character.isspace() for character in value):
            raise ImproperlyConfigured(f"{name} for PostgreSQL must be one word, not {value!r}.")
    return " ".join(f"-c {name}={value}" for name, value in options.items())


DATABASES = {"default": database_from_environment()}
if replica := replica_from_environment(DATABASES["default"]):
    DATABASES["replica"] = replica
DATABASE_ROUTERS = ["engagement.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "engagement.accounts.backends.ProfileBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sign-in lockout (django-axes). After SIGN_IN_FAILURE_LIMIT failed sign-ins the account
# cannot sign in for SIGN_IN_LOCKOUT_MINUTES, or until an admin unlocks it.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or SIGN_IN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured(
        "SIGN_IN_FAILURE_LIMIT and SIGN_IN_LOCKOUT_MINUTES must be 1 or more."
    )
AXES_COOLOFF_TIME = datetime.timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
# Locked by account (username) alone, not by IP address nor by username and IP together.
# Police networks reach us through a few shared proxies: every officer of a station shows
# the same address, so a lock by IP would shut out the whole station after one person's
# typos, and adding the IP to the username would add nothing there while letting someone
# elsewhere keep guessing from address after address. Locking the account, as the force's
# own directory does, is the one that holds; an admin can unlock it at once. axes warns
# (W006) when the IP is not among the parameters, for that reason: silenced knowingly.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# The lockout runs from the failure that caused it: tries while locked do not extend it,
# so the time the page gives is true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in proves the password: earlier failures are forgotten.
AXES_RESET_ON_SUCCESS = True
# Our own page (GOV.UK, the time it lasts, what to do), answered with axes's 429.
AXES_LOCKOUT_CALLABLE = "engagement.accounts.views.locked_out"
# Sign-ins and sign-outs are in the audit log already; locks are found from the user list.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# The audit log records each failure, lockout and unlock; axes's own log lines would
# repeat them (and its banner every command).
AXES_VERBOSE = False
# What axes stores of a sign-in is cut to fit its tables (engagement/accounts/lockout.py):
# an overlong username or a NUL byte in a header was a 500 on PostgreSQL.
AXES_HANDLER = "engagement.accounts.lockout.DatabaseHandler"
AXES_USERNAME_CALLABLE = "engagement.accounts.lockout.username_tried"
# Never copied into axes's record of a failure: the password, and a form held through
# sign-in (engagement/accounts/pending.py), which may hold police-only notes.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "pending"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and `make dev` serve static files straight from the finders, no collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Sessions: short-lived, gone when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Behind TLS in production; plain http on a developer's machine and in tests.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
# A load balancer asks for the health check over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not (DEBUG or TESTING))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts or styles anywhere, nothing from another origin, never in a frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Email is printed to the console unless EMAIL_HOST names an SMTP server (or EMAIL_BACKEND
# says otherwise); tests use Django's in-memory outbox. It is sent by the task worker,
# never inside a request, so a slow or refusing server only delays it.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "engagement-log@localhost")
# The address links in emails start with; in production, https on the first allowed host.
SITE_URL = (
    os.environ.get("SITE_URL")
    or (
        "http://127.0.0.1:8000"
        if DEBUG or TESTING or not ALLOWED_HOSTS
        else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
    )
).rstrip("/")

# Background work through Django's tasks API (the django-tasks backport of django.tasks):
# queued in the database, run by `manage.py db_worker`, so no broker is needed.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

PAGE_SIZE = env_int("PAGE_SIZE", 25)
# An admin's dashboard computed ahead by `refresh_dashboards` is shown while it is at most
# this old; after that the page computes the figures live (see dashboards.snapshots).
DASHBOARD_SNAPSHOT_MAX_AGE = datetime.timedelta(
    minutes=env_int("DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES", 60)
)
# A corrected dispute with no new review within this many days ends as lapsed.
DISPUTE_LAPSE_DAYS = env_int("DISPUTE_LAPSE_DAYS", 28)
# Retention review (engagement.retention): a meeting is due for review this many years
# after its date, unless a review kept it until a later date.
RETENTION_REVIEW_YEARS = env_int("RETENTION_REVIEW_YEARS", 6)
if RETENTION_REVIEW_YEARS < 1:
    raise ImproperlyConfigured("RETENTION_REVIEW_YEARS must be 1 or more.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
