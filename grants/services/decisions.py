"""Recording the committee's decision, which allocates the money and sets the conditions."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grants.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionOutcome,
    GrantCondition,
    Report,
    ReportKind,
    StatusChange,
    StatusNote,
)
from grants.notifications import notify_decision
from grants.rules import check
from grants.wording import decision_words
from portal.models import Committee
from portal.money import ZERO, format_kroner, to_money

from .allocation import allocate, funds_problems, missing_pool_problems
from .errors import DomainError, DomainErrors
from .letters import issue_letters
from .submission import check_max_amount
from .workflow import change_status, lock_application


def condition_for(*, total: Decimal, threshold: Decimal) -> str:
    """Seed 001's rule: under the threshold an evaluation, at or over it an agreement."""
    if total <= 0:
        return GrantCondition.NONE
    if total < threshold:
        return GrantCondition.EVALUATION
    return GrantCondition.COOPERATION_AGREEMENT


def _requested_by_year(application: Application) -> dict[int, Decimal]:
    return {row.year: row.amount for row in application.requested_amounts.all()}


def _amount_problems(application: Application, amounts: Mapping[int, Decimal]):
    requested = _requested_by_year(application)
    for year, amount in amounts.items():
        if year not in application.years:
            yield DomainError(
                _("Der kan kun bevilges for %(years)s, ikke for %(year)s.")
                % {"years": " og ".join(map(str, application.years)), "year": year}
            )
        elif amount < 0:
            yield DomainError(
                _("Et bevilget beløb kan ikke være negativt."), field=f"amount_{year}"
            )
        elif amount > requested.get(year, ZERO):
            yield DomainError(
                _("Der kan ikke bevilges mere end ansøgt for %(year)s (%(requested)s).")
                % {"year": year, "requested": format_kroner(requested.get(year, ZERO))},
                field=f"amount_{year}",
            )


def _meeting_date_problems(application: Application, meeting_date: datetime.date | None):
    """The meeting is the award date published in the open data: it has happened, and not
    before the application reached the committee (a decision dated 1900 was published)."""
    if meeting_date is None:
        return
    today = timezone.localdate()
    if meeting_date > today:
        yield DomainError(
            decision_words(application, "meeting_in_future"),
            field="meeting_date",
        )
    elif application.submitted_at and meeting_date < timezone.localdate(application.submitted_at):
        yield DomainError(
            _("Mødedatoen ligger før ansøgningen blev indsendt (%(submitted)s).")
            % {"submitted": date_format(timezone.localdate(application.submitted_at))},
            field="meeting_date",
        )


def decision_problems(
    *,
    application: Application,
    outcome: str,
    amounts: Mapping[int, Decimal],
    committee: Committee | None,
    meeting_date: datetime.date | None,
    reasons: str,
    appeal_guidance: str,
    under_delegation: bool,
    conditions_text: str = "",
) -> list[DomainError]:
    """Every rule a decision breaks, all at once (the pool's money is checked under its
    lock when the money is allocated)."""
    problems = []
    pool = application.pool
    if outcome != DecisionOutcome.APPROVED and conditions_text.strip():
        # Conditions belong to a grant; on a refusal they were printed in the letter as if
        # something were granted (fresh eyes round 21).
        problems.append(
            DomainError(
                _("Et afslag har ingen vilkår. Fjern teksten under »Øvrige vilkår«."),
                field="conditions_text",
            )
        )
    if outcome == DecisionOutcome.APPROVED:
        problems += _amount_problems(application, amounts)
        if not problems and sum(amounts.values(), ZERO) <= 0:
            problems.append(DomainError(_("En bevilling skal have et beløb større end 0 kr.")))
    try:
        check_max_amount(pool, sum(amounts.values(), ZERO), field=f"amount_{pool.year}")
    except DomainError as error:
        problems.append(error)
    if not _grants_everything(application, amounts) and (
        not reasons.strip() or not appeal_guidance.strip()
    ):
        problems.append(
            DomainError(
                decision_words(application, "reasons_missing"),
                field="reasons" if not reasons.strip() else "appeal_guidance",
            )
        )
    if under_delegation:
        # Delegation covers small applications: what was asked for, not what is granted.
        requested_total = sum(_requested_by_year(application).values(), ZERO)
        if pool.delegation_limit <= 0 or requested_total > pool.delegation_limit:
            problems.append(
                DomainError(
                    _("Sekretariatet kan kun bevilge op til %(limit)s under delegation.")
                    % {"limit": format_kroner(pool.delegation_limit)}
                )
            )
    elif committee is None:
        problems.append(
            DomainError(decision_words(application, "committee_missing"), field="committee")
        )
    problems += _meeting_date_problems(application, meeting_date)
    # A year without a pool is said beside the other years' problems (fresh eyes round 34:
    # it came only after they were fixed); what the pools have left, once every amount is
    # one that could be granted.
    said = {p.field for p in problems if p.field and p.field.startswith("amount_")}
    problems += [p for p in missing_pool_problems(application, amounts) if p.field not in said]
    if not any(p.field and p.field.startswith("amount_") for p in problems):
        problems += funds_problems(application, amounts)
    return problems


def _grants_everything(application: Application, amounts: Mapping[int, Decimal]) -> bool:
    requested = _requested_by_year(application)
    return all(amounts.get(year, ZERO) >= amount for year, amount in requested.items())


def _create_follow_up(decision: Decision, application: Application, last_year: int) -> None:
    """The report the condition asks for, so reports due and overdue can be listed."""
    if decision.condition == GrantCondition.EVALUATION:
        Report.objects.create(
            application=application, kind=ReportKind.EVALUATION, due_date=decision.evaluation_due
        )
    elif decision.condition == GrantCondition.COOPERATION_AGREEMENT:
        Report.objects.create(
            application=application,
            kind=ReportKind.FINAL,
            due_date=datetime.date(last_year + 1, 3, 31),
        )


def record_decision(
    *,
    application: Application,
    outcome: str,
    actor,
    amounts: Mapping[int, Decimal] | None = None,
    committee: Committee | None = None,
    meeting_date: datetime.date | None = None,
    message: str = "",
    reasons: str = "",
    appeal_guidance: str = "",
    under_delegation: bool = False,
    conditions_text: str = "",
    source: str = "",
) -> Decision:
    """Create the decision and its allocations for a locked application, in a transaction."""
    if hasattr(application, "decision"):
        raise DomainError(decision_words(application, "already_made"))
    amounts = {year: to_money(amount) for year, amount in (amounts or {}).items()}
    if outcome != DecisionOutcome.APPROVED:
        amounts = {}
    problems = decision_problems(
        application=application,
        outcome=outcome,
        amounts=amounts,
        committee=committee,
        meeting_date=meeting_date,
        reasons=reasons,
        appeal_guidance=appeal_guidance,
        under_delegation=under_delegation,
        conditions_text=conditions_text,
    )
    if len(problems) == 1:
        raise problems[0]  # as itself: InsufficientFunds stays one
    if problems:
        raise DomainErrors(problems)
    pool = application.pool
    total = sum(amounts.values(), ZERO)

    years_with_money = sorted(year for year, amount in amounts.items() if amount > 0)
    condition = condition_for(total=total, threshold=pool.evaluation_threshold)
    evaluation_due = None
    if condition == GrantCondition.EVALUATION:
        evaluation_due = datetime.date(years_with_money[-1] + 1, 12, 31)
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        committee=committee,
        meeting_date=meeting_date,
        under_delegation=under_delegation,
        message=message,
        reasons=reasons,
        appeal_guidance=appeal_guidance,
        condition=condition,
        conditions_text=conditions_text,
        evaluation_due=evaluation_due,
        decided_by=actor,
        source=source,
    )
    if committee is not None and application.committee_id is None:
        # An association may leave the committee to the municipality: the one that decided
        # is then the project's, on its public page and in the statistics (fresh eyes round
        # 15: the letter named the committee, the project page said "–").
        application.committee = committee
        application.committee_from_decision = True
        application._history_user = actor
        application.save(update_fields=["committee", "committee_from_decision", "updated_at"])
    if outcome == DecisionOutcome.APPROVED:
        allocate(application=application, decision=decision, amounts=amounts, actor=actor)
        _create_follow_up(decision, application, years_with_money[-1])
    return decision


def already_decided(decision: Decision) -> DomainError:
    """The refusal when a second decision is tried (two tabs, two colleagues): what was
    decided, by whom and when, so the second person need not guess."""
    granted = sum((a.amount for a in decision.allocations.all()), ZERO)
    return DomainError(
        decision_words(decision.application, "already_recorded")
        % {
            # As the pages name it: "Delvis bevilget" for less than asked (fresh eyes round 20).
            "outcome": decision.application.approved_label
            if decision.outcome == DecisionOutcome.APPROVED
            else decision.get_outcome_display(),
            "amount": f" ({format_kroner(granted)})" if granted else "",
            "who": decision.decided_by.get_full_name() if decision.decided_by else _("systemet"),
            "when": date_format(timezone.localtime(decision.recorded_at), "DATETIME_FORMAT"),
        }
    )


def do_record_decision(*, application_id: int, outcome: str, actor, **details) -> Decision:
    """Record the committee's (or the delegated staff's) decision and move the status."""
    with transaction.atomic():
        application = lock_application(application_id)
        decided = Decision.objects.filter(application=application).first()
        if decided is not None:
            raise already_decided(decided)
        to_status = (
            ApplicationStatus.APPROVED
            if outcome == DecisionOutcome.APPROVED
            else ApplicationStatus.REJECTED
        )
        check(actor, "decide", application)
        change_status(
            application=application,
            to_status=to_status,
            actor=actor,
            comment=details.get("message", ""),
        )
        decision = record_decision(application=application, outcome=outcome, actor=actor, **details)
        letters = issue_letters(decision=decision, actor=actor)
        notify_decision(application, letters)
        return decision


def do_import_funded_application(
    *,
    application_id: int,
    amounts: Mapping[int, Decimal],
    source: str,
    actor=None,
    meeting_date: datetime.date | None = None,
) -> Decision:
    """Bring in a project that was funded before the portal existed (e.g. from an action plan).

    The workflow is not replayed with invented dates: one status row says where it came
    from, and the money still goes through `allocate`, so the budget rule holds. The
    committee's meeting date is recorded only when the source gives it.
    """
    with transaction.atomic():
        application = lock_application(application_id)
        if application.status != ApplicationStatus.DRAFT:
            raise DomainError(_("Kun en ny ansøgning kan indlæses som bevilget."))
        if any(amounts.values()):
            decision = record_decision(
                application=application,
                outcome=DecisionOutcome.APPROVED,
                actor=actor,
                amounts=amounts,
                committee=application.committee,
                meeting_date=meeting_date,
                source=source,
            )
        else:
            # Funded from an earlier pool whose amounts the source does not state.
            decision = Decision.objects.create(
                application=application,
                outcome=DecisionOutcome.APPROVED,
                committee=application.committee,
                meeting_date=meeting_date,
                decided_by=actor,
                source=source,
            )
        application.status = ApplicationStatus.ACTIVE
        application.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            application=application,
            from_status="",
            to_status=ApplicationStatus.ACTIVE,
            actor=actor,
            note=StatusNote.IMPORTED,
            comment=source,
        )
        return decision
