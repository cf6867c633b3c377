from django import template

register = template.Library()


@register.filter
def plan_marks(application, doc) -> list[bool]:
    """The goal marks of one project in the action plan's table."""
    return doc.marks(application)
