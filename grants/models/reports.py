"""What a funded project reports back ("afrapportering / evaluering")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.money import MoneyField, format_kroner

from .applications import Application, StoredFile, SuccessCriterion


class ReportKind(models.TextChoices):
    EVALUATION = "evaluation", _("Evaluering")
    STATUS = "status", _("Statusrapport")
    FINAL = "final", _("Slutrapport")


# "Sekretariatet har godkendt slutrapporten": the kind with its article, for sentences
# (recheck round 33: "har godkendt slutrapport for …").
DEFINITE_KIND = {
    ReportKind.EVALUATION: _("evalueringen"),
    ReportKind.STATUS: _("statusrapporten"),
    ReportKind.FINAL: _("slutrapporten"),
}


class ReportStatus(models.TextChoices):
    # Said from where the report is (fresh eyes round 18: "Anmodet" puzzled an association).
    REQUESTED = "requested", _("Ikke sendt endnu")
    SUBMITTED = "submitted", _("Indsendt")
    RETURNED = "returned", _("Sendt retur")
    ACCEPTED = "accepted", _("Godkendt")


# The applicant's turn: the report is asked for, or sent back to be corrected.
OPEN_FOR_APPLICANT = (ReportStatus.REQUESTED, ReportStatus.RETURNED)


class Report(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reports", verbose_name=_("ansøgning")
    )
    kind = models.CharField(_("type"), max_length=12, choices=ReportKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.REQUESTED
    )
    due_date = models.DateField(_("frist"))
    summary = models.TextField(_("sammenfatning"), blank=True)
    anchoring_status = models.TextField(_("status for forankring"), blank=True)
    unspent_amount = MoneyField(_("ubrugte midler"), null=True, blank=True)
    overspend_explanation = models.TextField(
        _("forklaring på merforbrug"),
        blank=True,
        help_text=_("Skal udfyldes, når forbruget et år er større end bevillingen for året."),
    )
    staff_comment = models.TextField(_("sekretariatets bemærkning"), blank=True)
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_submitted",
        verbose_name=_("indsendt af"),
    )
    accepted_at = models.DateTimeField(_("godkendt"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_accepted",
        verbose_name=_("godkendt af"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("afrapportering")
        verbose_name_plural = _("afrapporteringer")
        ordering = ["due_date", "application"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unspent_amount__isnull=True) | Q(unspent_amount__gte=0),
                name="report_unspent_not_negative",
                violation_error_message=_("Det ubrugte beløb kan ikke være negativt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.application}"

    @property
    def definite_kind(self) -> str:
        return str(DEFINITE_KIND[self.kind])

    @property
    def is_overdue(self) -> bool:
        """Waiting for the applicant past its date: one rule for the dashboard, the case pages
        and the staff lists (fresh eyes round 15: "Overskredet" on one, "Anmodet" on the
        other)."""
        from django.utils import timezone

        return self.status in OPEN_FOR_APPLICANT and self.due_date < timezone.localdate()


def report_attachment_path(instance: "ReportAttachment", filename: str) -> str:
    application = instance.report.application
    return f"reports/{application.municipality_id}/{application.pk}/{filename}"


class ReportAttachment(StoredFile):
    """A file sent with a report (the accounts, a list of participants, photos in a PDF):
    checked and stored as the application's attachments are (grants.services.attachments),
    added and removed only while the report is the applicant's to edit (fresh eyes round 31:
    an association had nowhere to put its accounts)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("rapport")
    )
    file = models.FileField(_("fil"), upload_to=report_attachment_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploadet af"),
    )
    uploaded_at = models.DateTimeField(_("uploadet"), auto_now_add=True)
    # Who added or removed which file, in the report's history (docs/security.md: audit).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bilag til rapport")
        verbose_name_plural = _("bilag til rapporter")
        ordering = ["report", "uploaded_at", "pk"]


class SpentAmount(models.Model):
    """Money a project reports as spent in one year."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="spent_amounts", verbose_name=_("rapport")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount = MoneyField(_("forbrugt"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("forbrug")
        verbose_name_plural = _("forbrug")
        ordering = ["report", "year"]
        constraints = [
            models.UniqueConstraint(fields=["report", "year"], name="spent_one_per_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="spent_not_negative",
                violation_error_message=_("Et brugt beløb kan ikke være negativt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {format_kroner(self.amount)}"  # as the admin shows it


class CriterionResult(models.Model):
    """The achieved result for one success criterion in one report."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="results", verbose_name=_("rapport")
    )
    criterion = models.ForeignKey(
        SuccessCriterion,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("succeskriterium"),
    )
    achieved_value = models.DecimalField(
        _("opnået værdi"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("kommentar"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resultat")
        verbose_name_plural = _("resultater")
        ordering = ["report", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "criterion"], name="result_one_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        # Cut at a word and the number in Danish (fresh eyes round 30: "opnår l: 70.00").
        from django.utils.text import Truncator

        from portal.numbers import format_number

        value = "–" if self.achieved_value is None else format_number(self.achieved_value)
        return f"{Truncator(self.criterion.text).words(10)}: {value}"
