"""portal.templatetags.crispy_fields writes each field as crispy's Bootstrap 5 templates do.

The class test walks the pages of the public, committee staff and a caseworker (demo data),
plus forms sent back with errors, and compares every field written in Python with what
crispy's own `|as_crispy_field` makes of the same bound field.
"""

import re
from pathlib import Path

import pytest
from crispy_forms.templatetags import crispy_forms_filters as crispy
from django import forms
from django.conf import settings
from django.template import engines
from django.urls import reverse

from portal.templatetags import crispy_fields

from .form_pages import new_draft_form
from .page_crawl import crawl_as_each


def same(html: str) -> str:
    """Whitespace between and around tags means nothing in this HTML: crispy's templates
    indent, Python does not."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", str(html).strip()))


class Sample(forms.Form):
    title = forms.CharField(label="Titel & <b>", max_length=20, help_text="Hjælp <em>her</em>")
    year = forms.IntegerField(label="År", required=False, min_value=2000)
    choice = forms.ChoiceField(label="Valg", choices=[("a", "A & b")])
    text = forms.CharField(label="", widget=forms.Textarea, required=False)
    accept = forms.BooleanField(label="Ja")  # crispy's templates: a check box
    email = forms.EmailField(widget=forms.EmailInput(attrs={"class": "wide"}))


@pytest.mark.parametrize("data", [None, {"title": "x" * 21, "year": "1999", "email": "nej"}])
def test_a_form_with_and_without_errors(data):
    form = Sample(data)
    form.is_valid()
    for field in form:
        ours = crispy_fields.as_crispy_field(field)
        assert same(ours) == same(crispy.as_crispy_field(field)), field.name
    assert crispy_fields.field_html(form["accept"]) is None  # left to crispy's templates
    assert 'class="wide emailinput form-control' in str(crispy_fields.field_html(form["email"]))
    if data:
        title = str(crispy_fields.field_html(form["title"]))
        assert "is-invalid" in title and "Titel &amp; &lt;b&gt;" in title


def test_the_library_has_the_fast_field_and_crispys_other_tags():
    template = engines["django"].from_string(
        "{% load crispy_fields %}{{ form.title|as_crispy_field }}|{% crispy form %}"
    )
    html = template.render({"form": Sample()})
    fast, whole = html.split("|")
    assert same(fast) == same(crispy.as_crispy_field(Sample()["title"]))
    assert "<form" in whole  # {% crispy %} is still crispy's


def test_no_template_loads_crispys_libraries_itself():
    """They would render every field through crispy's templates again."""
    loads = re.compile(r"{%\s*load\s[^%]*\bcrispy_forms_(tags|filters)\b")
    root = Path(settings.BASE_DIR)
    found = [
        str(path.relative_to(root))
        for folder in ("templates", *(p.name for p in root.iterdir() if (p / "templates").is_dir()))
        for path in (root / folder).rglob("*.html")
        if loads.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.fixture
def fields_seen(monkeypatch):
    """Every field written in Python: (name, ours, crispy's for the same bound field)."""
    seen = []
    original = crispy_fields.field_html

    def spy(field, *args):
        html = original(field, *args)
        if html is not None:
            # The portal's one addition, which crispy does not know: the star of a field
            # needed before sending, after the label.
            ours = str(html).replace(str(crispy_fields.needed_mark()), "")
            seen.append((field.name, ours, crispy.as_crispy_field(field, *args)))
        return html

    monkeypatch.setattr(crispy_fields, "field_html", spy)
    return seen


@pytest.mark.django_db
def test_every_field_on_every_page_is_what_crispy_would_write(client, demo, fields_seen):
    from .test_page_wording import USERS

    crawl_as_each(client, USERS.values())
    # Fields with errors: the catalogue's filters, and an application sent back.
    client.get(reverse("public:catalogue"), {"aar": "abc", "beloeb_min": "x", "q": "sprog"})
    _draft, url, data = new_draft_form(client)
    amounts = [name for name in data if name.startswith("amount_")]
    response = client.post(url, {**data, "title": "x" * 201, amounts[0]: "abc", "save": ""})
    assert response.status_code == 400
    differences = [name for name, ours, theirs in fields_seen if same(ours) != same(theirs)]
    assert differences == []
    # Not a walk that met no field: selects, inputs and text areas, with and without errors.
    names = {name for name, _ours, _theirs in fields_seen}
    assert {"kommune", "q", "status", "title", "description"} <= names, names
    assert any("is-invalid" in ours for _name, ours, _theirs in fields_seen)
    assert len(fields_seen) > 100
