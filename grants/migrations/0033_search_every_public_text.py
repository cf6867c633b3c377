"""The search reads every text the project's public page shows (PostgreSQL): also its goals
from other policies, its earlier funding and the note on its amounts.

A citizen searching for a word shown on a project's page found nothing (fresh eyes, session
30: "ikke-vestlige" stood in a project's goals from other policies); a test now checks every
text of the form against the page. They weigh least in the ranking (D). As in 0031: the trigger also fires when they change, the words of funded
projects (grants_searchword) take theirs too, and every document is written anew.

Keep in step with grants.search.SEARCH_FIELDS.
"""

import importlib

from django.db import migrations

latest = importlib.import_module("grants.migrations.0031_search_partners_and_learnings")

OLD_FIELDS = latest.FIELDS
FIELDS = (*OLD_FIELDS, "other_policy_goals", "previous_funding_text", "amount_note")

OLD_DOCUMENT = latest.DOCUMENT
DOCUMENT = (
    OLD_DOCUMENT.rstrip()
    + """
    || setweight(to_tsvector('danish_unaccent',
        coalesce({p}other_policy_goals, '') || ' ' || coalesce({p}previous_funding_text, '')
        || ' ' || coalesce({p}amount_note, '')), 'D')
"""
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(latest.definitions(FIELDS, DOCUMENT))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(latest.definitions(OLD_FIELDS, OLD_DOCUMENT))


class Migration(migrations.Migration):
    dependencies = [("grants", "0032_search_hyphenated_words")]

    operations = [migrations.RunPython(forwards, backwards)]
