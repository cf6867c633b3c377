"""Forms for committee staff. They validate input; the services in grants.services write."""

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from grants.documents.letters import default_appeal_guidance
from grants.models import (
    Applicants,
    DecisionOutcome,
    Pool,
    PoolStatus,
    ReportKind,
    ReservedLine,
    Scheme,
)
from grants.models.review import REVIEW_CRITERIA, Review
from grants.models.schemes import DEFAULT_SCHEME_NAME
from grants.services.decisions import decision_problems
from grants.services.pools import (
    DEADLINE_MISSING,
    delegation_problem,
    needs_deadline,
    pool_date_problems,
    round_taken,
    same_minute,
)
from grants.services.review import amount_problems
from grants.wording import decision_words
from policies.models import ActionPlan, Policy
from portal.forms import CompleteRows, KronerField, LimitedTextMixin, LocalDateTimeField
from portal.models import Committee
from portal.money import ZERO, format_kroner


def amount_fields(form: forms.Form, years: list[int], initial: dict, label) -> list[str]:
    """Add one KronerField per year to `form`; return their names."""
    names = []
    for year in years:
        name = f"amount_{year}"
        form.fields[name] = KronerField(
            label=label % {"year": year},
            required=False,
            # As on the application form (fresh eyes round 10: the review form had no hint).
            help_text=_("I kroner, fx 150.000."),
        )
        if initial.get(year) is not None:
            form.initial.setdefault(name, initial[year])
        names.append(name)
    return names


class YearAmountsMixin:
    """Forms with per-year amounts: `amounts()` returns {year: Decimal | None}."""

    years: list[int]

    def amounts(self):
        return {year: self.cleaned_data.get(f"amount_{year}") for year in self.years}

    def amount_bound_fields(self):
        return [self[f"amount_{year}"] for year in self.years]


class PoolForm(LimitedTextMixin, forms.ModelForm):
    budget = KronerField(label=_("Budget"), help_text=_("Puljens samlede ramme for året."))
    evaluation_threshold = KronerField(
        label=_("Grænse for samarbejdsaftale"),
        help_text=Pool._meta.get_field("evaluation_threshold").help_text,
    )
    delegation_limit = KronerField(
        label=_("Delegeret bevillingsgrænse"),
        required=False,
        help_text=Pool._meta.get_field("delegation_limit").help_text,
    )
    max_amount = KronerField(
        label=_("Højeste beløb pr. ansøgning"),
        required=False,
        help_text=Pool._meta.get_field("max_amount").help_text,
    )
    short_form_below = KronerField(
        label=_("Kort ansøgning under"),
        required=False,
        help_text=Pool._meta.get_field("short_form_below").help_text,
    )
    new_scheme_name = forms.CharField(
        label=_("Eller en ny puljeordning"),
        required=False,
        max_length=200,
        help_text=_("Fx »Puljen til frivilligt socialt arbejde«. Udfyldes kun for en ny ordning."),
    )
    # Only on a new pool (PoolContent.is_example): kept out of Meta.fields, so an edit never
    # touches it.
    is_example = forms.BooleanField(
        label=_("Eksempelpulje til at afprøve portalen"),
        required=False,
        help_text=_(
            "Vises mærket som eksempeldata og kommer ikke med i de åbne data. Kan ikke ændres "
            "bagefter."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Pool
        fields = [
            "scheme",
            "title",
            "year",
            "policy",
            "action_plan",
            "budget",
            "opens_at",
            "application_deadline",
            "committee_meeting_on",
            "evaluation_threshold",
            "delegation_limit",
            "legal_basis",
            "applicants",
            "max_grant_years",
            "max_amount",
            "short_form_below",
            "description",
            "criteria",
            "contact",
        ]
        field_classes = {"opens_at": LocalDateTimeField, "application_deadline": LocalDateTimeField}
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "application_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "committee_meeting_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "criteria": forms.Textarea(attrs={"rows": 3}),
            "contact": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = Policy.objects.filter(municipality=municipality)
        if self.instance.pk is not None:
            del self.fields["is_example"]
        self.fields["scheme"].queryset = Scheme.objects.filter(municipality=municipality)
        self.fields["scheme"].required = False
        self.fields["applicants"].required = False
        self.fields["max_grant_years"].required = False
        self.municipality = municipality
        # The default scheme once, not as "(standard)" and again by its name (fresh eyes
        # round 14): a new pool starts in it; before it exists the blank choice makes it.
        default = Scheme.objects.filter(municipality=municipality, name=DEFAULT_SCHEME_NAME).first()
        if default is None:
            self.fields["scheme"].empty_label = _("Integrationspuljen (standard)")
        else:
            self.fields["scheme"].empty_label = None
            if not self.instance.pk:
                self.initial.setdefault("scheme", default.pk)
        self.fields["action_plan"].queryset = ActionPlan.objects.filter(
            policy__municipality=municipality
        )
        # The range is clean_year's, said as such (attack round 24: -1 got Django's "større
        # end eller lig 0" for a rule of 2000–2100).
        self.fields["year"].validators = []
        self.fields["year"].widget.attrs.update(min=2000, max=2100)
        # Asked of a pool that is to take applications (the service's rule, in its words).
        deadline = self.fields["application_deadline"]
        deadline.required = needs_deadline(self.instance.status if self.instance.pk else "")
        deadline.error_messages["required"] = DEADLINE_MISSING
        self.fields["application_deadline"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields["opens_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields["committee_meeting_on"].input_formats = ["%Y-%m-%d"]
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def validate_constraints(self):
        """One round per scheme and year is the service's rule (grants.services.pools)."""

    def clean_applicants(self):
        return self.cleaned_data["applicants"] or Applicants.DEPARTMENTS

    def clean_max_grant_years(self):
        years = self.cleaned_data["max_grant_years"]
        if years is None:  # left out: the portal's usual two years
            return 2
        if not 1 <= years <= 10:
            raise forms.ValidationError(_("Angiv mellem 1 og 10 år."))
        return years

    def clean_max_amount(self):
        amount = self.cleaned_data["max_amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("Angiv et beløb over 0 kr., eller lad feltet stå tomt."))
        return amount

    def clean_delegation_limit(self):
        return self.cleaned_data["delegation_limit"] or 0

    def clean_application_deadline(self):
        deadline = self.cleaned_data["application_deadline"]
        if deadline is not None and not 2000 <= deadline.year <= 2100:
            raise forms.ValidationError(_("Angiv en frist mellem år 2000 og 2100."))
        return deadline

    def clean_opens_at(self):
        opens_at = self.cleaned_data["opens_at"]
        if opens_at is not None and not 2000 <= opens_at.year <= 2100:
            raise forms.ValidationError(_("Angiv et tidspunkt mellem år 2000 og 2100."))
        return opens_at

    def clean_committee_meeting_on(self):
        day = self.cleaned_data["committee_meeting_on"]
        if day is not None and not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("Angiv en dato mellem år 2000 og 2100."))
        return day

    def clean(self):
        cleaned = super().clean()
        opens_at, deadline = cleaned.get("opens_at"), cleaned.get("application_deadline")
        if opens_at and deadline and opens_at >= deadline:
            self.add_error("opens_at", _("Puljen skal åbne før ansøgningsfristen."))
        # The service's rule, asked here with the form's other errors.
        if problem := delegation_problem(
            budget=cleaned.get("budget"), limit=cleaned.get("delegation_limit")
        ):
            self.add_error("delegation_limit", problem)
        # The service's date rules, asked here so every date error shows in one round.
        instance = self.instance
        for field, message in pool_date_problems(
            status=instance.status if instance.pk else PoolStatus.PLANNED,
            year=cleaned.get("year"),
            opens_at=opens_at,
            deadline=deadline,
            opening_changed=not instance.pk or not same_minute(opens_at, instance.opens_at),
            deadline_changed=not instance.pk
            or not same_minute(deadline, instance.application_deadline),
        ):
            # Beside the field's other errors (fresh eyes round 14: an opening in the past
            # came a round after "Puljen skal åbne før ansøgningsfristen").
            if message not in self.errors.get(field, []):
                self.add_error(field, message)
        taken = round_taken(
            municipality_id=self.municipality.pk,
            scheme=cleaned.get("scheme"),
            year=cleaned.get("year"),
            new_scheme_name=cleaned.get("new_scheme_name") or "",
            exclude_pk=instance.pk,
        )
        if taken and not self.has_error("year"):
            self.add_error("year", taken)
        meeting = cleaned.get("committee_meeting_on")
        if meeting and deadline and meeting < timezone.localtime(deadline).date():
            self.add_error(
                "committee_meeting_on", _("Udvalgsmødet kan ikke ligge før ansøgningsfristen.")
            )
        return cleaned

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Angiv et år mellem 2000 og 2100."))
        return year


class ReservedLineForm(LimitedTextMixin, forms.ModelForm):
    amount = KronerField(label=_("Beløb"))

    class Meta:
        model = ReservedLine
        fields = ["title", "amount"]
        labels = {"title": _("Formål")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An extra row may be left empty, so its fields carry no "required" star (fresh eyes
        # round 39). Validation is unchanged: Django checks an extra row only once it is
        # filled (`has_changed`), and a filled row keeps its required fields.
        if self.empty_permitted and not (self.is_bound and self.has_changed()):
            for name in ("title", "amount"):
                self.fields[name].required = False

    def clean_amount(self):
        # At the field, in Danish (attack round 13: 0 kr. showed the database rule's name).
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("Beløbet skal være større end 0 kr."))
        return amount


ReservedLineFormSet = forms.inlineformset_factory(
    Pool,
    ReservedLine,
    form=ReservedLineForm,
    formset=CompleteRows,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
    absolute_max=25,  # a forged TOTAL_FORMS builds no more rows than this
)

SCORE_CHOICES = [("", _("Ikke vurderet"))] + [(str(n), str(n)) for n in range(1, 6)]
# What each score judges, in the application's own terms (fresh eyes round 31: five bare
# names and "1 = meget svag", nothing to review against).
SCORE_QUESTIONS = {
    "score_goal_fit": _(
        "Hjælper projektet med politikkens mål, som ansøgningen vælger dem, og puljens formål?"
    ),
    "score_target_group": _("Er målgruppen klart beskrevet, og kan projektet nå den?"),
    "score_feasibility": _("Er aktiviteter, samarbejdspartnere og succeskriterier realistiske?"),
    "score_anchoring": _("Fortsætter arbejdet, når pengene er brugt?"),
    "score_budget": _("Står det søgte beløb mål med det, projektet vil gøre?"),
}


class ReviewForm(LimitedTextMixin, YearAmountsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Vurdering"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, application, review: Review | None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in REVIEW_CRITERIA:
            self.fields[name] = forms.TypedChoiceField(
                label=Review._meta.get_field(name).verbose_name,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                help_text=format_lazy(
                    "{} {}", SCORE_QUESTIONS[name], _("1 = meget svag, 5 = meget stærk.")
                ),
            )
        self.years = application.years
        proposed = {}
        if review is not None:
            proposed = {row.year: row.amount for row in review.proposed_amounts.all()}
            for name in REVIEW_CRITERIA:
                value = getattr(review, name)
                self.initial[name] = str(value) if value is not None else ""
            self.initial["comment"] = review.comment
            self.initial["version"] = review.version
        amount_fields(self, self.years, proposed, _("Foreslået beløb %(year)s"))

    def scores(self):
        return {name: self.cleaned_data.get(name) for name in REVIEW_CRITERIA}

    def score_fields(self):
        return [self[name] for name in REVIEW_CRITERIA]


class CommentForm(LimitedTextMixin, forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class OptionalCommentForm(LimitedTextMixin, forms.Form):
    comment = forms.CharField(
        label=_("Kommentar (valgfri)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class ConflictForm(LimitedTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse for inhabilitet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Fx personlig interesse eller nær relation til ansøger (forvaltningsloven § 3)."
        ),
    )


class RecommendForm(LimitedTextMixin, YearAmountsMixin, forms.Form):
    summary = forms.CharField(
        label=_("Sekretariatets vurdering"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Sammenfatning til udvalget: hvorfor indstilles indsatsen, og med hvilket beløb?"
        ),
    )

    def __init__(self, *args, application, suggested: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.years = application.years
        amount_fields(self, self.years, suggested, _("Indstillet beløb %(year)s"))

    def clean(self):
        """The service's amount rules for every year at once, beside the fields' own errors."""
        data = super().clean()
        amounts = {year: amount for year, amount in self.amounts().items() if amount is not None}
        for problem in amount_problems(self.application, amounts):
            if problem.field not in self.errors:
                self.add_error(
                    problem.field if problem.field in self.fields else None, problem.message
                )
        return data


class DecisionForm(LimitedTextMixin, YearAmountsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Afgørelse"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    committee = forms.ModelChoiceField(
        label=_("Udvalg"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("Vælg udvalg"),
    )
    meeting_date = forms.DateField(
        label=_("Mødedato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    under_delegation = forms.BooleanField(
        label=_("Bevilget af sekretariatet under delegation (uden udvalgsbehandling)"),
        required=False,
    )
    message = forms.CharField(
        label=_("Meddelelse til ansøger"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reasons = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Skal udfyldes, når der ikke gives fuldt ud medhold (forvaltningsloven § 22): "
            "hvorfor gives der mindre end ansøgt, eller afslag?"
        ),
    )
    appeal_guidance = forms.CharField(
        label=_("Klagevejledning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions_text = forms.CharField(
        label=_("Øvrige vilkår"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kun ved bevilling: vilkår ud over puljens egne."),
    )

    def __init__(self, *args, application, suggested: dict, available: dict, **kwargs):
        """available: {year: what the year's pool has left, None without a budget}; a year
        missing there has no pool: it is not filled in, and the field says why (fresh eyes
        round 10: a suggested amount for a year without a pool, refused on saving)."""
        super().__init__(*args, **kwargs)
        self.application = application
        self.years = application.years
        self.fields["committee"].queryset = Committee.objects.filter(
            municipality=application.municipality
        )
        self.initial.setdefault("committee", application.committee_id)
        self.initial.setdefault(
            "appeal_guidance", default_appeal_guidance(application.pool, application)
        )
        # Never more than the year's pool has left: a pre-filled amount the form then refuses
        # helps nobody (fresh eyes round 29: 600.000 beside "har 570.000 kr. til rådighed").
        suggested = {
            year: amount if available[year] is None else max(min(amount, available[year]), ZERO)
            for year, amount in suggested.items()
            if year in available
        }
        amount_fields(self, self.years, suggested, _("Bevilget beløb %(year)s"))
        if application.from_own_department:
            # A department's is a "beslutning", outside forvaltningsloven (fresh eyes 29).
            self.fields["reasons"].help_text = _(
                "Skal udfyldes, når der ikke gives fuldt ud medhold: hvorfor gives der mindre "
                "end ansøgt, eller afslag?"
            )
            self.fields["appeal_guidance"].label = decision_words(application, "appeal_heading")
            self.fields["outcome"].label = decision_words(application, "noun")
        requested = {row.year: row.amount for row in application.requested_amounts.all()}
        for year in self.years:
            # A year not asked for says so, not "Søgt: 0 kr." (fresh eyes round 13).
            asked = (
                _("Søgt: %(asked)s") % {"asked": format_kroner(requested[year])}
                if requested.get(year)
                else _("Ikke søgt")
            )
            if year not in available and not requested.get(year):
                # Nothing asked and no pool: nothing to say (fresh eyes round 12).
                help_text = ""
            elif year not in available and application.pool.is_example:
                # Said like the real case, with why a real pool does not count (fresh eyes
                # round 25 found the old words clumsy).
                help_text = _(
                    "%(asked)s – der er ingen eksempelpulje for %(year)s endnu, så der kan ikke "
                    "bevilges for året nu (en ansøgning i en eksempelpulje får kun penge fra "
                    "eksempelpuljer)."
                ) % {"asked": asked, "year": year}
            elif year not in available:
                help_text = _(
                    "%(asked)s – der er ingen pulje for %(year)s endnu, så der kan ikke "
                    "bevilges for året nu."
                ) % {"asked": asked, "year": year}
            elif available[year] is None:
                help_text = _("%(asked)s – puljen for %(year)s har intet budget endnu.") % {
                    "asked": asked,
                    "year": year,
                }
            else:
                help_text = _("%(asked)s – puljen for %(year)s har %(left)s til rådighed.") % {
                    "asked": asked,
                    "year": year,
                    "left": format_kroner(available[year]),
                }
            self.fields[f"amount_{year}"].help_text = help_text
        if application.pool.delegation_limit <= 0:
            del self.fields["under_delegation"]

    def clean(self):
        """The decision service's rules, every one at once, beside the fields' own errors."""
        data = super().clean()
        if "outcome" not in data:
            return data
        typed = {f"amount_{year}" for year in self.years} | {"meeting_date"}
        amounts = {y: a for y, a in self.amounts().items() if a is not None}
        problems = decision_problems(
            application=self.application,
            outcome=data["outcome"],
            amounts=amounts if data["outcome"] == DecisionOutcome.APPROVED else {},
            committee=data.get("committee"),
            meeting_date=data.get("meeting_date"),
            reasons=data.get("reasons", ""),
            appeal_guidance=data.get("appeal_guidance", ""),
            under_delegation=data.get("under_delegation", False),
            conditions_text=data.get("conditions_text", ""),
        )
        # With an amount mistyped, the totals are judged without it: "must be above 0 kr."
        # beside "write a number" told the user twice about one typo (fresh eyes round 10).
        mistyped = any(f"amount_{year}" in self.errors for year in self.years)
        for problem in problems:
            if problem.field in typed and problem.field in self.errors:
                continue  # mistyped: its own message is already there
            if mistyped and problem.field not in self.fields:
                continue
            if (
                mistyped
                and data["outcome"] == DecisionOutcome.APPROVED
                and problem.field in ("reasons", "appeal_guidance")
            ):
                # Whether a grant is full is judged from the amounts: with one mistyped, the
                # grant looked partial and reasons were asked for (fresh eyes round 34).
                continue
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)
        return data


class AgreementForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Samarbejdsaftalen er underskrevet den"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ReportKind.choices)
    # Which dates are allowed is the service's rule (grants.services.follow_up.check_report_due).
    due_date = forms.DateField(label=_("Frist"), widget=forms.DateInput(attrs={"type": "date"}))


class CarryOverForm(LimitedTextMixin, forms.Form):
    from_year = forms.TypedChoiceField(label=_("Fra år"), coerce=int, choices=())
    amount = KronerField(label=_("Beløb"))
    note = forms.CharField(label=_("Bemærkning"), required=False, max_length=500)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_year"].choices = [(year, str(year)) for year in years]


class ReportDecisionForm(LimitedTextMixin, YearAmountsMixin, forms.Form):
    """Accept (optionally correcting the money spent) or return a submitted report."""

    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Skal udfyldes, når rapporten sendes retur."),
    )
    acknowledge_overspend = forms.BooleanField(
        label=_("Jeg har set merforbruget og godkender det"),
        required=False,
        help_text=_(
            "Rapporten viser forbrug ud over bevillingen. Pengene ud over bevillingen "
            "vises for sig i puljens tal og tæller ikke som brugt af puljens budget."
        ),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = report.application.grant_years
        spent = {row.year: row.amount for row in report.spent_amounts.all()}
        amount_fields(self, self.years, spent, _("Brugt i %(year)s"))
