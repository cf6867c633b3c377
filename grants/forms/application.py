"""The application form: every heading of DESIGN.md, in order, with the seeds' wording.

Every field is optional here, because a draft may be saved at any stage; what submission
needs is checked by `grants.services.submission.missing_for_submission`, and marked on the
form from the same rule (`needed_for_sending`).
"""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from grants.models import FUNDED_STATUSES, Application, ContactPerson, SuccessCriterion
from grants.services.drafts import CONTACT_FIELDS, CRITERION_FIELDS, DraftContent
from grants.services.submission import needed_for_sending
from grants.wording import ORGANISATION_WORDS
from policies.models import SDG, Goal, GoalKind
from portal.forms import (
    CompleteRows,
    DanishDecimalField,
    EmailAddressField,
    KronerField,
    LimitedTextMixin,
    no_personal_data,
    no_web_address,
)
from portal.models import Committee

TEXTAREA = forms.Textarea(attrs={"rows": 4})
LONG_TEXT_FIELDS = [
    name for name in Application.CONTENT_FIELDS if name not in ("title", "committee", "amount_note")
]

# Help texts in the words of the action plan (seed 000) and the policy (seed 002).
HELP = {
    "title": _("Indsatsens navn, som det skal stå i handleplanen, fx »Kvinder i job«."),
    "committee": _("Det politiske udvalg, indsatsen hører under, fx AUU."),
    "co_committees": _("Kun hvis indsatsen også hører under andre udvalg, fx KFU i »SU/KFU«."),
    "amount_note": _("Fx »+ restmidler fra 2020« eller forudsætninger for beløbet."),
    "continues": _("Sæt kryds ved den eller de tidligere ansøgninger, indsatsen viderefører."),
    "previous_funding_text": _("Fx »Projektet fik også midler for 2020« – eller »Nej«."),
    "goals": _(
        "Vælg de målsætninger i integrationspolitikken, som indsatsen primært knytter sig til."
    ),
    "resources": _("Ressourcerne er politikkens veje til målene; vælg dem, indsatsen bygger på."),
    "other_policy_goals": _(
        "Fx Frederiksbergstrategiens »Byen for Alle« eller beskæftigelsesindsatsens prioriteringer."
    ),
    "target_group": _(
        "Hvem er indsatsen for? Fx kvindelige flygtninge under integrationsprogrammet."
    ),
    "challenge": _("Hvilken udfordring søger indsatsen at håndtere, og hvad ved I om den?"),
    "purpose": _("Hvad vil indsatsen ændre, og hvorfor tror I, at den virker?"),
    "description": _(
        "Aktiviteter, omfang, antal deltagere og samspil med andre indsatser. For en "
        "videreført indsats: hvad har virket, og hvad justeres?"
    ),
    "continuation_learnings": _("Kun for en indsats, der videreføres."),
    "anchoring": _("Hvordan fortsætter arbejdet, når bevillingen udløber?"),
    "partners": _("Eksterne og interne samarbejdspartnere."),
    "other_funding": _("Fx medarbejdertimer fra afdelingen eller andre puljer."),
    "sdgs": _("Valgfrit: FN's verdensmål, som indsatsen understøtter."),
}


class ApplicationForm(LimitedTextMixin, forms.ModelForm):
    co_committees = forms.ModelMultipleChoiceField(
        queryset=Committee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Øvrige udvalg"),
        help_text=HELP["co_committees"],
    )
    continues = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        required=False,
        label=_("Viderefører tidligere ansøgning(er)"),
        help_text=HELP["continues"],
        # Boxes to tick, as the other lists: a five-row list box looked like an empty text
        # field to a volunteer (fresh eyes round 18), and unchoosing took Ctrl-click.
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Målsætninger"),
        help_text=HELP["goals"],
    )
    resources = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Ressourcer"),
        help_text=HELP["resources"],
    )
    sdgs = forms.ModelMultipleChoiceField(
        queryset=SDG.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("FN's verdensmål"),
        help_text=HELP["sdgs"],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Application
        fields = list(Application.CONTENT_FIELDS)
        labels = {
            "title": _("Indsats"),
            "committee": _("Politisk udvalg"),
            "previous_funding_text": _("Tidligere modtaget fra puljen"),
            "other_policy_goals": _(
                "Hvilke målsætninger fra andre politikker knytter indsatsen sig til?"
            ),
            "target_group": _("Hvem er målgruppen for indsatsen?"),
            "challenge": _("Hvilken udfordring søger indsatsen at håndtere?"),
            "purpose": _("Formål/forandringsteori"),
            "description": _(
                "Beskrivelse af indsatsen (herunder evt. samspil med andre indsatser)"
            ),
            "continuation_learnings": _("Hvad har virket, og hvad justeres?"),
            "anchoring": _("Hvad er forankringsperspektivet for indsatsen?"),
            "partners": _("Hvilke øvrige samarbejdspartnere er med? (eksterne og interne)"),
            "other_funding": _("Er der anden finansiering udover integrationspuljen?"),
        }
        widgets = dict.fromkeys(LONG_TEXT_FIELDS, TEXTAREA)

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, instance=application, **kwargs)
        self.application = application
        municipality = application.municipality
        policy = application.pool.policy
        committees = Committee.objects.filter(municipality=municipality)
        self.fields["committee"].queryset = committees
        self.fields["co_committees"].queryset = committees
        self.fields["goals"].queryset = policy.goals.filter(kind=GoalKind.OBJECTIVE)
        self.fields["resources"].queryset = policy.goals.filter(kind=GoalKind.RESOURCE)
        # The goal's one name (as on the receipt, the staff pages and the public tags), with the
        # policy's full wording after it where that differs.
        for name in ("goals", "resources"):
            self.fields[name].label_from_instance = lambda goal: (
                f"{goal.name} ({goal.title})" if goal.wording_differs else goal.name
            )
        earlier = Application.objects.filter(
            municipality=municipality,
            status__in=FUNDED_STATUSES,
            pool__year__lt=application.pool.year,
        )
        if application.organisation_id:
            # An association continues its own projects, not another's.
            earlier = earlier.filter(organisation_id=application.organisation_id)
        self.fields["continues"].queryset = (
            # Only earlier years' grants can be continued.
            earlier.exclude(pk=application.pk)
            .select_related("pool")
            .order_by("-pool__year", "title")
        )
        self.fields["continues"].label_from_instance = lambda a: f"{a.title} ({a.pool.year})"
        # A list with nothing to choose is not asked (fresh eyes round 10: two empty lists).
        for name in ("continues", "resources"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        for name, field in self.fields.items():
            field.required = False
            if name in HELP and not field.help_text:
                field.help_text = HELP[name]
        if application.organisation_id:
            for name, (label, help_text) in ORGANISATION_WORDS.items():
                if name in self.fields:
                    self.fields[name].label, self.fields[name].help_text = label, help_text
        # Marked as needed for sending (a star), from the rule that checks it; the headings
        # the short form hides are marked too, as they are needed whenever they are shown.
        self.needed = needed_for_sending(application, short_form=False)
        for name in self.needed & self.fields.keys():
            self.fields[name].needed_for_sending = True
        self.fields["version"].required = True
        self.fields["title"].validators.append(no_web_address)
        for name in Application.CONTENT_FIELDS:
            field = self.fields.get(name)
            if isinstance(field, forms.CharField):
                field.validators.append(no_personal_data)
        # A new application is not saved until its first "Gem kladde" (no empty drafts).
        saved = application.pk is not None
        requested = (
            {row.year: row.amount for row in application.requested_amounts.all()} if saved else {}
        )
        self.amount_fields = []
        for year in application.years:
            name = f"amount_{year}"
            self.fields[name] = KronerField(
                label=_("Beløb %(year)s") % {"year": year},
                required=False,
                help_text=(
                    _(
                        "I kroner, fx 150.000 (øre med komma, fx 12.500,50). Skriv 0, hvis I "
                        "ikke søger for det år."
                    )
                    if application.organisation_id
                    else _(
                        "I kroner, fx 150.000 (øre med komma, fx 12.500,50). Skriv 0, hvis der "
                        "ikke søges for året."
                    )
                ),
            )
            self.initial.setdefault(name, requested.get(year))
            self.amount_fields.append(name)
        if not self.is_bound:
            self.initial["version"] = application.version
        if not self.is_bound and saved:
            chosen = list(application.goals.all())
            self.initial["goals"] = [g for g in chosen if g.kind == GoalKind.OBJECTIVE]
            self.initial["resources"] = [g for g in chosen if g.kind == GoalKind.RESOURCE]
            self.initial["co_committees"] = list(application.co_committees.all())
            self.initial["sdgs"] = list(application.sdgs.all())
            self.initial["continues"] = list(application.continues.all())

    def clean(self):
        data = super().clean()
        committee = data.get("committee")
        if committee is not None and committee in (data.get("co_committees") or []):
            # Named once (fresh eyes round 21: "AUU, AUU" on the submit page).
            self.add_error(
                "co_committees",
                _("%(committee)s er allerede valgt som politisk udvalg; vælg kun andre udvalg her.")
                % {"committee": committee.abbreviation or committee.name},
            )
        return data

    def amounts(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(f"amount_{year}") for year in self.application.years}

    def amount_total(self) -> Decimal | None:
        """The amounts as the page shows them, added up ("I alt" under several years; fresh
        eyes rounds 21-22): None while one of them is not an amount."""
        total = Decimal(0)
        for name in self.amount_fields:
            bound = self[name]
            try:
                value = bound.field.to_python(bound.value())
            except forms.ValidationError:
                return None
            total += value or 0
        return total

    def to_content(self, contacts: "forms.BaseFormSet", criteria: "forms.BaseFormSet"):
        data = self.cleaned_data
        return DraftContent(
            fields={name: data.get(name) for name in Application.CONTENT_FIELDS},
            co_committees=data.get("co_committees") or [],
            goals=[*(data.get("goals") or []), *(data.get("resources") or [])],
            sdgs=data.get("sdgs") or [],
            continues=data.get("continues") or [],
            amounts=self.amounts(),
            contacts=rows_from(contacts, CONTACT_FIELDS),
            criteria=rows_from(criteria, CRITERION_FIELDS),
        )


def rows_from(formset, names: tuple) -> list[dict]:
    """Non-empty, non-deleted rows of a formset as dicts (with the row's id if it has one)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        if not any(data.get(name) not in (None, "") for name in names):
            continue
        row = {name: data.get(name) for name in names} | {"prefix": form.prefix}
        if data.get("id") is not None:
            row["id"] = data["id"].pk
        rows.append(row)
    return rows


class ContactForm(LimitedTextMixin, forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "title", "department", "email", "phone"]
        labels = {
            "name": _("Navn"),
            "title": _("Stilling"),
            "department": _("Afdeling"),
            "email": _("E-mail"),
            "phone": _("Telefon"),
        }
        field_classes = {"email": EmailAddressField}

    def __init__(self, *args, volunteer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        # A name, title and department go into letters' address blocks and mails: no web or
        # e-mail address there (attack round 21: "Att.: Eve – log ind på https://…").
        for name in ("name", "title", "department"):
            self.fields[name].validators.append(no_web_address)
        if volunteer:
            # A volunteer has a role in the association, not a department; every row, the
            # one the button adds included (attack round 21: it said "Stilling").
            self.fields["department"].label = _("Rolle i foreningen")
            self.fields["title"].label = _("Titel (kan springes over)")

    def clean_phone(self):
        phone = " ".join(self.cleaned_data.get("phone", "").split())
        if phone and not re.fullmatch(r"\+?[0-9 ()./-]{4,25}", phone):
            raise forms.ValidationError(
                _("Skriv kun telefonnummeret, fx 38 21 00 00 eller +45 38 21 00 00."),
                code="not_a_phone",
            )
        return phone


class CriterionForm(LimitedTextMixin, forms.ModelForm):
    # A criterion is one measurable sentence or two; 30 of the general limit made a PDF copy
    # of 600.000 characters, longer than a worker may take to lay out.
    text_limits = {"text": 1000}

    class Meta:
        model = SuccessCriterion
        fields = ["text", "target_value", "unit"]
        labels = {
            "text": _("Succeskriterium"),
            "target_value": _("Måltal (valgfrit)"),
            "unit": _("Enhed"),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"target_value": DanishDecimalField}
        help_texts = {
            "text": _("Fx »80 % af deltagerne gennemfører det fulde forløb«."),
            "target_value": _("Fx 80 eller 80,5"),
            "unit": _("Fx %, deltagere"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        # Published on the project page with the application's texts.
        self.fields["text"].validators.append(no_personal_data)

    def clean(self):
        data = super().clean()
        error = SuccessCriterion.value_error(data.get("target_value"), data.get("unit") or "")
        if error:
            self.add_error("target_value", error)
        return data


class ContactRows(CompleteRows):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "Der kan højst være %(num)d kontaktperson.",
            "Der kan højst være %(num)d kontaktpersoner.",
            "num",
        )
    }


class CriterionRows(CompleteRows):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "Der kan højst være %(num)d succeskriterium.",
            "Der kan højst være %(num)d succeskriterier.",
            "num",
        )
    }


ContactFormSet = forms.inlineformset_factory(
    Application,
    ContactPerson,
    form=ContactForm,
    formset=ContactRows,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,  # max_num alone only limits what is shown, not what is posted
    # Rows built from a posted TOTAL_FORMS: without a cap a forged 5000 cost 20 s per request.
    absolute_max=25,
)
CriterionFormSet = forms.inlineformset_factory(
    Application,
    SuccessCriterion,
    form=CriterionForm,
    formset=CriterionRows,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
    absolute_max=35,
)
