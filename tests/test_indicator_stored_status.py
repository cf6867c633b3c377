"""The barometer's index counts the statuses stored on the indicators (issue #17). They must
be what `assess` says after every kind of change: a measurement added or deleted through the
services, an indicator or a measurement changed in the admin, the demo data, the scale data."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, Measurement
from indicators.selectors import Point, barometer_index
from indicators.status import Status, assess
from portal.models import User


def assert_stored_as_assessed() -> None:
    for indicator in Indicator.objects.prefetch_related("measurements"):
        points = [
            Point(m.year, m.value, m.comparison_value, m.is_example)
            for m in sorted(indicator.measurements.all(), key=lambda m: (m.year, m.period))
        ]
        expected = assess(indicator, points).status
        assert indicator.stored_status == expected, indicator
        assert indicator.shows_example_data == any(p.is_example for p in points), indicator


def index_counts() -> dict:
    return {
        summary.policy.pk: (dict(summary.totals.counts), summary.totals.has_example_data)
        for summary in barometer_index()
    }


@pytest.mark.django_db
def test_the_stored_statuses_follow_every_change(demo, django_assert_max_num_queries):
    assert_stored_as_assessed()
    assert any(
        counts[Status.NO_DATA] < sum(counts.values()) for counts, _ in index_counts().values()
    )
    with django_assert_max_num_queries(2):  # at any scale
        index_counts()

    from indicators.services import do_add_measurement, do_delete_measurement

    staff = User.objects.get(username="kbh-sekretariat")
    indicator = Indicator.objects.filter(municipality=staff.municipality).first()
    added = do_add_measurement(
        indicator=indicator,
        measurement=Measurement(year=1995, value=Decimal("99"), comparison_value=Decimal("1")),
        actor=staff,
    )
    assert_stored_as_assessed()
    do_delete_measurement(
        measurement_id=added.pk, actor=staff, municipality_id=staff.municipality_id
    )
    assert_stored_as_assessed()

    # The admin: an indicator of its own (no comparison group: judged by its target), its
    # target and a measurement changed by hand; each step changes the status.
    own = Indicator.objects.get(pk=indicator.pk)
    own.pk = None
    own.direction, own.target_kind = "higher", "absolute"
    own.baseline_value, own.baseline_year = Decimal("10"), 2020
    own.target_value, own.target_year = Decimal("20"), 2030
    own.save()
    own.refresh_from_db()
    assert own.stored_status == Status.NO_DATA
    measurement = Measurement.objects.create(indicator=own, year=2025, value=Decimal("20"))
    own.refresh_from_db()
    assert own.stored_status == Status.REACHED
    measurement.value = Decimal("11")  # the line asks for 15 by 2025
    measurement.save()
    own.refresh_from_db()
    assert own.stored_status == Status.BEHIND
    own.target_value = Decimal("11")  # reached after all
    own.save()
    own.refresh_from_db()
    assert own.stored_status == Status.REACHED
    measurement.delete()
    own.refresh_from_db()
    assert own.stored_status == Status.NO_DATA
    assert_stored_as_assessed()


@pytest.mark.django_db
def test_the_barometer_page_shows_the_stored_counts(demo):
    page = Client().get(reverse("barometer:index"))
    assert page.status_code == 200
    assert "Mål nået" in page.content.decode() or "På rette vej" in page.content.decode()
