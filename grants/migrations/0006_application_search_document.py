"""A stored, weighted full-text search document per application (PostgreSQL only).

Migration 0005 indexed an expression, so every matching row still had its tsvector computed
at query time, and ranking computed it again: a search for a common word at national scale
ran past the web server's timeout. Now a trigger keeps the document in a column whenever a
row is inserted or a searched field changes (also for bulk inserts and raw SQL), and the GIN
index covers that column. Title weighs most, then target group and purpose, then the rest.

SQLite (development) has no full-text search: the column stays empty there and
grants.search falls back to matching words.
"""

import importlib

import django.contrib.postgres.search
from django.db import migrations

OLD_INDEX = "application_search_danish"
INDEX = "application_search_document"

# Keep in step with grants.search.SEARCH_FIELDS.
DOCUMENT = """
    setweight(to_tsvector('danish', coalesce({p}title, '')), 'A')
    || setweight(to_tsvector('danish',
        coalesce({p}target_group, '') || ' ' || coalesce({p}purpose, '')), 'B')
    || setweight(to_tsvector('danish',
        coalesce({p}challenge, '') || ' ' || coalesce({p}description, '')
        || ' ' || coalesce({p}anchoring, '')), 'C')
"""

CREATE = f"""
CREATE FUNCTION grants_application_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := {DOCUMENT.format(p="NEW.")};
    RETURN NEW;
END
$$;
CREATE TRIGGER grants_application_search_document
    BEFORE INSERT OR UPDATE OF title, target_group, purpose, challenge, description, anchoring,
        search_document
    ON grants_application
    FOR EACH ROW EXECUTE FUNCTION grants_application_search_document();
UPDATE grants_application SET search_document = {DOCUMENT.format(p="")};
DROP INDEX IF EXISTS {OLD_INDEX};
CREATE INDEX {INDEX} ON grants_application USING gin (search_document);
"""

DROP = f"""
DROP INDEX IF EXISTS {INDEX};
DROP TRIGGER IF EXISTS grants_application_search_document ON grants_application;
DROP FUNCTION IF EXISTS grants_application_search_document();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        # Back to 0005's state: its expression index.
        importlib.import_module("grants.migrations.0005_search_index").create_index(
            apps, schema_editor
        )


class Migration(migrations.Migration):
    dependencies = [("grants", "0005_search_index")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
