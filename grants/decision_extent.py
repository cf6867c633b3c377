"""How much of what was asked for a decision gives: in full, in part, or refused. One rule for
the letter, the e-mail and the case pages (fresh eyes round 9: a partial grant read
"Delvis bevilget" in the letter and "Bevilget" everywhere else)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.models import ApplicationStatus, DecisionOutcome
from portal.money import ZERO

FULL, PARTLY, REFUSED = "full", "partly", "refused"


@dataclass
class YearRow:
    year: int
    requested: Decimal
    granted: Decimal
    # Nothing granted because the municipality had no pool for the year when it decided:
    # not a refusal of the year, and the applicant must be told so (fresh eyes round 12).
    no_pool: bool = False
    # The year's pool created after the decision, if any: the case page says it exists now
    # (fresh eyes round 15: "no pool for 2028" beside a real planned 2028 pool). The letter
    # keeps the words of the day it was decided.
    pool_since: object = None

    @property
    def no_pool_note(self) -> str:
        if not self.no_pool:
            return ""
        return " ".join(filter(None, [no_pool_note(self.year), pool_since_note(self.pool_since)]))


def year_rows(decision) -> list[YearRow]:
    """Asked for and granted per year; a year neither asked for nor granted is left out."""
    application = decision.application
    requested = {row.year: row.amount for row in application.requested_amounts.all()}
    # A list of decisions (the admin's) prefetches the allocations with their pools.
    prefetched = "allocations" in getattr(decision, "_prefetched_objects_cache", {})
    allocations = (
        decision.allocations.all() if prefetched else decision.allocations.select_related("pool")
    )
    granted = {a.pool.year: a.amount for a in allocations}
    years = sorted(y for y in set(requested) | set(granted) if requested.get(y) or granted.get(y))
    rows = [YearRow(y, requested.get(y, ZERO), granted.get(y, ZERO)) for y in years]
    if decision.outcome == DecisionOutcome.APPROVED:
        unmet = [row.year for row in rows if not row.granted]
        without = _years_without_pool(decision, unmet) if unmet else {}
        for row in rows:
            row.no_pool = row.year in without
            row.pool_since = without.get(row.year)
    return rows


def no_pool_note(year: int) -> str:
    return _(
        # Said without "afgørelse": a department's is a "beslutning" (fresh eyes round 28).
        "Der var ingen pulje for %(year)s, da ansøgningen blev behandlet, så beløbet for "
        "%(year)s er ikke afgjort. Det kan søges i puljen for %(year)s, når kommunen slår "
        "den op."
    ) % {"year": year}


def pool_since_note(pool) -> str:
    """What became of the year's pool created after the decision."""
    from grants.models import PoolStatus

    if pool is None:
        return ""
    if pool.status == PoolStatus.OPEN:
        return _("Puljen for %(year)s er oprettet siden og er åben for ansøgninger nu.") % {
            "year": pool.year
        }
    if pool.status == PoolStatus.PLANNED:
        return _("Puljen for %(year)s er oprettet siden; beløbet kan søges, når den åbner.") % {
            "year": pool.year
        }
    return _("Puljen for %(year)s er oprettet siden.") % {"year": pool.year}


def _existed_when_decided(created_at, decided_at) -> bool:
    """The one rule of both functions below: a year's pool counts as there for the decision
    unless it was made after it (one without a history, or a decision without a time, counts
    as there)."""
    return created_at is None or decided_at is None or created_at <= decided_at


def _years_without_pool(decision, years: list[int]) -> dict:
    """The years among `years` for which the application's scheme had no pool when the
    decision was recorded (a pool created afterwards did not exist for it), each with the
    pool created since, or None."""
    from grants.models import Pool

    pool = decision.application.pool
    without = dict.fromkeys(years)
    for later in Pool.objects.rounds_of(pool).filter(year__in=years):
        created = later.history.order_by("history_date").values_list("history_date", flat=True)
        if _existed_when_decided(created.first(), decision.recorded_at):
            without.pop(later.year, None)
        else:
            without[later.year] = later
    return without


def approved_at():
    """An expression: when the application's (latest) approval was recorded, or None; for a
    list's query to read with its rows (`years_without_pool_for`'s `recorded`)."""
    from django.db.models import OuterRef, Subquery

    from grants.models import Decision

    return Subquery(
        Decision.objects.filter(application=OuterRef("pk"), outcome=DecisionOutcome.APPROVED)
        .order_by("-recorded_at")
        .values("recorded_at")[:1]
    )


def years_without_pool_for(
    applications, asked: dict, granted: dict, recorded: dict
) -> dict[int, set[int]]:
    """For many approved applications at once (a list page): {application id: the years
    asked for and not granted that had no pool of the scheme when the decision was recorded}
    — `_years_without_pool`'s rule in one query, whatever the number of applications.
    `asked` and `granted`: {application id: [(year, amount)]} (grants.cards); `recorded`:
    {application id: when its approval was recorded}, which the list reads with its rows
    (`approved_at()`)."""
    from django.db.models import OuterRef, Subquery

    from grants.models import Pool
    from grants.models.pools import HistoricalPool

    unmet = {}
    for application in applications:
        if application.pk not in recorded:
            continue  # no approval recorded (imported): nothing to say beyond the grants
        granted_years = {year for year, _amount in granted.get(application.pk, ())}
        years = {year for year, amount in asked.get(application.pk, ()) if amount} - granted_years
        if years:
            unmet[application.pk] = (application, years)
    if not unmet:
        return {}
    wanted = {
        (app.pool.scheme_id, app.pool.is_example, y) for app, ys in unmet.values() for y in ys
    }
    # Each round with when it was made (its first version), in one query.
    # The historical model itself: `Pool.history` makes a manager class on every use (76 µs).
    first_version = (
        HistoricalPool.objects.filter(id=OuterRef("pk"))
        .order_by("history_date")
        .values("history_date")
    )
    pools = (
        Pool.objects.filter(
            scheme_id__in={scheme for scheme, _example, _year in wanted},
            year__in={year for _scheme, _example, year in wanted},
        )
        .order_by()
        .annotate(created=Subquery(first_version[:1]))
        .values_list("pk", "scheme_id", "is_example", "year", "created")
    )
    by_round, created = {}, {}
    for pk, scheme, example, year, first in pools:
        by_round[scheme, example, year] = pk
        created[pk] = first
    result = {}
    for pk, (application, years) in unmet.items():
        when = recorded[pk]
        without = set()
        for year in years:
            pool = by_round.get((application.pool.scheme_id, application.pool.is_example, year))
            if pool is None or not _existed_when_decided(created.get(pool), when):
                without.add(year)
        result[pk] = without
    return result


def less_than_asked(requested: dict[int, Decimal], granted: dict[int, Decimal]) -> bool:
    """Some year was granted less than asked for: "Delvis bevilget". The one rule for the
    letter, the mail, the case pages and the applicant's list."""
    return any(amount > granted.get(year, ZERO) for year, amount in requested.items())


def approval_label(requested: dict[int, Decimal], granted_rows) -> str:
    """What an approval is called, from the amounts asked per year and the (year, amount)
    granted: "Delvis bevilget" for less than asked, else "Bevilget". One rule for the pages
    (Application.approved_label) and the open data's plain rows (grants.opendata)."""
    granted: dict[int, Decimal] = {}
    for year, amount in granted_rows:
        granted[year] = granted.get(year, ZERO) + amount
    if less_than_asked(requested, granted):
        return str(extent_label(PARTLY))
    return str(ApplicationStatus.APPROVED.label)


def extent(decision, rows: list[YearRow]) -> str:
    """Granted in full, in part, or refused: what the applicant must understand first."""
    if decision.outcome != DecisionOutcome.APPROVED:
        return REFUSED
    requested = {row.year: row.requested for row in rows}
    if less_than_asked(requested, {row.year: row.granted for row in rows}):
        return PARTLY
    return FULL


def extent_label(value: str) -> str:
    return {
        FULL: _("Bevilget som ansøgt"),
        PARTLY: _("Delvis bevilget"),
        REFUSED: _("Afslag"),
    }[value]


def decision_extent_label(decision) -> str:
    """ "Bevilget som ansøgt", "Delvis bevilget" or "Afslag"."""
    return extent_label(extent(decision, year_rows(decision)))
