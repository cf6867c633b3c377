"""Two staff members approving at the same moment can never over-allocate a pool."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from grants.models import Allocation, ApplicationStatus, DecisionOutcome
from grants.services.decisions import do_record_decision
from grants.services.errors import InsufficientFunds

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) are only real on PostgreSQL; CI runs this there",
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_exceed_the_budget(pool, make_application, staff_user):
    pool.budget = Decimal("250000")
    pool.save()
    applications = [
        make_application(
            title=f"Indsats {n}", amounts={2026: "100000"}, status=ApplicationStatus.RECOMMENDED
        )
        for n in range(8)
    ]
    barrier = threading.Barrier(len(applications))
    outcomes: list[str] = []

    def approve(application):
        try:
            barrier.wait()
            do_record_decision(
                application_id=application.pk,
                outcome=DecisionOutcome.APPROVED,
                actor=staff_user,
                committee=application.committee,
                amounts={2026: Decimal("100000")},
            )
            outcomes.append("approved")
        except InsufficientFunds:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved"] * 2 + ["refused"] * 6
    total = sum(Allocation.objects.filter(pool=pool).values_list("amount", flat=True))
    assert total == Decimal("200000") <= pool.budget
