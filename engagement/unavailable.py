"""The app's own 503 page when the database cannot be reached.

Django turns an exception into a response at the layer that raised it: each middleware
and the view are wrapped (`convert_exception_to_response`), so an error in the session,
auth or read-log middleware becomes a 500 before any outer middleware could see it. Every
one of those, and a 404 or 403 page that failed to render, ends in the root URLconf's
`handler500`, called from inside Django's `except` block: that is the one place every
layer passes through, and `sys.exc_info()` there holds the exception.

`server_error` is that handler. While the exception being handled comes from the database
(OperationalError: refused, gone, timed out, locked; InterfaceError: connection closed)
it answers 503 with Retry-After and a page rendered without the request, so nothing on it
asks the database anything (no context processors, no user, no session) and no error text
reaches the browser. Any other exception gets Django's own 500 page. `bad_request`, the
handler400, does the same for the one database error Django turns into a 400: a session
that could not be saved on the way out. Django logs the answer at ERROR with the
traceback, for the operators.

With DEBUG on Django shows its technical 500 page instead and never calls a handler500.
"""

import sys

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error

TEMPLATE = "503.html"
HEADING = "Sorry, the service is unavailable"
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def caused_by_database(error: BaseException | None) -> bool:
    """Whether this exception, or one it was raised from or while handling, is the
    database failing to answer."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def unavailable() -> HttpResponse:
    """The 503 page: rendered with no request and no context, so it queries nothing."""
    response = HttpResponse(loader.get_template(TEMPLATE).render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if caused_by_database(sys.exc_info()[1]):
        return database_unavailable(request)
    return django_server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 page, unless the database is why: the session's save on the way out
    turns any database error into "the session was deleted" (SessionInterrupted, a
    BadRequest), raised while handling it."""
    if caused_by_database(exception):
        return database_unavailable(request)
    return django_bad_request(request, exception)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    # Neither who is signed in nor their session can be loaded without the database. The
    # middlewares this answer still passes through ask for both (the read log and no-cache
    # for the user, the session's way out for its expiry), and each would try the
    # database again: a new 503 and a new log line at each. For the rest of this request
    # the user is anonymous and the session empty; a 5xx never saves the session, so the
    # one in the database is untouched and the person stays signed in.
    request.user = AnonymousUser()
    session = getattr(request, "session", None)
    if session is not None:
        session.clear()
    return unavailable()
