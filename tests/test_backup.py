"""A backup restores into a fresh database with every record and audit event as it was,
on SQLite (the online backup API) and PostgreSQL (pg_dump and pg_restore)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from engagement.audit.models import AuditEvent
from engagement.backup import ALREADY_THERE_ERROR, NO_BACKUP_ERROR, NOT_FRESH_ERROR, restore
from tests.factories import DisclosureFactory, FollowUpFactory

# Backups read what is committed, as a backup of the running app does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the same engine: a file for SQLite, a new database on
    the same server for PostgreSQL."""
    settings = dict(connection.settings_dict)
    created = None
    if connection.vendor == "sqlite":
        settings["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        created = f"{settings['NAME']}_restored"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(created)}")
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(created)}")
        settings["NAME"] = created
    handler = ConnectionHandler({"default": settings})
    yield handler["default"]
    handler.close_all()
    if created:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE {connection.ops.quote_name(created)}")


def everything(database) -> dict[str, list[tuple]]:
    """Every row of every table, in an order that does not depend on how it was read."""
    rows = {}
    with database.cursor() as cursor:
        for table in sorted(database.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {database.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def test_a_backup_restores_every_record_and_audit_event(
    client, officer, colleague, meeting, tmp_path, fresh_database
):
    DisclosureFactory(meeting=meeting, officer=colleague)
    FollowUpFactory(meeting=meeting, owner=officer)
    client.force_login(officer)
    assert client.get(meeting.get_absolute_url()).status_code == 200  # a read, logged
    path = tmp_path / "engagement.backup"

    call_command("backup_database", str(path))
    # restore_database's own function, into the fresh database rather than the app's.
    restore(path, fresh_database)

    before, after = everything(connection), everything(fresh_database)
    assert after == before
    audit_table = AuditEvent._meta.db_table
    assert len(after[audit_table]) == AuditEvent.objects.count() > 0
    assert after["meetings_meeting"]


def test_a_restore_into_a_database_with_tables_is_refused(tmp_path, db):
    path = tmp_path / "engagement.backup"
    call_command("backup_database", str(path))
    with pytest.raises(CommandError, match=NOT_FRESH_ERROR):
        call_command("restore_database", str(path))


def test_nothing_is_overwritten_or_restored_from_nowhere(tmp_path, db):
    existing = tmp_path / "kept.backup"
    existing.write_text("an earlier backup")
    with pytest.raises(CommandError, match=ALREADY_THERE_ERROR.format(path=existing)):
        call_command("backup_database", str(existing))
    assert existing.read_text() == "an earlier backup"
    missing = tmp_path / "missing.backup"
    with pytest.raises(CommandError, match=NO_BACKUP_ERROR.format(path=missing)):
        call_command("restore_database", str(missing))
