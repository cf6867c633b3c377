"""Widgets that render the same HTML as Django's, in Python.

Django renders a <select> through a template include per option, after building a
dictionary per option: the catalogue's municipality choice (one option per municipality in
the country) cost more than the rest of the page's form together (issue #17: half of the
catalogue's template time was its filter form). `QuickSelect` writes what
django/forms/widgets/select.html and select_option.html write (tests/test_widgets.py
compares them), walking the choices once, as `ChoiceWidget.optgroups` does."""

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


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        has_selected = False
        parts = []

        def option(option_value, label) -> str:
            nonlocal has_selected
            option_value = "" if option_value is None else str(option_value)
            selected = not has_selected and option_value in chosen
            has_selected |= selected
            return format_html(
                '<option value="{}"{}>{}</option>',
                option_value,
                mark_safe(" selected") if selected else "",  # noqa: S308  # nosec B308
                label,
            )

        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                # Each option is built by format_html, so the joined options are safe.
                inner = mark_safe("".join(option(v, sub) for v, sub in label))  # noqa: S308  # nosec B308 B703
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', option_value, inner))
            else:
                parts.append(option(option_value, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            _attrs(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),  # noqa: S308  # nosec B308 B703 - built by format_html above
        )
