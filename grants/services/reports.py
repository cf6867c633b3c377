"""A funded project reports back: results per success criterion, money spent, anchoring."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from grants.models import (
    CriterionResult,
    Report,
    ReportKind,
    ReportStatus,
    SpentAmount,
    SuccessCriterion,
)
from grants.notifications import notify_report_submitted
from grants.rules import check
from portal.models import User
from portal.money import ZERO, format_kroner

from .errors import DomainError, DomainErrors, EditConflict
from .rows import delete_rows, save_row
from .spending import (
    check_no_future_spending,
    check_spending_explained,
    check_unspent,
)
from .submission import Missing


@dataclass
class ReportContent:
    summary: str = ""
    anchoring_status: str = ""
    unspent_amount: Decimal | None = None
    overspend_explanation: str = ""
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
        check(actor, "edit", report)
        if report.version != expected_version:
            raise EditConflict(
                message=_(
                    "Rapporten er gemt et andet sted, mens du redigerede. Det, du skrev, står "
                    "herunder; gem igen for at lade din udgave gælde."
                )
            )
        check_no_future_spending(spent=content.spent)
        # Spending above the grant without its explanation is saved as typed and keeps the
        # report from being sent (missing_for_content): refusing the save lost the whole
        # report on a reload (fresh eyes round 24).
        check_unspent(
            application_id=report.application_id,
            spent=content.spent,
            unspent=content.unspent_amount,
        )
        report.summary = content.summary
        report.overspend_explanation = content.overspend_explanation
        report.anchoring_status = content.anchoring_status
        report.unspent_amount = content.unspent_amount
        report.version += 1
        report.save()
        criteria = dict(report.application.success_criteria.values_list("pk", "unit"))
        for criterion_id, (value, comment) in content.results.items():
            if criterion_id not in criteria:
                raise DomainError(_("Succeskriteriet hører ikke til denne indsats."))
            error = SuccessCriterion.value_error(value, criteria[criterion_id])
            if error:
                raise DomainError(error, field=f"achieved_{criterion_id}")
            if value is None and not comment:
                # Nothing typed: no row (saving an untouched form stores nothing new).
                delete_rows(
                    CriterionResult.objects.filter(report=report, criterion_id=criterion_id),
                    actor=actor,
                )
                continue
            save_row(
                CriterionResult,
                actor=actor,
                report=report,
                criterion_id=criterion_id,
                defaults={"achieved_value": value, "comment": comment},
            )
        for year, amount in content.spent.items():
            if amount is None:
                delete_rows(SpentAmount.objects.filter(report=report, year=year), actor=actor)
            else:
                save_row(
                    SpentAmount, actor=actor, report=report, year=year, defaults={"amount": amount}
                )
        return report


def missing_for_content(report: Report, content: ReportContent) -> list[Missing]:
    """What a report with `content` still lacks before it can be submitted, each with the
    report form's field where it is given (the page links it and marks the field when
    "Gem og indsend" is refused; fresh eyes round 28: the overspend's field was unmarked).

    The report form passes what it holds now, so the list is current while the caseworker
    corrects the form; submission checks the saved report (missing_for_report)."""
    missing = []
    volunteer = report.application.organisation_id is not None  # a volunteer's words
    if not (content.summary or "").strip():
        missing.append(
            Missing(
                _("Skriv kort, hvad der er sket i projektet.")
                if volunteer
                else _("Skriv en kort sammenfatning af, hvad indsatsen har opnået."),
                "summary",
            )
        )
    for criterion in report.application.success_criteria.all():
        value, comment = content.results.get(criterion.pk, (None, ""))
        if value is None and not (comment or "").strip():
            missing.append(
                Missing(
                    (
                        _("Skriv, hvordan det gik med »%(criterion)s«.")
                        if volunteer
                        else _("Angiv resultatet for succeskriteriet »%(criterion)s«.")
                    )
                    % {"criterion": Truncator(criterion.text).chars(80)},
                    f"achieved_{criterion.pk}",
                )
            )
    begun = [year for year in content.spent if year <= timezone.localdate().year]
    if begun and all(content.spent[year] is None for year in begun):
        missing.append(Missing(_("Angiv, hvor mange penge der er brugt."), f"spent_{begun[0]}"))
    # Only amounts that parsed count here; a mistyped one has its own error at the field.
    typed_spent = {y: a for y, a in content.spent.items() if isinstance(a, Decimal)}
    try:
        check_spending_explained(
            application_id=report.application_id,
            spent=typed_spent,
            explanation=content.overspend_explanation or "",
        )
    except DomainError as error:
        missing.append(Missing(error.message, "overspend_explanation"))
    unspent = content.unspent_amount
    if not isinstance(unspent, str):  # a mistyped amount has its own error at the field
        missing += _unaccounted(report, typed_spent, unspent)
    if not (content.anchoring_status or "").strip():
        missing.append(
            Missing(
                _("Skriv, om arbejdet fortsætter.")
                if volunteer
                else _("Beskriv status for forankringen."),
                "anchoring_status",
            )
        )
    from_year = sendable_from(report)
    if from_year is not None:
        waits = (
            _("En slutrapport kan først sendes, når projektets sidste år, %(year)s, er begyndt.")
            if report.kind == ReportKind.FINAL
            else _("Rapporten kan først sendes, når projektets første år, %(year)s, er begyndt.")
        )
        missing.append(Missing(waits % {"year": from_year}, ""))  # no field: the year begins
    return missing


def settles_grant(report: Report) -> bool:
    """A report that settles the grant: final, or the evaluation of a small grant, once all
    its years have begun. Its unspent money cannot move on to a next year of the project."""
    if report.kind not in (ReportKind.FINAL, ReportKind.EVALUATION):
        return False
    years = report.application.grant_years
    return bool(years) and max(years) <= timezone.localdate().year


def repayment_due(report: Report) -> bool:
    """Money left of a settled grant is asked back (it cannot move on to a next year): the
    staff report page and the acceptance mail ask this."""
    return bool(report.unspent_amount) and settles_grant(report)


def allocated_and_rest(report: Report, spent: dict) -> tuple[Decimal, Decimal]:
    """The grant and what of it is left after `spent` (year → amount): what a report that
    settles the grant must state as unspent. One reckoning for the applicant's list of what
    lacks and for staff's correction at acceptance (grants.services.follow_up)."""
    allocated = sum(report.application.allocations.values_list("amount", flat=True), ZERO)
    return allocated, allocated - sum((a for a in spent.values() if a is not None), ZERO)


def _unaccounted(report: Report, spent: dict, unspent) -> list[Missing]:
    """A report that settles the grant accounts for all of it: spent plus unspent is the
    grant, unless more was spent (attack round 12: 100.000 kr. spent and 0 kr. unspent of
    150.000 kr. was sent and accepted, leaving 50.000 kr. nowhere)."""
    if not settles_grant(report):
        return []
    years = report.application.grant_years
    if any(spent.get(year) is None for year in years):
        return []  # a year without a figure has its own message
    allocated, rest = allocated_and_rest(report, spent)
    used = allocated - rest
    if rest <= 0 or (unspent or ZERO) == rest:
        return []
    return [
        Missing(
            _(
                # An amount ends in "kr.", so it never ends a sentence ("kr..").
                "Brugt og ubrugt skal tilsammen give hele bevillingen (%(allocated)s). I har "
                "brugt %(used)s, så skriv %(rest)s som ubrugte midler – eller ret forbruget."
            )
            % {
                "allocated": format_kroner(allocated),
                "used": format_kroner(used),
                "rest": format_kroner(rest),
            },
            "unspent_amount",
        )
    ]


def first_sendable_year(application, kind: str) -> int | None:
    """The grant year from whose 1 January a report of `kind` can be sent: a final report
    settles every year, so the last; any other report the first. None without a grant."""
    years = application.grant_years
    if not years:
        return None
    return max(years) if kind == ReportKind.FINAL else min(years)


def sendable_now(reports, this_year: int | None = None):
    """`reports` that can be sent this year: sendable_from's rule, in the query (a list page
    asks it of many reports at once; fresh eyes round 25: "Venter på dig" listed evaluations
    of next year's grants). `this_year`: today's year unless given (a prepared query sends
    it as a parameter)."""
    if this_year is None:
        this_year = timezone.localdate().year
    return reports.annotate(
        first_year=Min("application__allocations__pool__year"),
        last_year=Max("application__allocations__pool__year"),
    ).filter(
        Q(first_year__isnull=True)  # no grant to wait for
        | Q(kind=ReportKind.FINAL, last_year__lte=this_year)
        | (~Q(kind=ReportKind.FINAL) & Q(first_year__lte=this_year))
    )


def sendable_from(report: Report) -> int | None:
    """The grant year the report waits for, while it has not begun; otherwise None (fresh
    eyes round 12: an evaluation was sent and accepted, with no money spent, before the
    project's first year had begun)."""
    year = first_sendable_year(report.application, report.kind)
    return year if year is not None and year > timezone.localdate().year else None


def saved_content(report: Report) -> ReportContent:
    return ReportContent(
        summary=report.summary,
        anchoring_status=report.anchoring_status,
        unspent_amount=report.unspent_amount,
        overspend_explanation=report.overspend_explanation,
        spent={s.year: s.amount for s in report.spent_amounts.all()},
        results={r.criterion_id: (r.achieved_value, r.comment) for r in report.results.all()},
    )


def missing_for_report(report: Report) -> list[str]:
    return missing_for_content(report, saved_content(report))


def do_submit_report(*, report_id: int, actor: User) -> Report:
    with transaction.atomic():
        report = _lock_report(report_id)
        check(actor, "submit", report)
        missing = missing_for_report(report)
        if missing:
            # "Not yet" covers what is missing and a year not begun alike (fresh eyes round
            # 13: "Rapporten mangler: Rapporten kan først sendes …"); each item also at its
            # field, for the form to mark (fresh eyes round 28).
            raise DomainErrors(
                [
                    DomainError(
                        _("Rapporten er gemt, men kan ikke sendes endnu: %(missing)s")
                        % {"missing": " ".join(missing)}
                    ),
                    *(DomainError(item, field=item.field) for item in missing if item.field),
                ]
            )
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        report.version += 1
        report.save()
        notify_report_submitted(report)
        return report
