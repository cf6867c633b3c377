"""portal.widgets.FormRenderer writes every <select>, <input> and <textarea> as Django's
templates write them.

The class test walks the pages of the public, committee staff, a caseworker and the admin
(demo data) and compares each widget the renderer wrote in Python with what Django's own
templates make of the same widget context.
"""

import re

import pytest
from django import forms
from django.contrib import admin
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.safestring import mark_safe

from portal.models import User
from portal.widgets import SELECT_TEMPLATE, WRITTEN_HERE, FormRenderer

from .page_crawl import crawl_as_each

CHOICES = [("", "Alle"), ("a", "Å & <b>"), ("b", 'B "q"'), (3, "tre"), (1000, 2000)]
GROUPED = [("Gruppe & co", [("x", "X"), ("y", "Y")]), ("", "ingen")]
SAFE = [("s", mark_safe("<em>safe</em>")), ("t", "plain <i>")]


def same(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def django_html(widget, name, value, attrs=None) -> str:
    return widget.render(name, value, attrs, renderer=DjangoTemplates())


@pytest.mark.parametrize(
    "widget_class, choices, value",
    [
        (forms.Select, CHOICES, "a"),
        (forms.Select, CHOICES, None),
        (forms.Select, CHOICES, 3),
        (forms.Select, CHOICES, 1000),
        (forms.Select, CHOICES, "none of them"),
        (forms.Select, GROUPED, "y"),
        (forms.Select, SAFE, "s"),
        (forms.SelectMultiple, CHOICES, ["a", "b"]),
        (forms.NullBooleanSelect, (), True),
    ],
)
def test_the_renderer_writes_what_django_writes(widget_class, choices, value):
    attrs = {"class": "form-select", "required": True, "disabled": False, "aria-describedby": "h"}
    widget = widget_class(choices=choices, attrs=attrs) if choices else widget_class(attrs=attrs)
    ours = widget.render("k", value, {"id": "id_k", "data-x": 'a"b'}, renderer=FormRenderer())
    assert same(ours) == same(django_html(widget, "k", value, {"id": "id_k", "data-x": 'a"b'}))
    if choices is CHOICES:
        assert "&lt;b&gt;" in ours and "&quot;q&quot;" in ours  # labels escaped


@pytest.mark.parametrize(
    "widget, value",
    [
        (
            forms.TextInput(attrs={"maxlength": 200, "placeholder": 'fx "Sprogcafé" & <b>'}),
            'a "b" <c>',
        ),
        (forms.TextInput(), None),
        (forms.TextInput(), ""),
        (forms.NumberInput(attrs={"min": 2000, "max": 2100}), 2020),
        (forms.NumberInput(), 0),
        (forms.EmailInput(attrs={"required": True, "disabled": False}), "a@b.dk"),
        (forms.PasswordInput(), "hemmelig"),
        (forms.HiddenInput(), "x"),
        (forms.DateInput(), "2026-12-05"),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(), False),
        (forms.ClearableFileInput(), None),
        (forms.FileInput(), None),
        (forms.URLInput(), "https://example.dk/?a=1&b=2"),
        (forms.Textarea(attrs={"rows": 3}), 'linje 1\n<linje 2> & "3"'),
        (forms.Textarea(), ""),
        (forms.Textarea(), None),
    ],
)
def test_inputs_and_text_areas_are_written_as_django_writes_them(widget, value):
    attrs = {"id": "id_k", "aria-describedby": "k_help"}
    ours = widget.render("k", value, attrs, renderer=FormRenderer())
    assert ours.strip() == django_html(widget, "k", value, attrs).strip()


def test_an_option_with_a_template_of_its_own_goes_to_the_templates():
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Marked(choices=CHOICES)
    ours = widget.render("k", "a", renderer=FormRenderer())
    assert same(ours) == same(django_html(widget, "k", "a"))
    assert "<option" not in ours


@pytest.fixture
def widgets_seen(monkeypatch):
    """Every widget the renderer wrote itself: its template, context and what it wrote."""
    seen = []
    original = FormRenderer.render

    def spy(self, template_name, context, request=None):
        html = original(self, template_name, context, request)
        if template_name in WRITTEN_HERE:
            seen.append((template_name, context, html))
        return html

    monkeypatch.setattr(FormRenderer, "render", spy)
    return seen


def admin_pages() -> list[str]:
    """Each registered model's list and add page, and the first object's change page."""
    pages = []
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return pages


@pytest.mark.django_db
def test_every_widget_on_every_page_is_what_django_would_write(client, demo, widgets_seen):
    from .test_page_wording import USERS

    crawl_as_each(client, USERS.values())
    client.force_login(User.objects.get(username="admin"))
    for url in admin_pages():
        client.get(url)
    templates = DjangoTemplates()
    # A select's options are laid out on lines by Django's template (no meaning in HTML);
    # every other widget must be the same to the character.
    normal = {SELECT_TEMPLATE: same}
    differences = [
        (template_name, context["widget"]["name"])
        for template_name, context, html in widgets_seen
        if normal.get(template_name, str.strip)(html)
        != normal.get(template_name, str.strip)(templates.render(template_name, context))
    ]
    assert differences == []
    # Not a walk that met no widget: the catalogue's, the staff queue's and the admin's
    # selects, inputs of several kinds and text areas.
    names = {context["widget"]["name"] for _template, context, _html in widgets_seen}
    assert {"kommune", "status", "committee", "municipality", "q", "password"} <= names, names
    kinds = {template for template, _context, _html in widgets_seen}
    assert len(kinds) >= 5, kinds
    assert len(widgets_seen) > 300
