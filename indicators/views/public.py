"""The public barometer: goals, indicators, status, charts with tables, CSV downloads."""

import csv

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from policies.models import Policy
from portal.public_cache import public_page

from ..models import Indicator
from ..selectors import assessed, barometers, with_measurements
from ..status import Status


@method_decorator(public_page, name="dispatch")
class BarometerView(TemplateView):
    template_name = "indicators/barometer.html"

    def get_context_data(self, **kwargs):
        sections = []
        policies = list(
            Policy.objects.select_related("municipality").order_by(
                "municipality__name", "-period_start"
            )
        )
        by_policy = barometers(policies)
        for policy in policies:
            goals = by_policy.get(policy.pk)
            if not goals:
                continue
            items = [item for _goal, goal_items in goals for item in goal_items]
            counts = dict.fromkeys(Status, 0)
            for item in items:
                counts[item.assessment.status] += 1
            sections.append(
                {
                    "policy": policy,
                    "goals": goals,
                    "counts": [(status, counts[status]) for status in Status],
                    "has_example_data": any(item.has_example_data for item in items),
                }
            )
        return super().get_context_data(sections=sections, statuses=Status, **kwargs)


@method_decorator(public_page, name="dispatch")
class IndicatorView(TemplateView):
    template_name = "indicators/indicator.html"

    def get_context_data(self, **kwargs):
        indicator = get_object_or_404(
            with_measurements(Indicator.objects.all()), pk=self.kwargs["pk"]
        )
        [item] = assessed([indicator])
        chart = {
            "unit": indicator.unit,
            "labels": [m.period or str(m.year) for m in item.measurements],
            "values": [float(m.value) for m in item.measurements],
            "comparison": [
                float(m.comparison_value) if m.comparison_value is not None else None
                for m in item.measurements
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


class IndicatorCsvView(View):
    def get(self, request, pk: int):
        indicator = get_object_or_404(Indicator, pk=pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="indikator-{indicator.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow(["aar", "periode", "vaerdi", "sammenligning", "kilde", "eksempeldata"])
        for m in indicator.measurements.order_by("year", "period"):
            writer.writerow(
                [
                    m.year,
                    m.period,
                    f"{m.value.normalize():f}",
                    f"{m.comparison_value.normalize():f}" if m.comparison_value is not None else "",
                    m.source,
                    "ja" if m.is_example else "nej",
                ]
            )
        return response
