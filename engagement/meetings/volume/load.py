"""Writing the generated rows: COPY on PostgreSQL, executemany on SQLite.

Each table's columns are the ones life.py fills (TABLES), then every other concrete
column of the model with its default, or NULL: a column added to a model later (the
search vector, say) does not stop the generator, and one it writes that the model has
lost stops it with a message saying so.
"""

import abc
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection, models
from psycopg import pq
from psycopg.types.json import JsonbBinaryDumper

from engagement.audit.models import AuditEvent
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)

UNKNOWN_COLUMN_ERROR = (
    "generate_volume writes {model}.{column}, which the model no longer has: update "
    "engagement/meetings/volume/load.py and life.py."
)
NO_DEFAULT_ERROR = (
    "{model}.{column} is unique, or has no default and is not nullable, so "
    "generate_volume cannot fill it: teach engagement/meetings/volume/life.py its values."
)


class VolumeError(Exception):
    """The generator cannot run: the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    key: str
    model: type[models.Model]
    # The columns life.py writes, in the order of its row tuples.
    columns: tuple[str, ...]


MEETINGS = Table(
    "meetings",
    Meeting,
    (
        "id", "uuid", "date", "start_time", "duration_minutes", "venue_kind", "area_id",
        "unit_id", "initiated_by", "focus", "purpose", "topics", "attendee_count",
        "under_25_count", "under_18_count", "responsible_adult_present",
        "information_shared", "concerns_raised", "concern_surveillance", "concern_prevent",
        "concern_stop_and_search", "concern_hate_crime", "concern_young_people",
        "concern_other", "concerns_needing_response", "passed_on", "passed_on_kind",
        "passed_on_reason", "community_told_passed_on", "summary", "internal_notes",
        "status", "author_id", "created_at", "updated_at", "first_submitted_at",
        "withdrawn_at", "withdrawal_reason", "version",
    ),
)  # fmt: skip
MEETING_GROUPS = Table(
    "meeting groups", Meeting.groups.through, ("id", "meeting_id", "communitygroup_id")
)
DISCLOSURES = Table(
    "disclosures",
    Disclosure,
    ("id", "meeting_id", "officer_id", "level", "method", "timing", "reason"),
)
FOLLOW_UPS = Table(
    "follow-up actions",
    FollowUpAction,
    (
        "id", "uuid", "meeting_id", "description", "owner_id", "owed_to_id",
        "answers_concern", "due_date", "status", "remaining", "completed_on", "outcome",
        "reported_back_on", "cancellation_reason", "created_at", "updated_at", "version",
    ),
)  # fmt: skip
REVIEWS = Table(
    "reviews",
    Review,
    (
        "id", "uuid", "meeting_id", "liaison_id", "meeting_version", "accuracy",
        "trust_effect", "comments", "created_at",
    ),
)  # fmt: skip
CONFIRMATIONS = Table(
    "disclosure confirmations",
    DisclosureConfirmation,
    ("id", "review_id", "disclosure_id", "answer", "recorded_level"),
)
DISPUTES = Table(
    "disputes",
    Dispute,
    (
        "id", "uuid", "meeting_id", "opened_by_id", "opened_at", "status", "corrected_at",
        "correction_note", "closed_at", "closed_by_id", "escalation_reason",
    ),
)  # fmt: skip
REPORT_BACKS = Table(
    "report-back answers",
    ReportBackConfirmation,
    (
        "id", "follow_up_id", "liaison_id", "follow_up_version", "reported_back_on",
        "answer", "comment", "created_at",
    ),
)  # fmt: skip
AUDIT = Table(
    "audit events",
    AuditEvent,
    (
        "id", "at", "actor_id", "action", "record_kind", "record_id", "meeting_id",
        "changes", "reason", "detail",
    ),
)  # fmt: skip
# In the order they are written: a row's parents before it.
TABLES = (
    MEETINGS,
    MEETING_GROUPS,
    DISCLOSURES,
    FOLLOW_UPS,
    REVIEWS,
    CONFIRMATIONS,
    DISPUTES,
    REPORT_BACKS,
    AUDIT,
)


@dataclass
class TablePlan:
    """How one table is written."""

    table: Table
    db_table: str
    columns: list[str]
    # The values of the columns life.py does not know, the same in every row.
    suffix: tuple
    # Per column of the table, how SQLite needs the value (dates and UUIDs as text).
    converters: list[Callable[[Any], Any] | None]


def _prepared_by(field: models.Field) -> Callable[[Any], Any]:
    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


def plan_table(table: Table) -> TablePlan:
    model = table.model
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    by_column = {f.column: f for f in fields}
    for column in table.columns:
        if column not in by_column:
            raise VolumeError(UNKNOWN_COLUMN_ERROR.format(model=model.__name__, column=column))
    columns = list(table.columns)
    suffix = []
    for f in fields:
        if f.column in table.columns or f.db_default is not models.NOT_PROVIDED:
            continue  # written by life.py, or filled by the database
        if f.unique or not (f.has_default() or f.null):
            raise VolumeError(NO_DEFAULT_ERROR.format(model=model.__name__, column=f.column))
        value = f.get_db_prep_save(f.get_default(), connection) if f.has_default() else None
        if value is not None:  # left out, a column is NULL
            columns.append(f.column)
            suffix.append(value)
    converters: list[Callable[[Any], Any] | None] = []
    for column in table.columns:
        f = by_column[column]
        if f.get_internal_type() in ("DateField", "DateTimeField", "TimeField", "UUIDField"):
            converters.append(_prepared_by(f))
        else:
            converters.append(None)  # numbers, text, booleans; JSON comes as its text
    return TablePlan(table, model._meta.db_table, columns, tuple(suffix), converters)


class Loader(abc.ABC):
    def __init__(self, plans: list[TablePlan]) -> None:
        self.plans = plans
        self.quote = connection.ops.quote_name

    def before(self) -> None:  # noqa: B027 (a hook: nothing to do unless a loader says)
        """Ready the tables for the load."""

    @abc.abstractmethod
    def write_chunk(self, rows: dict[str, list[tuple]]) -> None:
        """Write one chunk's rows, table by table, parents first."""

    def statistics(self, tables: list[str]) -> None:  # noqa: B027 (a hook: nothing to do unless a loader says)
        """Statistics for the planner mid-load."""

    def after(self, *, keep_for_last: str) -> None:  # noqa: B027 (a hook: nothing to do unless a loader says)
        """Everything but `keep_for_last`'s indexes, after the load."""

    def last(self, *, validate_later: bool) -> None:  # noqa: B027 (a hook: nothing to do unless a loader says)
        """The indexes kept for last, and the foreign keys."""

    def analyze(self, *, vacuum: bool) -> None:  # noqa: B027 (a hook: nothing to do unless a loader says)
        """Fresh statistics for the planner."""


class SqliteLoader(Loader):
    """Large executemany batches inside the command's one transaction."""

    def write_chunk(self, rows: dict[str, list[tuple]]) -> None:
        for plan in self.plans:
            self._insert(plan, rows[plan.table.key])

    def _insert(self, plan: TablePlan, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = ", ".join(self.quote(c) for c in plan.columns)
        marks = ", ".join(["%s"] * len(plan.columns))
        sql = f"INSERT INTO {self.quote(plan.db_table)} ({columns}) VALUES ({marks})"
        converting = [(i, c) for i, c in enumerate(plan.converters) if c is not None]
        suffix = plan.suffix

        def converted(row: tuple) -> tuple:
            values = list(row)
            for i, convert in converting:
                if values[i] is not None:
                    values[i] = convert(values[i])
            return (*values, *suffix)

        with connection.cursor() as cursor:
            cursor.executemany(sql, [converted(row) for row in rows])

    def analyze(self, *, vacuum: bool) -> None:
        with connection.cursor() as cursor:
            for plan in self.plans:
                cursor.execute(f"ANALYZE {self.quote(plan.db_table)}")


class JsonTextBinaryDumper(JsonbBinaryDumper):
    """jsonb for a binary COPY from JSON that life.py has already written as text."""

    def dump(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return b"\x01" + obj.encode()
        return super().dump(obj)  # a default of a column life.py does not know


@dataclass
class Dropped:
    """An index or constraint taken off for the load, and how to make it again: the
    model's own declaration through Django's schema editor when it has one (the exact
    SQL its migration ran), else the definition PostgreSQL gives back."""

    table: str  # quoted
    name: str
    kind: str  # "index", "unique" or "foreign key"
    definition: str
    model: type[models.Model]
    declared: models.Index | models.BaseConstraint | None

    def drop_sql(self) -> str:
        if self.kind == "index":
            return f"DROP INDEX {self.name}"
        return f"ALTER TABLE {self.table} DROP CONSTRAINT {connection.ops.quote_name(self.name)}"


class PostgresLoader(Loader):
    """COPY into tables stripped of their foreign keys and of every index but the primary
    key's, all made again once the rows are in: keeping them up to date row by row costs
    several times the load. All inside the command's transaction, so a failure leaves
    the database as it was; only checking the foreign keys and VACUUM come after the
    commit, two at a time on two connections, when the command runs outside a
    transaction (see validate_and_vacuum)."""

    def __init__(self, plans: list[TablePlan], *, keep_indexes_of: frozenset[str]) -> None:
        super().__init__(plans)
        # Tables whose indexes stay through the load: the search refresh of each chunk
        # looks rows up in them.
        self.keep_indexes_of = frozenset(self.quote(table) for table in keep_indexes_of)
        self.dropped: list[Dropped] = []
        self.to_validate: list[str] = []
        self.binary_types: dict[str, list[int] | None] = {}

    def before(self) -> None:
        with connection.cursor() as cursor:
            # No timeout from the environment cuts a load or an index build short.
            cursor.execute("SET LOCAL statement_timeout = 0")
            # A foreign key cannot be dropped while checks deferred to the commit are
            # pending on its tables (the world just written has some): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for plan in self.plans:
                self.dropped += self._droppable(cursor, plan)
                self.binary_types[plan.db_table] = self._binary_types(cursor, plan)
            for item in self.dropped:
                cursor.execute(item.drop_sql())

    def _droppable(self, cursor, plan: TablePlan) -> list[Dropped]:
        model = plan.table.model
        table = self.quote(plan.db_table)
        declared = {index.name: index for index in model._meta.indexes} | {
            constraint.name: constraint for constraint in model._meta.constraints
        }
        keep = table in self.keep_indexes_of
        found = []
        cursor.execute(
            """
            SELECT con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con
            WHERE con.conrelid = %s::regclass AND con.contype IN ('f', 'u')
              AND NOT EXISTS (
                  SELECT 1 FROM pg_constraint ref
                  WHERE con.contype = 'u' AND ref.contype = 'f' AND ref.conindid = con.conindid)
            ORDER BY con.conname
            """,
            [table],
        )
        for name, kind, definition in cursor.fetchall():
            if kind == "f" or not keep:
                kind = "foreign key" if kind == "f" else "unique"
                found.append(Dropped(table, name, kind, definition, model, declared.get(name)))
        if keep:
            return found
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [table],
        )
        for name, definition in cursor.fetchall():
            found.append(Dropped(table, name, "index", definition, model, declared.get(name)))
        return found

    def write_chunk(self, rows: dict[str, list[tuple]]) -> None:
        for plan in self.plans:
            self._copy(plan, rows[plan.table.key])

    def _copy(self, plan: TablePlan, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = ", ".join(self.quote(c) for c in plan.columns)
        types = self.binary_types.get(plan.db_table)
        binary = " (FORMAT BINARY)" if types else ""
        sql = f"COPY {self.quote(plan.db_table)} ({columns}) FROM STDIN{binary}"
        suffix = plan.suffix
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            if types:
                cursor.cursor.adapters.register_dumper(None, JsonTextBinaryDumper)
                copy.set_types(types)
            write_row = copy.write_row
            if suffix:
                for row in rows:
                    write_row(row + suffix)
            else:
                for row in rows:
                    write_row(row)

    def _binary_types(self, cursor, plan: TablePlan) -> list[int] | None:
        """The columns' type oids, for a binary COPY (a third of the work of text for
        both sides), if psycopg can send each of them so; else None, for text."""
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass",
            [self.quote(plan.db_table)],
        )
        oids = dict(cursor.fetchall())
        types = [oids[column] for column in plan.columns]
        adapters = cursor.cursor.adapters
        adapters.register_dumper(None, JsonTextBinaryDumper)
        try:
            for oid in types:
                adapters.get_dumper_by_oid(oid, pq.Format.BINARY)
        except psycopg.ProgrammingError:
            return None
        return types

    def _remake(self, items: list[Dropped]) -> None:
        with connection.cursor() as cursor:
            # Memory for the sorts that build the indexes.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        with connection.schema_editor(atomic=False) as editor:
            for item in items:
                if isinstance(item.declared, models.Index):
                    editor.add_index(item.model, item.declared)
                elif isinstance(item.declared, models.BaseConstraint):
                    editor.add_constraint(item.model, item.declared)
                else:
                    editor.execute(
                        item.definition
                        if item.kind == "index"
                        else f"ALTER TABLE {item.table} ADD CONSTRAINT "
                        f"{self.quote(item.name)} {item.definition}"
                    )

    def after(self, *, keep_for_last: str) -> None:
        self.kept = self.quote(keep_for_last)
        self._remake([i for i in self.dropped if i.kind != "foreign key" and i.table != self.kept])
        with connection.cursor() as cursor:
            for plan in self.plans:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"(SELECT MAX(id) FROM {self.quote(plan.db_table)}))",
                    [self.quote(plan.db_table)],
                )

    def last(self, *, validate_later: bool) -> None:
        """The kept table's indexes, then the foreign keys: checked now, or, when
        `validate_later`, added NOT VALID (enforced from now on) and checked after the
        commit by validate_and_vacuum."""
        self._remake([i for i in self.dropped if i.kind != "foreign key" and i.table == self.kept])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            for item in self.dropped:
                if item.kind != "foreign key":
                    continue
                name = self.quote(item.name)
                later = " NOT VALID" if validate_later else ""
                cursor.execute(
                    f"ALTER TABLE {item.table} ADD CONSTRAINT {name} {item.definition}{later}"
                )
                if validate_later:
                    self.to_validate.append(f"ALTER TABLE {item.table} VALIDATE CONSTRAINT {name}")
            # Back to Django's default: foreign keys checked at the commit.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def statistics(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {self.quote(table)}")

    def analyze(self, *, vacuum: bool) -> None:
        if not vacuum:
            with connection.cursor() as cursor:
                for plan in self.plans:
                    cursor.execute(f"ANALYZE {self.quote(plan.db_table)}")
            return
        # After the commit: check the foreign keys, and VACUUM, which cannot run in a
        # transaction; it marks the pages all-visible, as index-only scans need, and
        # clears the old row versions the search refresh left. The biggest tables
        # first, on two connections, so the two cores share the work.
        vacuums = [f"VACUUM (ANALYZE) {self.quote(plan.db_table)}" for plan in self.plans]
        run_on_two_connections([vacuums[0], vacuums[-1], *self.to_validate, *vacuums[1:-1]])


def run_on_two_connections(statements: list[str]) -> None:
    """Run `statements` in order, each on the first of two connections to be free."""
    work: queue.SimpleQueue[str] = queue.SimpleQueue()
    for statement in statements:
        work.put(statement)
    failures: list[BaseException] = []

    def drain(own_connection: bool) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
                while True:
                    try:
                        statement = work.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(statement)
        except BaseException as error:  # raised again by the main thread
            failures.append(error)
        finally:
            if own_connection:
                connection.close()

    helper = threading.Thread(target=drain, args=(True,), name="generate_volume-vacuum")
    helper.start()
    drain(False)
    helper.join()
    if failures:
        raise failures[0]
