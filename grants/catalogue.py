"""The public catalogue's listing: which projects, in what order, how many, and the facets.

At national scale (50,000 applications, 30,000 funded) counting and sorting every funded
project on each visit cost about 300 ms (issue #17). On PostgreSQL:

- the unfiltered catalogue takes its total and facets from `CatalogueCount`, which the
  database keeps current (migration 0022), and its first page from the partial index
  `application_catalogue_order` over the copied sort columns;
- a search counts its matches only up to `MAX_COUNTED_MATCHES`: past that a word is in most
  projects, ranking no longer tells them apart, the first pages are listed in catalogue
  order and the facets are left out (the page says so), instead of testing the word
  against every funded project three times.

SQLite (development, small data) counts and sorts live, through the joins.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, QuerySet, Sum
from django.utils.functional import cached_property

from grants.models import Application, CatalogueCount
from grants.public import Chosen, ProjectFilter, facet_counts, funded_projects
from grants.search import is_ranked, match_ids

PAGE_SIZE = 20
# The most matches a search counts, ranks and gives facets for.
MAX_COUNTED_MATCHES = 2000
# Up to this many matches are fetched as ids (grants.catalogue.Listing.matched_ids).
FEW_MATCHES = 500

# Newest year first, then municipality, number and title: on PostgreSQL the columns copied
# onto the application, in the order of the partial index that serves the first page.
STORED_ORDER = ("-listed_year", "listed_municipality", "number", "title", "pk")
JOINED_ORDER = ("-pool__year", "municipality__name", "number", "title", "pk")


def has_stored_summary() -> bool:
    """Whether the database keeps the sort columns and counts (PostgreSQL's triggers)."""
    return connection.vendor == "postgresql"


def in_catalogue_order(queryset: QuerySet) -> QuerySet:
    return queryset.order_by(*(STORED_ORDER if has_stored_summary() else JOINED_ORDER))


class CountedPaginator(Paginator):
    """A paginator told its count instead of asking the database for it."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def funded_count() -> int:
    """How many funded projects there are (`funded_projects().count()`): on PostgreSQL the sum
    of the counts the database keeps, not a count of every funded project in the country
    (10 ms of the database's time at 50,000 applications)."""
    if not has_stored_summary():
        return funded_projects().count()
    stored = CatalogueCount.objects.filter(year=CatalogueCount.ALL_YEARS)
    return stored.aggregate(n=Sum("projects"))["n"] or 0


@dataclass
class Listing:
    results: QuerySet  # the matching projects, unordered
    paginator: Paginator
    ranked: bool  # ordered by how well they match a search
    more_than_counted: bool  # a search with more matches than MAX_COUNTED_MATCHES
    summarised: bool  # the unfiltered catalogue: counts from CatalogueCount
    # The matches' ids when there are at most FEW_MATCHES: the facets count over them.
    matched_ids: list[int] | None = None

    def facets(self, filterset: ProjectFilter) -> dict | None:
        """The facet counts, None when too many matches to count them, or when a filter is
        invalid (no search was made: its empty counts were shown as a panel of headings,
        with the invalid year as the chosen one)."""
        if self.more_than_counted or (filterset.is_bound and not filterset.is_valid()):
            return None
        if self.summarised:
            return summary_facets()
        results = self.results
        if self.matched_ids is not None:
            # By id: the search or filter is not evaluated again for each facet, and with
            # its few ids the database reads the allocations by index instead of hashing
            # all of them (a rare word's year facet: 5 -> <1 ms at 50,000).
            results = Application.objects.filter(pk__in_ids=self.matched_ids)
        chosen = filterset.form.cleaned_data if filterset.is_bound else {}
        return facet_counts(
            results,
            municipality_id=filterset.municipality_id,
            chosen=Chosen(chosen.get("kommune"), chosen.get("aar"), chosen.get("udvalg")),
            total=self.paginator.count,
        )


def is_unfiltered(filterset: ProjectFilter) -> bool:
    if not filterset.is_bound:
        return True
    return filterset.is_valid() and not any(
        value not in (None, "", []) for value in filterset.form.cleaned_data.values()
    )


def listing(filterset: ProjectFilter, queryset: QuerySet) -> Listing:
    """The matching projects and their paginator: by rank when a search has few enough
    matches to rank, else in catalogue order."""
    if filterset.is_bound and not filterset.is_valid():
        results = queryset.none()
    else:
        results = filterset.qs if filterset.is_bound else queryset
    if has_stored_summary() and is_unfiltered(filterset):
        paginator = CountedPaginator(in_catalogue_order(results), PAGE_SIZE, count=funded_count())
        return Listing(results, paginator, ranked=False, more_than_counted=False, summarised=True)
    # The matches' ids, up to what is worth counting: their number is the count (a search
    # counts no further than is worth ranking), and when they are few the facets count
    # over them.
    ids = match_ids(results, MAX_COUNTED_MATCHES + 1)
    few = ids if len(ids) <= FEW_MATCHES else None
    if not is_ranked(results):  # no search, or SQLite's
        ordered = in_catalogue_order(results)
        paginator = (
            Paginator(ordered, PAGE_SIZE)  # counted in full
            if len(ids) > MAX_COUNTED_MATCHES
            else CountedPaginator(ordered, PAGE_SIZE, count=len(ids))
        )
        return Listing(results, paginator, False, False, False, matched_ids=few)
    if len(ids) > MAX_COUNTED_MATCHES:
        # Only the first MAX_COUNTED_MATCHES are paged through; the page says there are more.
        paginator = CountedPaginator(
            in_catalogue_order(results), PAGE_SIZE, count=MAX_COUNTED_MATCHES
        )
        return Listing(results, paginator, ranked=False, more_than_counted=True, summarised=False)
    paginator = CountedPaginator(
        results.order_by("-rank", "-pool__year", "title", "pk"), PAGE_SIZE, count=len(ids)
    )
    return Listing(results, paginator, True, False, False, matched_ids=few)


def summary_facets() -> dict:
    """facet_counts() of the whole catalogue, from the counts the database keeps."""
    municipalities = list(
        CatalogueCount.objects.filter(year=CatalogueCount.ALL_YEARS)
        .order_by("municipality__name")
        .values(slug=F("municipality__slug"), name=F("municipality__name"), n=F("projects"))
    )
    if len(municipalities) == 1:
        # One municipality: its committees are offered too, so count it live (small).
        return facet_counts(funded_projects(), municipality_id=None)
    years = (
        CatalogueCount.objects.exclude(year=CatalogueCount.ALL_YEARS)
        .values("year")
        .annotate(n=Sum("projects"))
        .order_by("-year")
    )
    return {
        "municipalities": municipalities,
        "years": [{"year": row["year"], "n": row["n"]} for row in years],
        "committees": [],
        "municipality_id": None,
    }
