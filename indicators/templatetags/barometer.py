from decimal import Decimal

from django import template
from django.utils.formats import number_format

from indicators.models import Unit
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


STATUS_CLASSES = {
    "reached": "text-bg-success",
    "on_track": "text-bg-primary",
    "behind": "text-bg-warning",
    "no_data": "text-bg-light border",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")
