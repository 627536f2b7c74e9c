"""When the database cannot be reached the app answers with its own 503 page, wherever the
failure is met: in a view, in the session and auth middleware, in the read log. Nothing
of the error reaches the visitor; the operators get it in the log. Any other error is
still Django's 500.

The database refuses for real: the tests' connection is set aside and the connection's
settings point at a closed port (PostgreSQL) or into a missing folder (SQLite) until the
test ends, when the connection and its transaction are put back as they were.

This module is also the URLconf of its tests: the app's pages, a few of its own, and
`handler400` and `handler500` as engagement/urls.py sets them.
"""

import logging
import socket
import traceback

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import BadRequest
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver, path

from engagement import unavailable
from engagement.accounts.models import User
from engagement.audit.models import AuditEvent
from engagement.audit.reads import not_a_read
from engagement.urls import urlpatterns as app_urlpatterns

handler400 = "engagement.unavailable.bad_request"
handler500 = "engagement.unavailable.server_error"
PREFIX = "test-unavailable/"
FAILURE_500_HEADING = "Sorry, there is a problem with the service"


class DatabaseRefusal:
    """Makes the default connection refuse from `start()` until `stop()`, for real."""

    def __init__(self, missing_folder) -> None:
        self.connection = connections["default"]
        self.missing_folder = missing_folder
        self.saved: dict | None = None
        self.closed_port: socket.socket | None = None

    def start(self) -> None:
        assert self.saved is None
        # The open connection, its settings and its transaction (pytest-django's), set
        # aside as they are; connecting again resets the transaction state.
        self.saved = dict(self.connection.__dict__)
        refused = dict(self.connection.settings_dict)
        if self.connection.vendor == "sqlite":
            refused["NAME"] = str(self.missing_folder / "db.sqlite3")
        else:
            # Bound but not listening: a connection to it is refused, and no other
            # process can start listening on it meanwhile.
            self.closed_port = socket.socket()
            self.closed_port.bind(("127.0.0.1", 0))
            refused["HOST"] = "127.0.0.1"
            refused["PORT"] = str(self.closed_port.getsockname()[1])
        self.connection.connection = None
        self.connection.settings_dict = refused

    def stop(self) -> None:
        if self.saved is None:
            return
        assert self.connection.connection is None, "the refused database was reached"
        self.connection.__dict__.clear()
        self.connection.__dict__.update(self.saved)
        self.saved = None
        if self.closed_port is not None:
            self.closed_port.close()
            self.closed_port = None


refusal: DatabaseRefusal | None = None


@pytest.fixture
def database(tmp_path):
    """The rig, restored after the test whatever happens."""
    global refusal
    refusal = DatabaseRefusal(tmp_path / "no-such-folder")
    try:
        yield refusal
    finally:
        refusal.stop()
        refusal = None


def queries(request):
    """A view that asks the database, signed in or not."""
    return HttpResponse(f"{User.objects.count()} accounts")


def shows_nothing(request):
    """A view that asks nothing of the database: a failure is in a middleware."""
    return HttpResponse("shown")


def shown_then_database_lost(request):
    """The signed-in person is known, the page is made, and the database goes: what is
    left is the read log's insert and the session's save."""
    assert request.user.is_authenticated
    assert refusal is not None
    refusal.start()
    return HttpResponse("shown")


def fails(request):
    raise RuntimeError("not the database")


urlpatterns = [
    path(PREFIX + "queries", queries),
    path(PREFIX + "shows-nothing", shows_nothing),
    path(PREFIX + "read-then-lost", shown_then_database_lost),
    path(PREFIX + "not-a-read-then-lost", not_a_read(shown_then_database_lost)),
    path(PREFIX + "fails", fails),
    *app_urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def visitor():
    """A client that gets the page a visitor would, not the exception."""
    return Client(raise_request_exception=False)


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{unavailable.HEADING}</h1>' in page
    for leaked in ("Traceback", "OperationalError", "InterfaceError", "sqlite", "psycopg"):
        assert leaked.lower() not in page.lower()


def database_errors_logged(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "django.request" and record.levelno == logging.ERROR
    ]


def test_a_signed_in_page_while_the_database_refuses_is_the_503_page(
    visitor, officer, database, caplog
):
    visitor.force_login(officer)
    database.start()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = visitor.get("/meetings/")
    assert_unavailable_page(response)
    # Once, for the operators, with the exception; the page names no one.
    [logged] = database_errors_logged(caplog)
    assert logged.getMessage() == "Service Unavailable: /meetings/"
    assert logged.exc_info is not None
    assert unavailable.caused_by_database(logged.exc_info[1])
    assert officer.username not in response.content.decode()


def test_a_view_whose_query_fails_is_the_503_page(visitor, db, database):
    database.start()
    assert_unavailable_page(visitor.get(f"/{PREFIX}queries"))


def test_the_session_that_cannot_be_loaded_is_the_503_page(visitor, officer, database, caplog):
    """The view asks nothing: it is the session and auth middleware, finding who is
    signed in, that meet the refusal."""
    visitor.force_login(officer)
    database.start()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert_unavailable_page(visitor.get(f"/{PREFIX}shows-nothing"))
    [logged] = database_errors_logged(caplog)
    files = [frame.filename for frame in traceback.extract_tb(logged.exc_info[2])]
    assert any("sessions" in name for name in files)


def test_the_read_log_that_cannot_be_written_is_the_503_page(visitor, officer, database):
    visitor.force_login(officer)
    response = visitor.get(f"/{PREFIX}read-then-lost")
    assert_unavailable_page(response)
    database.stop()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_the_session_that_cannot_be_saved_is_the_503_page(visitor, officer, database, caplog):
    """Not a read, so the read log writes nothing: the session's save on the way out (every
    request saves it) is what meets the refusal, and Django makes of it a 400."""
    visitor.force_login(officer)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert_unavailable_page(visitor.get(f"/{PREFIX}not-a-read-then-lost"))
    [logged] = database_errors_logged(caplog)
    assert isinstance(logged.exc_info[1], SessionInterrupted)
    assert unavailable.caused_by_database(logged.exc_info[1])


def session_lost_to_the_database() -> SessionInterrupted:
    """What the session middleware raises when the database refuses its save: the
    backend's UpdateError raised while handling the database error, and SessionInterrupted
    while handling that."""
    update_error = UpdateError()
    update_error.__context__ = OperationalError("server closed the connection unexpectedly")
    interrupted = SessionInterrupted("The request's session was deleted")
    interrupted.__context__ = update_error
    return interrupted


@pytest.mark.parametrize(
    ("exception", "status"),
    [(session_lost_to_the_database(), 503), (BadRequest("not the database"), 400)],
)
def test_a_bad_request_is_the_503_page_only_when_the_database_is_why(db, exception, status):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = unavailable.bad_request(request, exception)
    assert response.status_code == status
    assert (unavailable.HEADING in response.content.decode()) is (status == 503)


def test_a_page_not_found_while_the_database_refuses_is_the_503_page(visitor, officer, database):
    """The 404 page names who is signed in, so it cannot be drawn either."""
    visitor.force_login(officer)
    database.start()
    assert_unavailable_page(visitor.get("/no-such-page/"))


def test_an_error_that_is_not_the_database_is_still_a_500(visitor, officer, caplog):
    visitor.force_login(officer)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = visitor.get(f"/{PREFIX}fails")
    assert response.status_code == 500
    assert "Retry-After" not in response
    page = response.content.decode()
    assert FAILURE_500_HEADING in page
    assert unavailable.HEADING not in page
    assert "not the database" not in page
    [logged] = database_errors_logged(caplog)
    assert logged.getMessage() == f"Internal Server Error: /{PREFIX}fails"


def test_healthz_says_503_while_the_database_refuses(visitor, db, database):
    database.start()
    response = visitor.get("/healthz")
    assert response.status_code == 503
    # The replica, when there is one, still answers.
    databases = {**dict.fromkeys(settings.DATABASES, "ok"), "default": "unavailable"}
    assert response.json() == {"status": "unavailable", "databases": databases}


def test_the_app_answers_again_once_the_database_is_back(visitor, officer, database):
    visitor.force_login(officer)
    database.start()
    assert visitor.get("/meetings/").status_code == 503
    database.stop()
    assert visitor.get("/meetings/").status_code == 200
    assert visitor.get("/healthz").status_code == 200


@override_settings(DEBUG=True)
def test_with_debug_on_django_shows_its_own_page_instead(visitor, db, database):
    """Django never calls handler500 with DEBUG on: a developer sees the traceback."""
    database.start()
    response = visitor.get(f"/{PREFIX}queries")
    assert response.status_code == 500
    assert "OperationalError" in response.content.decode()


def test_the_page_itself_asks_nothing_of_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = unavailable.unavailable()
    assert unavailable.HEADING in response.content.decode()


def test_the_app_and_the_benchmarks_serve_it():
    for urlconf in ("engagement.urls", "bench.urls"):
        assert get_resolver(urlconf).resolve_error_handler(500) is unavailable.server_error
        assert get_resolver(urlconf).resolve_error_handler(400) is unavailable.bad_request
