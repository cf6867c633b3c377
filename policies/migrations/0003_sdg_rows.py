"""The 17 UN Sustainable Development Goals are reference data every installation needs."""

from django.db import migrations


def create_sdgs(apps, schema_editor):
    SDG = apps.get_model("policies", "SDG")
    SDG.objects.bulk_create([SDG(number=number) for number in range(1, 18)], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_initial")]

    operations = [migrations.RunPython(create_sdgs, migrations.RunPython.noop)]
