"""portal.widgets.QuickSelect writes what Django's template-rendered Select writes."""

import re

import pytest
from django import forms

from portal.widgets import QuickSelect

CHOICES = [("", "Alle"), ("a", "Å & <b>"), ("b", 'B "q"'), (3, "tre")]
GROUPED = [("Gruppe", [("x", "X"), ("y", "Y")]), ("", "ingen")]


def same(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "choices, value",
    [(CHOICES, "a"), (CHOICES, None), (CHOICES, 3), (CHOICES, "none of them"), (GROUPED, "y")],
)
def test_quick_select_renders_as_django(choices, value):
    attrs = {"class": "form-select", "required": True, "disabled": False, "aria-describedby": "h"}
    django_html = forms.Select(choices=choices, attrs=attrs).render("k", value, {"id": "id_k"})
    quick_html = QuickSelect(choices=choices, attrs=attrs).render("k", value, {"id": "id_k"})
    assert same(quick_html) == same(django_html)
    assert "&lt;b&gt;" in quick_html or choices is GROUPED  # labels escaped
