"""A decision brought in from before the portal had its source copied into the message to the
applicant, so the case page showed the source as "Meddelelse" (fresh eyes round 15). The
source stays in `source`, shown as such; the copy goes."""

from django.db import migrations
from django.db.models import F


def clear_copied_source(apps, schema_editor):
    Decision = apps.get_model("grants", "Decision")
    Decision.objects.exclude(source="").filter(message=F("source")).update(message="")


class Migration(migrations.Migration):
    dependencies = [("grants", "0020_previous_funding_wording")]

    operations = [migrations.RunPython(clear_copied_source, migrations.RunPython.noop)]
