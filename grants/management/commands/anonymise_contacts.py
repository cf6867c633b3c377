from django.conf import settings
from django.core.management.base import BaseCommand

from grants.privacy import (
    anonymise_case_messages,
    anonymise_contacts,
    contacts_due_for_anonymisation,
    messages_due_for_anonymisation,
)


class Command(BaseCommand):
    help = (
        "Anonymise contact persons, case messages (deleting their files) and information "
        "requests of projects that ended (closed, rejected or withdrawn) more than "
        "PERSONAL_DATA_RETENTION_YEARS ago, also in the audit history. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=None, help="override the setting")
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args, years=None, dry_run=False, **options):
        years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
        if dry_run:
            count = contacts_due_for_anonymisation(years).count()
            self.stdout.write(
                f"{count} contact persons would be anonymised (older than {years} years)"
            )
            messages = messages_due_for_anonymisation(years).count()
            self.stdout.write(f"{messages} case messages would be anonymised")
            return
        messages = anonymise_case_messages(years)
        self.stdout.write(f"Anonymised {messages} case messages and information requests")
        count = anonymise_contacts(years)
        self.stdout.write(
            f"Anonymised {count} contact persons (projects ended over {years} years ago)"
        )
