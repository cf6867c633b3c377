"""After the decision: agreement, start, reports, carry-over and closing the project."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grants.models import (
    Application,
    ApplicationStatus,
    CarryOver,
    Decision,
    GrantCondition,
    Pool,
    Report,
    ReportKind,
    ReportStatus,
    SpentAmount,
)
from grants.notifications import (
    notify_report_accepted,
    notify_report_requested,
    notify_report_returned,
)
from grants.rules import check
from grants.wording import decision_words
from portal.models import User
from portal.money import ZERO, format_kroner, to_money

from .errors import DomainError
from .reports import allocated_and_rest, settles_grant
from .rows import save_row
from .spending import (
    check_overspend_acknowledged,
    check_unspent,
    granted_by_year,
    settled_first,
)
from .workflow import change_status, lock_application

# A report's due date lies at most this many years ahead (9999-12-31 was accepted).
REPORT_DUE_MAX_YEARS = 10


def decision_date(decision: Decision) -> datetime.date:
    """The day the grant was decided (`Decision.decided_on`: the committee's meeting, else
    the day a decision under delegation was recorded)."""
    return decision.decided_on


def check_report_due(application: Application, due_date: datetime.date, kind: str) -> None:
    """A report is due from today, not before the grant, not before it can be sent, and at
    most ten years ahead."""
    from .reports import first_sendable_year

    today = timezone.localdate()
    if due_date < today:
        raise DomainError(_("Fristen kan ikke ligge før i dag."), field="due_date")
    # Fresh eyes round 13: a final report was asked for by 15 December 2026 for a 2027
    # grant; the applicant could not send it before 2027 and it went overdue.
    year = first_sendable_year(application, kind)
    if year is not None and due_date.year < year:
        raise DomainError(
            _(
                "%(kind)s kan først sendes fra 1. januar %(year)s, så fristen skal ligge "
                "efter den dato."
            )
            % {"kind": ReportKind(kind).label, "year": year},
            field="due_date",
        )
    decision = Decision.objects.filter(application=application).first()
    if decision is not None and due_date < decision_date(decision):
        raise DomainError(
            decision_words(application, "deadline_before")
            % {"date": date_format(decision_date(decision), "DATE_FORMAT")},
            field="due_date",
        )
    try:
        latest = today.replace(year=today.year + REPORT_DUE_MAX_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + REPORT_DUE_MAX_YEARS, day=28)
    if due_date > latest:
        raise DomainError(
            _("Fristen kan højst ligge %(years)s år frem (senest %(date)s).")
            % {"years": REPORT_DUE_MAX_YEARS, "date": date_format(latest, "DATE_FORMAT")},
            field="due_date",
        )


def do_record_agreement_signed(
    *, application_id: int, actor: User, signed_on: datetime.date
) -> Decision:
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "record_agreement", application)
        decision = Decision.objects.select_for_update().filter(application=application).first()
        if decision is None or decision.condition != GrantCondition.COOPERATION_AGREEMENT:
            raise DomainError(_("Bevillingen kræver ikke en samarbejdsaftale."))
        if signed_on > timezone.localdate():
            raise DomainError(
                _("Datoen for underskrift kan ikke ligge i fremtiden."), field="signed_on"
            )
        if signed_on < decision_date(decision):
            # 0001-01-01 and 1900-01-01 were accepted: an agreement follows the grant.
            raise DomainError(
                decision_words(application, "signed_before")
                % {"date": date_format(decision_date(decision), "DATE_FORMAT")},
                field="signed_on",
            )
        decision.agreement_signed_on = signed_on
        decision.save(update_fields=["agreement_signed_on"])
        return decision


def agreement_missing(decision: Decision | None) -> bool:
    """The grant needs a cooperation agreement that is not signed yet: the project cannot
    start (do_activate), and the staff page asks for the signature."""
    return bool(
        decision
        and decision.condition == GrantCondition.COOPERATION_AGREEMENT
        and decision.agreement_signed_on is None
    )


def do_activate(*, application_id: int, actor: User) -> Application:
    """The project starts; a grant that needs a cooperation agreement must have it signed."""
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "activate", application)
        if agreement_missing(getattr(application, "decision", None)):
            raise DomainError(
                _("Samarbejdsaftalen skal være underskrevet, før indsatsen kan sættes i gang.")
            )
        return change_status(
            application=application, to_status=ApplicationStatus.ACTIVE, actor=actor
        )


def do_close(*, application_id: int, actor: User, comment: str = "") -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "close", application)
        open_reports = application.reports.exclude(status=ReportStatus.ACCEPTED)
        if open_reports.exists():
            raise DomainError(
                _("Indsatsen kan først afsluttes, når alle afrapporteringer er godkendt.")
            )
        return change_status(
            application=application,
            to_status=ApplicationStatus.CLOSED,
            actor=actor,
            comment=comment,
        )


def do_request_report(
    *, application_id: int, actor: User, kind: str, due_date: datetime.date
) -> Report:
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "request_report", application)
        check_report_due(application, due_date, kind)
        if application.reports.filter(kind=kind).exclude(status=ReportStatus.ACCEPTED).exists():
            raise DomainError(
                _("Der er allerede bedt om en %(kind)s, som ikke er godkendt endnu.")
                % {"kind": ReportKind(kind).label.lower()},
                field="kind",
            )
        report = Report.objects.create(application=application, kind=kind, due_date=due_date)
        notify_report_requested(report)
        return report


def _lock_report(report_id: int, *, actor: User, action: str) -> Report:
    report = Report.objects.select_for_update().select_related("application").get(pk=report_id)
    check(actor, action, report)
    return report


def do_accept_report(
    *,
    report_id: int,
    actor: User,
    comment: str = "",
    spent: dict | None = None,
    acknowledge_overspend: bool = False,
) -> Report:
    """Accept a submitted report; staff may correct the money spent per year as they do.
    Spending above the grant is accepted only with `acknowledge_overspend=True`."""
    with transaction.atomic():
        report = _lock_report(report_id, actor=actor, action="accept")
        reported = {row.year: row.amount for row in report.spent_amounts.all()}
        granted = granted_by_year([report.application_id]).get(report.application_id, {})
        for year, amount in (spent or {}).items():
            # Staff correct the figures; spending above the grant is the caseworker's to report
            # and explain (an acceptance raised 80.000 kr. to 99.999.999.999 kr.).
            limit = max(reported.get(year) or ZERO, granted.get(year, ZERO))
            if amount is not None and amount > limit:
                raise DomainError(
                    _(
                        "Forbruget for %(year)s kan højst rettes til %(limit)s (det bevilgede "
                        "eller det oplyste). Er der brugt mere, så send rapporten retur."
                    )
                    % {"year": year, "limit": format_kroner(limit)},
                    field=f"amount_{year}",
                )
            if amount is not None:
                save_row(
                    SpentAmount, actor=actor, report=report, year=year, defaults={"amount": amount}
                )
        corrected = {row.year: row.amount for row in report.spent_amounts.all()}
        # Every grant year that has begun has a figure before the report counts: the pool's
        # "spent according to accepted reports" and the unspent money rest on it (fresh eyes
        # round 12: a report with no spending was accepted).
        # The years the report forms ask about: the grant's (carried-over money is reported
        # under the year it was granted for).
        this_year = timezone.localdate().year
        years = report.application.grant_years
        lacking = [y for y in years if y <= this_year and corrected.get(y) is None]
        if lacking:
            raise DomainError(
                _(
                    "Angiv forbruget for %(year)s, før rapporten godkendes "
                    "(0 kr., hvis intet er brugt)."
                )
                % {"year": lacking[0]},
                field=f"amount_{lacking[0]}",
            )
        try:
            check_unspent(
                application_id=report.application_id,
                spent=corrected,
                unspent=report.unspent_amount,
            )
        except DomainError:
            # Raising spending while the report still says money was left over would make
            # spent + unspent more than the grant (fresh eyes: 150.000 + 10.000 of 150.000).
            raised = [
                y for y, a in (spent or {}).items() if a is not None and a > reported.get(y, a)
            ]
            raise DomainError(
                _(
                    "Med det rettede forbrug og de %(unspent)s, som rapporten oplyser som ubrugt, "
                    "bliver det mere end bevillingen. Ret forbruget ned, eller send rapporten "
                    "retur, så ansøgeren kan rette de ubrugte midler."
                )
                % {"unspent": format_kroner(report.unspent_amount)},
                field=f"amount_{raised[0]}" if raised else None,
            ) from None
        check_overspend_acknowledged(
            application_id=report.application_id,
            spent=corrected,
            acknowledged=acknowledge_overspend,
        )
        correction = _follow_the_correction(report, reported)
        comment = "\n\n".join(filter(None, [comment.strip(), correction]))
        report.status = ReportStatus.ACCEPTED
        report.accepted_at = timezone.now()
        report.accepted_by = actor
        report.staff_comment = comment
        report.version += 1
        report.save()
        notify_report_accepted(report)
        return report


def _follow_the_correction(report: Report, reported: dict) -> str:
    """After staff corrected the spending: sets the unspent money of a settled grant to what
    the corrected spending leaves, so the grant is still accounted for in full, and returns
    the correction as the applicant reads it with the comment, on the page and in the mail
    (fresh eyes round 33: 95.000 kr. were nowhere, the mail asked back the old figure, and
    the caseworker's own figure changed unsaid). "" when nothing was corrected."""
    corrected = {row.year: row.amount for row in report.spent_amounts.all()}
    changes = [
        _("brugt i %(year)s: %(before)s → %(after)s")
        % {"year": year, "before": format_kroner(reported.get(year)), "after": format_kroner(after)}
        for year, after in sorted(corrected.items())
        if reported.get(year) != after
    ]
    if not changes:
        return ""
    if settles_grant(report):
        rest = max(allocated_and_rest(report, corrected)[1], ZERO)
        if rest != (report.unspent_amount or ZERO):
            changes.append(
                _("ubrugte midler: %(before)s → %(after)s")
                % {"before": format_kroner(report.unspent_amount), "after": format_kroner(rest)}
            )
            report.unspent_amount = rest
    # No full stop: the last amount ends in "kr.".
    return _("Rettet af sekretariatet: %(changes)s") % {"changes": "; ".join(changes)}


def do_return_report(*, report_id: int, actor: User, comment: str) -> Report:
    if not comment.strip():
        raise DomainError(_("Skriv, hvad der skal rettes i rapporten."))
    with transaction.atomic():
        report = _lock_report(report_id, actor=actor, action="return")
        report.status = ReportStatus.RETURNED
        report.staff_comment = comment
        report.version += 1
        report.save()
        notify_report_returned(report)
        return report


def spent_in(application: Application, year: int) -> Decimal | None:
    """Spent in a year according to the settled report that states it (`settled_first`)."""
    row = (
        SpentAmount.objects.filter(
            report__application=application, report__status=ReportStatus.ACCEPTED, year=year
        )
        .order_by(*settled_first())
        .first()
    )
    return row.amount if row else None


def do_carry_over(
    *, application_id: int, actor: User, from_year: int, amount: Decimal, note: str = ""
) -> CarryOver:
    """Move unspent money of `from_year` into the next year for the same project. It is shown
    as carry-over and does not consume the next pool's budget."""
    amount = to_money(amount)
    if amount <= 0:
        raise DomainError(_("Beløbet skal være større end 0 kr."))
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "carry_over", application)
        allocation = application.allocations.filter(pool__year=from_year).select_related("pool")
        allocation = allocation.first()
        if allocation is None:
            raise DomainError(
                _("Indsatsen fik ingen bevilling for %(year)s.") % {"year": from_year}
            )
        spent = spent_in(application, from_year)
        if spent is None:
            raise DomainError(
                _(
                    "Restmidler kan først overføres, når en godkendt rapport viser "
                    "forbruget for %(year)s."
                )
                % {"year": from_year}
            )
        # What the year may spend (its allocation, plus carry-over into it, minus what was
        # already moved on) less what it spent.
        unspent = granted_by_year([application.pk])[application.pk][from_year] - spent
        if amount > unspent:
            raise DomainError(
                _("Der er kun %(unspent)s ubrugt fra %(year)s.")
                % {"unspent": format_kroner(unspent), "year": from_year}
            )
        to_pool = Pool.objects.rounds_of(allocation.pool).filter(year=from_year + 1).first()
        if to_pool is None:
            raise DomainError(
                _("Der findes ingen pulje for %(year)s at overføre til.") % {"year": from_year + 1}
            )
        carry, created = CarryOver.objects.get_or_create(
            application=application,
            from_pool=allocation.pool,
            to_pool=to_pool,
            defaults={"amount": amount, "note": note, "approved_by": actor},
        )
        if not created:
            carry.amount = (carry.amount or ZERO) + amount
            carry.note = "\n".join(filter(None, [carry.note, note]))
            carry.save(update_fields=["amount", "note"])
        return carry
