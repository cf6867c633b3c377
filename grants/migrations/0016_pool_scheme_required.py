"""Every pool has a scheme (filled in by 0012); one round per scheme and year.

A separate migration: PostgreSQL refuses to alter the table in the transaction that just
updated its rows (pending trigger events)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0015_pool_scheme_data'),
    ]

    operations = [
        migrations.AlterField(
            model_name='pool',
            name='scheme',
            field=models.ForeignKey(help_text='Ordningen har én pulje om året; flerårige bevillinger tager fra dens puljer.', on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='grants.scheme', verbose_name='puljeordning'),
        ),
        migrations.AddConstraint(
            model_name='pool',
            constraint=models.UniqueConstraint(fields=('scheme', 'year'), name='pool_one_round_per_year'),
        ),
    ]
