from django.core.management.base import BaseCommand
from django.db import connection, transaction

from grants.models import CatalogueCount


class Command(BaseCommand):
    help = (
        "Recount what the database and the signals keep for the public pages: the catalogue's "
        "counts per municipality and year (PostgreSQL triggers, migration grants 0022) and "
        "each indicator's barometer status (indicators.stored_status). Needed only after "
        "rows were changed outside the portal (SQL by hand, a restore of part of a table)."
    )

    def handle(self, *args, **options):
        from indicators.stored_status import refresh_statuses

        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT grants_recount_catalogue(ARRAY(SELECT id FROM portal_municipality))"
                    )
                rows = CatalogueCount.objects.count()
                self.stdout.write(f"Catalogue counts: {rows} rows recounted")
            else:
                self.stdout.write("Catalogue counts: kept only on PostgreSQL (SQLite counts live)")
            changed = refresh_statuses()
        self.stdout.write(f"Barometer statuses: {changed} indicators changed")
