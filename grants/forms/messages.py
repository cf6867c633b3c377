"""Forms for messages in the case. Files are checked by the service (grants.services.messages,
the same check as the application's attachments); the form only carries them."""

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grants.forms.files import CheckedFilesMixin
from grants.services.attachments import size_limit_label
from grants.services.messages import MAX_FILES, TEXT_LIMIT
from portal.forms import LimitedTextMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; cleans to a list (empty when none were chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# Translated when shown, not at import (fresh eyes round 11: it stayed Danish in English).
FILES_HELP = lazy(
    lambda: (
        gettext("Valgfrit. PDF, Word eller Excel, op til %(count)s filer på højst %(limit)s hver.")
        % {"count": MAX_FILES, "limit": size_limit_label()}
    ),
    str,
)()


class MessageForm(CheckedFilesMixin, LimitedTextMixin, forms.Form):
    text_limits = {"text": TEXT_LIMIT}
    # Said as the portal says what to do, not Django's "Dette felt er påkrævet" (fresh eyes
    # round 34).
    text = forms.CharField(
        label=_("Besked"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Skriv en besked.")},
    )
    # The service checks every file (grants.services.attachments.checked_kind).
    files = MultipleFileField(label=_("Vedhæft filer"), required=False, help_text=FILES_HELP)


class AnswerForm(MessageForm):
    text = forms.CharField(
        label=_("Dit svar"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Skriv dit svar.")},
    )


class InformationRequestForm(LimitedTextMixin, forms.Form):
    text_limits = {"question": TEXT_LIMIT}
    question = forms.CharField(
        label=_("Hvad skal ansøgeren svare på?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv spørgsmålet, så ansøgeren kan svare uden at spørge igen."),
        error_messages={"required": _("Skriv spørgsmålet.")},
    )
    due_date = forms.DateField(
        label=_("Svarfrist (valgfri)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError(_("Svarfristen kan ikke ligge før i dag."))
        return due


class WithdrawForm(LimitedTextMixin, forms.Form):
    """Withdrawing an application, with an optional reason: its text kept to the rules every
    text field keeps (attack round 21: a direction override reversed it in staff's history)."""

    text_limits = {"comment": 2000}
    comment = forms.CharField(
        label=_("Begrundelse (valgfri)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
