"""What a project card (grants.card_html) shows of a project's
relations: its money per year, the carried-over money, its goals and its committees.

One plain query per relation for the whole list, kept on each project as lists, and not
`prefetch_related`: Django's prefetch gives every project a related manager and a filtered
queryset per relation (about 35 µs each) and loads whole rows; for the catalogue's page of 20
that was 4-5 ms of its ~28 ms of CPU (issue #17). The number of queries is the same (one per
relation), on PostgreSQL and SQLite alike. The pool page's table uses the same helpers.
"""

from collections import defaultdict
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from grants.models import Allocation, Application, CarryOver, RequestedAmount
from grants.selectors import committees_in_order
from policies.models import Goal
from portal.id_queries import IdsQuery
from portal.site import id_address_pattern
from portal.templatetags.text import one_line

# The columns of the project itself a card shows: loading only these keeps the catalogue's
# sort narrow and skips the long texts.
CARD_TARGET_GROUP_WORDS = 30  # of the target group a card shows

CARD_FIELDS = (
    "title",
    "target_group",
    "number",
    "status",
    "municipality__name",
    "municipality__slug",
    "pool__year",
    "pool__title",
    "pool__is_example",
    "committee__abbreviation",
    "committee__name",
)


class YearMoney(NamedTuple):
    year: int
    amount: Decimal


class CarriedMoney(NamedTuple):
    year: int  # the year it was spent in
    from_year: int  # the year whose money was left over
    amount: Decimal | None  # None: not recorded


def for_cards(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The projects' own columns for a card; `with_card_parts` adds the relations once the
    page's projects are chosen."""
    return queryset.select_related("municipality", "committee", "pool").only(*CARD_FIELDS)


def with_card_parts(projects) -> list[Application]:
    """`projects` (a list, or an iterable run here) with `card_money_years` [(year, [money])]
    in year order (each year's grant, YearMoney, then its carried-over money, CarriedMoney),
    `card_goals` [Goal] in goal order and
    `card_committees` ("SU/KFU" as `abbreviated_committees`: the responsible committee
    first, as grants.selectors.committees_label), `card_target_group`, the part of the
    target group the card shows (also what grants.search.with_excerpts reads as shown), and
    `card_url`, its page (one reverse() for the list)."""
    projects = list(projects)
    project_page = id_address_pattern("public:project")
    ids = [project.pk for project in projects]
    money, carried = money_per_year(ids), carried_per_year(ids)
    goals, co_committees = goals_per_application(ids), co_committees_named(ids)
    for project in projects:
        project.card_money_years = money_by_year(
            [*money[project.pk], *carried[project.pk]],
            year_of=lambda line: line.year,
            is_carried=lambda line: isinstance(line, CarriedMoney),
        )
        project.card_goals = goals[project.pk]
        project.card_url = project_page.format(project.pk)
        project.card_target_group = Truncator(one_line(project.target_group)).words(
            CARD_TARGET_GROUP_WORDS, truncate=" …"
        )
        project.card_committees = abbreviated_committees(
            NamedCommittee(project.committee.abbreviation, project.committee.name)
            if project.committee_id
            else None,
            co_committees[project.pk],
        )
    return projects


def with_row_status(applications: list[Application], *, applicant: bool = False):
    """Gives each of a list's `applications` `asked` [YearMoney] in year order and
    `row_status`: its status as the list's reader names it, "Delvis bevilget" told by the same
    amounts (Application.label_of). Returns the amounts asked and granted by application, for
    what else the list shows of them."""
    ids = [application.pk for application in applications]
    asked, granted = asked_per_year(ids), money_per_year(ids)
    for application in applications:
        application.asked = asked[application.pk]
        application.row_status = application.label_of(
            application.status,
            applicant=applicant,
            amounts=(dict(application.asked), granted[application.pk]),
        )
    return asked, granted


def shown_asked(asked: list[YearMoney]) -> list[tuple[int, str]]:
    """[(year, "100.000 kr.")] of the years asked for (a year left at 0 kr. was not), as a
    list's cell shows them: made once here, not by two filters per amount in the template
    (issue #17)."""
    from grants.wording import asked_years_and_total
    from portal.money import format_kroner

    return [(row.year, format_kroner(row.amount)) for row in asked_years_and_total(asked)[0]]


def year_lines(lines, empty: str = "–") -> str:
    """A list's cell of amounts per year: "2027: 100.000 kr.<br>2028: …" from [(year, text)]
    (a text may be safe HTML; anything else is escaped), `empty` when there are none. One
    string per cell, not a loop of template nodes per row: the caseworker's and the staff's
    lists had two loops a row (issue #17); joined here, not by `format_html_join`, which
    cost five times as much."""
    # The year is an int the list read from the database; every text is escaped unless safe.
    cell = "<br>".join(f"{year:d}: {conditional_escape(text)}" for year, text in lines)
    return mark_safe(cell) if cell else empty  # noqa: S308  # nosec B308 B703


def money_by_year(lines, *, year_of, is_carried) -> list[tuple[int, list]]:
    """[(year, [line, …])] in year order: a year's grant, then the money carried over into
    it, as one entry, on the cards and the project page alike (fresh eyes round 42: "2021 ·
    2022 · 2021: restmidler fra 2020"; session 30: 2021 twice on a card; session 31: twice
    on the project page). `lines` in a fixed order; `year_of(line)` is the year it was spent
    in, `is_carried(line)` whether it is carried-over money."""
    ordered = sorted(lines, key=lambda line: (year_of(line), is_carried(line)))
    return [(year, list(group)) for year, group in groupby(ordered, key=year_of)]


def grouped(rows, make) -> defaultdict[int, list]:
    """{id: [make(*rest), …]} of `rows` (id, *rest), in their order: an application's (or a
    policy's, an indicator's) related rows from one plain query, for a list's rows."""
    found = defaultdict(list)
    for pk, *rest in rows:
        found[pk].append(make(*rest))
    return found


def carried_per_year(ids: list[int]) -> defaultdict[int, list[CarriedMoney]]:
    """Each application's carried-over money, in the order of the years it was spent in."""
    return grouped(CARRIED.rows(ids), CarriedMoney)


CARRIED = IdsQuery(
    lambda ids: (
        CarryOver.objects.filter(application__in_ids=ids)
        .order_by("to_pool__year", "pk")
        .values_list("application_id", "to_pool__year", "from_pool__year", "amount")
    )
)


def goals_per_application(ids: list[int]) -> defaultdict[int, list[Goal]]:
    """Each application's goals in goal order, as unsaved Goals with the columns a list
    shows (id, kind, number, title, short title: their `label` and `name` work). One Goal
    for all the rows that name it: a page of 100 projects names a municipality's few goals
    300 times, and a model instance each was a tenth of the API's list (issue #17)."""
    shared: dict[int, Goal] = {}

    def goal(pk, kind, number, title, short_title) -> Goal:
        if pk not in shared:
            shared[pk] = Goal(pk=pk, kind=kind, number=number, title=title, short_title=short_title)
        return shared[pk]

    return grouped(GOALS.rows(ids), goal)


GOALS = IdsQuery(
    lambda ids: (
        Application.goals.through.objects.filter(application__in_ids=ids)
        .order_by("goal__kind", "goal__number", "goal_id")
        .values_list(
            "application_id",
            "goal_id",
            "goal__kind",
            "goal__number",
            "goal__title",
            "goal__short_title",
        )
    )
)


def sdg_numbers(ids: list[int]) -> defaultdict[int, list[int]]:
    """Each application's UN Sustainable Development Goals, their numbers in order."""
    return grouped(SDGS.rows(ids), int)


SDGS = IdsQuery(
    lambda ids: (
        Application.sdgs.through.objects.filter(application__in_ids=ids)
        .order_by("sdg_id")
        .values_list("application_id", "sdg_id")
    )
)


def money_per_year(ids: list[int]) -> defaultdict[int, list[YearMoney]]:
    """Each application's grants (allocations) per year, in year order."""
    return grouped(MONEY.rows(ids), YearMoney)


MONEY = IdsQuery(
    lambda ids: (
        Allocation.objects.filter(application__in_ids=ids)
        .order_by("pool__year", "pk")
        .values_list("application_id", "pool__year", "amount")
    )
)


class NamedGrant(NamedTuple):
    year: int
    pool: str  # the pool's name as the public may see it (grants.public.public_pool_name)
    amount: Decimal


def named_grants_per_year(ids: list[int]) -> defaultdict[int, list[NamedGrant]]:
    """Each application's grants per year with their pool's public name, in year order
    (the open data's and the API's "bevillinger")."""
    from grants.public import public_pool_name

    return grouped(
        NAMED_GRANTS.rows(ids),
        lambda year, title, status, scheme, amount: NamedGrant(
            year, public_pool_name(title=title, status=status, scheme=scheme, year=year), amount
        ),
    )


NAMED_GRANTS = IdsQuery(
    lambda ids: (
        Allocation.objects.filter(application__in_ids=ids)
        .order_by("pool__year", "pk")
        .values_list(
            "application_id",
            "pool__year",
            "pool__title",
            "pool__status",
            "pool__scheme__name",
            "amount",
        )
    )
)


def asked_per_year(ids: list[int]) -> defaultdict[int, list[YearMoney]]:
    """Each application's requested amounts per year, in year order."""
    return grouped(ASKED.rows(ids), YearMoney)


ASKED = IdsQuery(
    lambda ids: (
        RequestedAmount.objects.filter(application__in_ids=ids)
        .order_by("year", "pk")
        .values_list("application_id", "year", "amount")
    )
)


def co_committee_abbreviations(ids: list[int]) -> defaultdict[int, list[str]]:
    """Each application's other committees' abbreviations, in the committees' order."""
    return grouped(CO_COMMITTEES.rows(ids), lambda abbreviation, _name: abbreviation)


class NamedCommittee(NamedTuple):
    abbreviation: str
    name: str


def co_committees_named(ids: list[int]) -> defaultdict[int, list[NamedCommittee]]:
    """Each application's other committees, abbreviation and name, in the committees' order."""
    return grouped(CO_COMMITTEES.rows(ids), NamedCommittee)


CO_COMMITTEES = IdsQuery(
    lambda ids: (
        Application.co_committees.through.objects.filter(application__in_ids=ids)
        .order_by("committee__municipality__name", "committee__abbreviation")
        .values_list("application_id", "committee__abbreviation", "committee__name")
    )
)


def abbreviated_committees(responsible: NamedCommittee | None, others: list[NamedCommittee]) -> str:
    """ "SU/KFU" in grants.selectors.committees_in_order, each abbreviation with its name: a
    card's committees were letters nobody explained (fresh eyes, session 31). The name is
    the pointer's title and, alone, what a screen reader reads (few read an abbreviation's
    title; session 32). Joined here, as `year_lines`, not by a tag each."""
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "/".join(
            f'<abbr title="{conditional_escape(committee.name)}" aria-hidden="true">'
            f"{conditional_escape(committee.abbreviation)}</abbr>"
            f'<span class="visually-hidden">{conditional_escape(committee.name)}</span>'
            for committee in committees_in_order(responsible, others)
        )
    )


def goal_ids(ids: list[int]) -> defaultdict[int, set[int]]:
    """The goals each application serves, by id."""
    found = defaultdict(set)
    for pk, goal_pk in GOAL_IDS.rows(ids):
        found[pk].add(goal_pk)
    return found


GOAL_IDS = IdsQuery(
    lambda ids: Application.goals.through.objects.filter(application__in_ids=ids).values_list(
        "application_id", "goal_id"
    )
)
