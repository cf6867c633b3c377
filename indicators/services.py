"""Writes for indicators and measurements: municipality checks and optimistic locking."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.services.errors import DomainError, EditConflict
from policies.models import Policy

from .models import Indicator, Measurement

FIRST_MEASUREMENT_YEAR = 1990


def measurement_years() -> range:
    """The years a measurement may be for: from 1990 up to the current year, never a year
    that has not begun (2030 and 2031 were accepted as measured)."""
    return range(FIRST_MEASUREMENT_YEAR, timezone.localdate().year + 1)


def measurement_year_error(year: int) -> str | None:
    years = measurement_years()
    if year in years:
        return None
    return _(
        "Angiv et årstal mellem %(first)s og %(last)s: en måling kan ikke være for et år, "
        "der ikke er begyndt."
    ) % {"first": years[0], "last": years[-1]}


def measurement_value_error(unit: str, value) -> str | None:
    """A value the indicator's unit cannot hold: a share outside 0-100 %, a negative count
    (fresh eyes round 21: 150 % and -5 % were published and charted). The one rule for the
    form and the CSV import."""
    from .models import Unit

    if value is None:
        return None
    if unit == Unit.PERCENT and not 0 <= value <= 100:
        return _("En procentdel ligger mellem 0 og 100.")
    if unit == Unit.COUNT and value < 0:
        return _("Et antal kan ikke være negativt.")
    return None


def target_problem(goal, target) -> str | None:
    """A sub-goal ("sigtepunkt") under another goal than the one chosen (fresh eyes round
    21: "Mål 4" was published with a sub-goal of "Mål 1")."""
    if goal is not None and target is not None and target.goal_id != goal.pk:
        return _(
            "Sigtepunktet hører til »%(goal)s«, ikke til det valgte mål. Vælg et sigtepunkt "
            "under målet, eller lad målet stå tomt."
        ) % {"goal": target.goal}
    return None


def _check_scope(indicator: Indicator, municipality_id: int) -> None:
    goal = indicator.goal or (indicator.target.goal if indicator.target_id else None)
    if goal is None or goal.policy.municipality_id != municipality_id:
        raise DomainError(_("Målet hører ikke til din kommune."))


def do_save_indicator(
    *, indicator: Indicator, municipality_id: int, expected_version: int | None, committees
) -> Indicator:
    """Save a new or edited indicator (already filled in by the form, not yet saved)."""
    with transaction.atomic():
        indicator.municipality_id = municipality_id
        _check_scope(indicator, municipality_id)
        if problem := target_problem(indicator.goal, indicator.target):
            raise DomainError(problem, field="target")
        if indicator.pk:
            current = Indicator.objects.select_for_update().get(pk=indicator.pk)
            if current.municipality_id != municipality_id:
                raise DomainError(_("Indikatoren hører ikke til din kommune."))
            if current.version != expected_version:
                raise EditConflict()
            indicator.version = current.version + 1
        indicator.save()
        indicator.responsible_committees.set(committees)
        return indicator


def do_add_measurement(
    *, indicator: Indicator, measurement: Measurement, actor=None
) -> Measurement:
    with transaction.atomic():
        measurement.indicator = indicator
        measurement._history_user = actor
        if error := measurement_year_error(measurement.year):
            raise DomainError(error, field="year")
        for name in ("value", "comparison_value"):
            if error := measurement_value_error(indicator.unit, getattr(measurement, name)):
                raise DomainError(error, field=name)
        if Measurement.objects.filter(
            indicator=indicator, year=measurement.year, period=measurement.period
        ).exists():
            when = " ".join(filter(None, [str(measurement.year), measurement.period]))
            raise DomainError(
                _("Der er allerede en måling for %(when)s. Slet den i tabellen først.")
                % {"when": when},
                field="year",
            )
        measurement.is_example = False
        measurement.save()
        return measurement


def do_delete_measurement(*, measurement_id: int, actor, municipality_id: int) -> None:
    """Remove a wrong measurement; its history keeps the values and who deleted it."""
    with transaction.atomic():
        measurement = (
            Measurement.objects.select_for_update()
            .select_related("indicator")
            .filter(pk=measurement_id)
            .first()
        )
        if measurement is None:
            raise DomainError(_("Målingen er allerede slettet."))
        if measurement.indicator.municipality_id != municipality_id:
            raise DomainError(_("Indikatoren hører ikke til din kommune."))
        measurement._history_user = actor
        measurement.delete()


def do_set_barometer_update_month(*, policy_id: int, actor, month: int | None) -> Policy:
    """Committee staff set in which month their policy's barometer is updated each year
    (shown on the yearly cycle and in the calendar feed); recorded with the actor."""
    if month is not None and not 1 <= month <= 12:
        raise DomainError(_("Vælg en måned."))
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None or policy.municipality_id != actor.municipality_id:
            raise DomainError(_("Politikken hører ikke til din kommune."))
        policy.barometer_update_month = month
        policy._history_user = actor
        policy.save(update_fields=["barometer_update_month"])
        return policy
