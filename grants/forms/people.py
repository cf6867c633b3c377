"""Forms for organisations' people: asking for a sign-in link, inviting a colleague."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import LimitedTextMixin

# A person's name has none of these; a name with a web address or an e-mail address in it
# turns the portal's invitation into a phishing mail in the municipality's name (attack
# round 8: "Din konto lukkes – gå til http://evil.example/login").
_NOT_IN_A_NAME = re.compile(r"[@/\\<>]|www\.|\.(dk|com|net|org|example)\b", re.IGNORECASE)


class SignInLinkForm(LimitedTextMixin, forms.Form):
    email = forms.EmailField(
        label=_("Din e-mailadresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class InviteColleagueForm(LimitedTextMixin, forms.Form):
    name = forms.CharField(
        label=_("Kollegaens navn"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Kollegaens e-mailadresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if _NOT_IN_A_NAME.search(name):
            raise forms.ValidationError(
                _("Skriv kun kollegaens navn, fx Karin Jensen – uden adresser eller links."),
                code="not_a_name",
            )
        return name
