"""GIN index for the Danish full-text search of projects (PostgreSQL only).

The index expression is built from the same SearchVector the search uses, so PostgreSQL
can use it; SQLite (development) has no full-text index and skips this.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "application_search_danish"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    Application = apps.get_model("grants", "Application")
    # The search's expression at the time (0006 replaced it with a stored column).
    fields = ("title", "target_group", "challenge", "purpose", "description", "anchoring")
    index = GinIndex(SearchVector(*fields, config="danish"), name=INDEX_NAME)
    schema_editor.execute(index.create_sql(Application, schema_editor))


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("grants", "0004_historicalrecommendation_recommendation_and_more")]

    operations = [migrations.RunPython(create_index, drop_index)]
