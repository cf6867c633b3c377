import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.municipality import TransferError, dumps, export_municipality


class Command(BaseCommand):
    help = "Export all data of one municipality (by kommunekode, e.g. 147) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Danmarks Statistik's kommunekode, e.g. 147")
        parser.add_argument("output", help="file to write, or - for standard output")

    def handle(self, *args, code: str, output: str, **options):
        try:
            data = export_municipality(code)
        except TransferError as error:
            raise CommandError(str(error)) from error
        text = dumps(data)
        if output == "-":
            self.stdout.write(text)
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(
                f"Exported {len(data['objects'])} rows and {len(data['files'])} files to {output}"
            )
        json.loads(text)  # never write a file we could not read back
