"""Each indicator's status (indicators.status.assess, the one definition) stored on the
indicator, so the barometer's index counts them in one query (issue #17: at national scale
it read 10,000 measurements and assessed 1,000 indicators on every visit).

Kept current by signals on every save and delete of an indicator or a measurement (the
services, the admin, fixtures), in the same transaction; bulk writes that send no signals
(the scale data, a municipality's import) call `refresh_statuses` themselves. A test
compares the stored status with `assess` for every indicator after each kind of change."""

from collections import defaultdict

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Indicator, Measurement
from .status import assess

# Everything `assess` reads of an indicator, directly or through absolute_target.
ASSESSED_FIELDS = (
    "direction",
    "baseline_value",
    "baseline_year",
    "target_kind",
    "target_value",
    "target_year",
    "stored_status",
    "shows_example_data",
)


def refresh_statuses(indicator_ids=None) -> int:
    """Assess the indicators (all when None) and store what changed; returns how many."""
    from .selectors import Point

    indicators = Indicator.objects.only(*ASSESSED_FIELDS)
    rows = Measurement.objects.order_by("indicator_id", "year", "period")
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=indicator_ids)
        rows = rows.filter(indicator_id__in=indicator_ids)
    points = defaultdict(list)
    for indicator_id, *point in rows.values_list(
        "indicator_id", "year", "value", "comparison_value", "is_example"
    ):
        points[indicator_id].append(Point(*point))
    changed = []
    for indicator in indicators:
        measured = points.get(indicator.pk, [])
        status = str(assess(indicator, measured).status)
        example = any(p.is_example for p in measured)
        if (indicator.stored_status, indicator.shows_example_data) != (status, example):
            indicator.stored_status, indicator.shows_example_data = status, example
            changed.append(indicator)
    # bulk_update sends no signal: no loop back into the receivers below.
    Indicator.objects.bulk_update(changed, ["stored_status", "shows_example_data"], batch_size=500)
    return len(changed)


@receiver(post_save, sender=Indicator)
def _indicator_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # a fixture's rows: load_demo refreshes once at the end
        refresh_statuses([instance.pk])


@receiver(post_save, sender=Measurement)
@receiver(post_delete, sender=Measurement)
def _measurement_changed(sender, instance, raw=False, **kwargs):
    if not raw and Indicator.objects.filter(pk=instance.indicator_id).exists():
        refresh_statuses([instance.indicator_id])
