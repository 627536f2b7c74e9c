"""Reads from a PostgreSQL streaming replica, when DATABASE_REPLICA_URL names one.

The lists and dashboards (views marked `@reads_from_replica`) read the app's records from
the replica, so that more of them can be served without loading the primary; everything
else reads and writes the primary. A replica is a moment behind, so three rules keep
anyone from seeing the past:

- A read inside a transaction on the primary stays on the primary: a write's own reads.
- Sessions, accounts, sign-in lockouts and tasks are always read from the primary: a
  sign-in just made holds on the next request, whichever instance answers it.
- After a person's own write (a POST that did not fail), their pages read the primary
  until the replica has replayed it. The write's position in the primary's log is kept
  in their session; the replica is asked whether it has replayed that far, and once it
  has, the mark is dropped.

Without a replica the router sends everything to the primary, as Django would.
"""

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# The apps whose records the lists and dashboards show.
REPLICA_APPS = frozenset({"meetings", "community", "dashboards", "audit", "retention"})
# Where in the primary's write-ahead log the person's last write ended (a pg_lsn as text).
OWN_WRITE_POSITION = "replica:own-write-position"
SAFE_METHODS = frozenset({"GET", "HEAD"})

reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if not reading_from_replica.get():
            return None
        if model._meta.app_label in REPLICA_APPS and not in_a_transaction_on_the_primary():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the primary's rows: an audit event may point at a meeting read
        # from either.
        return True

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        return False if db == REPLICA else None


def in_a_transaction_on_the_primary() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view's reads of the app's records come from the replica, when there is one and
    it has replayed the person's own last write."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (
            replica_configured()
            and request.method in SAFE_METHODS
            and not in_a_transaction_on_the_primary()
            and replica_has_replayed_own_write(request)
        ):
            return view(request, *args, **kwargs)
        token = reading_from_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            reading_from_replica.reset(token)

    return wrapper


def replica_has_replayed_own_write(request: HttpRequest) -> bool:
    position = request.session.get(OWN_WRITE_POSITION)
    if position is None:
        return True
    with connections[REPLICA].cursor() as cursor:
        # NULL on a server that is not replaying: then the primary is read.
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
        replayed = bool(cursor.fetchone()[0])
    if replayed:
        del request.session[OWN_WRITE_POSITION]
    return replayed


def primary_position() -> str:
    """Where the primary's log will end once everything committed so far is in it: the
    insert position, since a commit without synchronous_commit may not be written yet."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


class RememberOwnWrites:
    """Marks a signed-in person's session after each write they send, with the primary's
    log position (see the module's docstring). Only with a replica; after the session and
    authentication middleware, so the mark is saved with the session."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            replica_configured()
            and request.method not in SAFE_METHODS
            and response.status_code < 400
            and request.user.is_authenticated
        ):
            request.session[OWN_WRITE_POSITION] = primary_position()
        return response
