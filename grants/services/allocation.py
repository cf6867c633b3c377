"""Money leaves a pool only here, under a row lock on each pool it touches.

Invariant (DESIGN.md, money rules): for every pool, allocations + reserved lines <= budget,
also when two staff members approve at the same moment. PostgreSQL's SELECT … FOR UPDATE
serialises concurrent approvals on the pool row; pools are locked in id order so two
transactions touching the same two years can never deadlock.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.models import Allocation, Application, Decision, Pool
from portal.money import format_kroner, to_money

from .errors import DomainError, InsufficientFunds


def lock_pools(*, municipality_id: int, years: list[int]) -> dict[int, Pool]:
    """Lock the pools of the given years; call inside a transaction."""
    pools = Pool.objects.select_for_update().filter(municipality_id=municipality_id, year__in=years)
    return {pool.year: pool for pool in pools.order_by("pk")}


def allocate(
    *, application: Application, decision: Decision, amounts: Mapping[int, Decimal], actor
) -> list[Allocation]:
    """Allocate each year's amount from that year's pool. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside transaction.atomic()")
    wanted = {year: to_money(amount) for year, amount in amounts.items() if amount}
    if any(amount < 0 for amount in wanted.values()):
        raise DomainError(_("Et bevilget beløb kan ikke være negativt."))
    pools = lock_pools(municipality_id=application.municipality_id, years=sorted(wanted))
    allocations = []
    for year in sorted(wanted):
        amount = wanted[year]
        pool = pools.get(year)
        if pool is None:
            raise DomainError(
                _("Der findes ingen pulje for %(year)s i %(municipality)s.")
                % {"year": year, "municipality": application.municipality}
            )
        if pool.budget is None:
            raise DomainError(
                _("%(pool)s har intet registreret budget, så der kan ikke bevilges fra den.")
                % {"pool": pool.title}
            )
        available = pool.budget - pool.committed_total  # fresh read under the lock
        if amount > available:
            raise InsufficientFunds(
                _(
                    "%(pool)s har kun %(available)s til rådighed; der kan ikke bevilges "
                    "%(amount)s til ansøgningen."
                )
                % {
                    "pool": pool.title,
                    "available": format_kroner(available),
                    "amount": format_kroner(amount),
                }
            )
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
