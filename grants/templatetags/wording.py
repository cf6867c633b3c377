from django import template

from grants import wording

register = template.Library()


@register.simple_tag
def copy_heading(application, field, default):
    """{% copy_heading application "purpose" _("Formål/forandringsteori") %}"""
    return wording.copy_heading(application, field, default)
