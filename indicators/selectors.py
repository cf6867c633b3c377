"""The barometer's data: indicators grouped by policy and goal, each with its assessment."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from policies.models import Goal, Policy

from .models import Indicator, Measurement
from .status import Assessment, Status, assess


@dataclass
class AssessedIndicator:
    indicator: Indicator
    measurements: list[Measurement]
    assessment: Assessment

    @property
    def has_example_data(self) -> bool:
        return any(m.is_example for m in self.measurements)


@dataclass
class StatusCounts:
    """How many indicators have each status, and whether any of them shows example data."""

    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    has_example_data: bool = False

    def add(self, status: Status, has_example_data: bool, n: int = 1) -> None:
        self.counts[status] += n
        self.has_example_data = self.has_example_data or has_example_data

    @property
    def indicators(self) -> int:
        return sum(self.counts.values())

    @property
    def by_status(self) -> list[tuple[Status, int]]:
        return [(status, self.counts[status]) for status in Status]


@dataclass
class PolicyBarometer:
    """One policy's barometer page: its goals, each with its assessed indicators."""

    policy: Policy
    goals: list[tuple[Goal, list[AssessedIndicator]]]
    totals: StatusCounts


@dataclass
class PolicySummary:
    """One row of the barometer's index."""

    policy: Policy
    totals: StatusCounts


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


def policy_indicators(policy: Policy) -> QuerySet[Indicator]:
    """The indicators of a policy: on one of its goals, or on a target under one."""
    return Indicator.objects.filter(Q(goal__policy=policy) | Q(target__goal__policy=policy))


def policies_with_indicators() -> QuerySet[Policy]:
    return Policy.objects.filter(
        Exists(Indicator.objects.filter(goal__policy=OuterRef("pk")))
        | Exists(Indicator.objects.filter(target__goal__policy=OuterRef("pk")))
    )


def policy_barometer(policy: Policy) -> PolicyBarometer:
    """The policy's goals that have indicators, each with its assessed indicators, in a
    fixed number of queries."""
    goals = Goal.objects.filter(policy=policy).order_by("kind", "number")
    indicators = with_measurements(policy_indicators(policy)).order_by("order", "pk")
    by_goal = defaultdict(list)
    totals = StatusCounts()
    for item in assessed(indicators):
        by_goal[item.indicator.resolved_goal.pk].append(item)
        totals.add(item.assessment.status, item.has_example_data)
    with_items = [(goal, by_goal[goal.pk]) for goal in goals if by_goal[goal.pk]]
    return PolicyBarometer(policy, with_items, totals)


class Point(NamedTuple):
    """A measurement as a bare row: what `assess` reads of a Measurement, plus is_example."""

    year: int
    value: Decimal
    comparison_value: Decimal | None
    is_example: bool


def barometer_index() -> list[PolicySummary]:
    """Every policy with indicators and its status counts, in two queries at any scale.

    Each indicator's status is `assess`'s, stored on it whenever it or a measurement changes
    (indicators.stored_status): counting them is one grouped query, where assessing 1,000
    indicators over 10,000 measurements on every visit cost most of the page (issue #17).
    """
    policies = list(Policy.objects.select_related("municipality"))
    counted = (
        Indicator.objects.annotate(
            policy_pk=Coalesce(F("goal__policy_id"), F("target__goal__policy_id"))
        )
        .order_by()
        .values("policy_pk", "stored_status", "shows_example_data")
        .annotate(n=Count("pk"))
    )
    totals = defaultdict(StatusCounts)
    for row in counted:
        status = Status(row["stored_status"]) if row["stored_status"] else Status.NO_DATA
        totals[row["policy_pk"]].add(status, row["shows_example_data"], row["n"])
    return [PolicySummary(policy, totals[policy.pk]) for policy in policies if policy.pk in totals]
