"""No free-text answer can be so long that it ties up a worker (three million characters in a
description made the PDF copy run into the 30-second timeout)."""

import inspect

import pytest
from django import forms

from grants.forms import application, messages, people, reports, staff
from grants.views import documents
from indicators import forms as indicator_forms
from policies import forms as policy_forms
from portal.forms import TEXT_MAX_LENGTH, LimitedTextMixin

MODULES = [application, messages, people, reports, staff, indicator_forms, policy_forms, documents]


def our_forms(modules=MODULES):
    """Every form class defined in `modules` (not the ones they import)."""
    for module in modules:
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                yield form


def test_every_form_with_free_text_limits_it():
    """The class: a form of ours with a text field must use LimitedTextMixin."""
    offenders = []
    for module in MODULES:
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            # Any text field: an unlimited one gets its limit from the mixin, and every limit
            # (the model's own too) is said plainly by it (ReadableMaxLength, round 18).
            unlimited = [
                field_name
                for field_name, field in form.base_fields.items()
                if isinstance(field, forms.CharField)
            ]
            if unlimited and not issubclass(form, LimitedTextMixin):
                offenders.append(f"{module.__name__}.{name}: {unlimited}")
    assert offenders == []


@pytest.mark.django_db
def test_a_description_over_the_limit_is_refused_and_kept(client, demo):
    from tests.form_pages import new_draft_form

    draft, url, data = new_draft_form(client)
    data["description"] = "x" * (TEXT_MAX_LENGTH + 1)
    response = client.post(url, {**data, "save": ""})
    assert response.status_code == 400
    # Said plainly, numbers grouped (fresh eyes round 18: "Denne værdi må højst have 20000
    # tegn (den har 29999)").
    limit, length = (f"{n:,}".replace(",", ".") for n in (TEXT_MAX_LENGTH, TEXT_MAX_LENGTH + 1))
    plain = f"der må højst være {limit} tegn, og der er {length}"
    assert plain in response.content.decode()
    assert "Forkort den med 1 tegn" in response.content.decode()
    draft.refresh_from_db()
    assert draft.description == ""
    # The title's limit is the model's own: said the same way.
    data["title"] = "x" * 201
    assert (
        "der må højst være 200 tegn, og der er 201"
        in client.post(url, {**data, "description": "", "save": ""}).content.decode()
    )


@pytest.mark.django_db
def test_fields_added_after_init_are_limited_too(demo):
    """A report's comment per success criterion is added in __init__ after the mixin ran;
    2 MB comments were saved until the mixin also limited such fields."""
    from grants.forms.reports import ReportForm
    from grants.models import Report

    report = Report.objects.filter(application__success_criteria__isnull=False).first()
    form = ReportForm(report=report)
    comments = [name for name in form.fields if name.startswith("comment_")]
    assert comments
    for name in comments:
        assert form.fields[name].max_length == TEXT_MAX_LENGTH
        # Free text is limited on the server only: a browser cuts a pasted text at
        # maxlength without a word (fresh eyes round 21).
        assert "maxlength" not in str(form[name])


@pytest.mark.django_db
def test_a_forged_row_count_builds_no_more_rows_than_the_cap(client, demo):
    """TOTAL_FORMS=5000 on the application form took 20 s and 3.6 MB per request."""
    from tests.form_pages import new_draft_form

    _draft, url, data = new_draft_form(client)
    data["contacts-TOTAL_FORMS"] = "5000"
    data["criteria-TOTAL_FORMS"] = "5000"
    response = client.post(url, {**data, "save": ""})
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert page.count('name="contacts-') < 40 * 10 and page.count('name="criteria-') < 40 * 10
    assert "højst" in page
