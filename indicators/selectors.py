"""The barometer's data: indicators grouped by policy and goal, each with its assessment."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from policies.models import Goal, Policy

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


def barometer(policy: Policy) -> list[tuple[Goal, list[AssessedIndicator]]]:
    """The policy's goals in order, each with its own and its targets' indicators."""
    goals = list(policy.goals.order_by("kind", "number"))
    indicators = with_measurements(
        Indicator.objects.filter(goal__policy=policy)
        | Indicator.objects.filter(target__goal__policy=policy)
    ).order_by("order", "pk")
    by_goal = defaultdict(list)
    for item in assessed(indicators):
        by_goal[item.indicator.resolved_goal.pk].append(item)
    return [(goal, by_goal[goal.pk]) for goal in goals if by_goal[goal.pk]]
