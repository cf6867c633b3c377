"""Attack round 6 (C): a one-line field holds one line. An application title
"CRLF test\\r\\nBcc: victim@evil.example" was saved, submitted and put into a mail subject,
which Django then refused to send. Every single-line text field refuses line breaks and
control characters, and a mail subject is always one line."""

import copy
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import Pool
from portal.forms import LimitedTextMixin, harden_text_fields, is_single_line
from tests.form_pages import main_form_data
from tests.test_caseworker_forms import cw, draft, edit_url  # noqa: F401 (fixtures)
from tests.test_text_limits import MODULES, our_forms
from worker import forms as worker_forms
from worker.mail import send_after_commit

HOSTILE = "CRLF test\r\nBcc: victim@evil.example"


def single_line_fields():
    """(form, field name, field) for every one-line text field of every form of ours."""
    for form in our_forms([*MODULES, worker_forms]):
        for field_name, field in form.base_fields.items():
            if is_single_line(field):
                yield form, field_name, field


def test_every_single_line_field_refuses_line_breaks():
    fields = list(single_line_fields())
    names = {f"{form.__name__}.{name}" for form, name, _field in fields}
    assert "ApplicationForm.title" in names or any(n.endswith(".title") for n in names), names
    offenders = []
    for form, name, field in fields:
        if not issubclass(form, LimitedTextMixin):
            offenders.append(f"{form.__name__}.{name}: form without LimitedTextMixin")
            continue
        hardened = {name: copy.deepcopy(field)}
        harden_text_fields(hardened)
        for text in ("a\r\nb", "a\nb", "a\x00b", "a\u2028b"):
            try:
                hardened[name].clean(text)
            except ValidationError:
                continue
            offenders.append(f"{form.__name__}.{name} accepts {text!r}")
    assert offenders == []


@pytest.mark.django_db
def test_a_title_with_a_line_break_is_refused_on_the_page(cw, draft):  # noqa: F811
    url = edit_url(draft)
    data = main_form_data(cw.get(url).content.decode())
    data["title"] = HOSTILE
    response = cw.post(url, {**data, "save": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Feltet skal stå på én linje" in html
    draft.refresh_from_db()
    assert "\n" not in draft.title and "Bcc" not in draft.title


@pytest.mark.django_db
def test_a_pool_title_with_a_line_break_is_refused(client, staff_user, pool):
    client.force_login(staff_user)
    url = reverse("sekretariat:pool-edit", args=[pool.pk])
    data = main_form_data(client.get(url).content.decode())
    data["title"] = HOSTILE
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Feltet skal stå på én linje" in response.content.decode()
    assert "\n" not in Pool.objects.get(pk=pool.pk).title


@pytest.mark.django_db
def test_a_mail_subject_is_always_one_line(django_capture_on_commit_callbacks):
    mail = send_after_commit(to=["a@example.dk"], subject=HOSTILE, body="x", kind="test")
    assert mail.subject == "CRLF test Bcc: victim@evil.example"


def test_every_text_field_refuses_a_direction_override():
    """Attack round 8: "\\u202egnp.exe" in a message showed as "exe.png" to staff, and in
    a colleague's name. Every text field of every form of ours refuses it, with a reason."""
    offenders = []
    for module in [*MODULES, worker_forms]:
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for name, field in form.base_fields.items():
                if not isinstance(field, forms.CharField) or isinstance(
                    field, forms.ChoiceField | forms.EmailField
                ):
                    continue
                hardened = {name: copy.deepcopy(field)}
                harden_text_fields(hardened)
                # An override, and an unclosed isolate (attack round 11).
                for text in ("billede\u202egnp.exe", "Nørregade 1\u2067, 1165 København K"):
                    try:
                        hardened[name].clean(text)
                    except ValidationError as error:
                        if "skriftretningen" in " ".join(error.messages):
                            continue
                    offenders.append(f"{form.__name__}.{name}")
    assert offenders == []
