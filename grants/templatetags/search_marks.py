from django import template
from django.utils.html import escape

register = template.Library()


@register.filter
def highlight(text, marks):
    """The text, escaped, with the words the search matched in <mark> (grants.search.Marks);
    without a search just escaped."""
    text = "" if text is None else str(text)
    if not marks:
        return escape(text)
    return marks.mark(text)
