"""50 concurrent approvals against one pool on PostgreSQL, through the real service.

Sets up, in the benchmark database, a new pool of the first synthetic municipality (a year
no other pool uses) with a reserved line and 50 applications in status "recommended", each
asking for one amount in that year; the budget covers only about 40 % of what is asked.
Then 50 threads (each with its own database connection) wait at a barrier and all call
grants.services.decisions.do_record_decision(outcome=approved) at once, for the full amount.

Reports approvals, refusals (InsufficientFunds, the only acceptable error), any other error,
and checks afterwards, from the database:

- allocations + reserved lines <= budget (the money rule),
- every approval has exactly one allocation and one decision, every refused application is
  still "recommended" with neither (its transaction rolled back),
- no approval was wrongly refused: what is left in the pool is less than every refused amount
  (what is available only ever goes down, so a refusal at any moment implies this).

    python -m bench.concurrency [--applications 50] [--out bench/results/concurrency.json]
"""

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

MUNICIPALITY = "syntetisk-001"


def set_up(count: int, seed: int):
    from django.db import transaction
    from django.utils import timezone

    from grants.models import (
        Application,
        ApplicationStatus,
        Pool,
        PoolStatus,
        RequestedAmount,
        ReservedLine,
    )
    from portal.models import User

    rng = random.Random(seed)  # noqa: S311 - repeatable test data
    staff = User.objects.get(username=f"syntetisk-{MUNICIPALITY}")
    municipality = staff.municipality
    year = max(2040, max(p.year for p in Pool.objects.filter(municipality=municipality)) + 1)
    policy = municipality.policies.first()
    committee = municipality.committees.order_by("pk").first()
    department = municipality.departments.order_by("pk").first()
    amounts = [Decimal(rng.randint(10, 40) * 5000) for _ in range(count)]
    reserved = Decimal(100000)
    budget = reserved + (sum(amounts) * Decimal("0.4")).quantize(Decimal(1))
    with transaction.atomic():
        pool = Pool.objects.create(
            municipality=municipality,
            policy=policy,
            year=year,
            title=f"Benchmark pool {year}",
            budget=budget,
            status=PoolStatus.CLOSED,
            application_deadline=timezone.now(),
        )
        ReservedLine.objects.create(pool=pool, title="Reserved for prizes", amount=reserved)
        applications = []
        for n, amount in enumerate(amounts, start=1):
            application = Application.objects.create(
                municipality=municipality,
                pool=pool,
                department=department,
                committee=committee,
                number=n,
                title=f"Benchmark project {n}",
                status=ApplicationStatus.RECOMMENDED,
                submitted_at=timezone.now(),
            )
            RequestedAmount.objects.create(application=application, year=year, amount=amount)
            applications.append((application.pk, amount))
    return pool, staff, committee, applications


def approve_all(pool, staff, committee, applications):
    from django.db import connections

    from grants.models import DecisionOutcome
    from grants.services.decisions import do_record_decision
    from grants.services.errors import InsufficientFunds

    barrier = threading.Barrier(len(applications))
    outcomes: dict[int, str] = {}
    errors: list[str] = []
    seconds: list[float] = []

    def approve(application_id: int, amount: Decimal) -> None:
        try:
            barrier.wait()
            started = time.perf_counter()
            try:
                do_record_decision(
                    application_id=application_id,
                    outcome=DecisionOutcome.APPROVED,
                    actor=staff,
                    committee=committee,
                    amounts={pool.year: amount},
                )
                outcomes[application_id] = "approved"
            except InsufficientFunds:
                outcomes[application_id] = "refused"
            seconds.append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - every other failure is what we look for
            outcomes[application_id] = "error"
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=item) for item in applications]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors, seconds, time.perf_counter() - started


def check(pool, applications, outcomes) -> dict:
    from django.db.models import Sum

    from grants.models import Allocation, Application, ApplicationStatus, Decision

    pool.refresh_from_db()
    allocated = Allocation.objects.filter(pool=pool).aggregate(s=Sum("amount"))["s"] or 0
    reserved = pool.reserved_lines.aggregate(s=Sum("amount"))["s"] or 0
    amounts = dict(applications)
    approved = {pk for pk, outcome in outcomes.items() if outcome == "approved"}
    refused = {pk for pk, outcome in outcomes.items() if outcome == "refused"}
    statuses = dict(Application.objects.filter(pool=pool).values_list("pk", "status"))
    allocations = Counter(
        Allocation.objects.filter(pool=pool).values_list("application_id", flat=True)
    )
    decisions = set(
        Decision.objects.filter(application__pool=pool).values_list("application_id", flat=True)
    )
    left = pool.budget - allocated - reserved
    return {
        "budget": str(pool.budget),
        "allocated": str(allocated),
        "reserved": str(reserved),
        "left": str(left),
        "requested_total": str(sum(amounts.values())),
        "money_rule_holds": allocated + reserved <= pool.budget,
        "approved_consistent": all(
            statuses[pk] == ApplicationStatus.APPROVED and allocations[pk] == 1 and pk in decisions
            for pk in approved
        ),
        "refused_rolled_back": all(
            statuses[pk] == ApplicationStatus.RECOMMENDED
            and allocations[pk] == 0
            and pk not in decisions
            for pk in refused
        ),
        "allocated_equals_approved_amounts": allocated == sum(amounts[pk] for pk in approved),
        "no_wrongful_refusal": all(amounts[pk] > left for pk in refused),
        "smallest_refused_amount": str(min((amounts[pk] for pk in refused), default=0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("concurrency.py needs PostgreSQL (row locks)")
    pool, staff, committee, applications = set_up(args.applications, args.seed)
    connection.close()  # the threads use their own connections
    outcomes, errors, seconds, wall = approve_all(pool, staff, committee, applications)
    counts = Counter(outcomes.values())
    checks = check(pool, applications, outcomes)
    seconds.sort()
    result = {
        "pool": f"{pool.title} (id {pool.pk})",
        "threads": len(applications),
        "approved": counts["approved"],
        "refused_insufficient_funds": counts["refused"],
        "other_errors": counts["error"],
        "error_messages": sorted(Counter(errors).items()),
        "wall_seconds": round(wall, 2),
        "median_call_seconds": round(seconds[len(seconds) // 2], 3) if seconds else None,
        "slowest_call_seconds": round(seconds[-1], 3) if seconds else None,
        **checks,
    }
    ok = (
        result["other_errors"] == 0
        and result["approved"] + result["refused_insufficient_funds"] == len(applications)
        and all(
            checks[key]
            for key in (
                "money_rule_holds",
                "approved_consistent",
                "refused_rolled_back",
                "allocated_equals_approved_amounts",
                "no_wrongful_refusal",
            )
        )
    )
    result["passed"] = ok
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
