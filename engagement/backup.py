"""A backup of the whole database, and its restore into a fresh one.

SQLite: the online backup API (what `sqlite3 .backup` uses), a consistent copy taken
while the app serves. PostgreSQL: `pg_dump` in its custom format and `pg_restore`, the
server's own tools (on PATH, of the server's version), given the connection through
libpq's environment so no password is on a command line. A restore goes only into a
database with no tables: it never mixes a backup with what is there.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

NOT_FRESH_ERROR = (
    "The database to restore into already has tables. Restore only into a new, empty "
    "database, then point the app at it."
)
NO_BACKUP_ERROR = "There is no backup at {path}."
ALREADY_THERE_ERROR = "{path} already exists: choose a new file, so no backup is overwritten."
UNSUPPORTED_ERROR = "Backups are made of SQLite and PostgreSQL databases only, not {vendor}."
TOOL_FAILED_ERROR = "{tool} failed: {output}"

# libpq's environment variables, by the connection parameters Django gives.
LIBPQ = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
}


class BackupError(Exception):
    pass


def back_up(connection: BaseDatabaseWrapper, path: Path) -> None:
    if path.exists():
        raise BackupError(ALREADY_THERE_ERROR.format(path=path))
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"], connection)
    else:
        raise BackupError(UNSUPPORTED_ERROR.format(vendor=connection.vendor))


def restore(path: Path, connection: BaseDatabaseWrapper) -> None:
    if not path.is_file():
        raise BackupError(NO_BACKUP_ERROR.format(path=path))
    if connection.introspection.table_names():
        raise BackupError(NOT_FRESH_ERROR)
    if connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        # pg_restore needs the database named; its host, user and password stay in the
        # environment.
        name = connection.get_connection_params()["dbname"]
        restoring = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
        _run([*restoring, f"--dbname={name}", str(path)], connection)
    else:
        raise BackupError(UNSUPPORTED_ERROR.format(vendor=connection.vendor))


def _run(command: list[str], connection: BaseDatabaseWrapper) -> None:
    parameters = connection.get_connection_params()
    environment = os.environ.copy()
    for name, variable in LIBPQ.items():
        if parameters.get(name):
            environment[variable] = str(parameters[name])
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(TOOL_FAILED_ERROR.format(tool=command[0], output=error)) from error
    except subprocess.CalledProcessError as error:
        output = (error.stderr or error.stdout or "").strip()
        raise BackupError(TOOL_FAILED_ERROR.format(tool=command[0], output=output)) from error
