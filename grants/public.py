"""What citizens may see: funded projects only, and only their public fields.

Every public page and the open data take their rows from here, so a draft, a rejected
application, a review or a contact person can never reach them by accident.
"""

from collections import defaultdict

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from grants.models import FUNDED_STATUSES, Allocation, Application, CarryOver
from grants.search import search
from policies.models import Goal
from portal.filters import KronerFilter
from portal.models import Committee, Municipality
from portal.money import ZERO


def funded_projects() -> QuerySet[Application]:
    return Application.objects.filter(status__in=FUNDED_STATUSES)


def with_public_relations(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Everything a list of projects shows, in a fixed number of queries."""
    return queryset.select_related("municipality", "committee", "pool").prefetch_related(
        "co_committees",
        Prefetch("goals", queryset=Goal.objects.order_by("kind", "number")),
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related("pool").order_by("pool__year"),
        ),
    )


def with_totals(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.annotate(granted_total=Coalesce(Sum("allocations__amount"), ZERO))


class ProjectFilter(django_filters.FilterSet):
    """The catalogue's filters, with the stable Danish parameter names of DESIGN.md."""

    q = django_filters.CharFilter(label=_("Søg"), method="filter_search")
    kommune = django_filters.ModelChoiceFilter(
        label=_("Kommune"),
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Alle kommuner"),
    )
    aar = django_filters.NumberFilter(label=_("År"), method="filter_year")
    maal = django_filters.ModelChoiceFilter(
        label=_("Mål"),
        field_name="goals",
        queryset=Goal.objects.select_related("policy__municipality"),
        empty_label=_("Alle mål"),
    )
    udvalg = django_filters.ModelChoiceFilter(
        label=_("Udvalg"),
        method="filter_committee",
        queryset=Committee.objects.select_related("municipality"),
        empty_label=_("Alle udvalg"),
    )
    maalgruppe = django_filters.CharFilter(
        label=_("Målgruppe indeholder"), field_name="target_group", lookup_expr="icontains"
    )
    beloeb_min = KronerFilter(
        label=_("Bevilget i alt fra (kr.)"), field_name="granted_total", lookup_expr="gte"
    )
    beloeb_max = KronerFilter(
        label=_("Bevilget i alt til (kr.)"), field_name="granted_total", lookup_expr="lte"
    )

    class Meta:
        model = Application
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["maal"].field.label_from_instance = lambda goal: (
            f"{goal.policy.municipality.name}: {goal.label} {goal.display_title}"
        )
        self.filters["udvalg"].field.label_from_instance = lambda c: (
            f"{c.municipality.name}: {c.name}"
        )
        self.filters["aar"].field.widget = forms.NumberInput(attrs={"min": 2000, "max": 2100})

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_year(self, queryset, name, value):
        funded_that_year = Allocation.objects.filter(application=OuterRef("pk"), pool__year=value)
        carried_into_year = CarryOver.objects.filter(
            application=OuterRef("pk"), to_pool__year=value
        )
        return queryset.filter(Q(Exists(funded_that_year)) | Q(Exists(carried_into_year)))

    def filter_committee(self, queryset, name, value):
        # A subquery, not a join: a join on co-committees would repeat the allocations that
        # granted_total sums.
        co_committee = Application.co_committees.through.objects.filter(
            application=OuterRef("pk"), committee=value
        )
        return queryset.filter(Q(committee=value) | Q(Exists(co_committee)))


def facet_counts(queryset: QuerySet[Application]) -> dict[str, list]:
    """How many of the current results each municipality, year and committee filter would
    give: years count carry-over into the year, committees count co-committees, exactly
    as the filters match."""
    ids = queryset.order_by().values("pk")
    funded_years = Allocation.objects.filter(application__in=ids).values_list(
        "pool__year", "application_id"
    )
    carried_years = CarryOver.objects.filter(application__in=ids).values_list(
        "to_pool__year", "application_id"
    )
    by_year = defaultdict(set)
    for year, application_id in [*funded_years, *carried_years]:
        by_year[year].add(application_id)
    main = Application.objects.filter(pk__in=ids, committee__isnull=False).values_list(
        "committee_id", "pk"
    )
    co = Application.co_committees.through.objects.filter(application__in=ids).values_list(
        "committee_id", "application_id"
    )
    by_committee = defaultdict(set)
    for committee_id, application_id in [*main, *co]:
        by_committee[committee_id].add(application_id)
    committees = Committee.objects.filter(pk__in=by_committee).select_related("municipality")
    return {
        "municipalities": list(
            Municipality.objects.filter(applications__in=ids)
            .annotate(n=Count("applications", distinct=True))
            .order_by("name")
            .values("slug", "name", "n")
        ),
        "years": [
            {"year": year, "n": len(by_year[year])} for year in sorted(by_year, reverse=True)
        ],
        "committees": [
            {
                "pk": c.pk,
                "abbreviation": c.abbreviation,
                "name": c.name,
                "municipality__name": c.municipality.name,
                "n": len(by_committee[c.pk]),
            }
            for c in sorted(committees, key=lambda c: (c.municipality.name, c.abbreviation))
        ],
    }
