"""On PostgreSQL the database itself refuses to change or delete the audit log.

The models refuse already (WrittenOnce); this holds against raw SQL, a shell, or a bug
that goes round them. TRUNCATE is left to the database's owner, as are the tables'
DROP: both need the owner's rights, not the application's everyday ones.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_exportedmeeting")

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit events are append-only: they cannot be changed or deleted.'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def refuse_changes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_reads_by_role_and_exported_meetings")]

    operations = [migrations.RunPython(refuse_changes, allow_changes)]
