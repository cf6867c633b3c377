"""The public barometer: goals, indicators, status, charts with tables, CSV downloads."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from policies.models import Policy
from portal.exports import csv_writer
from portal.forms import format_danish_number
from portal.public_cache import public_download, public_page
from portal.site import address_pattern

from ..models import Indicator
from ..selectors import assessed, barometer_index, policy_barometer, with_measurements
from ..status import Status
from ..templatetags.barometer import status_class


@method_decorator(public_page, name="dispatch")
class BarometerView(TemplateView):
    """The index: one row per policy with indicators, with its status counts."""

    template_name = "indicators/barometer.html"

    def get_context_data(self, **kwargs):
        summaries = barometer_index()
        # Each row's address and counts as plain values (one reverse(), each status's label
        # and class once): through the template's lookups and filters, a hundred policies'
        # counts cost 14 ms a request (issue #17). The counts as text, written as a Dane
        # writes numbers: a number in a template goes through Django's localisation, 5 µs
        # each, and the page shows 1,200 of them.
        policy_path = address_pattern("barometer:policy", slugs=2)
        statuses = [{"label": str(s.label), "css": status_class(s)} for s in Status]
        rows = [
            {
                "municipality": summary.policy.municipality.name,
                "title": summary.policy.title,
                "url": policy_path.format(summary.policy.municipality.slug, summary.policy.slug),
                "has_example_data": summary.totals.has_example_data,
                "indicators": format_danish_number(summary.totals.indicators),
                "counts": [
                    {**status, "n": n, "shown": format_danish_number(n)}
                    for status, (_status, n) in zip(statuses, summary.totals.by_status, strict=True)
                ],
            }
            for summary in summaries
        ]
        return super().get_context_data(
            rows=rows,
            statuses=statuses,
            has_example_data=any(row["has_example_data"] for row in rows),
            **kwargs,
        )


@method_decorator(public_page, name="dispatch")
class PolicyBarometerView(TemplateView):
    """One policy's barometer: its goals with their indicators, status and latest figures."""

    template_name = "indicators/policy_barometer.html"

    def get_context_data(self, **kwargs):
        policy = get_object_or_404(
            Policy.objects.select_related("municipality"),
            municipality__slug=self.kwargs["kommune"],
            slug=self.kwargs["slug"],
        )
        return super().get_context_data(barometer=policy_barometer(policy), policy=policy, **kwargs)


# The longest run of years a chart spreads out; more and it falls back to one point each.
CHART_YEARS = 40


def chart_points(indicator: Indicator, measurements) -> list[tuple[str, object]]:
    """(label, measurement or None) along the chart's axis. With one measurement a year, every
    year from the baseline's to the target's has its place, a year without a measurement a
    gap: 2019, 2021 and 2024 were drawn evenly spaced as if a year apart (fresh eyes rounds
    21-22). Measurements of periods within a year keep one point each."""
    yearly = all(not m.period for m in measurements) and len({m.year for m in measurements}) == len(
        measurements
    )
    if not measurements or not yearly:
        return [(m.period or str(m.year), m) for m in measurements]
    years = [m.year for m in measurements]
    years += [y for y in (indicator.baseline_year, indicator.target_year) if y]
    first, last = min(years), max(years)
    if last - first >= CHART_YEARS:
        return [(str(m.year), m) for m in measurements]
    by_year = {m.year: m for m in measurements}
    return [(str(year), by_year.get(year)) for year in range(first, last + 1)]


@method_decorator(public_page, name="dispatch")
class IndicatorView(TemplateView):
    template_name = "indicators/indicator.html"

    def get_context_data(self, **kwargs):
        indicator = get_object_or_404(
            with_measurements(Indicator.objects.all()).select_related(
                "goal__policy__municipality", "target__goal__policy__municipality"
            ),
            pk=self.kwargs["pk"],
        )
        [item] = assessed([indicator])
        points = chart_points(indicator, item.measurements)
        chart = {
            "unit": indicator.unit,
            "labels": [label for label, _m in points],
            "values": [float(m.value) if m else None for _label, m in points],
            "comparison": [
                float(m.comparison_value) if m and m.comparison_value is not None else None
                for _label, m in points
            ],
            "comparisonLabel": indicator.comparison_label,
            "baseline": float(indicator.baseline_value)
            if indicator.baseline_value is not None
            else None,
            "target": float(indicator.absolute_target)
            if indicator.absolute_target is not None
            else None,
        }
        return super().get_context_data(
            indicator=indicator,
            item=item,
            goal=indicator.resolved_goal,
            chart=chart,
            **kwargs,
        )


def _number(value):
    return value.normalize() if value is not None else None


def indicator_csv_rows(indicator: Indicator):
    """The baseline, each measurement and the target, each a row saying which it is, so
    a reader gets the whole line the barometer draws (baseline and target as numbers where
    the source gave them, and always the source's own words)."""
    yield [
        "baseline",
        indicator.baseline_year,
        indicator.baseline_period,
        _number(indicator.baseline_value),
        None,
        indicator.source,
        "nej",
        indicator.baseline_text,
    ]
    for m in indicator.measurements.order_by("year", "period"):
        yield [
            "maaling",
            m.year,
            m.period,
            _number(m.value),
            _number(m.comparison_value),
            m.source,
            "ja" if m.is_example else "nej",
            m.note,
        ]
    yield [
        "maal",
        indicator.target_year,
        "",
        _number(indicator.absolute_target),
        None,
        indicator.source,
        "nej",
        indicator.target_text,
    ]


INDICATOR_CSV_HEADER = [
    "type",
    "aar",
    "periode",
    "vaerdi",
    "sammenligning",
    "kilde",
    "eksempeldata",
    "tekst",
    # Which indicator and in what unit, on every row: a file read alone says what "55" is
    # (fresh eyes round 22). Last, so the columns before them stay where they were.
    "indikator",
    "enhed",
]


def _check_indicator(*, pk: int) -> None:
    get_object_or_404(Indicator.objects.only("pk"), pk=pk)


# An open-data download like /data/'s (fresh eyes round 22: no validators, no CORS).
@method_decorator(public_download(exists=_check_indicator), name="dispatch")
class IndicatorCsvView(View):
    def get(self, request, pk: int):
        indicator = get_object_or_404(Indicator, pk=pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="indikator-{indicator.pk}.csv"'
        writer = csv_writer(response)
        writer.writerow(INDICATOR_CSV_HEADER)
        with translation.override("da"):  # open data is Danish, whatever the page's language
            about = [indicator.title, str(indicator.get_unit_display()).lower()]
        writer.writerows([*row, *about] for row in indicator_csv_rows(indicator))
        return response
