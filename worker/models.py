"""What the background worker keeps: the mail it sends, the scheduled runs it has started,
the reminders it has sent, and each user's choices about reminders and language."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Venter")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Kunne ikke sendes")


class OutgoingMail(models.Model):
    """One e-mail, written in the same transaction as the change that caused it and sent by
    the worker afterwards: the record of what was sent, when, and how many tries it took."""

    kind = models.CharField(_("slags"), max_length=40)
    to = models.JSONField(_("modtagere"), default=list)
    subject = models.CharField(_("emne"), max_length=300)
    body = models.TextField(_("tekst"))
    language = models.CharField(_("sprog"), max_length=8, default="da")
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    # Only the class of the last error: an SMTP error's text may hold the addresses.
    last_error = models.CharField(_("seneste fejl"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("næste forsøg"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("udgående e-mail")
        verbose_name_plural = _("udgående e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.subject


class ScheduledRun(models.Model):
    """One run of a scheduled job for one slot (a day, an hour …). The unique constraint is
    what lets several workers share one schedule: only the first to insert a slot starts it."""

    job = models.CharField(_("job"), max_length=60)
    slot = models.CharField(_("periode"), max_length=40)
    started_at = models.DateTimeField(_("startet"), auto_now_add=True)

    class Meta:
        verbose_name = _("planlagt kørsel")
        verbose_name_plural = _("planlagte kørsler")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"


class SentReminder(models.Model):
    """A reminder that was sent to one user about one thing on one occasion (e.g. the report
    12 due on 2027-03-31, 30 days before). Unique, so it is never sent twice, whichever worker
    gets there first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_reminders",
        verbose_name=_("bruger"),
    )
    key = models.CharField(_("påmindelse"), max_length=120)
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        verbose_name = _("sendt påmindelse")
        verbose_name_plural = _("sendte påmindelser")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="sent_reminder_once")]

    def __str__(self) -> str:
        return self.key


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Preferences(models.Model):
    """A user's own choices: the language of their e-mail, which reminders they get, and the
    private address of their calendar feed (a new token revokes the old address)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("bruger"),
    )
    language = models.CharField(
        _("sprog i e-mails"), max_length=8, choices=settings.LANGUAGES, default="da"
    )
    remind_draft_deadline = models.BooleanField(
        _("kladder før ansøgningsfristen"),
        default=True,
        help_text=_("14 og 3 dage før fristen, når du har en kladde, der ikke er indsendt."),
    )
    remind_report_due = models.BooleanField(
        _("afrapportering om 30 dage"),
        default=True,
        help_text=_("Når en afrapportering skal være indsendt inden for 30 dage."),
    )
    remind_report_overdue = models.BooleanField(
        _("afrapportering over fristen"),
        default=True,
        help_text=_("Når en afrapportering ikke er indsendt til tiden."),
    )
    remind_information_due = models.BooleanField(
        _("svar til kommunen"),
        default=True,
        help_text=_(
            "3 dage før svarfristen, når kommunen har spurgt om noget i en af dine ansøgninger, "
            "og igen, hvis fristen går uden svar."
        ),
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    updated_at = models.DateTimeField(auto_now=True)
    # Who changed what, without the token itself: the history must not hold a live secret.
    history = HistoricalRecords(excluded_fields=["calendar_token"])

    class Meta:
        verbose_name = _("indstillinger")
        verbose_name_plural = _("indstillinger")

    def __str__(self) -> str:
        return str(self.user)
