"""The worker's own tasks: delivering mail (with retries) and the scheduled housekeeping."""

import datetime
import email.policy
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from .models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

# Headers are folded at 998 characters, not 78: CPython's folding of a long UTF-8 subject
# into several encoded words put a space between two of them, where RFC 2047 ignores it
# ("lektiehjælppå", fresh eyes rounds 11 and 12). One longer encoded word is read by every
# mail program we know; a lost space in a subject is read by the person.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)


class PortalMail(EmailMessage):
    def message(self, *, policy=MAIL_POLICY):
        return super().message(policy=policy)


def send_mail(subject: str, body: str, from_email: str, to: list[str]) -> int:
    return PortalMail(subject, body, from_email, to).send()


# Minutes to wait before each new try: a mail server that is down for an hour or two loses
# nothing. After the last try the message is marked failed and logged for the operator.
RETRY_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1


@task()
def deliver_mail(mail_id: int) -> str:
    """Send one recorded message. The row lock (skipping a row another worker holds) and the
    status check make a message go out once even when its delivery was enqueued twice."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=MailStatus.PENDING)
            # A retry waits for its time, even if a second delivery was enqueued early.
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
            .first()
        )
        if mail is None:
            return "nothing to do"
        mail.attempts += 1
        try:
            send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, mail.to)
        except Exception as error:  # any failure of the mail server: retry later
            # Only the subject and the error's class: its text may hold the addresses.
            mail.last_error = type(error).__name__
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
                mail.next_attempt_at = None
                logger.error(
                    "Could not send notification: %s (%s, gave up after %s tries)",
                    mail.subject,
                    mail.last_error,
                    mail.attempts,
                )
            else:
                delay = datetime.timedelta(minutes=RETRY_MINUTES[mail.attempts - 1])
                mail.next_attempt_at = timezone.now() + delay
                logger.warning(
                    "Could not send notification: %s (%s); try %s of %s again at %s",
                    mail.subject,
                    mail.last_error,
                    mail.attempts,
                    MAX_ATTEMPTS,
                    mail.next_attempt_at.isoformat(timespec="seconds"),
                )
                from .mail import enqueue_delivery

                next_at = mail.next_attempt_at
                transaction.on_commit(lambda: enqueue_delivery(mail_id, run_after=next_at))
            mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "retry" if mail.status == MailStatus.PENDING else "failed"
        mail.status = MailStatus.SENT
        mail.sent_at = timezone.now()
        mail.next_attempt_at = None
        mail.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        return "sent"


@task()
def requeue_stalled_mail() -> int:
    """Mail whose delivery was never enqueued (the process stopped between the commit and the
    enqueue) or whose retry was lost is handed to the worker again. Sending stays once-only:
    `deliver_mail` checks the status under a row lock."""
    grace = timezone.now() - datetime.timedelta(minutes=15)
    stalled = OutgoingMail.objects.filter(status=MailStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True, created_at__lt=grace) | Q(next_attempt_at__lt=grace)
    )
    ids = list(stalled.values_list("pk", flat=True)[:500])
    from .mail import enqueue_delivery

    for mail_id in ids:
        enqueue_delivery(mail_id)
    return len(ids)


@task()
def prune_records() -> dict:
    """Daily housekeeping. Sent and failed mail holds personal data (addresses, names in the
    text): it is kept MAIL_RECORD_DAYS as the record of what was sent, then deleted. Finished
    tasks and the schedule's runs are kept 60 days (what ran, when, and why it failed)."""
    from django_tasks_db.models import DBTaskResult

    from .models import ScheduledRun

    now = timezone.now()
    mail_cutoff = now - datetime.timedelta(days=settings.MAIL_RECORD_DAYS)
    cutoff = now - datetime.timedelta(days=60)
    return {
        "mail": OutgoingMail.objects.filter(
            status__in=[MailStatus.SENT, MailStatus.FAILED], created_at__lt=mail_cutoff
        ).delete()[0],
        "tasks": DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0],
        # Pool dates are recorded as runs too (grants.pool_dates): only old schedule slots go.
        "runs": ScheduledRun.objects.filter(started_at__lt=cutoff)
        .exclude(job__startswith="pool-")
        .delete()[0],
    }
