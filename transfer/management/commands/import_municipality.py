import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.municipality import TransferError, import_municipality


class Command(BaseCommand):
    help = "Import a municipality exported with export_municipality into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("input", help="the JSON file written by export_municipality")

    def handle(self, *args, input: str, **options):  # noqa: A002 - the argument's name
        try:
            data = json.loads(Path(input).read_text(encoding="utf-8"))
            municipality = import_municipality(data)
        except (OSError, ValueError, TransferError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {municipality.name} ({len(data['objects'])} rows, "
                f"{len(data['files'])} files)"
            )
        )
