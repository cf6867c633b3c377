"""Read-side queries: figures computed from rows, never typed or stored."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db import connection
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.models import ActionPlan, Goal
from portal.money import ZERO, format_kroner

from .models import (
    Allocation,
    Application,
    ApplicationStatus,
    Pool,
    ReportStatus,
    RequestedAmount,
    ReservedLine,
    SpentAmount,
    StatusChange,
)
from .models.applications import FUNDED_STATUSES


def per_application(rows: QuerySet, aggregate) -> Subquery:
    """`aggregate` (e.g. Sum("amount")) over each application's `rows` (its allocations, its
    reviews), as a correlated subquery: no join and GROUP BY of a list's whole rows, so the
    list's count stays a plain COUNT and two such figures do not multiply each other."""
    return Subquery(
        rows.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(value=aggregate)
        .values("value")
    )


def with_status_parts(queryset):
    """What `Application.status_label` reads, prefetched: the requested amounts and the
    allocations with their pools ("Delvis bevilget" is told by them). Every list that shows
    the status uses this, so a pool full of grants costs two queries, not two per grant."""
    return queryset.prefetch_related(
        Prefetch("requested_amounts", queryset=RequestedAmount.objects.order_by("year")),
        Prefetch(
            "allocations", queryset=Allocation.objects.select_related("pool").order_by("pool__year")
        ),
    )


@dataclass
class PlanRow:
    """One line of the action plan's table: a project, or a reserved line."""

    title: str
    committees: str
    goals: list[Goal]
    amounts: dict[int, Decimal]
    application: Application | None = None

    def amount(self, year: int) -> Decimal | None:
        return self.amounts.get(year)


@dataclass
class PlanTable:
    years: list[int]
    rows: list[PlanRow] = field(default_factory=list)
    reserved: list[PlanRow] = field(default_factory=list)

    @property
    def sums(self) -> dict[int, Decimal]:
        totals = dict.fromkeys(self.years, ZERO)
        for row in [*self.rows, *self.reserved]:
            for year, amount in row.amounts.items():
                totals[year] += amount
        return totals


def pools_open_to_associations(first_municipality_id: int) -> list[tuple]:
    """Open and coming pools an association may apply to, with their contact, per
    municipality: whom a new association writes to (fresh eyes round 12: a dead end). Every
    municipality's, the one whose sign-in button was used first (round 15: an association
    that chose another municipality's button saw none of the pools it came for)."""
    from .models import Applicants, PoolStatus

    pools = (
        Pool.objects.filter(
            status__in=[PoolStatus.OPEN, PoolStatus.PLANNED],
            applicants__in=[Applicants.ORGANISATIONS, Applicants.BOTH],
        )
        .select_related("municipality")
        .order_by("municipality__name", "application_deadline", "title")
    )
    grouped = [(m, list(p)) for m, p in groupby(pools, key=lambda pool: pool.municipality)]
    return sorted(grouped, key=lambda group: group[0].pk != first_municipality_id)


def committees_label(application: Application) -> str:
    """ "SU/KFU": the responsible committee first, then the others."""
    return join_committees(
        application.committee.abbreviation if application.committee else None,
        [c.abbreviation for c in application.co_committees.all()],
    )


def join_committees(responsible: str | None, others: list[str]) -> str:
    """committees_label of abbreviations read without model instances (grants.cards)."""
    return "/".join(committees_in_order(responsible, others))


def committees_in_order(responsible: str | None, others: list[str]) -> list[str]:
    """The responsible committee first, then the others (the label's order, the API's list)."""
    return ([responsible] if responsible else []) + others


def action_plan_table(action_plan: ActionPlan) -> PlanTable:
    """Part 2 of the action plan: each funded project's allocations per year, reserved lines
    and the sums per year, all computed from allocation rows (seed 000: 722.000 / 700.000)."""
    years = action_plan.years
    pools = Pool.objects.filter(action_plan=action_plan, year__in=years)
    allocations = Allocation.objects.filter(pool__in=pools).select_related("pool")
    applications = (
        Application.objects.filter(allocations__pool__in=pools, status__in=FUNDED_STATUSES)
        .distinct()
        .select_related("committee")
        .prefetch_related(
            "co_committees",
            Prefetch("goals", queryset=Goal.objects.order_by("kind", "number")),
            Prefetch("allocations", queryset=allocations, to_attr="plan_allocations"),
        )
        .order_by("number", "title")
    )
    table = PlanTable(years=years)
    for application in applications:
        table.rows.append(
            PlanRow(
                title=application.title,
                committees=committees_label(application),
                goals=list(application.goals.all()),
                amounts={a.pool.year: a.amount for a in application.plan_allocations},
                application=application,
            )
        )
    reserved: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for line in ReservedLine.objects.filter(pool__in=pools).select_related("pool"):
        reserved[line.title][line.pool.year] = line.amount
    table.reserved = [
        PlanRow(title=title, committees="", goals=[], amounts=amounts)
        for title, amounts in reserved.items()
    ]
    return table


def committed_by_pool(pools) -> dict[int, Decimal]:
    """Allocated plus reserved ("Bevilget og reserveret") of each of `pools`, in two grouped
    queries: the figure `pool_balance` subtracts from the budget, for a list of pools."""
    committed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for model in (Allocation, ReservedLine):
        for pool_id, amount in (
            model.objects.filter(pool__in=pools)
            .order_by()
            .values("pool")
            .annotate(total=Sum("amount"))
            .values_list("pool", "total")
        ):
            committed[pool_id] += amount
    return committed


def pool_balance(pool: Pool) -> dict[str, Decimal | None]:
    """Budget, reserved, allocated, carry-over and available for one pool."""
    reserved, allocated = pool.reserved_total, pool.allocated_total
    return {
        "budget": pool.budget,
        "reserved": reserved,
        "allocated": allocated,
        "carry_over": pool.carried_over_in_total,
        "available": None if pool.budget is None else pool.budget - reserved - allocated,
    }


def available_by_year(application: Application) -> dict[int, Decimal | None]:
    """What the scheme's pool of each of the application's years has left to grant; a year
    without a pool is missing (the decision form says so beside the year's amount)."""
    pools = Pool.objects.rounds_of(application.pool).filter(year__in=application.years)
    return {pool.year: pool_balance(pool)["available"] for pool in pools}


@dataclass(frozen=True)
class PoolSpending:
    """Spent in a pool's year: within the grants, and above them (never the pool's money)."""

    within: Decimal
    above: Decimal

    @property
    def total(self) -> Decimal:
        return self.within + self.above


def pool_spent(pool: Pool) -> Decimal:
    """Money reported as spent within the grants in the pool's year (see `pool_spending`)."""
    return pool_spending(pool).within


def pool_spending(pool: Pool) -> PoolSpending:
    """Money reported as spent in the pool's year, by each project's settled report (its
    final report, else its newest accepted one: `settled_first`). Accepted reports only: a
    submitted one may still be returned. Spending above a project's allowance for the year
    (allocation plus carry-over into it, minus carry-over out of it) is counted apart: it did
    not come out of the pool (`grants.services.spending`)."""
    from .services.spending import granted_by_year, settled_first

    rows = (
        SpentAmount.objects.filter(
            year=pool.year,
            report__status=ReportStatus.ACCEPTED,
            report__application__allocations__pool=pool,
        )
        .order_by("report__application_id", *settled_first())
        .values_list("report__application_id", "amount")
    )
    newest = {}
    for application_id, amount in rows:
        newest.setdefault(application_id, amount)
    granted = granted_by_year(newest)
    within = above = ZERO
    for application_id, amount in newest.items():
        limit = granted[application_id].get(pool.year, ZERO)
        within += min(amount, limit)
        above += max(amount - limit, ZERO)
    return PoolSpending(within=within, above=above)


@dataclass(frozen=True)
class MissingPool:
    """A following year the pool's applications ask money for, with no pool to pay it."""

    year: int
    policy_id: int
    title: str
    action_plan_id: int | None = None  # the pool's plan, when it covers the year
    scheme_id: int | None = None  # the round belongs to the same scheme
    is_example: bool = False  # an example pool's following year is an example pool too

    @property
    def create_query(self) -> str:
        from django.utils.http import urlencode

        query = {"aar": self.year, "politik": self.policy_id, "titel": self.title}
        if self.scheme_id:
            query["ordning"] = self.scheme_id
        if self.action_plan_id:
            query["handleplan"] = self.action_plan_id
        if self.is_example:
            query["eksempel"] = 1
        return urlencode(query)


def missing_following_pools(
    pool: Pool, application: Application | None = None
) -> list[MissingPool]:
    """Years after `pool.year` that its applications (or just `application`) request money
    for, plus the year after the pool when its action plan covers it, where the
    municipality has no pool yet: a decision for those years would be refused."""
    requested = RequestedAmount.objects.filter(year__gt=pool.year, amount__gt=0)
    if application is not None:
        requested = requested.filter(application=application)
    else:
        requested = requested.filter(application__pool=pool).exclude(
            application__status__in=[
                ApplicationStatus.DRAFT,
                ApplicationStatus.WITHDRAWN,
                ApplicationStatus.REJECTED,
            ]
        )
    years = set(requested.values_list("year", flat=True))
    plan = pool.action_plan
    if application is None and plan is not None and plan.year_end > pool.year:
        years.add(pool.year + 1)
    existing = set(
        Pool.objects.filter(scheme_id=pool.scheme_id, year__in=years).values_list("year", flat=True)
    )

    def title_for(year: int) -> str:
        if str(pool.year) in pool.title:
            return pool.title.replace(str(pool.year), str(year))
        return f"{pool.title} {year}"

    def plan_for(year: int) -> int | None:
        if plan is not None and plan.year_start <= year <= plan.year_end:
            return plan.pk
        return None

    return [
        MissingPool(
            year=year,
            policy_id=pool.policy_id,
            title=title_for(year),
            action_plan_id=plan_for(year),
            scheme_id=pool.scheme_id,
            is_example=pool.is_example,
        )
        for year in sorted(years - existing)
    ]


# What a list of applications never shows: its answers (the form's content but the title
# and committee) and its search document.
LONG_TEXTS = (
    "search_document",
    *(name for name in Application.CONTENT_FIELDS if name not in ("title", "committee")),
)


def funding_chain(application: Application, *, among=None) -> list[Application]:
    """The earlier applications this one continues (and those they continue …), newest first.

    `among` (a queryset) limits the walk, e.g. to funded projects on the public pages: the
    chain does not pass through an application outside it. Two queries at most: the links
    reachable from the application, in one recursive query of the link table (none: no
    second query, as for most projects), then the reached applications that are `among`;
    the walk through those is done here. A query of whole applications per generation,
    the last one always empty, cost every project page, case page and staff page two
    (issue #17)."""
    links = Application.continues.through._meta.db_table
    with connection.cursor() as cursor:
        # The table's name is the model's own; the id travels as a parameter. UNION keeps
        # each link once, so a loop back ends the recursion.
        cursor.execute(
            f"""
            WITH RECURSIVE reached(from_id, to_id) AS (
                SELECT from_application_id, to_application_id FROM {links}
                WHERE from_application_id = %s
                UNION
                SELECT link.from_application_id, link.to_application_id
                FROM {links} link JOIN reached ON link.from_application_id = reached.to_id
            )
            SELECT from_id, to_id FROM reached
            """,  # noqa: S608  # nosec B608
            [application.pk],
        )
        edges = cursor.fetchall()
    if not edges:
        return []
    candidates = Application.objects.filter(pk__in={to_id for _from, to_id in edges})
    if among is not None:
        candidates = candidates.filter(pk__in=among.values("pk"))
    allowed = {a.pk: a for a in candidates.select_related("pool").defer(*LONG_TEXTS).order_by()}
    later_to_earlier = defaultdict(list)
    for from_id, to_id in edges:
        later_to_earlier[from_id].append(to_id)
    seen, frontier, chain = {application.pk}, [application.pk], []
    while frontier:
        generation = [
            pk
            for later in frontier
            for pk in later_to_earlier[later]
            if pk in allowed and pk not in seen and not seen.add(pk)
        ]
        chain.extend(allowed[pk] for pk in generation)
        frontier = generation
    return sorted(chain, key=lambda a: a.pool.year, reverse=True)


# Steps taken among committee staff: what they wrote there (the secretariat's assessment to
# the committee, why a review was reopened) is not the applicant's to read (found by an
# attacker: the recommendation's text showed in the caseworker's history).
STAFF_INTERNAL_STEPS = frozenset({ApplicationStatus.IN_REVIEW, ApplicationStatus.RECOMMENDED})


def applicant_history(application: Application) -> list[StatusChange]:
    """The application's status changes as its applicant sees them: every step, with the
    comments meant for them (returned, withdrawn, decided …), not staff's internal ones."""
    changes = list(application.status_changes.select_related("actor"))
    for change in changes:
        if change.to_status in STAFF_INTERNAL_STEPS:
            change.comment = ""
    return changes


def years_without_pool(application: Application, years=None) -> list[int]:
    """Of `years` (default: those the application may ask for), the ones its pool's scheme
    has no round for (Pool.objects.rounds_of): said on the form before money is typed
    (fresh eyes round 14) and refused when granted (grants.services.allocation)."""
    years = sorted(application.years if years is None else years)
    found = set(
        Pool.objects.rounds_of(application.pool)
        .filter(year__in=years)
        .values_list("year", flat=True)
    )
    return [year for year in years if year not in found]


def money_notes(application: Application) -> list[str]:
    """What an applicant should know before sending a request the pool cannot meet as it
    stands (fresh eyes round 9: 1.250.000 kr. was sent to a pool of 700.000 kr., and money
    for a year without a pool, with no word of either). Notes, not refusals: a budget can
    be raised and next year's pool created before the decision."""
    amounts = {row.year: row.amount for row in application.requested_amounts.all() if row.amount}
    pools = {
        pool.year: pool
        for pool in Pool.objects.rounds_of(application.pool).filter(year__in=list(amounts))
    }
    notes = []
    # One note for all the years without a pool (fresh eyes round 30: the same paragraph
    # for 2028 and again for 2029), said without "afgørelse" (a department's is a
    # "beslutning").
    missing = [year for year in sorted(amounts) if year not in pools]
    if missing:
        notes.append(
            ngettext(
                "Kommunen har endnu ikke sat penge af til puljen for %(years)s; det sker "
                "normalt, når budgettet for året er vedtaget. Beløbet for %(years)s kan kun "
                "bevilges, hvis puljen findes, når ansøgningen behandles. Ellers behandles kun de "
                "andre år, og beløbet må søges i puljen for %(years)s.",
                "Kommunen har endnu ikke sat penge af til puljerne for %(years)s; det sker "
                "normalt, når budgettet for året er vedtaget. Beløbene for de år kan kun "
                "bevilges, hvis puljerne findes, når ansøgningen behandles. Ellers behandles kun "
                "de andre år, og beløbene må søges i puljerne for %(years)s.",
                len(missing),
            )
            % {"years": get_text_list([str(year) for year in missing], _("og"))}
        )
    for year, amount in sorted(amounts.items()):
        pool = pools.get(year)
        if pool is None:
            continue
        available = pool_balance(pool)["available"]
        if pool.budget is not None and amount > pool.budget:
            notes.append(
                _(
                    "I søger %(amount)s for %(year)s. Det er mere end hele puljens budget for "
                    "året, %(budget)s, så det kan ikke bevilges fuldt ud."
                )
                % {
                    "amount": format_kroner(amount),
                    "year": year,
                    "budget": format_kroner(pool.budget),
                }
            )
        elif available is not None and amount > available:
            notes.append(
                _(
                    "I søger %(amount)s for %(year)s. Puljen har %(available)s tilbage til "
                    "det år lige nu; udvalget kan bevilge mindre, end I søger."
                )
                % {
                    "amount": format_kroner(amount),
                    "year": year,
                    "available": format_kroner(max(available, ZERO)),
                }
            )
    return notes
