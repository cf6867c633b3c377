"""Hyphenated words are search words too (PostgreSQL).

Danish texts spell many words both ways, "to-sprogede" and "tosprogede". A search for the
one finds the other (grants.search.TERM_QUERIES): a hyphenated query word is also searched
joined, and a joined one also as the funded projects' hyphenated words that are it without
their hyphens, which the words table (grants_searchword) now keeps beside their parts. A
partial index finds those by their joined form.
"""

import importlib

from django.db import migrations

forgiving = importlib.import_module("grants.migrations.0011_search_forgiving")
latest = importlib.import_module("grants.migrations.0031_search_partners_and_learnings")

# ts_parse's token types: words (1-3), their hyphenated parts (9-11) and hyphenated words
# whole (15-17); never an e-mail address or a web address (4-6).
WORDS = """
CREATE OR REPLACE FUNCTION grants_search_words(doc text) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT lower(token) FROM ts_parse('default', doc)
    WHERE tokid IN ({tokens}) AND length(token) BETWEEN 3 AND 100
$$;
"""

FORWARDS = f"""
{WORDS.format(tokens="1, 2, 3, 9, 10, 11, 15, 16, 17")}
INSERT INTO grants_searchword (word, plain)
    SELECT DISTINCT w, unaccent(w) FROM grants_application a,
        grants_search_words({latest.text(latest.FIELDS, "a.")}) w
    WHERE a.status IN {forgiving.FUNDED} AND w LIKE '%-%'
    ORDER BY 1
    ON CONFLICT (word) DO NOTHING;
CREATE INDEX searchword_hyphenated ON grants_searchword
    USING gist (replace(plain, '-', '') gist_trgm_ops) WHERE plain LIKE '%-%';
"""

BACKWARDS = f"""
DROP INDEX IF EXISTS searchword_hyphenated;
DELETE FROM grants_searchword WHERE word LIKE '%-%';
{WORDS.format(tokens="1, 2, 3, 9, 10, 11")}
"""


def run(schema_editor, sql: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the statements' own '%' (LIKE) are not placeholders.
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    run(schema_editor, FORWARDS)


def backwards(apps, schema_editor):
    run(schema_editor, BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("grants", "0031_search_partners_and_learnings")]

    operations = [migrations.RunPython(forwards, backwards)]
