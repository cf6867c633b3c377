"""Money leaves a pool only here, under a row lock on each pool it touches.

Invariant (DESIGN.md, money rules): for every pool, allocations + reserved lines <= budget,
also when two staff members approve at the same moment. PostgreSQL's SELECT … FOR UPDATE
serialises concurrent approvals on the pool row; pools are locked in id order so two
transactions touching the same two years can never deadlock.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from grants.models import Allocation, Application, Decision, Pool
from portal.money import format_kroner, to_money

from .errors import Busy, DomainError, InsufficientFunds, is_lock_wait


def lock_pools(*, pool: Pool, years: list[int]) -> dict[int, Pool]:
    """Lock the rounds of `pool`'s scheme (Pool.objects.rounds_of) of the given years; call
    inside a transaction.

    Waits at most POOL_LOCK_TIMEOUT_MS (PostgreSQL) for another action holding a pool; then
    raises Busy, and the whole transaction is rolled back: nothing is half-saved."""
    set_lock_timeout()
    pools = Pool.objects.select_for_update().rounds_of(pool).filter(year__in=years)
    try:
        return {pool.year: pool for pool in pools.order_by("pk")}
    except OperationalError as error:
        if is_lock_wait(error):
            raise Busy() from error
        raise


def set_lock_timeout() -> None:
    """For the rest of this transaction, wait at most POOL_LOCK_TIMEOUT_MS for a row lock."""
    connection = transaction.get_connection()
    timeout = getattr(settings, "POOL_LOCK_TIMEOUT_MS", 0)
    if connection.vendor == "postgresql" and timeout:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(timeout)}ms"])


def no_pool_for(application, year: int) -> DomainError:
    if application.pool.is_example:
        # A real pool of the year may well exist: say why it is not used (fresh eyes round
        # 15 read "no pool for 2028" beside the real 2028 pool).
        return DomainError(
            _(
                "Ansøgningen er i en pulje med eksempeldata, og der er ingen pulje med "
                "eksempeldata for %(year)s. Eksempeldata får aldrig penge fra en rigtig pulje."
            )
            % {"year": year},
            field=f"amount_{year}",
        )
    return DomainError(
        _("Der findes ingen pulje for %(year)s i %(municipality)s.")
        % {"year": year, "municipality": application.municipality}
        + " "
        + _("Puljen skal høre til samme ordning som ansøgningens pulje."),
        field=f"amount_{year}",
    )


def missing_pool_problems(application, amounts) -> list[DomainError]:
    """Years with money and no round of the scheme to take it from, told with the other
    problems of a form (allocate() checks again under the pools' locks)."""
    from grants.selectors import years_without_pool

    years = [year for year, amount in amounts.items() if amount and amount > 0]
    return [no_pool_for(application, year) for year in years_without_pool(application, years)]


def funds_problem(pool: Pool, year: int, amount: Decimal) -> DomainError | None:
    """Why `amount` cannot be granted from the year's `pool`: no budget, or too little left."""
    if pool.budget is None:
        return DomainError(
            _("%(pool)s har intet registreret budget, så der kan ikke bevilges fra den.")
            % {"pool": pool.title},
            field=f"amount_{year}",
        )
    available = pool.budget - pool.committed_total
    if amount <= available:
        return None
    return InsufficientFunds(
        _(
            "%(pool)s har kun %(available)s til rådighed; der kan ikke bevilges "
            "%(amount)s til ansøgningen."
        )
        % {
            "pool": pool.title,
            "available": format_kroner(available),
            "amount": format_kroner(amount),
        },
        field=f"amount_{year}",
    )


def funds_problems(application, amounts) -> list[DomainError]:
    """The years whose pool has too little left, told with the other problems of a form
    (fresh eyes round 28: only after the date and the missing pool were put right);
    allocate() checks again under the pools' locks."""
    wanted = {year: amount for year, amount in amounts.items() if amount and amount > 0}
    pools = Pool.objects.rounds_of(application.pool).filter(year__in=wanted)
    problems = [funds_problem(pool, pool.year, wanted[pool.year]) for pool in pools]
    return sorted((p for p in problems if p), key=lambda p: p.field)


def allocate(
    *, application: Application, decision: Decision, amounts: Mapping[int, Decimal], actor
) -> list[Allocation]:
    """Allocate each year's amount from that year's pool. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside transaction.atomic()")
    wanted = {year: to_money(amount) for year, amount in amounts.items() if amount}
    if any(amount < 0 for amount in wanted.values()):
        raise DomainError(_("Et bevilget beløb kan ikke være negativt."))
    # A multi-year grant draws each later year from the same scheme's round for that year.
    anchor = Pool.objects.only("scheme_id", "is_example").get(pk=application.pool_id)
    pools = lock_pools(pool=anchor, years=sorted(wanted))
    allocations = []
    for year in sorted(wanted):
        amount = wanted[year]
        pool = pools.get(year)
        if pool is None:
            raise no_pool_for(application, year)
        problem = funds_problem(pool, year, amount)  # a fresh read under the lock
        if problem is not None:
            raise problem
        allocations.append(
            Allocation.objects.create(
                application=application,
                pool=pool,
                decision=decision,
                amount=amount,
                created_by=actor,
            )
        )
    return allocations
