"""Status against the straight line from baseline to target, for both directions."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import Direction, Indicator, Measurement, TargetKind
from indicators.status import Status, assess, expected_value

D = Decimal


def indicator(**fields) -> Indicator:
    fields.setdefault("direction", Direction.LOWER)
    fields.setdefault("target_kind", TargetKind.ABSOLUTE)
    return Indicator(unit="percent", **fields)


def measured(*points) -> list[Measurement]:
    return [
        Measurement(year=year, value=D(value), comparison_value=D(comp) if comp else None)
        for year, value, comp in points
    ]


COPENHAGEN_GOAL_1 = {
    "baseline_value": D("15.3"),
    "baseline_year": 2018,
    "target_kind": TargetKind.RELATIVE_PERCENT,
    "target_value": D("20"),
    "target_year": 2022,
    "direction": Direction.LOWER,
}


def test_relative_target_is_20_percent_below_the_baseline():
    assert indicator(**COPENHAGEN_GOAL_1).absolute_target == D("12.24")


def test_halfway_the_line_asks_for_half_the_improvement():
    assert expected_value(indicator(**COPENHAGEN_GOAL_1), 2020) == D("13.77")


@pytest.mark.parametrize(
    ("value", "status"),
    [("13.5", Status.ON_TRACK), ("14.0", Status.BEHIND), ("12.24", Status.REACHED)],
)
def test_lower_is_better_against_the_line(value, status):
    result = assess(indicator(**COPENHAGEN_GOAL_1), measured((2020, value, None)))
    assert result.status == status


@pytest.mark.parametrize(
    ("value", "status"),
    [("70", Status.ON_TRACK), ("64", Status.BEHIND), ("80", Status.REACHED)],
)
def test_higher_is_better_against_the_line(value, status):
    item = indicator(
        baseline_value=D("56"),
        baseline_year=2016,
        target_value=D("80"),
        target_year=2022,
        direction=Direction.HIGHER,
    )
    assert assess(item, measured((2019, value, None))).status == status


def test_no_measurements_means_not_enough_data():
    assert assess(indicator(**COPENHAGEN_GOAL_1), []).status == Status.NO_DATA


def test_same_level_as_the_municipality_in_general():
    item = indicator(
        target_kind=TargetKind.DIRECTION_ONLY,
        direction=Direction.HIGHER,
        comparison_label="Frederiksberg generelt",
    )
    closing = measured((2019, "55", "74"), (2021, "60", "74"))
    widening = measured((2019, "55", "74"), (2021, "50", "74"))
    level = measured((2019, "55", "74"), (2021, "75", "74"))
    assert assess(item, closing).status == Status.ON_TRACK
    assert assess(item, closing).gap == D("-14")
    assert assess(item, widening).status == Status.BEHIND
    assert assess(item, level).status == Status.REACHED
    assert assess(item, measured((2021, "60", "74"))).status == Status.NO_DATA


def test_direction_only_compares_with_the_baseline():
    item = indicator(
        baseline_value=D("39"),
        baseline_year=2017,
        target_kind=TargetKind.DIRECTION_ONLY,
        direction=Direction.LOWER,
    )
    assert assess(item, measured((2020, "37", None))).status == Status.ON_TRACK
    assert assess(item, measured((2020, "40", None))).status == Status.BEHIND
    assert assess(item, measured((2020, "39", None))).status == Status.BEHIND


values = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@given(baseline=values, target=values, value=values, year=st.integers(2018, 2025))
def test_mirror_images_get_the_same_status(baseline, target, value, year):
    """Flipping the scale (x → 100 - x) and the direction must not change the verdict."""
    lower = indicator(
        baseline_value=baseline,
        baseline_year=2018,
        target_value=target,
        target_year=2022,
        direction=Direction.LOWER,
    )
    higher = indicator(
        baseline_value=100 - baseline,
        baseline_year=2018,
        target_value=100 - target,
        target_year=2022,
        direction=Direction.HIGHER,
    )
    assert (
        assess(lower, measured((year, value, None))).status
        == assess(higher, measured((year, 100 - value, None))).status
    )


@given(baseline=values, target=values, worse=values, better=values, year=st.integers(2018, 2025))
def test_a_better_value_never_gets_a_worse_status(baseline, target, worse, better, year):
    if better > worse:
        worse, better = better, worse  # lower is better here: `better` is the smaller value
    item = indicator(
        baseline_value=baseline,
        baseline_year=2018,
        target_value=target,
        target_year=2022,
        direction=Direction.LOWER,
    )
    rank = {Status.BEHIND: 0, Status.ON_TRACK: 1, Status.REACHED: 2}
    good = assess(item, measured((year, better, None))).status
    bad = assess(item, measured((year, worse, None))).status
    assert rank[good] >= rank[bad]
