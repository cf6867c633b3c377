"""A funded project reports back: results per success criterion, money spent, anchoring."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import CriterionResult, Report, ReportStatus, SpentAmount
from portal.models import User

from .errors import DomainError, EditConflict

EDITABLE_REPORT_STATUSES = (ReportStatus.REQUESTED, ReportStatus.RETURNED)


@dataclass
class ReportContent:
    summary: str = ""
    anchoring_status: str = ""
    unspent_amount: Decimal | None = None
    spent: Mapping[int, Decimal | None] = field(default_factory=dict)
    # criterion id → (achieved value, comment)
    results: Mapping[int, tuple[Decimal | None, str]] = field(default_factory=dict)


def _lock_report(report_id: int) -> Report:
    return Report.objects.select_for_update().select_related("application").get(pk=report_id)


def do_save_report(
    *, report_id: int, actor: User, expected_version: int, content: ReportContent
) -> Report:
    with transaction.atomic():
        report = _lock_report(report_id)
        if report.status not in EDITABLE_REPORT_STATUSES:
            raise DomainError(_("Rapporten er indsendt og kan ikke ændres."))
        if report.version != expected_version:
            raise EditConflict(
                message=_(
                    "En anden har gemt rapporten, mens du redigerede. Det, du skrev, står "
                    "herunder; gem igen for at lade din udgave gælde."
                )
            )
        report.summary = content.summary
        report.anchoring_status = content.anchoring_status
        report.unspent_amount = content.unspent_amount
        report.version += 1
        report.save()
        criteria = set(report.application.success_criteria.values_list("pk", flat=True))
        for criterion_id, (value, comment) in content.results.items():
            if criterion_id not in criteria:
                raise DomainError(_("Succeskriteriet hører ikke til denne indsats."))
            if value is None and not comment:
                # Nothing typed: no row (saving an untouched form stores nothing new).
                CriterionResult.objects.filter(report=report, criterion_id=criterion_id).delete()
                continue
            CriterionResult.objects.update_or_create(
                report=report,
                criterion_id=criterion_id,
                defaults={"achieved_value": value, "comment": comment},
            )
        for year, amount in content.spent.items():
            if amount is None:
                SpentAmount.objects.filter(report=report, year=year).delete()
            else:
                SpentAmount.objects.update_or_create(
                    report=report, year=year, defaults={"amount": amount}
                )
        return report


def missing_for_report(report: Report) -> list[str]:
    missing = []
    if not report.summary.strip():
        missing.append(_("Skriv en kort sammenfatning af, hvad indsatsen har opnået."))
    results = {r.criterion_id: r for r in report.results.all()}
    for criterion in report.application.success_criteria.all():
        result = results.get(criterion.pk)
        if result is None or (result.achieved_value is None and not result.comment.strip()):
            missing.append(
                _("Angiv resultatet for succeskriteriet »%(criterion)s«.")
                % {"criterion": criterion.text[:80]}
            )
    if not report.spent_amounts.exists():
        missing.append(_("Angiv, hvor mange penge der er brugt."))
    if not report.anchoring_status.strip():
        missing.append(_("Beskriv status for forankringen."))
    return missing


def do_submit_report(*, report_id: int, actor: User) -> Report:
    with transaction.atomic():
        report = _lock_report(report_id)
        if report.status not in EDITABLE_REPORT_STATUSES:
            raise DomainError(_("Rapporten er allerede indsendt."))
        missing = missing_for_report(report)
        if missing:
            raise DomainError(_("Rapporten mangler: %(missing)s") % {"missing": " ".join(missing)})
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        report.version += 1
        report.save()
        return report
