from django.core.management.base import BaseCommand

from worker.mail import enqueue_delivery
from worker.models import MailStatus, OutgoingMail


class Command(BaseCommand):
    help = (
        "Hand mail that failed (after all its tries) to the worker again, e.g. once the mail "
        "server is fixed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only mail recorded on or after this date (YYYY-MM-DD)")

    def handle(self, *args, since=None, **options):
        failed = OutgoingMail.objects.filter(status=MailStatus.FAILED)
        if since:
            failed = failed.filter(created_at__date__gte=since)
        ids = list(failed.values_list("pk", flat=True))
        OutgoingMail.objects.filter(pk__in=ids).update(
            status=MailStatus.PENDING, attempts=0, next_attempt_at=None
        )
        for mail_id in ids:
            enqueue_delivery(mail_id)
        self.stdout.write(f"{len(ids)} e-mails handed to the worker again")
