"""A search that forgives (PostgreSQL; grants.search).

- Accents folded: the text search configuration `danish_unaccent` is the Danish one with the
  `unaccent` dictionary before the Danish stemmer, so "sprogcafe" finds "Sprogcafé". The stored
  search document (migration 0006's trigger) is rebuilt with it, and queries use it too.
- The words of funded projects' public text in `grants_searchword`, with a trigram index
  (`pg_trgm`): the parts of compound words ("undervisning" finds "sprogundervisning") and the
  "Mente du …?" suggestion for a typo. A statement-level trigger adds the words of every
  funded project inserted or updated; grants.search.rebuild_words (nightly) drops words no
  funded project uses any more.

SQLite (development) gets only the table; grants.search folds accents in Python there.
"""

import importlib

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

# Keep in step with grants.models.FUNDED_STATUSES and grants.search.SEARCH_FIELDS.
FUNDED = "('approved', 'active', 'closed')"
TEXT = "concat_ws(' ', {p}title, {p}target_group, {p}purpose, {p}challenge, {p}description, {p}anchoring)"

DOCUMENT = importlib.import_module("grants.migrations.0006_application_search_document").DOCUMENT

SEARCH_DOCUMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION grants_application_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := {document};
    RETURN NEW;
END
$$;
"""

CREATE = f"""
CREATE TEXT SEARCH CONFIGURATION danish_unaccent (COPY = danish);
ALTER TEXT SEARCH CONFIGURATION danish_unaccent
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, danish_stem;
{SEARCH_DOCUMENT_FUNCTION.format(document=DOCUMENT.format(p="NEW.").replace("'danish'", "'danish_unaccent'"))}
UPDATE grants_application SET search_document = NULL;  -- the trigger writes it anew

-- The words of a text: letters and digits, also the parts of hyphenated words, lowercase.
CREATE FUNCTION grants_search_words(doc text) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT lower(token) FROM ts_parse('default', doc)
    WHERE tokid IN (1, 2, 3, 9, 10, 11) AND length(token) BETWEEN 3 AND 100
$$;
CREATE FUNCTION grants_application_search_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- In a fixed order, so two transactions adding the same new words never deadlock.
    INSERT INTO grants_searchword (word, plain)
    SELECT DISTINCT w, unaccent(w) FROM new_rows a, grants_search_words({TEXT.format(p="a.")}) w
    WHERE a.status IN {FUNDED}
    ORDER BY 1
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER grants_application_search_words_insert
    AFTER INSERT ON grants_application REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grants_application_search_words();
CREATE TRIGGER grants_application_search_words_update
    AFTER UPDATE ON grants_application REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grants_application_search_words();
INSERT INTO grants_searchword (word, plain)
    SELECT DISTINCT w, unaccent(w) FROM grants_application a,
        grants_search_words({TEXT.format(p="a.")}) w
    WHERE a.status IN {FUNDED}
    ON CONFLICT (word) DO NOTHING;
CREATE INDEX searchword_plain_trgm ON grants_searchword USING gist (plain gist_trgm_ops);
"""

DROP = f"""
DROP TRIGGER IF EXISTS grants_application_search_words_insert ON grants_application;
DROP TRIGGER IF EXISTS grants_application_search_words_update ON grants_application;
DROP FUNCTION IF EXISTS grants_application_search_words();
DROP FUNCTION IF EXISTS grants_search_words(text);
{SEARCH_DOCUMENT_FUNCTION.format(document=DOCUMENT.format(p="NEW."))}
UPDATE grants_application SET search_document = NULL;
DROP TEXT SEARCH CONFIGURATION IF EXISTS danish_unaccent;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("grants", "0010_application_creation_token")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "word",
                    models.CharField(
                        max_length=100, primary_key=True, serialize=False, verbose_name="ord"
                    ),
                ),
                ("plain", models.CharField(max_length=100, verbose_name="ord uden accenter")),
            ],
            options={"verbose_name": "søgeord", "verbose_name_plural": "søgeord"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
