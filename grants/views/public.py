"""Public pages: the catalogue of funded projects, a project page, the pools."""

from contextlib import nullcontext
from typing import NamedTuple

import psycopg
from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from grants.cards import (
    NamedCommittee,
    abbreviated_committees,
    co_committees_named,
    for_cards,
    goal_ids,
    money_by_year,
    money_per_year,
    with_card_parts,
)
from grants.catalogue import listing
from grants.models import Allocation, CarryOver, CriterionResult, ReportStatus
from grants.models.schemes import DEFAULT_SCHEME_NAME, pool_paths
from grants.open_pools import open_pool_rows
from grants.public import (
    LEFT_OUT,
    PoolFilter,
    ProjectFilter,
    funded_projects,
    money_has_ended,
    newest_pool_year,
    open_data_projects,
    pool_is_public,
    pool_years,
    public_pools,
    public_status,
    with_public_relations,
)
from grants.search import TERM, fold, fold_word, prepare, with_excerpts
from grants.selectors import (
    committed_by_pool,
    committees_label,
    funding_chain,
)
from grants.services.submission import uses_short_form
from grants.suggestions import suggest
from indicators.models import Indicator
from portal.filters import ChosenFilter, chosen_filters, filter_fold, filters_in_use
from portal.models import Municipality
from portal.money import ZERO
from portal.public_cache import public_page


def is_query_canceled(error: OperationalError) -> bool:
    """The database's statement timeout (settings.STATEMENT_TIMEOUT_MS) stopped the query."""
    return isinstance(error.__cause__, psycopg.errors.QueryCanceled)


class MunicipalitySearched(NamedTuple):
    name: str  # "Aarhus Kommune"
    rest: str  # the search's other words ("sprog"), or ""
    query: str  # the address's query of its projects with those words


# The words beside a municipality's name that are part of it ("Københavns Kommune",
# "Frederiksberg Municipality"), not other words to search for.
MUNICIPALITY_WORDS = frozenset({"kommune", "kommunes", "kommunen", "municipality"})
# The Danish municipalities with an English name of their own (fresh eyes, session 30:
# "Copenhagen" on the English page found nothing): folded English name → folded Danish name.
ENGLISH_NAMES = {"copenhagen": "kobenhavn", "elsinore": "helsingor"}


def municipality_in_search(searched, found_in) -> MunicipalitySearched | None:
    """A municipality the search names ("aarhus sprog"), with the address of its projects
    that have the other words, or of all its projects when none of them has the words
    (`found_in(query)`: how many projects an address's query finds): the search reads texts,
    so "aarhus" found only the projects whose texts name the town, not the municipality's
    own (fresh eyes, session 29; a link to nothing, session 30)."""
    if not searched.terms:
        return None
    names = {}
    for slug, name in Municipality.objects.values_list("slug", "name"):
        short = fold_word(name).removesuffix(" kommune")
        # "København" for "Københavns Kommune"
        names.update({short: (slug, name), short.removesuffix("s"): (slug, name)})
    for english, danish in ENGLISH_NAMES.items():
        if danish in names:
            names[english] = names[danish]
    words = TERM.findall(searched.text)  # as typed, accents and all
    for word in words:
        if fold(word) in names:
            slug, name = names[fold(word)]
            # "Københavns Kommune" typed whole is the municipality, "Kommune" no other word.
            rest = " ".join(
                other
                for other in words
                if fold(other) != fold(word) and fold(other) not in MUNICIPALITY_WORDS
            )
            data = QueryDict(mutable=True)
            data["kommune"] = slug
            everything = data.urlencode()
            if rest:
                data["q"] = rest
                if not found_in(data):
                    return MunicipalitySearched(name, "", everything)
            return MunicipalitySearched(name, rest, data.urlencode())
    return None


@method_decorator(public_page, name="dispatch")
class CatalogueView(TemplateView):
    template_name = "grants/public/catalogue.html"

    def get(self, request, *args, **kwargs):
        # With a statement timeout: in a transaction (or savepoint), so a canceled query
        # leaves the connection usable.
        guard = transaction.atomic() if settings.STATEMENT_TIMEOUT_MS else nullcontext()
        try:
            with guard:
                context = self.get_context_data(**kwargs)
        except OperationalError as error:
            if not is_query_canceled(error):
                raise
            filterset = ProjectFilter(request.GET or None, queryset=funded_projects().none())
            context = super().get_context_data(filter=filterset, too_slow=True, **kwargs)
            # 503 and not 200: never cached, and the visitor can simply try again.
            return self.render_to_response(context, status=503)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        queryset = for_cards(funded_projects())
        filterset = ProjectFilter(self.request.GET or None, queryset=queryset)
        found = listing(filterset, queryset)
        searched, suggestion = filterset.search, None

        def count_of(data) -> int:
            """How many projects an address's query finds: only for the offers of a page
            that found nothing with filters, or whose search names a municipality."""
            return listing(ProjectFilter(data, queryset=queryset), queryset).paginator.count

        municipality_searched = (
            municipality_in_search(searched, count_of)
            if searched is not None and not self.request.GET.get("kommune")
            else None
        )
        if (
            searched is not None
            and found.paginator.count == 0
            and not filterset.errors
            # A municipality's name is no typo: its line is the way on (fresh eyes, session
            # 31: "Københavns Kommune" was offered "købe kommune").
            and municipality_searched is None
        ):
            # Nothing found: perhaps a typo. Offer the nearest words funded projects use, and
            # show what they find.
            text = suggest(searched)
            if text is not None:
                alternative = ProjectFilter(self.with_query(text), queryset=queryset)
                other = listing(alternative, queryset)
                if other.paginator.count:
                    found, searched, suggestion = other, alternative.search, text
        page = found.paginator.get_page(self.request.GET.get("side"))
        marks = searched.marks if searched is not None else None
        if municipality_searched and municipality_searched.rest:
            # Every card names its municipality: its excerpt shows the other words
            # (fresh eyes, session 31: "Frederiksberg sprog" showed "Frederiksbergstrategiens"
            # where the card had no "sprog").
            marks = prepare(municipality_searched.rest).marks
        # The queries run here, not in the template.
        page.object_list = with_card_parts(page.object_list)
        if searched is not None and searched.terms:
            with_excerpts(page.object_list, marks)
        query = self.address_query(filterset)
        # A facet of a dimension already chosen would add a second value to the address (and
        # its counts are of the chosen value's results): it is shown as chosen, with the
        # address without it (fresh eyes round 19: "2022 (5)" gave 6 projects).
        chosen, without = {}, {}
        for key in ("kommune", "aar", "udvalg"):
            chosen[key] = bool(query.get(key))
            other = query.copy()
            other.pop(key, None)
            without[key] = other.urlencode()
        facets = found.facets(filterset)
        if facets and filterset.municipality_id is None and facets["municipality_id"] is not None:
            filterset.offer_choices_of(facets["municipality_id"])
        fold = filter_fold(self.request, filterset)
        alone = self.only_the_search()
        # Offered only where the search alone finds something (fresh eyes, session 29: the
        # link led to a second empty page).
        found_without_filters = (
            not page.paginator.count and fold["filters_in_use"] and count_of(alone)
        )
        return super().get_context_data(
            filter=filterset,
            **fold,
            page=page,
            more_than_counted=found.more_than_counted,
            max_counted=found.paginator.count if found.more_than_counted else None,
            query=query.urlencode(),
            facet_chosen=chosen,
            facet_without=without,
            facets=facets,
            marks=marks,
            searched_text=filterset.search.text if filterset.search is not None else "",
            suggestion=suggestion,
            left_out=[LEFT_OUT[key] for key in filterset.left_out],
            # Only words too common to search for ("og"): said, not "no projects match"
            # (fresh eyes round 19).
            only_common_words=searched is not None and searched.only_common_words,
            # Only signs ("&", "-"): no word to search for, not "too common" (session 28).
            no_words=searched is not None and searched.no_words,
            several_words=searched is not None and len(searched.terms) > 1,
            without_filters=alone.urlencode(),
            found_without_filters=found_without_filters,
            chosen_filters=self.chosen(filterset, fold["filters_in_use"], query),
            suggestion_query=self.with_query(suggestion, query).urlencode() if suggestion else "",
            municipality_searched=municipality_searched,
            **kwargs,
        )

    def address_query(self, filterset) -> QueryDict:
        """The address's query as the page's links keep it: without the page number, the
        empty fields of a submitted form, and a goal or committee the search left out as
        another municipality's (fresh eyes, session 33: every facet and chip link brought the
        old municipality's goal back, and a year link had `aar=` twice)."""
        query = QueryDict(mutable=True)
        for key, values in self.request.GET.lists():
            kept = [value for value in values if value.strip()]
            if kept and key != "side" and key not in filterset.left_out:
                query.setlist(key, kept)
        return query

    def chosen(self, filterset, in_use: int, query: QueryDict) -> list[ChosenFilter]:
        """What narrows the list, each removable by itself: the search's words (fresh eyes,
        session 31: the one that narrows most was not among them) and the chosen filters."""
        if not in_use:
            return []
        chosen = chosen_filters(filterset, filters_in_use(filterset), query)
        if chosen and filterset.search is not None and filterset.search.text:
            rest = query.copy()
            rest.pop("q", None)
            said = _("Søgning: »%(words)s«") % {"words": filterset.search.text}
            chosen.insert(0, ChosenFilter(said, rest.urlencode()))
        return chosen

    def only_the_search(self):
        """The address's query with the search words kept and every filter left out."""
        data = QueryDict(mutable=True)
        data.setlist("q", self.request.GET.getlist("q"))
        return data

    def with_query(self, text, query: QueryDict | None = None):
        """The address's query (or `query`, the page's links' own) with the search `text`."""
        data = (self.request.GET if query is None else query).copy()
        data["q"] = text
        data.pop("side", None)
        return data


@method_decorator(public_page, name="dispatch")
class ProjectView(TemplateView):
    template_name = "grants/public/project.html"

    def get_context_data(self, **kwargs):
        project = get_object_or_404(
            with_public_relations(funded_projects()),
            pk=self.kwargs["pk"],
        )
        results = (
            CriterionResult.objects.filter(
                report__application=project, report__status=ReportStatus.ACCEPTED
            )
            .select_related("report")
            .order_by("criterion_id", "-report__accepted_at")
        )
        newest_result = {}
        for result in results:
            newest_result.setdefault(result.criterion_id, result)
        # Orders of one project's rows, not the models' default orders: those sort by the
        # application's own order, a join of its pool and municipality (three joins for
        # PostgreSQL to plan on every page; issue #17).
        criteria = [
            (c, newest_result.get(c.pk)) for c in project.success_criteria.order_by("order", "pk")
        ]
        goals = list(project.goals.all())
        indicators = Indicator.objects.filter(Q(goal__in=goals) | Q(target__goal__in=goals))
        allocations = list(project.allocations.all())
        for allocation in allocations:
            # A round still planned has no public page to link to yet.
            allocation.pool_is_public = pool_is_public(allocation.pool.status)
        # A real grant's earlier and later grants are real ones (fresh eyes round 34: a test
        # in the example pool showed as "videreført i" on a real project's page), as the
        # open data has them; an example project's may be either.
        related = funded_projects() if project.pool.is_example else open_data_projects()
        carried = list(
            CarryOver.objects.filter(application=project)
            .select_related("from_pool", "to_pool")
            .order_by("pk")
        )
        money = money_by_year(
            [*allocations, *carried],
            year_of=lambda row: row.to_pool.year if isinstance(row, CarryOver) else row.pool.year,
            is_carried=lambda row: isinstance(row, CarryOver),
        )
        last_money_year = money[-1][0] if money else None
        return super().get_context_data(
            project=project,
            committees=committees_label(project),
            criteria=criteria,
            money_years=money,
            grant_count=len(allocations),
            has_carried=bool(carried),
            granted_total=sum((allocation.amount for allocation in allocations), ZERO),
            status=public_status(project, last_money_year),
            # A result not in the portal years after the money ended is not "not yet".
            money_ended=money_has_ended(last_money_year),
            chain=funding_chain(project, among=related),
            continued_by=project.continued_by.filter(pk__in=related.values("pk"))
            .select_related("pool")
            .order_by("-pool__year", "number", "title"),
            goals=goals,
            # Asked only of a pool with a short form (no query for the others).
            short_form=project.pool.short_form_below is not None and uses_short_form(project),
            # Goal and target are foreign keys: one row per indicator, no DISTINCT needed.
            # The page shows titles and links only.
            indicators=indicators.order_by("order", "pk").only("pk", "title")[:20],
            **kwargs,
        )


@method_decorator(public_page, name="dispatch")
class PoolsView(TemplateView):
    """The pools of one municipality (every year) or of one year (every municipality), with
    their budgets and what was given or reserved."""

    template_name = "grants/public/pools.html"

    def get_context_data(self, **kwargs):
        filterset = PoolFilter(self.request.GET, queryset=public_pools())
        if not filterset.is_valid():
            return super().get_context_data(filter=filterset, pools=None, **kwargs)
        chosen = filterset.form.cleaned_data
        municipality, year = chosen.get("kommune"), chosen.get("aar")
        pools = filterset.qs
        years = pool_years() if municipality is None else ()
        # Nothing chosen: the year's table may be last year's, so where to apply now first.
        landing = municipality is None and year is None
        if landing:
            year = newest_pool_year(years)
            pools = pools.filter(year=year)
        pools = list(
            pools.select_related("municipality", "scheme").order_by(
                "municipality__name", "-year", "scheme__name", "title"
            )
        )
        committed = committed_by_pool(pools)
        path = pool_paths()
        for pool in pools:
            pool.committed = committed[pool.pk]
            pool.link = path(pool.municipality.slug, pool.year, pool.pk, pool.scheme.name)
        return super().get_context_data(
            filter=filterset,
            pools=pools,
            municipality=municipality,
            year=year,
            years=years,
            policies=municipality.policies.order_by("-period_start") if municipality else (),
            open_pools=open_pool_rows() if landing else (),
            landing=landing,
            **kwargs,
        )


def public_round(pools, pk: int | None):
    """The round the address names: with an id, that round unless it is the integration
    pool's (whose address is without one); without, the integration pool's round."""
    if pk is None:
        return pools.filter(scheme__name=DEFAULT_SCHEME_NAME)
    return pools.filter(pk=pk).exclude(scheme__name=DEFAULT_SCHEME_NAME)


@method_decorator(public_page, name="dispatch")
class PoolView(TemplateView):
    """One pool: what was given to what (the action plan's table for that year)."""

    template_name = "grants/public/pool.html"

    def get(self, request, *args, **kwargs):
        municipality = get_object_or_404(Municipality, slug=self.kwargs["kommune"])
        pools = (
            public_pools()
            .select_related("policy", "action_plan", "scheme")
            .filter(municipality=municipality, year=self.kwargs["aar"])
        )
        pk = self.kwargs.get("pk")
        pool = public_round(pools, pk).first()
        if pool is None:
            # A year the municipality has no public pool for (yet): said so, with the years
            # it has, not the bare "Siden findes ikke" (fresh eyes round 28: /2028/).
            years = (
                public_round(public_pools().filter(municipality=municipality), None)
                .order_by("-year")
                .values_list("year", flat=True)
            )
            # The year's rounds of the municipality's other schemes, which have addresses
            # of their own (fresh eyes round 30: "no pool for 2019" while § 18 had one).
            others = pools.exclude(pk__in=public_round(pools, None)) if pk is None else []
            context = {
                "municipality": municipality,
                "year": self.kwargs["aar"],
                "years": years,
                "others": others,
                "may_come": self.kwargs["aar"] >= timezone.localdate().year,
            }
            return TemplateResponse(request, "grants/public/no_pool.html", context, status=404)
        return super().get(request, *args, pool=pool, municipality=municipality, **kwargs)

    def get_context_data(self, **kwargs):
        pool, municipality = kwargs.pop("pool"), kwargs.pop("municipality")
        # The table's columns read as plain values (grants.cards), not as applications with
        # prefetched goals and committees.
        funded = list(
            Allocation.objects.filter(pool=pool, application__in=funded_projects())
            .order_by("application__number", "application__title")
            .values_list(
                "application_id",
                "application__title",
                "application__committee__abbreviation",
                "application__committee__name",
                "amount",
            )
        )
        ids = [pk for pk, *_rest in funded]
        co_committees, served = co_committees_named(ids), goal_ids(ids)
        goals = list(pool.policy.goals.order_by("kind", "number"))
        rows = [
            {
                "pk": pk,
                "title": title,
                "committees": abbreviated_committees(
                    NamedCommittee(committee, committee_name) if committee else None,
                    co_committees[pk],
                ),
                "marks": [goal.pk in served[pk] for goal in goals],
                "amount": amount,
            }
            for pk, title, committee, committee_name, amount in funded
        ]
        # In their order within the pool: the models' default orders begin with the
        # municipality's name, a join PostgreSQL plans for nothing here.
        reserved = list(pool.reserved_lines.order_by("title"))
        allocated = sum((row["amount"] for row in rows), ZERO)
        reserved_total = sum((line.amount for line in reserved), ZERO)
        # Projects applied for in this pool without money from it: granted from another
        # year's pool (their years and amounts said, fresh eyes round 35: "no amounts" was
        # untrue of them), or with amounts the portal does not know (e.g. imported from an
        # earlier action plan that only says "restmidler"): listed, never summed.
        others = list(
            funded_projects()
            .filter(pool=pool)
            .exclude(pk__in=ids)
            .select_related("committee")
            .order_by("title")
        )
        money_elsewhere = money_per_year([project.pk for project in others])
        granted_elsewhere = [(p, money_elsewhere[p.pk]) for p in others if money_elsewhere[p.pk]]
        unknown_amounts = [p for p in others if not money_elsewhere[p.pk]]
        return super().get_context_data(
            unknown_amounts=unknown_amounts,
            granted_elsewhere=granted_elsewhere,
            municipality=municipality,
            pool=pool,
            goals=goals,
            rows=rows,
            reserved=reserved,
            allocated=allocated,
            reserved_total=reserved_total,
            committed=allocated + reserved_total,
            # What is left of the budget; never shown for a pool whose budget is unknown.
            available=None if pool.budget is None else pool.budget - allocated - reserved_total,
            carry_overs=CarryOver.objects.filter(to_pool=pool)
            .select_related("application", "from_pool")
            .order_by("application__title", "pk"),
            **kwargs,
        )
