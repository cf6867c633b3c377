"""Every form's <select>, <input> and <textarea> written in Python: the same HTML as
Django's templates, faster.

Django renders a <select> through a template include per option: the catalogue's
municipality choice (one option per municipality in the country) cost more than the rest of
the page's form together, and the staff queue's five choices a sixth of its page (issue
#17); an <input> is two template includes, about 0.2 ms a field. `FormRenderer`
(settings.FORM_RENDERER) writes what django/forms/widgets/select.html, select_option.html,
input.html (and the templates that only include it), textarea.html and attrs.html write,
from the same context Django builds, so every such widget of every form (crispy's and the
admin's too) gets it; any other widget template, or an option with a template of its own,
goes to Django's templates as before. tests/test_widgets.py compares the two on every widget
the portal's pages render.
"""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# input.html, and Django's templates that are nothing but an include of it.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
        "time", "search", "tel", "color", "checkbox", "file",
    )
)  # fmt: skip
WRITTEN_HERE = INPUT_TEMPLATES | {SELECT_TEMPLATE, TEXTAREA_TEMPLATE}
# What {{ value }} does in a template: localised, escaped (a number label as "1.000").
_TEMPLATE_CONTEXT = Context(autoescape=True)


def _shown(value) -> str:
    if isinstance(value, str):
        return conditional_escape(value)
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: in order, True as a bare name, False left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget: dict) -> str | None:
    """The <select> of a widget's template context; None when an option has a template of
    its own (then Django's templates render it). Every value is escaped here, as the
    templates' autoescaping does."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if any(option["template_name"] != OPTION_TEMPLATE for option in options):
            return None
        html = "".join(
            f'<option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f"{_shown(option['label'])}</option>"
            for option in options
        )
        if group_name:
            html = f'<optgroup label="{conditional_escape(group_name)}">{html}</optgroup>'
        parts.append(html)
    name, attrs = conditional_escape(widget["name"]), _attrs(widget["attrs"])
    return mark_safe(  # noqa: S308  # nosec B308 B703 - every value escaped above
        f'<select name="{name}"{attrs}>{"".join(parts)}</select>'
    )


def render_input(widget: dict) -> str:
    """As django/forms/widgets/input.html."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(str(value))}"'
    name, kind = conditional_escape(widget["name"]), conditional_escape(widget["type"])
    return mark_safe(  # noqa: S308  # nosec B308 B703 - every value escaped here
        f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: dict) -> str:
    """As django/forms/widgets/textarea.html (with its newline after the opening tag)."""
    value = widget["value"]
    name = conditional_escape(widget["name"])
    return mark_safe(  # noqa: S308  # nosec B308 B703 - every value escaped here
        f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{_shown(value) if value else ""}'
        "</textarea>"
    )


class FormRenderer(DjangoTemplates):
    """Django's default renderer, with selects, inputs and text areas written here."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        if template_name == SELECT_TEMPLATE and (html := render_select(context["widget"])):
            return html
        return super().render(template_name, context, request)
