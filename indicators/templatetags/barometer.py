from decimal import Decimal

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
    return f"{text} %" if unit == Unit.PERCENT else text


@register.filter
def target_shown(indicator) -> str:
    """The indicator's target in a table's cell: the number in its unit (and its year), the
    group it is to match (»Som Frederiksberg generelt«), or only the direction. The policy's
    barometer and a goal's page show it alike."""
    target = indicator.absolute_target
    if target is not None:
        shown = in_unit(target, indicator.unit)
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
