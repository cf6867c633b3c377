from django import template

from portal.money import format_kroner
from portal.numbers import format_file_size, format_number

register = template.Library()


@register.filter
def kroner(value) -> str:
    """`{{ amount|kroner }}` → `150.000 kr.`"""
    return format_kroner(value)


@register.filter
def number(value) -> str:
    """`{{ target|number }}` → `80,5`: a number that is not money, as it was typed."""
    return format_number(value)


@register.filter
def get_year(mapping, year):
    """`{{ amounts|get_year:2021 }}`: a per-year dict's value, or None."""
    return mapping.get(year) if mapping else None


@register.filter
def total_of(rows, attribute: str):
    """`{{ rows|total_of:"granted"|kroner }}`: the sum of one amount over table rows."""
    from portal.money import ZERO

    return sum((getattr(row, attribute) or ZERO for row in rows), ZERO)


@register.filter
def file_size(value) -> str:
    """`{{ attachment.size|file_size }}` → `2,5 MB` (portal.numbers.format_file_size)."""
    return format_file_size(value)
