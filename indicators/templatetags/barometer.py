from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.models import Direction, Unit
from portal.money import format_kroner

register = template.Library()


@register.filter
def in_unit(value, unit: str) -> str:
    """A measurement shown the Danish way in its unit: `15,3 %`, `57.000`, `150.000 kr.`"""
    if value is None or value == "":
        return "–"
    if unit == Unit.KRONER:
        return format_kroner(value)
    text = number_format(
        Decimal(value).normalize(), use_l10n=True, force_grouping=unit == Unit.COUNT
    )
    # A no-break space: "12,24" and "%" were split over two lines in a narrow column.
    return f"{text}\u00a0%" if unit == Unit.PERCENT else text


@register.filter
def rounded(value):
    """A value the portal worked out (a target given as a change from the baseline, the
    straight line to it) to at most two decimals: "2,325 %" and "2,51875 %" claimed more
    than the measurements say (fresh eyes round 42). None stays None."""
    if value is None or value == "":
        return value
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()


@register.filter
def target_shown(indicator) -> str:
    """The indicator's target: the number in its unit (and its year), the group it is to
    match (»Som Frederiksberg generelt«), or only the direction. The policy's barometer, a
    goal's page and the indicator's own page show it alike (fresh eyes round 42: three
    pages, three ways of saying it)."""
    target = indicator.absolute_target
    if target is not None:
        shown = in_unit(rounded(target), indicator.unit)
        return f"{shown} ({indicator.target_year})" if indicator.target_year else shown
    if indicator.comparison_label:
        return _("Som %(group)s") % {"group": indicator.comparison_label}
    return _("Højere") if indicator.direction == Direction.HIGHER else _("Lavere")


STATUS_CLASSES = {
    "reached": "text-bg-success",
    "on_track": "text-bg-primary",
    "behind": "text-bg-warning",
    "no_data": "text-bg-light border",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")
