from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from policies.models import Goal, Policy, Target
from portal.forms import DanishDecimalField, LimitedTextMixin
from portal.models import Committee

from .models import Indicator, Measurement
from .services import measurement_year_error, target_problem


class IndicatorForm(LimitedTextMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicator
        fields = [
            "goal",
            "target",
            "title",
            "unit",
            "direction",
            "baseline_value",
            "baseline_year",
            "baseline_period",
            "baseline_text",
            "target_kind",
            "target_value",
            "target_year",
            "target_text",
            "comparison_label",
            "responsible_committees",
            "source",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "baseline_text": forms.Textarea(attrs={"rows": 2}),
            "target_text": forms.Textarea(attrs={"rows": 2}),
            "responsible_committees": forms.CheckboxSelectMultiple,
        }
        field_classes = {"baseline_value": DanishDecimalField, "target_value": DanishDecimalField}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(policy__municipality=municipality)
        self.fields["target"].queryset = Target.objects.filter(
            goal__policy__municipality=municipality
        ).select_related("goal")
        # Each sub-goal with its goal: the list repeated "1., 2., 1., …" (fresh eyes round 21).
        self.fields["target"].label_from_instance = lambda target: (
            f"{target.goal.name} · {target.number}. {Truncator(target.text).words(14)}"
        )
        self.fields["responsible_committees"].queryset = Committee.objects.filter(
            municipality=municipality
        )
        # The goal follows from a sub-goal; said, so an empty goal does not look lost (fresh
        # eyes round 37: the list said "Mål 1", the form's goal "- Vælg -").
        target = self.instance.target if self.instance.target_id else None
        self.fields["goal"].help_text = (
            _("Målet følger af sigtepunktet: %(goal)s.") % {"goal": target.goal.name}
            if target
            else _("Et mål, eller et sigtepunkt herunder (så følger målet af det).")
        )
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        # An indicator without a goal or a sub-goal is refused by the model's constraint,
        # in its words (validate_constraints).
        if problem := target_problem(data.get("goal"), data.get("target")):
            self.add_error("target", problem)
        kind = data.get("target_kind")
        if kind != "direction_only" and data.get("target_value") is None:
            self.add_error("target_value", _("Angiv måltallet, eller vælg »Kun retning«."))
        if kind == "relative_percent" and data.get("baseline_value") is None:
            self.add_error(
                "baseline_value", _("Et procentvist mål kræver en baseline at regne fra.")
            )
        for name in ("baseline_year", "target_year"):
            year = data.get(name)
            if year is not None and not 1990 <= year <= 2100:
                self.add_error(name, _("Angiv et årstal mellem 1990 og 2100."))
        return data


class MeasurementForm(LimitedTextMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        # Its own ids: it stands on the indicator's page beside the indicator's form, whose
        # "Kilde" had the same id (fresh eyes round 21: its label led to the other field).
        kwargs.setdefault("auto_id", "id_maaling_%s")
        super().__init__(*args, **kwargs)

    class Meta:
        model = Measurement
        fields = ["year", "period", "value", "comparison_value", "source", "note"]
        field_classes = {"value": DanishDecimalField, "comparison_value": DanishDecimalField}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if error := measurement_year_error(year):
            raise forms.ValidationError(error)
        return year


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil med målinger"),
        help_text=_("Semikolon- eller kommasepareret, UTF-8. Se formatet herunder."),
    )


class BarometerUpdateForm(forms.ModelForm):
    """Which month the policy's barometer is updated each year ("—" for none)."""

    class Meta:
        model = Policy
        fields = ["barometer_update_month"]
        labels = {"barometer_update_month": _("Barometeret opdateres hvert år senest i")}
        widgets = {"barometer_update_month": forms.Select(attrs={"class": "form-select"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["barometer_update_month"]
        field.choices = [("", _("Ingen fast måned")), *list(field.choices)[1:]]
