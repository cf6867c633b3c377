"""The search also reads a project's partners and what it learnt and adjusts (PostgreSQL).

Both are public on the project's page, and citizens search for them ("Røde Kors" as a
partner; fresh eyes, session 29: "undervisning" did not find a project whose learnings tell
of "observation af undervisning"). They weigh least in the ranking (D). The trigger that
keeps the stored document now also fires when they change, the words of funded projects
(grants_searchword) take theirs too, and every document is written anew.

Keep in step with grants.search.SEARCH_FIELDS.
"""

import importlib

from django.db import migrations

forgiving = importlib.import_module("grants.migrations.0011_search_forgiving")

OLD_FIELDS = ("title", "target_group", "purpose", "challenge", "description", "anchoring")
FIELDS = (*OLD_FIELDS, "continuation_learnings", "partners")

OLD_DOCUMENT = forgiving.DOCUMENT.replace("'danish'", "'danish_unaccent'")
DOCUMENT = (
    OLD_DOCUMENT.rstrip()
    + """
    || setweight(to_tsvector('danish_unaccent',
        coalesce({p}continuation_learnings, '') || ' ' || coalesce({p}partners, '')), 'D')
"""
)


def text(fields, prefix):
    return "concat_ws(' ', " + ", ".join(f"{prefix}{field}" for field in fields) + ")"


def definitions(fields, document) -> str:
    return f"""
{forgiving.SEARCH_DOCUMENT_FUNCTION.format(document=document.format(p="NEW."))}
DROP TRIGGER IF EXISTS grants_application_search_document ON grants_application;
CREATE TRIGGER grants_application_search_document
    BEFORE INSERT OR UPDATE OF {", ".join(fields)}, search_document
    ON grants_application
    FOR EACH ROW EXECUTE FUNCTION grants_application_search_document();
CREATE OR REPLACE FUNCTION grants_application_search_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- In a fixed order, so two transactions adding the same new words never deadlock.
    INSERT INTO grants_searchword (word, plain)
    SELECT DISTINCT w, unaccent(w) FROM new_rows a, grants_search_words({text(fields, "a.")}) w
    WHERE a.status IN {forgiving.FUNDED}
    ORDER BY 1
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$;
-- The trigger writes every document anew; the statement's trigger adds the new words.
UPDATE grants_application SET search_document = NULL;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(definitions(FIELDS, DOCUMENT))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(definitions(OLD_FIELDS, OLD_DOCUMENT))


class Migration(migrations.Migration):
    dependencies = [("grants", "0030_funded_id_index")]

    operations = [migrations.RunPython(forwards, backwards)]
