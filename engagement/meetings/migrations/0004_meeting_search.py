"""The meetings list's search: a stored full-text vector, and the indexes that serve it.

On PostgreSQL: the pg_trgm extension, the `search` column filled for every meeting
(purpose, topics, summary and the meeting's group names, English stemming), a GIN index on
it, and trigram GIN indexes for the partial words the list matches in the purpose and
topics. On SQLite only the (always empty) column is added: it searches the text directly.

The GIN indexes are created here, guarded by the database vendor, and are deliberately not
in the model's Meta: a GinIndex in Meta would put it into the migration state, and SQLite
would then try to create it (`CREATE INDEX ... USING gin`, a syntax error) here and every
time a later migration rebuilds the meetings table. Kept out of the state, they leave
`makemigrations --check` clean on both databases.

The trigram indexes are on `UPPER(column::text)`, the exact expression Django's
`icontains` compiles to on PostgreSQL (`UPPER("purpose"::text) LIKE UPPER(%s)`), so the
same `icontains` filter the SQLite fallback uses is served by them.

The vector is written out here as frozen SQL, as a migration should be; the live
definition is engagement.meetings.search._refresh_sql(), and the two must agree.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCH_INDEXES = {
    "meeting_search": "USING gin (search)",
    "meeting_purpose_trgm": "USING gin ((UPPER(purpose::text)) gin_trgm_ops)",
    "meeting_topics_trgm": "USING gin ((UPPER(topics::text)) gin_trgm_ops)",
}

FILL_SEARCH = """
UPDATE meetings_meeting AS m SET search =
    setweight(to_tsvector('english'::regconfig, COALESCE(m.purpose, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE((
        SELECT string_agg(g.name, ' ')
        FROM meetings_meeting_groups AS mg
        JOIN community_communitygroup AS g ON g.id = mg.communitygroup_id
        WHERE mg.meeting_id = m.id
    ), '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(m.topics, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(m.summary, '')), 'C')
"""


def _on_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def fill_and_index(apps, schema_editor):
    if not _on_postgresql(schema_editor):
        return
    # Filled before the indexes exist: building a GIN index once is far cheaper than
    # updating it row by row.
    schema_editor.execute(FILL_SEARCH)
    for name, how in SEARCH_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON meetings_meeting {how}")


def drop_indexes(apps, schema_editor):
    if not _on_postgresql(schema_editor):
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("meetings", "0003_indexes_for_review_queue_and_disputes"),
    ]

    operations = [
        # Does nothing on SQLite (CreateExtension checks the vendor itself). pg_trgm is a
        # trusted extension: the database's owner may create it without being superuser.
        TrigramExtension(),
        migrations.AddField(
            model_name="meeting",
            name="search",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_and_index, drop_indexes),
    ]
