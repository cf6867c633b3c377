"""How much of what was asked for a decision gives: in full, in part, or refused. One rule for
the letter, the e-mail and the case pages (fresh eyes round 9: a partial grant read
"Delvis bevilget" in the letter and "Bevilget" everywhere else)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.models import DecisionOutcome
from portal.money import ZERO

FULL, PARTLY, REFUSED = "full", "partly", "refused"


@dataclass
class YearRow:
    year: int
    requested: Decimal
    granted: Decimal


def year_rows(decision) -> list[YearRow]:
    application = decision.application
    requested = {row.year: row.amount for row in application.requested_amounts.all()}
    granted = {a.pool.year: a.amount for a in decision.allocations.select_related("pool")}
    years = sorted(set(requested) | set(granted))
    return [YearRow(y, requested.get(y, ZERO), granted.get(y, ZERO)) for y in years]


def extent(decision, rows: list[YearRow]) -> str:
    """Granted in full, in part, or refused: what the applicant must understand first."""
    if decision.outcome != DecisionOutcome.APPROVED:
        return REFUSED
    if all(row.granted >= row.requested for row in rows):
        return FULL
    return PARTLY


def extent_label(value: str) -> str:
    return {
        FULL: _("Bevilget som ansøgt"),
        PARTLY: _("Delvis bevilget"),
        REFUSED: _("Afslag"),
    }[value]


def decision_extent_label(decision) -> str:
    """ "Bevilget som ansøgt", "Delvis bevilget" or "Afslag"."""
    return extent_label(extent(decision, year_rows(decision)))
