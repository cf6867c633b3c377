"""Forms for organisations' people: asking for a sign-in link, inviting a colleague, the
organisation's own details."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.forms.files import CheckedFilesMixin
from grants.services.attachments import size_limit_label
from grants.services.organisations import ADDRESS_LIMIT
from portal.forms import (
    EmailAddressField,
    LimitedTextMixin,
    has_web_address,
)
from portal.organisations import OrganisationKind

# Words of an office, not of a person's name.
_NOT_A_PERSON = re.compile(
    r"\b(kommune\w*|support|portal\w*|integrationsportal\w*|sekretariat\w*|admin\w*|"
    r"mitid|nemid|cpr\w*|konto\w*)\b",
    re.IGNORECASE,
)


class SignInLinkForm(LimitedTextMixin, forms.Form):
    email = EmailAddressField(
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
    email = EmailAddressField(
        label=_("Kollegaens e-mailadresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        # No web or e-mail address: it turns the portal's invitation into a phishing mail in
        # the municipality's name (attack round 8: "Din konto lukkes – gå til
        # http://evil.example/login"). Nor a phone number: "Ring 70 20 30 40 straks" in the
        # greeting (attack round 14).
        # Only what names are made of: letters, spaces, hyphens, apostrophes, dots (attack
        # round 15 wrote a domain with an ideographic full stop, "evil。example").
        odd = re.search(r"[^\w\s.'’-]|_", name)
        # Nor a sentence or an office: "Karin. Din konto lukkes i dag …" and "Københavns
        # Kommune" or "Integrationsportalen Support" as the sender of the portal's mails
        # (attack round 21).
        sentence = len(name.split()) > 5 or re.search(r"\w{3,}\.\s+\w", name)
        office = _NOT_A_PERSON.search(name)
        if (
            odd
            or sentence
            or office
            or has_web_address(name)
            or len(re.findall(r"[0-9]", name)) > 2
        ):
            raise forms.ValidationError(
                _(
                    "Skriv kun kollegaens navn, fx Karin Jensen – uden adresser, links eller "
                    "telefonnumre."
                ),
                code="not_a_name",
            )
        return name


class OrganisationDetailsForm(CheckedFilesMixin, LimitedTextMixin, forms.Form):
    """The association's own details ("Foreningens oplysninger"). Files are checked by the
    service (grants.services.organisations), as every upload is."""

    text_limits = {"address": ADDRESS_LIMIT}
    kind = forms.ChoiceField(label=_("Hvad slags organisation er I?"), choices=OrganisationKind)
    address = forms.CharField(
        label=_("Adresse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Foreningens postadresse, fx c/o formanden."),
    )
    statutes = forms.FileField(
        label=_("Vedtægter"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
    )
    accounts = forms.FileField(
        label=_("Seneste regnskab"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
    )
    remove_statutes = forms.BooleanField(label=_("Fjern vedtægterne"), required=False)
    remove_accounts = forms.BooleanField(label=_("Fjern regnskabet"), required=False)
    file_fields = ("statutes", "accounts")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit said before the upload, not only in the refusal (fresh eyes round 12).
        for name in self.file_fields:
            self.fields[name].help_text = _(
                "PDF, Word eller Excel, højst %(limit)s. Vælg kun en fil, hvis I vil skifte den ud."
            ) % {"limit": size_limit_label()}
