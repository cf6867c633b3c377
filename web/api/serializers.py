"""What the API returns: only fields the public pages show. Names are Danish, as in the CSV
and the catalogue's filters; amounts are decimal strings in kroner ("150000.00")."""

import decimal
from functools import partial

from django.urls import reverse
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import MANY_RELATION_KWARGS, PKOnlyObject
from rest_framework.settings import api_settings

from grants.models import Allocation, Application, CarryOver, Pool
from grants.opendata_orgs import org_id
from grants.selectors import committees_in_order
from indicators.models import Indicator, Measurement
from policies.models import Goal, Policy
from portal import site
from portal.models import Municipality
from portal.places import region_of


def absolute(context: dict, path: str) -> str:
    return site.absolute(path, context.get("request"))


def absolute_url(context: dict, name: str, pk: int) -> str:
    """`absolute(context, reverse(name, args=[pk]))`, with `reverse` asked once a request per
    name: a list of policies names a thousand goals, and reversing each was a quarter of the
    page (issue #17). Django writes an integer id as its digits, so the rest is the same."""
    parts = context.setdefault("_url_parts", {})
    if name not in parts:
        parts[name] = absolute(context, site.id_address_pattern(name))
    return parts[name].format(pk)


_SKIP = object()  # a field DRF would leave out of this row (SkipField)


def _as_drf_writes(field, instance):
    """One field of a row exactly as DRF's `Serializer.to_representation` writes it."""
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return _SKIP
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    return None if check_for_none is None else field.to_representation(attribute)


def _called(method: str, field, instance):
    """A field whose source is a method without arguments, as DRF writes it."""
    value = getattr(instance, method)()
    return None if value is None else field.to_representation(value)


def _writer(field):
    """`field.to_representation`, or for a decimal or a boolean written the default way the
    same result made with less: DRF copies the decimal context and raises .1 to the field's
    places for every value, and looks a boolean up in its sets of true and false words; an
    indicator's measurements were 2,000 decimals and 1,000 booleans a page (issue #17)."""
    if isinstance(field, serializers.BooleanField):
        represent = field.to_representation
        return lambda value: value if value.__class__ is bool else represent(value)
    if not isinstance(field, serializers.DecimalField):
        return field.to_representation
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce or field.localize or field.normalize_output or field.decimal_places is None:
        return field.to_representation
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    places, rounding = decimal.Decimal(".1") ** field.decimal_places, field.rounding

    def write(value):
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(str(value).strip())
        return f"{value.quantize(places, rounding=rounding, context=context):f}"

    return write


class ListedRowSerializer(serializers.ModelSerializer):
    # A serializer of the many rows of a list (a page of projects, a policy's goals, an
    # indicator's measurements): the same fields and values as DRF's `to_representation`,
    # written without its machinery per field and row (source lookup, callable checks,
    # attribute wrappers) for a field that reads one attribute, which was most of the
    # API's lists (issue #17). Any other field (a dotted source, a relation) is written by
    # DRF's own code for that field. A comment, not a docstring: drf-spectacular would
    # publish a docstring.

    # Rows that many parents share (a page of 100 projects names a few municipalities and a
    # municipality's goals hundreds of times, as the same instances): each written once per
    # answer, found again by its id.
    shared_rows = False

    def to_representation(self, instance):
        if not self.shared_rows:
            return self._row(instance)
        written = self.__dict__.setdefault("_written", {})
        row = written.get(instance.pk)
        if row is None:
            row = written[instance.pk] = self._row(instance)
        return row

    def _row(self, instance):
        row = {}
        for name, attribute, represent in self._plan():
            if attribute is None:  # a method field, or one DRF writes
                value = represent(instance)
                if value is not _SKIP:
                    row[name] = value
                continue
            value = getattr(instance, attribute)
            row[name] = None if value is None else represent(value)
        return row

    def _plan(self):
        try:
            return self._listed_plan
        except AttributeError:
            pass
        plan = []
        for field in self._readable_fields:
            if isinstance(field, serializers.SerializerMethodField):
                plan.append((field.field_name, None, getattr(self, field.method_name)))
            elif len(field.source_attrs) == 1 and not isinstance(
                field, serializers.RelatedField | serializers.ManyRelatedField
            ):
                source = field.source_attrs[0]
                if callable(getattr(self.Meta.model, source, None)):
                    # A method (get_status_display): DRF calls it, after asking its
                    # signature on every row.
                    plan.append((field.field_name, None, partial(_called, source, field)))
                else:
                    # A nested serializer too: a listed one writes its rows the same way.
                    plan.append((field.field_name, source, _writer(field)))
            else:
                plan.append((field.field_name, None, partial(_as_drf_writes, field)))
        self._listed_plan = plan
        return plan


class MunicipalitySerializer(ListedRowSerializer):
    shared_rows = True
    navn = serializers.CharField(source="name")
    kode = serializers.CharField(source="code", help_text="Danmarks Statistiks kommunekode")
    org_id = serializers.SerializerMethodField(help_text="Id efter org-id.guide (DK-CVR-…)")
    region = serializers.SerializerMethodField(help_text="Regionens ISO 3166-2-kode, fx DK-84")

    class Meta:
        model = Municipality
        fields = ["slug", "navn", "kode", "org_id", "region"]

    def get_org_id(self, municipality) -> str:
        return org_id(municipality)

    def get_region(self, municipality) -> str | None:
        region = region_of(municipality.code)
        return region[0] if region else None


class GoalRefSerializer(ListedRowSerializer):
    shared_rows = True
    navn = serializers.CharField(source="label", help_text="Fx »Mål 1« eller »Ressource 2«")
    # As a policy's goals have it (fresh eyes round 40: "Ressource 1" beside "Mål 1" could
    # only be told apart by its name).
    type = serializers.CharField(source="kind", help_text="objective (mål) eller resource")
    titel = serializers.CharField(source="title")

    class Meta:
        model = Goal
        fields = ["id", "navn", "type", "titel"]


class AllocationSerializer(ListedRowSerializer):
    # A project's grant of one year (grants.cards.NamedGrant: the pool already named as the
    # public may see it, public_pool_name). A comment, not a docstring: drf-spectacular
    # would publish a docstring in the OpenAPI document.
    aar = serializers.IntegerField(source="year")
    pulje = serializers.CharField(source="pool", read_only=True)
    beloeb_kr = serializers.DecimalField(source="amount", max_digits=14, decimal_places=2)

    class Meta:
        model = Allocation
        fields = ["aar", "pulje", "beloeb_kr"]


class CarryOverSerializer(ListedRowSerializer):
    # Money carried over (grants.cards.CarriedMoney).
    fra_aar = serializers.IntegerField(source="from_year")
    til_aar = serializers.IntegerField(source="year")
    beloeb_kr = serializers.DecimalField(
        source="amount",
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Tomt, når kilden ikke oplyser beløbet",
    )

    class Meta:
        model = CarryOver
        fields = ["fra_aar", "til_aar", "beloeb_kr"]


class _SdgNumbers(serializers.ManyRelatedField):
    # The numbers web.api.views.with_api_parts read for the page (`api_sdgs`), not a related
    # manager per project (issue #17); the OpenAPI document still reads their range from
    # the model through the declared source.
    def get_attribute(self, instance):
        return instance.api_sdgs

    def to_representation(self, iterable):
        return list(iterable)


class SdgNumbersField(serializers.PrimaryKeyRelatedField):
    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF's own many_init, with the list field above.
        many = {key: kwargs[key] for key in kwargs if key in MANY_RELATION_KWARGS}
        return _SdgNumbers(child_relation=cls(*args, **kwargs), **many)


class ProjectSerializer(ListedRowSerializer):
    titel = serializers.CharField(source="title")
    nummer = serializers.IntegerField(source="number", allow_null=True)
    status = serializers.CharField(help_text="approved, active eller closed")
    status_tekst = serializers.CharField(
        source="api_status_label",
        help_text="Som på projektets side: »Delvis bevilget«, når der er bevilget mindre end søgt",
    )
    kommune = MunicipalitySerializer(source="municipality")
    pulje_aar = serializers.IntegerField(source="pool.year")
    pulje = serializers.CharField(source="pool.title")
    udvalg = serializers.SerializerMethodField(help_text="Ansvarligt udvalg, så evt. øvrige")
    afdeling = serializers.CharField(
        source="applicant_name",
        help_text="Den kommunale afdeling eller den forening, der har søgt og driver indsatsen",
    )
    ansoeger_type = serializers.SerializerMethodField(
        help_text="»afdeling« (en af kommunens afdelinger) eller »forening«, som »afdeling« er"
    )
    maal = GoalRefSerializer(source="api_goals", many=True)
    verdensmaal = SdgNumbersField(source="sdgs", many=True, read_only=True)
    maalgruppe = serializers.CharField(source="target_group")
    udfordring = serializers.CharField(source="challenge")
    formaal = serializers.CharField(source="purpose")
    beskrivelse = serializers.CharField(source="description")
    forankring = serializers.CharField(source="anchoring")
    bevillinger = AllocationSerializer(source="api_grants", many=True)
    restmidler = CarryOverSerializer(source="api_carry_overs", many=True)
    bevilget_i_alt_kr = serializers.DecimalField(
        source="granted_total", max_digits=14, decimal_places=2
    )
    url = serializers.SerializerMethodField(help_text="Projektets side i portalen")

    class Meta:
        model = Application
        fields = [
            "id",
            "titel",
            "nummer",
            "status",
            "status_tekst",
            "kommune",
            "pulje_aar",
            "pulje",
            "udvalg",
            "afdeling",
            "ansoeger_type",
            "maal",
            "verdensmaal",
            "maalgruppe",
            "udfordring",
            "formaal",
            "beskrivelse",
            "forankring",
            "bevillinger",
            "restmidler",
            "bevilget_i_alt_kr",
            "url",
        ]

    def get_udvalg(self, project) -> list[str]:
        return committees_in_order(
            project.committee.abbreviation if project.committee else None,
            project.api_committees,
        )

    def get_ansoeger_type(self, project) -> str:
        # The project page says "Forening:" or "Afdeling:" (fresh eyes round 40: the API
        # named both "afdeling" alike); an application has exactly one of the two (its
        # check constraint).
        return "forening" if project.organisation_id else "afdeling"

    def get_url(self, project) -> str:
        return absolute_url(self.context, "public:project", project.pk)


class PoolSerializer(ListedRowSerializer):
    kommune = MunicipalitySerializer(source="municipality")
    aar = serializers.IntegerField(source="year")
    titel = serializers.CharField(source="title")
    status = serializers.CharField(help_text="planned, open, closed …")
    status_tekst = serializers.CharField(source="get_status_display")
    budget_kr = serializers.DecimalField(
        source="budget", max_digits=14, decimal_places=2, allow_null=True
    )
    bevilget_kr = serializers.DecimalField(source="api_allocated", max_digits=14, decimal_places=2)
    reserveret_kr = serializers.DecimalField(source="api_reserved", max_digits=14, decimal_places=2)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Pool
        fields = [
            "id",
            "kommune",
            "aar",
            "titel",
            "status",
            "status_tekst",
            "budget_kr",
            "bevilget_kr",
            "reserveret_kr",
            "url",
        ]

    def get_url(self, pool) -> str:
        return absolute(self.context, pool.public_url)


class GoalSerializer(ListedRowSerializer):
    navn = serializers.CharField(source="label")
    type = serializers.CharField(source="kind", help_text="objective (mål) eller resource")
    nummer = serializers.IntegerField(source="number")
    titel = serializers.CharField(source="title")
    beskrivelse = serializers.CharField(source="description")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = ["id", "navn", "type", "nummer", "titel", "beskrivelse", "url"]

    def get_url(self, goal) -> str:
        return absolute_url(self.context, "politikker:goal", goal.pk)


class PolicySerializer(serializers.ModelSerializer):
    kommune = MunicipalitySerializer(source="municipality")
    titel = serializers.CharField(source="title")
    undertitel = serializers.CharField(source="subtitle")
    periode_fra = serializers.IntegerField(source="period_start")
    periode_til = serializers.IntegerField(source="period_end")
    vedtaget = serializers.DateField(source="adopted_on", allow_null=True)
    vedtaget_af = serializers.CharField(source="adopted_by")
    maal = GoalSerializer(source="api_goals", many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "kommune",
            "slug",
            "titel",
            "undertitel",
            "periode_fra",
            "periode_til",
            "vedtaget",
            "vedtaget_af",
            "maal",
            "url",
        ]

    def get_url(self, policy) -> str:
        path = reverse("politikker:policy", args=[policy.municipality.slug, policy.slug])
        return absolute(self.context, path)


class MeasurementSerializer(ListedRowSerializer):
    aar = serializers.IntegerField(source="year")
    periode = serializers.CharField(source="period")
    vaerdi = serializers.DecimalField(source="value", max_digits=14, decimal_places=4)
    sammenligning = serializers.DecimalField(
        source="comparison_value", max_digits=14, decimal_places=4, allow_null=True
    )
    kilde = serializers.CharField(source="source")
    eksempeldata = serializers.BooleanField(source="is_example")

    class Meta:
        model = Measurement
        fields = ["aar", "periode", "vaerdi", "sammenligning", "kilde", "eksempeldata"]


class IndicatorSerializer(serializers.ModelSerializer):
    kommune = serializers.CharField(source="municipality.slug")
    maal_id = serializers.SerializerMethodField(help_text="Målet, indikatoren måler")
    titel = serializers.CharField(source="title")
    enhed = serializers.CharField(source="unit")
    retning = serializers.CharField(source="direction", help_text="higher eller lower")
    baseline = serializers.DecimalField(
        source="baseline_value", max_digits=14, decimal_places=4, allow_null=True
    )
    baseline_aar = serializers.IntegerField(source="baseline_year", allow_null=True)
    baseline_tekst = serializers.CharField(source="baseline_text")
    maaltal = serializers.DecimalField(
        source="absolute_target", max_digits=14, decimal_places=4, allow_null=True
    )
    maal_aar = serializers.IntegerField(source="target_year", allow_null=True)
    maal_tekst = serializers.CharField(source="target_text")
    maalinger = MeasurementSerializer(source="api_measurements", many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "kommune",
            "maal_id",
            "titel",
            "enhed",
            "retning",
            "baseline",
            "baseline_aar",
            "baseline_tekst",
            "maaltal",
            "maal_aar",
            "maal_tekst",
            "maalinger",
            "url",
        ]

    def get_maal_id(self, indicator) -> int | None:
        goal = indicator.resolved_goal
        return goal.pk if goal else None

    def get_url(self, indicator) -> str:
        return absolute_url(self.context, "barometer:indicator", indicator.pk)
