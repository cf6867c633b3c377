"""The report form: one row per success criterion, money spent per granted year."""

from django import forms
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from grants.models import Report
from grants.services.reports import ReportContent
from portal.forms import DanishDecimalField, KronerField


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Sammenfatning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hvad har indsatsen opnået, og hvad har I lært?"),
    )
    anchoring_status = forms.CharField(
        label=_("Status for forankring"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fortsætter arbejdet efter bevillingen, og hvem står for det?"),
    )
    unspent_amount = KronerField(
        label=_("Ubrugte midler"),
        required=False,
        help_text=_("Beløb, der ikke er brugt. Sekretariatet kan overføre det til næste år."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.criteria = list(report.application.success_criteria.all())
        results = {r.criterion_id: r for r in report.results.all()}
        self.criterion_rows = []
        for criterion in self.criteria:
            value_name, comment_name = f"achieved_{criterion.pk}", f"comment_{criterion.pk}"
            self.fields[value_name] = DanishDecimalField(
                label=_("Opnået værdi"),
                required=False,
                max_digits=14,
                decimal_places=2,
                help_text=(
                    _("Mål: %(value)s %(unit)s")
                    % {"value": floatformat(criterion.target_value, "-2"), "unit": criterion.unit}
                    if criterion.target_value is not None
                    else ""
                ),
            )
            self.fields[comment_name] = forms.CharField(
                label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            result = results.get(criterion.pk)
            if result:
                self.initial[value_name] = result.achieved_value
                self.initial[comment_name] = result.comment
            self.criterion_rows.append((criterion, self[value_name], self[comment_name]))
        spent = {s.year: s.amount for s in report.spent_amounts.all()}
        self.years = sorted(report.application.allocations.values_list("pool__year", flat=True))
        self.spent_fields = []
        for year in self.years:
            name = f"spent_{year}"
            self.fields[name] = KronerField(
                label=_("Brugt i %(year)s") % {"year": year}, required=False
            )
            self.initial[name] = spent.get(year)
            self.spent_fields.append(self[name])
        if not self.is_bound:
            self.initial.update(
                summary=report.summary,
                anchoring_status=report.anchoring_status,
                unspent_amount=report.unspent_amount,
                version=report.version,
            )

    def to_content(self) -> ReportContent:
        data = self.cleaned_data
        return ReportContent(
            summary=data["summary"],
            anchoring_status=data["anchoring_status"],
            unspent_amount=data["unspent_amount"],
            spent={year: data.get(f"spent_{year}") for year in self.years},
            results={
                c.pk: (data.get(f"achieved_{c.pk}"), data.get(f"comment_{c.pk}") or "")
                for c in self.criteria
            },
        )
