from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import Preferences


class PreferencesForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Sprog i e-mails"),
        # Each language in its own name, as the language switch shows them ("Dansk",
        # "English"); translated, the list read "Dansk" and "engelsk".
        choices=[
            (code, get_language_info(code)["name_local"].capitalize())
            for code, _n in settings.LANGUAGES
        ],
        help_text=_("Påmindelser og beskeder fra portalen skrives på dette sprog."),
    )

    class Meta:
        model = Preferences
        fields = [
            "language",
            "remind_draft_deadline",
            "remind_report_due",
            "remind_report_overdue",
            "remind_information_due",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The applicant's side (caseworkers, associations' people) writes drafts and answers
        # the municipality's questions; committee staff do neither: show only the reminders
        # that can reach this user.
        if not (user.is_caseworker or user.is_organisation_person):
            del self.fields["remind_draft_deadline"]
            del self.fields["remind_information_due"]
