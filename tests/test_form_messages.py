"""Fresh eyes round 34: a volunteer's contact e-mail got Django's "Indtast en gyldig
e-mail-adresse." beside the portal's own plain "Skriv kun telefonnummeret, fx …". Every
e-mail field of every form of ours says it the portal's way (portal.forms.EmailAddressField);
the page itself is checked in tests/test_caseworker_forms.py."""

from django import forms

from portal.forms import EmailAddressField
from tests.test_text_limits import MODULES, our_forms
from worker import forms as worker_forms

PLAIN = "Skriv en hel e-mailadresse, fx navn@eksempel.dk."


def email_fields():
    for form in our_forms([*MODULES, worker_forms]):
        for field_name, field in form.base_fields.items():
            if isinstance(field, forms.EmailField):
                yield f"{form.__name__}.{field_name}", field


def test_every_email_field_says_its_error_plainly():
    fields = dict(email_fields())
    assert {"ContactForm.email", "SignInLinkForm.email", "InviteColleagueForm.email"} <= set(fields)
    offenders = []
    for name, field in fields.items():
        if not isinstance(field, EmailAddressField):
            offenders.append(f"{name}: {type(field).__name__}")
            continue
        try:
            field.clean("linda@")
        except forms.ValidationError as error:
            if error.messages != [PLAIN]:
                offenders.append(f"{name}: {error.messages}")
        else:
            offenders.append(f"{name} accepts 'linda@'")
    assert offenders == []
