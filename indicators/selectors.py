"""The barometer's data: indicators grouped by policy and goal, each with its assessment."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from policies.models import Goal

from .models import Indicator, Measurement
from .status import Assessment, assess


@dataclass
class AssessedIndicator:
    indicator: Indicator
    measurements: list[Measurement]
    assessment: Assessment

    @property
    def has_example_data(self) -> bool:
        return any(m.is_example for m in self.measurements)


def with_measurements(queryset: QuerySet[Indicator]) -> QuerySet[Indicator]:
    return queryset.select_related("target__goal", "goal", "municipality").prefetch_related(
        "responsible_committees",
        Prefetch("measurements", queryset=Measurement.objects.order_by("year", "period")),
    )


def assessed(indicators) -> list[AssessedIndicator]:
    items = []
    for indicator in indicators:
        measurements = list(indicator.measurements.all())
        items.append(AssessedIndicator(indicator, measurements, assess(indicator, measurements)))
    return items


def barometers(policies) -> dict[int, list[tuple[Goal, list[AssessedIndicator]]]]:
    """`barometer` for many policies in a fixed number of queries: policy id → goals."""
    policies = list(policies)
    goals = Goal.objects.filter(policy__in=policies).order_by("policy", "kind", "number")
    indicators = with_measurements(
        Indicator.objects.filter(goal__policy__in=policies)
        | Indicator.objects.filter(target__goal__policy__in=policies)
    ).order_by("order", "pk")
    by_goal = defaultdict(list)
    for item in assessed(indicators):
        by_goal[item.indicator.resolved_goal.pk].append(item)
    result = defaultdict(list)
    for goal in goals:
        if by_goal[goal.pk]:
            result[goal.policy_id].append((goal, by_goal[goal.pk]))
    return result
