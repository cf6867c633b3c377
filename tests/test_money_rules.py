"""The money rules of DESIGN.md, through the services staff use."""

import datetime
from decimal import Decimal

import pytest

from grants.models import (
    Allocation,
    ApplicationStatus,
    DecisionOutcome,
    GrantCondition,
    ReportKind,
    ReservedLine,
    StatusChange,
)
from grants.selectors import pool_balance
from grants.services.decisions import do_record_decision
from grants.services.errors import DomainError, InsufficientFunds, TransitionNotAllowed

RECOMMENDED = ApplicationStatus.RECOMMENDED


def approve(application, actor, amounts, **extra):
    extra.setdefault("committee", application.committee)
    extra.setdefault("meeting_date", datetime.date(2026, 3, 1))
    return do_record_decision(
        application_id=application.pk,
        outcome=DecisionOutcome.APPROVED,
        actor=actor,
        amounts=amounts,
        **extra,
    )


def test_approval_allocates_from_each_years_pool(make_pool, make_application, staff_user):
    pool_2026 = make_pool(year=2026, budget="300000")
    pool_2027 = make_pool(year=2027, budget="300000")
    application = make_application(
        target_pool=pool_2026, amounts={2026: "150000", 2027: "120000"}, status=RECOMMENDED
    )
    approve(application, staff_user, {2026: Decimal("150000"), 2027: Decimal("120000")})

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert pool_balance(pool_2026)["available"] == Decimal("150000")
    assert pool_balance(pool_2027)["available"] == Decimal("180000")
    change = StatusChange.objects.get(application=application)
    assert (change.from_status, change.to_status, change.actor) == (
        RECOMMENDED,
        ApplicationStatus.APPROVED,
        staff_user,
    )


def test_reserved_lines_count_against_the_budget(pool, make_application, staff_user):
    ReservedLine.objects.create(pool=pool, title="Integrationspriser", amount=Decimal("40000"))
    application = make_application(amounts={2026: "470000"}, status=RECOMMENDED)

    with pytest.raises(InsufficientFunds) as refused:
        approve(application, staff_user, {2026: Decimal("470000")})

    assert "460.000 kr." in str(refused.value.message)  # says how much is available
    application.refresh_from_db()
    assert application.status == RECOMMENDED  # nothing half-saved
    assert not Allocation.objects.exists()
    assert not hasattr(application, "decision") or application.decision is None


def test_cannot_grant_more_than_requested_or_outside_the_years(pool, make_application, staff_user):
    application = make_application(amounts={2026: "100000"}, status=RECOMMENDED)
    with pytest.raises(DomainError, match="mere end ansøgt"):
        approve(application, staff_user, {2026: Decimal("100001")})
    with pytest.raises(DomainError, match="kun bevilges for 2026 og 2027"):
        approve(application, staff_user, {2030: Decimal("1")})


def test_partial_grant_needs_reasons_and_appeal_guidance(pool, make_application, staff_user):
    application = make_application(amounts={2026: "100000"}, status=RECOMMENDED)
    with pytest.raises(DomainError, match="skal have en begrundelse"):
        approve(application, staff_user, {2026: Decimal("60000")})

    decision = approve(
        application,
        staff_user,
        {2026: Decimal("60000")},
        reasons="Budgettet er for højt i forhold til deltagerantallet.",
        appeal_guidance="Afgørelsen kan ikke påklages til anden administrativ myndighed.",
    )
    assert decision.allocations.get().amount == Decimal("60000")


def test_rejection_needs_reasons(pool, make_application, staff_user):
    application = make_application(status=RECOMMENDED)
    with pytest.raises(DomainError, match="begrundelse"):
        do_record_decision(
            application_id=application.pk,
            outcome=DecisionOutcome.REJECTED,
            actor=staff_user,
            committee=application.committee,
        )


@pytest.mark.parametrize(
    ("total", "condition", "report_kind"),
    [
        ("99999", GrantCondition.EVALUATION, ReportKind.EVALUATION),
        ("100000", GrantCondition.COOPERATION_AGREEMENT, ReportKind.FINAL),
    ],
)
def test_threshold_decides_evaluation_or_cooperation_agreement(
    pool, make_application, staff_user, total, condition, report_kind
):
    application = make_application(amounts={2026: total}, status=RECOMMENDED)
    decision = approve(application, staff_user, {2026: Decimal(total)})
    assert decision.condition == condition
    assert application.reports.get().kind == report_kind
    if condition == GrantCondition.EVALUATION:
        assert decision.evaluation_due == datetime.date(2027, 12, 31)


def test_delegated_grant_only_within_the_pools_limit(pool, make_application, staff_user):
    pool.delegation_limit = Decimal("25000")
    pool.save()
    small = make_application(amounts={2026: "20000"}, status=RECOMMENDED)
    large = make_application(amounts={2026: "30000"}, status=RECOMMENDED, title="Stor")

    with pytest.raises(DomainError, match="25.000 kr."):
        approve(large, staff_user, {2026: Decimal("30000")}, committee=None, under_delegation=True)
    decision = approve(
        small, staff_user, {2026: Decimal("20000")}, committee=None, under_delegation=True
    )
    assert decision.under_delegation


def test_a_draft_cannot_be_approved(pool, make_application, staff_user):
    application = make_application()
    with pytest.raises(TransitionNotAllowed, match="Kladde"):
        approve(application, staff_user, {2026: Decimal("100000")})


def test_no_allocation_from_a_pool_without_budget(make_pool, make_application, staff_user):
    pool = make_pool(year=2020, budget=None)
    application = make_application(target_pool=pool, amounts={2020: "1000"}, status=RECOMMENDED)
    with pytest.raises(DomainError, match="intet registreret budget"):
        approve(application, staff_user, {2020: Decimal("1000")})


def test_delegation_is_judged_by_what_was_asked_for(pool, make_application, staff_user):
    pool.delegation_limit = Decimal("25000")
    pool.save()
    large = make_application(amounts={2026: "400000"}, status=RECOMMENDED)
    with pytest.raises(DomainError, match="25.000 kr."):
        approve(
            large,
            staff_user,
            {2026: Decimal("20000")},
            committee=None,
            under_delegation=True,
            reasons="Kun en del af budgettet er realistisk.",
            appeal_guidance="Kan ikke påklages.",
        )
