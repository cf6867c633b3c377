"""The one rule for reported spending: a year's spending above that year's grant.

A project may spend up to its allocation for a year plus the carry-over moved into that
year. Spending above that needs an explanation from the caseworker, is flagged to staff and
must be acknowledged deliberately when the report is accepted. Pool totals show it apart
from the money spent within the grants (`grants.selectors.pool_spending`).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import Allocation, CarryOver, ReportKind, SpentAmount
from portal.money import ZERO, format_kroner

from .errors import DomainError


@dataclass(frozen=True)
class Overspend:
    year: int
    spent: Decimal
    granted: Decimal  # allocation for the year plus carry-over into it

    @property
    def excess(self) -> Decimal:
        return self.spent - self.granted

    def __str__(self) -> str:
        return _("%(year)s: brugt %(spent)s af %(granted)s, %(excess)s for meget") % {
            "year": self.year,
            "spent": format_kroner(self.spent),
            "granted": format_kroner(self.granted),
            "excess": format_kroner(self.excess),
        }


def granted_by_year(application_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """application id → year → what the project may spend in the year: the allocation plus
    carry-over moved into it, minus carry-over moved out of it (money moved on cannot also be
    spent in its first year: an attack carried 40.000 kr. on, then reported the whole grant
    as spent in the first year, unflagged)."""
    granted: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    ids = list(application_ids)
    allocations = (
        Allocation.objects.filter(application_id__in=ids)
        .values("application_id", "pool__year")
        .annotate(total=Sum("amount"))
    )
    for row in allocations:
        granted[row["application_id"]][row["pool__year"]] += row["total"]
    carry_overs = (
        CarryOver.objects.filter(application_id__in=ids, amount__isnull=False)
        .values("application_id", "to_pool__year")
        .annotate(total=Sum("amount"))
    )
    for row in carry_overs:
        granted[row["application_id"]][row["to_pool__year"]] += row["total"]
    moved_out = (
        CarryOver.objects.filter(application_id__in=ids, amount__isnull=False)
        .values("application_id", "from_pool__year")
        .annotate(total=Sum("amount"))
    )
    for row in moved_out:
        granted[row["application_id"]][row["from_pool__year"]] -= row["total"]
    return granted


def settled_first():
    """How reported spending is read: accepted reports only, a final report (slutrapport)
    before status and evaluation reports, then the newest. A status or evaluation report
    accepted after the final one does not reopen the accounts (an attack lowered a year's
    spending that way and carried the difference on a second time)."""
    return (
        Case(When(report__kind=ReportKind.FINAL, then=Value(0)), default=Value(1)),
        F("report__accepted_at").desc(),
    )


def overspending(
    application_id: int,
    spent: Mapping[int, Decimal | None],
    granted: Mapping[int, Decimal] | None = None,
) -> list[Overspend]:
    """The years in which `spent` is above the grant for that year."""
    if granted is None:
        granted = granted_by_year([application_id])[application_id]
    return [
        Overspend(year=year, spent=amount, granted=granted.get(year, ZERO))
        for year, amount in sorted(spent.items())
        if amount is not None and amount > granted.get(year, ZERO)
    ]


def check_spending_explained(
    *, application_id: int, spent: Mapping[int, Decimal | None], explanation: str
) -> list[Overspend]:
    """Refuse spending above the grant without an explanation; return the years above it."""
    over = overspending(application_id, spent)
    if over and not explanation.strip():
        raise DomainError(
            _(
                # Not by the field's name: an association's form calls it otherwise (fresh
                # eyes round 34); the message stands at the field and links to it.
                "Forbruget er større end bevillingen (%(years)s). Forklar, hvorfor der er "
                "brugt mere, og hvor pengene ud over bevillingen kommer fra."
            )
            % {"years": "; ".join(str(o) for o in over)}
        )
    return over


def check_no_future_spending(*, spent: Mapping[int, Decimal | None], today=None) -> None:
    """Money cannot have been spent in a year that has not begun (fresh eyes reported 2028's
    whole grant as spent in December 2026, and a final report then settled 2028)."""
    this_year = (today or timezone.localdate()).year
    for year in sorted(spent):
        amount = spent[year]
        if year > this_year and amount is not None and amount > 0:
            raise DomainError(
                _("%(year)s er ikke begyndt endnu, så der kan ikke være brugt penge i året.")
                % {"year": year},
                field=f"spent_{year}",
            )


def check_unspent(
    *, application_id: int, spent: Mapping[int, Decimal | None], unspent: Decimal | None
) -> None:
    """Unspent money cannot exceed what was allocated and not spent (an attack reported
    999.999 kr. unspent of a 150.000 kr. grant, and staff saw it as fact)."""
    if unspent is None:
        return
    allocated = (
        Allocation.objects.filter(application_id=application_id).aggregate(total=Sum("amount"))[
            "total"
        ]
        or ZERO
    )
    used = sum((a for a in spent.values() if a is not None), ZERO)
    left = max(allocated - used, ZERO)
    if unspent > left:
        if used > 0:
            # Amounts end in "kr.": one never ends the sentence (it would read "kr..").
            message = _(
                "I har brugt %(used)s af bevillingen på %(allocated)s, så højst %(left)s kan "
                "være ubrugt."
            )
        else:
            message = _("Der kan højst være %(left)s ubrugt: det er hele bevillingen.")
        raise DomainError(
            message
            % {
                "left": format_kroner(left),
                "allocated": format_kroner(allocated),
                "used": format_kroner(used),
            },
            field="unspent_amount",
        )


def check_overspend_acknowledged(
    *, application_id: int, spent: Mapping[int, Decimal | None], acknowledged: bool
) -> list[Overspend]:
    """Accepting a report above the grant is a deliberate act of staff."""
    over = overspending(application_id, spent)
    if over and not acknowledged:
        raise DomainError(
            _(
                "Rapporten viser forbrug ud over bevillingen (%(years)s). Læs ansøgerens "
                "forklaring og sæt kryds i »Jeg har set merforbruget og godkender det«, "
                "før rapporten godkendes."
            )
            % {"years": "; ".join(str(o) for o in over)}
        )
    return over


def overspent_report_ids(report_ids: Iterable[int]) -> set[int]:
    """Which of these reports state spending above the grant (three queries in all)."""
    rows = list(
        SpentAmount.objects.filter(report_id__in=list(report_ids)).values_list(
            "report_id", "report__application_id", "year", "amount"
        )
    )
    granted = granted_by_year({application_id for _r, application_id, _y, _a in rows})
    return {
        report_id
        for report_id, application_id, year, amount in rows
        if amount > granted[application_id].get(year, ZERO)
    }
