"""Widgets that render the same HTML as Django's, in Python.

Django renders a <select> through a template include per option: the catalogue's municipality
choice (one option per municipality in the country) cost more than the rest of the page's
form together (issue #17: half of the catalogue's template time was its filter form).
`QuickSelect` writes exactly what django/forms/widgets/select.html and select_option.html
write, without the per-option template."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: in order, True as a bare name, False left out."""
    return format_html_join(
        "",
        "{}{}",
        (
            (format_html(" {}", name), "" if value is True else format_html('="{}"', str(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _options(choices) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((str(option["value"]), _attrs(option["attrs"]), option["label"]) for option in choices),
    )


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', group_name, _options(choices))
                )
            else:
                parts.append(_options(choices))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308  # nosec B308 B703 - built by format_html above
        )
