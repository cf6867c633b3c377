"""No free-text answer can be so long that it ties up a worker (three million characters in a
description made the PDF copy run into the 30-second timeout)."""

import inspect

import pytest
from django import forms
from django.urls import reverse

from grants.forms import application, reports, staff
from grants.views import documents
from indicators import forms as indicator_forms
from policies import forms as policy_forms
from portal.forms import TEXT_MAX_LENGTH, LimitedTextMixin
from portal.models import User

MODULES = [application, reports, staff, indicator_forms, policy_forms, documents]


def test_every_form_with_free_text_limits_it():
    """The class: a form of ours with a text field of no limit must use LimitedTextMixin."""
    offenders = []
    for module in MODULES:
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            unlimited = [
                field_name
                for field_name, field in form.base_fields.items()
                if isinstance(field, forms.CharField) and field.max_length is None
            ]
            if unlimited and not issubclass(form, LimitedTextMixin):
                offenders.append(f"{module.__name__}.{name}: {unlimited}")
    assert offenders == []


@pytest.mark.django_db
def test_a_description_over_the_limit_is_refused_and_kept(client, demo):
    from grants.models import Pool
    from grants.services.drafts import do_create_draft
    from tests.form_pages import main_form_data

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    client.force_login(caseworker)
    url = reverse("mine:edit", args=[draft.pk])
    data = main_form_data(client.get(url).content.decode())
    data["description"] = "x" * (TEXT_MAX_LENGTH + 1)
    response = client.post(url, {**data, "save": ""})
    assert response.status_code == 400
    assert "højst" in response.content.decode()
    draft.refresh_from_db()
    assert draft.description == ""
