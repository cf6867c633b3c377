"""Data: every existing pool gets a scheme. Its own migration, because PostgreSQL refuses
to alter a table in the transaction that just updated its rows (pending trigger events)."""

from django.db import migrations


def give_every_pool_a_scheme(apps, schema_editor):
    """Every existing pool was its municipality's integration pool: one scheme each."""
    Pool = apps.get_model("grants", "Pool")
    HistoricalPool = apps.get_model("grants", "HistoricalPool")
    Scheme = apps.get_model("grants", "Scheme")
    for municipality_id in Pool.objects.values_list("municipality_id", flat=True).distinct():
        scheme, _created = Scheme.objects.get_or_create(
            municipality_id=municipality_id, name="Integrationspuljen"
        )
        Pool.objects.filter(municipality_id=municipality_id).update(scheme=scheme)
        HistoricalPool.objects.filter(municipality_id=municipality_id).update(scheme=scheme)


class Migration(migrations.Migration):

    dependencies = [
        ("grants", "0014_scheme"),
    ]

    operations = [
        migrations.RunPython(give_every_pool_a_scheme, migrations.RunPython.noop),
    ]
