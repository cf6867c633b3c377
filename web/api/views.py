"""The API's lists and single rows. Each list is keyset-paginated (pagination.py) and reads a
fixed number of queries per page; every queryset starts from what the public pages show."""

from decimal import Decimal
from typing import NamedTuple

from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from grants.cards import (
    asked_per_year,
    carried_per_year,
    co_committee_abbreviations,
    goals_per_application,
    grouped,
    named_grants_per_year,
    sdg_numbers,
)
from grants.catalogue import FEW_MATCHES
from grants.models import (
    Allocation,
    Application,
    Pool,
    ReservedLine,
)
from grants.public import (
    ProjectFilter,
    open_data_pools,
    open_data_projects,
)
from grants.search import is_ranked, match_ids
from grants.select_options import committees_of
from indicators.models import Indicator, Measurement
from policies.models import Goal, Policy, goal_label
from portal.filters import KnownChoiceFilter, YearFilter
from portal.id_queries import IdsInstances, IdsQuery, attach_related
from portal.models import Committee, Department, Municipality, Organisation
from portal.money import ZERO

from . import serializers
from .pagination import KeysetPagination

# The columns of a project the serializer writes (serializers.ProjectSerializer): not its
# application's other long texts, its search document or its bookkeeping (a third of the
# page's query; issue #17).
API_PROJECT_FIELDS = (
    "title",
    "number",
    "status",
    "municipality_id",
    "pool_id",
    "committee_id",
    "department_id",
    "organisation_id",
    "target_group",
    "challenge",
    "purpose",
    "description",
    "anchoring",
)


def projects():
    # The projects of the open-data files: example data left out, as in the CSV and the
    # 360Giving file (attack round 12: the API listed them as ordinary projects). Each
    # relation comes with `with_api_parts` once the page's projects are chosen.
    return open_data_projects().only(*API_PROJECT_FIELDS)


# A project's own relations, each by id in a query of its own, not joined: a page of 100
# names a few municipalities, pools and committees, and one instance is made per distinct
# row instead of one per project (joined, the municipality and the pool were a fifth of the
# page, and PostgreSQL spent 4.4 ms planning five joins against 0.4 ms for two). Not
# `prefetch_related`, which built and compiled five querysets a page (issue #17).
RELATED = (
    ("municipality", IdsInstances(Municipality)),
    ("pool", IdsInstances(Pool, ["year", "title"])),
    ("committee", IdsInstances(Committee)),
    ("department", IdsInstances(Department)),
    ("organisation", IdsInstances(Organisation)),
)


def narrowed_to_few_matches(queryset):
    """A search with few matches as those projects' ids, before the page is read in id order.

    Asked for a page in id order, PostgreSQL walks the ids and tests the words against each
    project until it has a page: quick for a common word, but a rare word (or a typo that
    matches nothing) was tested against all 30,000 funded projects, 75 ms of a 100 ms
    answer (session 28). The matches are found first through the search index, as the
    catalogue counts them (grants.catalogue.listing); when they are no more than
    FEW_MATCHES the page is read by those ids, else as before."""
    if not is_ranked(queryset):  # no search (or SQLite's, which has no index)
        return queryset
    ids = match_ids(queryset, FEW_MATCHES + 1)
    return queryset if len(ids) > FEW_MATCHES else queryset.filter(pk__in_ids=ids)


def with_api_parts(projects) -> list[Application]:
    """The page's projects with what the serializer shows of their relations, from one
    plain query per relation (grants.cards), not `prefetch_related`: Django's prefetch gives
    every project a manager and a filtered queryset per relation and loads whole rows of
    pools and schemes, which was more than half of a page of 100 (issue #17). Each project
    gets `api_committees` [abbreviation], `api_goals` [Goal], `api_grants` [NamedGrant],
    `api_carry_overs` [CarriedMoney], `api_sdgs` [number], `api_status_label` ("Delvis
    bevilget" from the same amounts, Application.label_of) and `granted_total` (the sum of
    the same grants, as grants.public.with_totals counts it in the database)."""
    projects = list(projects)
    for name, instances in RELATED:
        attach_related(projects, name, instances)
    ids = [project.pk for project in projects]
    goals, carried = goals_per_application(ids), carried_per_year(ids)
    committees, asked = co_committee_abbreviations(ids), asked_per_year(ids)
    grants, sdgs = named_grants_per_year(ids), sdg_numbers(ids)
    for project in projects:
        pk = project.pk
        project.api_sdgs = sdgs[pk]
        project.api_committees = committees[pk]
        project.api_goals = goals[pk]
        project.api_grants = grants[pk]
        project.api_carry_overs = carried[pk]
        amounts = (dict(asked[pk]), [(grant.year, grant.amount) for grant in grants[pk]])
        project.api_status_label = project.label_of(project.status, amounts=amounts)
        project.granted_total = sum((grant.amount for grant in grants[pk]), ZERO)
    return projects


def in_committee_named(abbreviation: str) -> Q:
    """The project's committee or a co-committee has this abbreviation (any municipality's:
    `kommune` narrows it)."""
    co_committee = Application.co_committees.through.objects.filter(
        application=OuterRef("pk"), committee__abbreviation__iexact=abbreviation
    )
    return Q(committee__abbreviation__iexact=abbreviation) | Q(Exists(co_committee))


@extend_schema_field(OpenApiTypes.STR)
class CommitteeAbbreviationFilter(KnownChoiceFilter):
    """A committee by its abbreviation: a string in the OpenAPI document (drf-spectacular
    cannot tell from the queryset, and warned at every document it made)."""


class ApiProjectFilter(ProjectFilter):
    """The catalogue's filters, with the committee by its abbreviation, as the projects'
    `udvalg` shows it (fresh eyes round 22: the API asked for an id it never shows)."""

    committee_by_id = False

    # What a project's year is (fresh eyes round 40: the document said only "År").
    aar = YearFilter(
        label="Projekter med penge i året: bevilget til året, eller penge overført til året "
        "fra et tidligere år (som katalogets år)",
        method="filter_year",
    )

    udvalg = CommitteeAbbreviationFilter(
        label="Udvalgets forkortelse, som i projekternes »udvalg«, fx AUU",
        method="filter_committee",
        to_field_name="abbreviation",
        queryset=Committee.objects.all(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committees = (
            committees_of(self.municipality_id)
            if self.municipality_id is not None
            else Committee.objects.all()
        )
        self.filters["udvalg"].queryset = committees

    def filter_committee(self, queryset, name, value):
        return queryset.filter(in_committee_named(value.abbreviation))


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Bevilgede projekter"),
        description=gettext_lazy(
            "Alle projekter, som har fået penge fra en integrationspulje, med katalogets "
            "filtre. Siderne fortsætter med »efter« fra »next«. Som i de åbne datafiler er "
            "eksempeldata ikke med: projekter, som kataloget mærker »Eksempeldata«, findes "
            "ikke her."
        ),
    )
)
class ProjectList(generics.ListAPIView):
    """Funded projects (bevilgede projekter), with the catalogue's filters."""

    serializer_class = serializers.ProjectSerializer
    pagination_class = KeysetPagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ApiProjectFilter

    def get_queryset(self):
        return projects()

    def filter_queryset(self, queryset):
        return narrowed_to_few_matches(super().filter_queryset(queryset))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_api_parts(page)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Et bevilget projekt"),
        description=gettext_lazy(
            "Et projekt med bevillinger pr. år, restmidler og mål. Et projekt, der ikke er "
            "bevilget, eller som er eksempeldata, findes ikke her."
        ),
    )
)
class ProjectDetail(generics.RetrieveAPIView):
    serializer_class = serializers.ProjectSerializer

    def get_queryset(self):
        return projects()

    def get_object(self):
        return with_api_parts([super().get_object()])[0]


def _sum_of(rows, field: str):
    return Coalesce(
        Subquery(
            rows.filter(pool=OuterRef("pk"))
            .order_by()
            .values("pool")
            .annotate(total=Sum(field))
            .values("total")
        ),
        Value(ZERO),
    )


def pools():
    # What the pools page shows: allocated (to funded projects) and reserved, per pool.
    return (
        open_data_pools()
        .select_related("municipality", "scheme")
        .annotate(
            api_allocated=_sum_of(Allocation.objects.all(), "amount"),
            api_reserved=_sum_of(ReservedLine.objects.all(), "amount"),
        )
    )


class PresentIntegerField(forms.IntegerField):
    # A year given as `aar=` (empty) is a bad request, as the OpenAPI document says (an
    # integer), not "no filter": schemathesis found it accepted.
    empty_values = (None,)


class PresentYearFilter(YearFilter):
    field_class = PresentIntegerField


def municipality_filter() -> KnownChoiceFilter:
    # As the projects' `kommune`: an unknown short name is refused with the known ones, not
    # answered with an empty list (fresh eyes round 22).
    return KnownChoiceFilter(
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.order_by("slug"),
        label="Kommunens kortnavn",
    )


class PoolFilter(filters.FilterSet):
    kommune = municipality_filter()
    aar = PresentYearFilter(field_name="year", label="År")

    class Meta:
        model = Pool
        fields = []


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Puljer"),
        description=gettext_lazy(
            "Kommunernes integrationspuljer pr. år: budget, bevilget og reserveret."
        ),
    )
)
class PoolList(generics.ListAPIView):
    """Every municipality's pools (puljer) per year: budget, allocated and reserved."""

    serializer_class = serializers.PoolSerializer
    pagination_class = KeysetPagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PoolFilter

    def get_queryset(self):
        return pools()


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("En pulje"),
        description=gettext_lazy("En pulje med budget, bevilget og reserveret."),
    )
)
class PoolDetail(generics.RetrieveAPIView):
    serializer_class = serializers.PoolSerializer

    def get_queryset(self):
        return pools()


class MunicipalityFilter(filters.FilterSet):
    kommune = municipality_filter()


class GoalRow(NamedTuple):
    # A goal as the API lists it (serializers.GoalSerializer), from plain values.
    id: int
    kind: str
    number: int
    title: str
    description: str
    label: str  # policies.models.goal_label

    @property
    def pk(self) -> int:
        return self.id


class MeasurementRow(NamedTuple):
    # A measurement as the API lists it (serializers.MeasurementSerializer).
    year: int
    period: str
    value: Decimal
    comparison_value: Decimal | None
    source: str
    is_example: bool


def policies():
    # The goals come with `with_api_goals` once the page's policies are chosen.
    return Policy.objects.select_related("municipality")


POLICY_GOALS = IdsQuery(
    lambda ids: (
        Goal.objects.filter(policy__in_ids=ids)
        .order_by("kind", "number")
        .values_list("policy_id", "pk", "kind", "number", "title", "description")
    )
)


def with_api_goals(policies) -> list[Policy]:
    """The page's policies, each with `api_goals` [GoalRow] in goal order, from one plain
    query: a page of 100 policies has about a thousand goals, and a model instance each
    (and a label translated for each) was a third of the list (issue #17)."""
    policies = list(policies)
    labels: dict[tuple[str, int], str] = {}

    def row(pk, kind, number, title, description) -> GoalRow:
        if (kind, number) not in labels:
            labels[kind, number] = goal_label(kind, number)
        return GoalRow(pk, kind, number, title, description, labels[kind, number])

    goals = grouped(POLICY_GOALS.rows(policy.pk for policy in policies), row)
    for policy in policies:
        policy.api_goals = goals[policy.pk]
    return policies


class PolicyFilter(MunicipalityFilter):
    class Meta:
        model = Policy
        fields = []


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Integrationspolitikker"),
        description=gettext_lazy("Kommunernes integrationspolitikker med deres mål og ressourcer."),
    )
)
class PolicyList(generics.ListAPIView):
    """Integration policies (integrationspolitikker) with their goals (mål)."""

    serializer_class = serializers.PolicySerializer
    pagination_class = KeysetPagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PolicyFilter

    def get_queryset(self):
        return policies()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_api_goals(page)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("En integrationspolitik"),
        description=gettext_lazy("En integrationspolitik med dens mål og ressourcer."),
    )
)
class PolicyDetail(generics.RetrieveAPIView):
    serializer_class = serializers.PolicySerializer

    def get_queryset(self):
        return policies()

    def get_object(self):
        return with_api_goals([super().get_object()])[0]


def indicators():
    # The measurements come with `with_api_measurements` once the page's indicators are
    # chosen.
    return Indicator.objects.select_related("municipality", "goal", "target__goal")


INDICATOR_MEASUREMENTS = IdsQuery(
    lambda ids: (
        Measurement.objects.filter(indicator__in_ids=ids)
        .order_by("year", "period")
        .values_list(
            "indicator_id", "year", "period", "value", "comparison_value", "source", "is_example"
        )
    )
)


def with_api_measurements(indicators) -> list[Indicator]:
    """The page's indicators, each with `api_measurements` [MeasurementRow] in year order,
    from one plain query (a page of 100 indicators has about a thousand; issue #17)."""
    indicators = list(indicators)
    measurements = grouped(
        INDICATOR_MEASUREMENTS.rows(indicator.pk for indicator in indicators), MeasurementRow
    )
    for indicator in indicators:
        indicator.api_measurements = measurements[indicator.pk]
    return indicators


class IndicatorFilter(MunicipalityFilter):
    class Meta:
        model = Indicator
        fields = []


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Indikatorer"),
        description=gettext_lazy(
            "Barometerets indikatorer med baseline, måltal og målinger. Opdigtede "
            "eksempelværdier er markeret."
        ),
    )
)
class IndicatorList(generics.ListAPIView):
    """The barometer's indicators (indikatorer) with baseline, target and measurements."""

    serializer_class = serializers.IndicatorSerializer
    pagination_class = KeysetPagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return indicators()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_api_measurements(page)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("En indikator"),
        description=gettext_lazy("En indikator med baseline, måltal og målinger."),
    )
)
class IndicatorDetail(generics.RetrieveAPIView):
    serializer_class = serializers.IndicatorSerializer

    def get_queryset(self):
        return indicators()

    def get_object(self):
        return with_api_measurements([super().get_object()])[0]


class Root(APIView):
    """Where the lists, the OpenAPI document and its documentation are."""

    @extend_schema(
        summary=gettext_lazy("Indgang"),
        description=gettext_lazy("Adresserne på listerne, OpenAPI-dokumentet og dokumentationen."),
        tags=["indgang"],
        responses={200: dict[str, str]},
    )
    def get(self, request):
        names = {
            "projekter": "api:projects",
            "puljer": "api:pools",
            "politikker": "api:policies",
            "indikatorer": "api:indicators",
            "openapi": "api:schema",
            "dokumentation": "api:docs",
        }
        return Response({key: reverse(name, request=request) for key, name in names.items()})


def not_found(request, rest=""):
    """Any other address under /api/v1/: a 404 in JSON, as the API's own 404s are."""
    return JsonResponse({"detail": _("Findes ikke.")}, status=404)
