"""Messages in the case: applicant and committee staff write to each other on an application,
and staff may ask for specific information that the applicant answers in the portal.

Every row is part of the case's record: nothing here is edited or deleted through the portal,
and the history tables (django-simple-history) keep who wrote what and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .applications import Application, StoredFile


class Side(models.TextChoices):
    APPLICANT = "applicant", _("Ansøger")
    STAFF = "staff", _("Sekretariatet")


class InformationRequest(models.Model):
    """Staff ask the applicant for specific information; the applicant's answer closes it."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="information_requests",
        verbose_name=_("ansøgning"),
    )
    question = models.TextField(_("spørgsmål"))
    due_date = models.DateField(_("svarfrist"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="information_requests_made",
        verbose_name=_("spurgt af"),
    )
    requested_at = models.DateTimeField(_("spurgt"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="information_requests_answered",
        verbose_name=_("besvaret af"),
    )
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("anmodning om oplysninger")
        verbose_name_plural = _("anmodninger om oplysninger")
        ordering = ["application", "requested_at", "pk"]
        indexes = [models.Index(fields=["application", "answered_at"])]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class CaseMessage(models.Model):
    """One message in the case, from the applicant's side or from staff. A request for
    information and its answer are messages too, linked to the request."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="case_messages",
        verbose_name=_("ansøgning"),
    )
    side = models.CharField(_("fra"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_messages",
        verbose_name=_("skrevet af"),
    )
    text = models.TextField(_("besked"))
    information_request = models.ForeignKey(
        InformationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("anmodning om oplysninger"),
    )
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")
        ordering = ["application", "sent_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


def message_attachment_path(instance: "MessageAttachment", filename: str) -> str:
    application = instance.message.application
    return f"messages/{application.municipality_id}/{application.pk}/{filename}"


class MessageAttachment(StoredFile):
    """A file sent with a message: checked and stored as the application's attachments are
    (grants.services.attachments), kept apart so the application's own list stays its own."""

    message = models.ForeignKey(
        CaseMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("besked")
    )
    file = models.FileField(_("fil"), upload_to=message_attachment_path, max_length=300)

    class Meta:
        verbose_name = _("bilag til besked")
        verbose_name_plural = _("bilag til beskeder")
        ordering = ["message", "pk"]


class CaseReadMark(models.Model):
    """How far one side of the case has read its messages: the other side's messages sent
    after `read_at` are new to it (fresh eyes round 15: a reply was not flagged anywhere).
    One mark per side, not per person: the secretariat and an association's people share
    their inbox, so one of them reading it is the side having read it."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="read_marks",
        verbose_name=_("ansøgning"),
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    read_at = models.DateTimeField(_("læst til"))
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("læst af"),
    )

    class Meta:
        verbose_name = _("læst til")
        verbose_name_plural = _("læst til")
        constraints = [
            models.UniqueConstraint(fields=["application", "side"], name="one_read_mark_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.side} {self.read_at:%Y-%m-%d %H:%M}"
