from django import template

from portal.money import format_kroner

register = template.Library()


@register.filter
def kroner(value) -> str:
    """`{{ amount|kroner }}` → `150.000 kr.`"""
    return format_kroner(value)
