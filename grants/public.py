"""What citizens may see: funded projects only, and only their public fields.

Every public page and the open data take their rows from here, so a draft, a rejected
application, a review or a contact person can never reach them by accident.
"""

from typing import NamedTuple

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import (
    FUNDED_STATUSES,
    Allocation,
    Application,
    ApplicationStatus,
    CarryOver,
    Pool,
    PoolStatus,
)
from grants.search import Search, prepare, search
from grants.selectors import per_application
from policies.models import Goal
from portal.filters import (
    KnownChoiceFilter,
    KronerFilter,
    ModelChoiceFilter,
    OrderedRangesForm,
    YearFilter,
)
from portal.models import Committee, Municipality
from portal.money import ZERO
from portal.params import id_param

from .select_options import (
    committee_options,
    committees_of,
    goal_options,
    goals_of,
    list_options,
    municipality_options,
)


def money_has_ended(last_money_year: int | None) -> bool:
    """The project's last year with money is past."""
    return last_money_year is not None and last_money_year < timezone.localdate().year


def public_status(project: Application, last_money_year: int | None) -> str:
    """The status a citizen reads on a project's page: "Igangværende" only while its money
    runs; a project whose last year with money is past says so instead (fresh eyes, session
    31: a project of 2019–2021 was "Igangværende" in 2026, its final report not yet in)."""
    if project.status == ApplicationStatus.ACTIVE and money_has_ended(last_money_year):
        return _("Tilskudsperioden sluttede i %(year)s") % {"year": last_money_year}
    return project.status_label


def funded_projects() -> QuerySet[Application]:
    return Application.objects.filter(status__in=FUNDED_STATUSES)


# A planned pool (budget and description still being prepared) stays internal until staff
# open it; a pool closed after being open stays public (a pool never goes back to planned,
# grants/rules.py).
PRIVATE_POOL_STATUSES = (PoolStatus.PLANNED,)


def publishing_municipalities() -> QuerySet[Municipality]:
    """The municipalities with funded projects, in name order: each publishes its own
    open-data files (/data/<kommune>/…, listed on /data/ and in the catalogue record)."""
    funded = open_data_projects().filter(municipality=OuterRef("pk"))
    return Municipality.objects.filter(Exists(funded)).order_by("name")


def public_pools() -> QuerySet[Pool]:
    """Pools citizens may see: every pool that has been opened."""
    return Pool.objects.exclude(status__in=PRIVATE_POOL_STATUSES)


class PoolFilter(django_filters.FilterSet):
    """The pools page's choice: one municipality (every year), one year (every
    municipality), or both. With neither the page shows the newest year (`newest_pool_year`,
    in the view, so the year box stays empty and choosing a municipality gives all its
    years): the whole country's pools of every year are a thousand rows (issue #17)."""

    kommune = KnownChoiceFilter(
        label=_("Kommune"),
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.filter(
            Exists(public_pools().filter(municipality=OuterRef("pk")))
        ).order_by("name"),
        empty_label=_("Alle kommuner"),
    )
    aar = YearFilter(label=_("År"), field_name="year")

    class Meta:
        model = Pool
        fields = []
        form = OrderedRangesForm


def pool_years() -> list[int]:
    """The years that have public pools, newest first (the pools page's year links)."""
    return list(public_pools().order_by("-year").values_list("year", flat=True).distinct())


def newest_pool_year(years: list[int] | None = None, today=None) -> int | None:
    """The year the pools page shows when nothing is chosen: this year's pools, or the
    newest before it; only future rounds when there is nothing else. `years`: `pool_years()`
    when the caller has them."""
    years = pool_years() if years is None else years
    this_year = (today or timezone.localdate()).year
    return next((year for year in years if year <= this_year), years[0] if years else None)


def pool_is_public(status: str) -> bool:
    return status not in PRIVATE_POOL_STATUSES


def public_pool_name(*, title: str, status: str, scheme: str, year: int) -> str:
    """How a pool is named where its money shows: a two-year grant draws its second year
    from a round that may still be planned, and that round's title is not public yet
    (attack round 7 read it in the API and the open data); its scheme and year are."""
    return title if pool_is_public(status) else f"{scheme} {year}"


def open_data_pools() -> QuerySet[Pool]:
    """The pools of the open data: public ones, not those of example data (attack round 28:
    the API listed their made-up budgets beside the real ones)."""
    return public_pools().exclude(is_example=True)


def open_data_projects() -> QuerySet[Application]:
    """The funded projects of the open-data files: not those of a pool of example data,
    which a harvester would otherwise count as real grants."""
    return funded_projects().exclude(pool__is_example=True)


def with_public_relations(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """What a project's public page shows of its relations, in a fixed number of queries:
    the money per year once (its table and the status's "Delvis bevilget" read the same
    rows), the goals in goal order, the other committees."""
    return queryset.select_related(
        "municipality", "committee", "pool", "department", "organisation"
    ).prefetch_related(
        "co_committees",
        Prefetch("goals", queryset=Goal.objects.order_by("kind", "number")),
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related(
                "pool__municipality", "pool__scheme"
            ).order_by("pool__year"),
        ),
    )


def with_totals(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """`granted_total`: what the project was granted in all (a correlated subquery)."""
    if "granted_total" in queryset.query.annotations:
        return queryset
    return queryset.annotate(
        granted_total=Coalesce(per_application(Allocation.objects.all(), Sum("amount")), ZERO)
    )


class GrantedTotalFilter(KronerFilter):
    """The projects granted at least or at most an amount in all: the total counted in the
    query only when the filter is used (a subquery per listed project otherwise; the pages
    that show the total sum the grants they have read, issue #17)."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return super().filter(with_totals(qs), value)


def relevant_municipality_id(data, committee_by_id: bool = True) -> int | None:
    """The municipality the catalogue's goal and committee choices are for: the chosen
    one, else the one of the chosen goal or committee. Listing every municipality's goals
    and committees would make the page grow with the country (98 × ~10 options).
    `committee_by_id`: `udvalg` is a committee's id (the catalogue), not its abbreviation
    (the API)."""
    if not data:
        return None
    if slug := data.get("kommune"):
        return (
            Municipality.objects.filter(slug__iexact=slug.strip())
            .values_list("pk", flat=True)
            .first()
        )
    if (pk := id_param(data.get("maal"))) is not None:
        return Goal.objects.filter(pk=pk).values_list("policy__municipality", flat=True).first()
    if committee_by_id and (pk := id_param(data.get("udvalg"))) is not None:
        return Committee.objects.filter(pk=pk).values_list("municipality", flat=True).first()
    return None


# What a goal or committee of another municipality than the chosen one is called when it is
# left out of the search.
LEFT_OUT = {
    "maal": _("Det valgte mål hører til en anden kommune og er ikke med i søgningen."),
    "udvalg": _("Det valgte udvalg hører til en anden kommune og er ikke med i søgningen."),
}


def without_other_municipalities(
    data, municipality_id: int | None, committee_by_id: bool = True
) -> tuple:
    """`data` without a goal or committee of another municipality than `municipality_id`,
    and the keys left out (fresh eyes round 35: after changing the municipality the old
    one's goal stayed in the address, and the search refused it with "Marker en gyldig
    valgmulighed" beside an empty box). An id that is no goal or committee at all stays,
    for the form to refuse."""
    if not data or municipality_id is None:
        return data, []
    left_out = []
    others = {"maal": Goal.objects.exclude(policy__municipality=municipality_id)}
    if committee_by_id:
        others["udvalg"] = Committee.objects.exclude(municipality=municipality_id)
    for key, elsewhere in others.items():
        pk = id_param(data.get(key))
        if pk is not None and elsewhere.filter(pk=pk).exists():
            data = data.copy()
            data.pop(key)
            left_out.append(key)
    return data, left_out


class ProjectFilter(django_filters.FilterSet):
    """The catalogue's filters, with the stable Danish parameter names of DESIGN.md."""

    q = django_filters.CharFilter(label=_("Søg"), method="filter_search")
    kommune = KnownChoiceFilter(
        label=_("Kommune"),
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Alle kommuner"),
    )
    # The years a project had money, not the pool it applied to (fresh eyes, session 31:
    # projects of the 2020 pool paid from 2021's money were "missing" under 2020).
    aar = YearFilter(
        label=_("År"), help_text=_("Året, projektet fik penge til."), method="filter_year"
    )
    maal = ModelChoiceFilter(
        label=_("Mål"),
        field_name="goals",
        queryset=Goal.objects.none(),
        empty_label=_("Alle mål"),
    )
    udvalg = ModelChoiceFilter(
        label=_("Udvalg"),
        method="filter_committee",
        queryset=Committee.objects.none(),
        empty_label=_("Alle udvalg"),
    )
    maalgruppe = django_filters.CharFilter(
        label=_("Målgruppe indeholder"), field_name="target_group", lookup_expr="icontains"
    )
    beloeb_min = GrantedTotalFilter(
        label=_("Bevilget i alt fra (kr.)"), field_name="granted_total", lookup_expr="gte"
    )
    beloeb_max = GrantedTotalFilter(
        label=_("Bevilget i alt til (kr.)"), field_name="granted_total", lookup_expr="lte"
    )

    class Meta:
        model = Application
        fields = []
        form = OrderedRangesForm

    # `udvalg` is a committee's id here; the API's subclass names it by its abbreviation.
    committee_by_id = True

    def __init__(self, data=None, *args, **kwargs):
        municipality_id = relevant_municipality_id(data, self.committee_by_id)
        data, self.left_out = without_other_municipalities(
            data, municipality_id, self.committee_by_id
        )
        super().__init__(data, *args, **kwargs)
        self.municipality_id = municipality_id
        goal_filter, committee_filter = self.filters["maal"], self.filters["udvalg"]
        if self.municipality_id is None:
            help_text = _("Vælg en kommune og tryk Søg for at vælge blandt dens mål og udvalg.")
            goal_filter.extra["help_text"] = committee_filter.extra["help_text"] = help_text
        else:
            goal_filter.queryset = goals_of(self.municipality_id)
            committee_filter.queryset = committees_of(self.municipality_id)
        list_options(self.filters["kommune"].field, municipality_options)
        self.list_options_of(goal_filter.field, committee_filter.field, self.municipality_id)
        self.filters["aar"].field.widget = forms.NumberInput(attrs={"min": 2000, "max": 2100})

    def offer_choices_of(self, municipality_id: int) -> None:
        """Offer one municipality's goals and committees in the form (after filtering), e.g.
        when all results are from one municipality although none was chosen."""
        for name, choices in (("maal", goals_of), ("udvalg", committees_of)):
            field = self.form.fields[name]
            field.queryset = choices(municipality_id)
            field.help_text = ""
            # The form was validated already: its bound field keeps a copy of the hint,
            # which said "Vælg en kommune …" under a list already filled (fresh eyes,
            # session 29).
            self.form[name].help_text = ""
        self.list_options_of(self.form.fields["maal"], self.form.fields["udvalg"], municipality_id)

    def list_options_of(self, goal_field, committee_field, municipality_id: int | None):
        """The goal and committee selects offer one municipality's, as plain values (the
        labels Goal.name and Committee's str); none before there is one."""
        if municipality_id is None:
            goals = committees = list
        else:
            goals = lambda: goal_options(goals_of(municipality_id))  # noqa: E731
            committees = lambda: committee_options(committees_of(municipality_id))  # noqa: E731
        list_options(goal_field, goals)
        if self.committee_by_id:  # the API's `udvalg` is an abbreviation, and not shown
            list_options(committee_field, committees)

    # The prepared search (grants.search) once the results are asked for: its marks and
    # suggestion.
    search: Search | None = None

    def filter_search(self, queryset, name, value):
        self.search = prepare(value)
        return search(queryset, self.search)

    def filter_year(self, queryset, name, value):
        # Id sets, not correlated EXISTS: the database builds each set once (a year's few
        # thousand rows) instead of probing twice for every funded project in the country.
        funded, carried = (
            sources.filter(facet_year=value).values("application_id") for sources in project_years()
        )
        return queryset.filter(Q(pk__in=funded) | Q(pk__in=carried))

    def filter_committee(self, queryset, name, value):
        return queryset.filter(in_committee(value))


def project_years() -> tuple[QuerySet, QuerySet]:
    """(facet_year, application_id) rows saying in which years a project had money: its
    allocations' pool years and the years carry-over moved its remaining money into. The
    year filter and the year facet both use these, so a facet's count is what its link
    gives."""
    funded = Allocation.objects.order_by().annotate(facet_year=F("pool__year"))
    carried = CarryOver.objects.order_by().annotate(facet_year=F("to_pool__year"))
    return (
        funded.values_list("facet_year", "application_id"),
        carried.values_list("facet_year", "application_id"),
    )


def in_committee(committee) -> Q:
    """The project's committee or one of its co-committees (a subquery, not a join: a join
    on co-committees would repeat rows). Used by the filter and the facet alike."""
    co_committee = Application.co_committees.through.objects.filter(
        application=OuterRef("pk"), committee=committee
    )
    return Q(committee=committee) | Q(Exists(co_committee))


class Chosen(NamedTuple):
    """The filters a facet panel has chosen, as the filter read them: a chosen dimension is
    not counted, for all the results have its one value (the page names only that one)."""

    municipality: Municipality | None = None
    year: int | None = None
    committee: Committee | None = None


NOTHING_CHOSEN = Chosen()


def facet_counts(
    queryset: QuerySet[Application],
    *,
    municipality_id: int | None,
    chosen: Chosen = NOTHING_CHOSEN,
    total: int | None = None,
) -> dict:
    """How many of the current results each municipality, year and committee filter would
    give, counted by the database with the filters' own conditions. Committees only for
    one municipality (the chosen one, or the only one in the results); `municipality_id`
    in the result says which, None when there is none. A dimension in `chosen` is given as
    its one value with all `total` results, not counted again (the filtered catalogue
    counted the chosen municipality's and year's results twice; issue #17)."""
    if queryset.query.is_empty():  # invalid filters: no results, nothing to count
        return {"municipalities": [], "years": [], "committees": [], "municipality_id": None}
    results = queryset.order_by().prefetch_related(None)
    if chosen.municipality is not None and total is not None:
        place = chosen.municipality
        municipalities = [{"slug": place.slug, "name": place.name, "n": total}] if total else []
    else:
        counted = list(
            results.values("municipality", "municipality__slug", "municipality__name")
            .annotate(n=Count("pk", distinct=True))
            .order_by("municipality__name")
        )
        if municipality_id is None and len(counted) == 1:
            municipality_id = counted[0]["municipality"]
        municipalities = [
            {"slug": row["municipality__slug"], "name": row["municipality__name"], "n": row["n"]}
            for row in counted
        ]
    if chosen.year is not None and total is not None:
        years = [{"year": chosen.year, "n": total}] if total else []
    else:
        years = _year_counts(results)
    if chosen.committee is not None and total is not None:
        committees = [_committee_row(chosen.committee, total)] if total else []
    else:
        committees = _committee_counts(results, municipality_id)
    return {
        "municipalities": municipalities,
        "years": years,
        "committees": committees,
        "municipality_id": municipality_id,
    }


def _pairs_per_value(first: QuerySet, second: QuerySet, column: str) -> list[tuple]:
    """[(value, n)]: the distinct (value, project) pairs of two values_list querysets (their
    UNION), counted per value in one grouped query, the largest value first. [] when a
    filter can match nothing (e.g. an impossible amount)."""
    try:
        pairs_sql, params = first.union(second).order_by().query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        # pairs_sql is the ORM's own SQL with placeholders; the values travel in params, and
        # `column` is one of the callers' own names.
        sql = f"SELECT {column}, COUNT(*) FROM ({pairs_sql}) AS pairs GROUP BY {column}"  # noqa: S608  # nosec B608
        cursor.execute(f"{sql} ORDER BY {column} DESC", params)
        return cursor.fetchall()


def _year_counts(results: QuerySet[Application]) -> list[dict]:
    """Distinct (year, project) pairs of the results, counted per year."""
    ids = results.values("pk")
    funded, carried = (sources.filter(application__in=ids) for sources in project_years())
    return [{"year": year, "n": n} for year, n in _pairs_per_value(funded, carried, "facet_year")]


def _committee_row(committee: Committee, n: int) -> dict:
    return {
        "pk": committee.pk,
        "abbreviation": committee.abbreviation,
        "name": committee.name,
        "n": n,
    }


def _committee_counts(results: QuerySet[Application], municipality_id: int | None) -> list:
    """Distinct (committee, project) pairs of the results, the responsible committee's and
    the co-committees' alike (in_committee's rule: a project counts once per committee),
    counted per committee in one grouped query. A COUNT … FILTER with an EXISTS per
    committee cost the filtered catalogue a seventh of its time to build (issue #17)."""
    if municipality_id is None:
        return []
    committees = list(Committee.objects.filter(municipality=municipality_id).order_by("name"))
    if not committees:
        return []
    ids = results.order_by().values("pk")
    own = (
        Application.objects.filter(pk__in=ids, committee__isnull=False)
        .order_by()
        .annotate(facet_committee=F("committee_id"))
        .values_list("facet_committee", "pk")
    )
    co = (
        Application.co_committees.through.objects.filter(application__in=ids)
        .order_by()
        .annotate(facet_committee=F("committee_id"))
        .values_list("facet_committee", "application_id")
    )
    counts = dict(_pairs_per_value(own, co, "facet_committee"))
    return [_committee_row(c, counts[c.pk]) for c in committees if counts.get(c.pk)]
