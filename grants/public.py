"""What citizens may see: funded projects only, and only their public fields.

Every public page and the open data take their rows from here, so a draft, a rejected
application, a review or a contact person can never reach them by accident.
"""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from grants.models import FUNDED_STATUSES, Allocation, Application, CarryOver, Pool
from grants.search import search
from policies.models import Goal
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
    beloeb_min = django_filters.NumberFilter(
        label=_("Bevilget i alt fra (kr.)"), field_name="granted_total", lookup_expr="gte"
    )
    beloeb_max = django_filters.NumberFilter(
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
        for name in ("aar", "beloeb_min", "beloeb_max"):
            self.filters[name].field.widget = forms.NumberInput(attrs={"min": 0})

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_year(self, queryset, name, value):
        funded_that_year = Allocation.objects.filter(application=OuterRef("pk"), pool__year=value)
        carried_into_year = CarryOver.objects.filter(
            application=OuterRef("pk"), to_pool__year=value
        )
        return queryset.filter(Q(Exists(funded_that_year)) | Q(Exists(carried_into_year)))

    def filter_committee(self, queryset, name, value):
        return queryset.filter(Q(committee=value) | Q(co_committees=value)).distinct()


def facet_counts(queryset: QuerySet[Application]) -> dict[str, list]:
    """How many of the current results fall in each municipality, year and committee."""
    ids = queryset.order_by().values("pk")
    return {
        "municipalities": list(
            Municipality.objects.filter(applications__in=ids)
            .annotate(n=Count("applications", distinct=True))
            .order_by("name")
            .values("slug", "name", "n")
        ),
        "years": list(
            Pool.objects.filter(allocations__application__in=ids)
            .values("year")
            .annotate(n=Count("allocations__application", distinct=True))
            .order_by("-year")
        ),
        "committees": list(
            Committee.objects.filter(applications__in=ids)
            .annotate(n=Count("applications", distinct=True))
            .order_by("municipality__name", "abbreviation")
            .values("pk", "abbreviation", "name", "municipality__name", "n")
        ),
    }
