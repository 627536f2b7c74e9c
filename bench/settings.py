"""The app's own settings, served for the benchmarks by gunicorn over plain HTTP.

DEBUG stays off, as in production (cached templates, no query log); bench/server.py
gives the served app its SECRET_KEY and DATABASE_URL (or SQLITE_PATH) from the process
that starts it, so both sign sessions alike. Only what a benchmark needs differs:
plain http on 127.0.0.1, static files from the finders (no collectstatic), the bare
view's URL and the middleware that reports each request's server time and queries.
"""

from engagement.settings import *  # noqa: F403
from engagement.settings import MIDDLEWARE, STORAGES

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1"]
MIDDLEWARE = ["bench.middleware.BenchMiddleware", *MIDDLEWARE]

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
