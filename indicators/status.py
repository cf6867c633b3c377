"""Computed status of an indicator: reached, on track, behind, or not enough data yet.

"On track" is judged against the straight line from the baseline (value, year) to the target
(value, year): by a measurement's year the value should be at least as good as the point on
that line. Indicators without a numeric target are judged by their comparison group (the gap
to "Frederiksberg generelt" should close) or, failing that, by the direction of change.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Direction, Indicator, Measurement


class Status(models.TextChoices):
    REACHED = "reached", _("Mål nået")
    ON_TRACK = "on_track", _("På rette vej")
    BEHIND = "behind", _("Bagud")
    NO_DATA = "no_data", _("Ikke nok data endnu")


@dataclass(frozen=True)
class Assessment:
    status: Status
    latest: Measurement | None = None
    expected: Decimal | None = None  # the value the straight line asks for by latest.year
    gap: Decimal | None = None  # latest value minus the comparison group's value
    # The first measurement with a comparison, when the status is judged by the gap closing:
    # shown beside today's gap, so "på rette vej" next to a large gap makes sense (fresh
    # eyes round 31).
    since: Measurement | None = None

    @property
    def since_gap(self) -> Decimal | None:
        if self.since is None or self.since.comparison_value is None:
            return None
        return self.since.value - self.since.comparison_value

    @property
    def label(self) -> str:
        return str(self.status.label)


def at_least_as_good(value: Decimal, reference: Decimal, direction: str) -> bool:
    return value >= reference if direction == Direction.HIGHER else value <= reference


def expected_value(indicator: Indicator, year: int) -> Decimal | None:
    """The point on the straight line from baseline to target in `year`."""
    target = indicator.absolute_target
    if (
        target is None
        or indicator.baseline_value is None
        or indicator.baseline_year is None
        or indicator.target_year is None
    ):
        return None
    span = indicator.target_year - indicator.baseline_year
    if span <= 0:
        return target
    progress = Decimal(min(max(year - indicator.baseline_year, 0), span)) / Decimal(span)
    return indicator.baseline_value + (target - indicator.baseline_value) * progress


def assess(indicator: Indicator, measurements: list[Measurement]) -> Assessment:
    """`measurements` sorted oldest first (as Measurement's default ordering gives).

    Only their `year`, `value` and `comparison_value` are read: the barometer's index passes
    bare rows with those names (`selectors.Point`) instead of Measurement instances.
    """
    if not measurements:
        return Assessment(Status.NO_DATA)
    latest = measurements[-1]
    direction = indicator.direction
    gap = latest.value - latest.comparison_value if latest.comparison_value is not None else None
    target = indicator.absolute_target
    if target is not None:
        if at_least_as_good(latest.value, target, direction):
            return Assessment(Status.REACHED, latest, target, gap)
        expected = expected_value(indicator, latest.year)
        if expected is not None:
            good = at_least_as_good(latest.value, expected, direction)
            return Assessment(Status.ON_TRACK if good else Status.BEHIND, latest, expected, gap)
        # A target without a year: judge by the direction of change from the baseline below.
    if latest.comparison_value is not None:
        # "Same level as the municipality in general": reached when the gap is closed.
        if at_least_as_good(latest.value, latest.comparison_value, direction):
            return Assessment(Status.REACHED, latest, None, gap)
        earlier = [m for m in measurements[:-1] if m.comparison_value is not None]
        if not earlier:
            return Assessment(Status.NO_DATA, latest, None, gap)
        first_gap = abs(earlier[0].value - earlier[0].comparison_value)
        status = Status.ON_TRACK if abs(gap) < first_gap else Status.BEHIND
        return Assessment(status, latest, None, gap, since=earlier[0])
    reference = indicator.baseline_value
    if reference is None:
        if len(measurements) < 2:
            return Assessment(Status.NO_DATA, latest, None, gap)
        reference = measurements[0].value
    better = latest.value != reference and at_least_as_good(latest.value, reference, direction)
    return Assessment(Status.ON_TRACK if better else Status.BEHIND, latest, None, gap)
