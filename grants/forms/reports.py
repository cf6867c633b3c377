"""The report form: one row per success criterion, money spent per granted year."""

from django import forms
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from grants.models import Report, ReportKind, SuccessCriterion
from grants.services.errors import DomainError
from grants.services.reports import ReportContent, settles_grant
from grants.services.spending import (
    check_no_future_spending,
    check_unspent,
)
from portal.forms import DanishDecimalField, KronerField, LimitedTextMixin, no_personal_data
from portal.numbers import format_number

ORGANISATION_WORDS = {
    "summary": (
        _("Hvad er der sket i projektet?"),
        _("Hvad har projektet givet deltagerne, og hvad har I lært?"),
    ),
    "anchoring_status": (
        _("Fortsætter arbejdet?"),
        _("Fortsætter arbejdet, når pengene er brugt, og hvem står for det?"),
    ),
    "unspent_amount": (
        _("Penge, I ikke har brugt"),
        _("Beløb, I ikke har brugt. Kommunen kan lade jer bruge dem næste år."),
    ),
    "overspend_explanation": (
        _("Hvis I har brugt mere end bevilget"),
        _("Hvorfor, og hvor kom de ekstra penge fra?"),
    ),
}


class ReportForm(LimitedTextMixin, forms.Form):
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
    overspend_explanation = forms.CharField(
        label=_("Forklaring på merforbrug"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_(
            "Skal udfyldes, hvis I et år har brugt mere end bevillingen for året (inklusive "
            "overførte restmidler): hvorfor, og hvor kommer pengene ud over bevillingen fra?"
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        volunteers = bool(report.application.organisation_id)
        if volunteers:
            # A volunteer's words (issue 16, item 5); the questions are the same.
            for name, (label, help_text) in ORGANISATION_WORDS.items():
                self.fields[name].label, self.fields[name].help_text = label, help_text
        if volunteers and report.kind == ReportKind.STATUS:
            # A status report comes in the middle of the project: asked as such, not as the
            # end's questions (fresh eyes round 22: "når pengene er brugt" a year early).
            self.fields["anchoring_status"].help_text = _(
                "Hvordan ser det ud til, at arbejdet kan fortsætte, når pengene er brugt? Skriv "
                "det, I ved nu."
            )
            self.fields["unspent_amount"].label = _("Penge, I ikke har brugt indtil nu")
        if settles_grant(report):
            # Nothing can move on to a next year once the grant is settled (fresh eyes round
            # 13: a final report promised a carry-over that cannot happen).
            self.fields["unspent_amount"].help_text = (
                _(
                    "Beløb, I ikke har brugt. Projektet slutter med denne rapport, så "
                    "pengene skal som regel betales tilbage. Kommunen kontakter jer om det."
                )
                if volunteers
                else _(
                    "Beløb, der ikke er brugt. Indsatsen afsluttes med denne rapport, så "
                    "beløbet skal som regel betales tilbage. Sekretariatet tager kontakt."
                )
            )
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
                    % {"value": format_number(criterion.target_value), "unit": criterion.unit}
                    if criterion.target_value is not None
                    else ""
                ),
            )
            # Shown beside the criterion on the public project page: no personal data.
            self.fields[comment_name] = forms.CharField(
                label=_("Kommentar"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[no_personal_data],
            )
            short = Truncator(criterion.text).chars(60)
            for name, label in ((value_name, _("Opnået værdi")), (comment_name, _("Kommentar"))):
                self.fields[name].summary_label = _("%(label)s for »%(criterion)s«") % {
                    "label": label,
                    "criterion": short,
                }
            result = results.get(criterion.pk)
            if result:
                self.initial[value_name] = result.achieved_value
                self.initial[comment_name] = result.comment
            self.criterion_rows.append((criterion, self[value_name], self[comment_name]))
        self.limit_text_fields()  # the comment fields above, added after the mixin's __init__
        spent = {s.year: s.amount for s in report.spent_amounts.all()}
        self.years = report.application.grant_years
        self.spent_fields = []
        this_year = timezone.localdate().year
        for year in self.years:
            name = f"spent_{year}"
            self.fields[name] = KronerField(
                label=_("Brugt i %(year)s") % {"year": year}, required=False
            )
            if year > this_year:
                # Nothing can be spent in a year not begun: said before, not refused after
                # (fresh eyes round 11).
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Kan udfyldes fra 1. januar %(year)s.") % {
                    "year": year
                }
            self.initial[name] = spent.get(year)
            self.spent_fields.append(self[name])
        if self.years and min(self.years) > this_year:
            # Nothing spent yet, so nothing left over either (fresh eyes round 13: 10.000 kr.
            # unused was typed beside a locked "Brugt i 2027").
            self.fields["unspent_amount"].disabled = True
            self.fields["unspent_amount"].help_text = _("Kan udfyldes fra 1. januar %(year)s.") % {
                "year": min(self.years)
            }
        if not self.is_bound:
            self.initial.update(
                summary=report.summary,
                anchoring_status=report.anchoring_status,
                unspent_amount=report.unspent_amount,
                overspend_explanation=report.overspend_explanation,
                version=report.version,
            )

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            name = f"achieved_{criterion.pk}"
            error = SuccessCriterion.value_error(data.get(name), criterion.unit)
            if error:
                self.add_error(name, error)
        spent = {year: data.get(f"spent_{year}") for year in self.years}
        try:
            check_no_future_spending(spent=spent)
        except DomainError as error:
            self.add_error(error.field, error.message)
        try:
            check_unspent(
                application_id=self.report.application_id,
                spent=spent,
                unspent=data.get("unspent_amount"),
            )
        except DomainError as error:
            self.add_error("unspent_amount", error.message)
        return data

    def to_content(self) -> ReportContent:
        data = self.cleaned_data
        return ReportContent(
            summary=data["summary"],
            anchoring_status=data["anchoring_status"],
            unspent_amount=data["unspent_amount"],
            overspend_explanation=data["overspend_explanation"],
            spent={year: data.get(f"spent_{year}") for year in self.years},
            results={
                c.pk: (data.get(f"achieved_{c.pk}"), data.get(f"comment_{c.pk}") or "")
                for c in self.criteria
            },
        )

    def typed_content(self) -> ReportContent:
        """What the form holds now, also when some of it did not validate (for the list of
        what is still missing): a value that was typed but is invalid counts as given, since
        its own error is shown at the field."""
        cleaned = getattr(self, "cleaned_data", {})

        def value(name):
            if name in cleaned:
                return cleaned[name]
            typed = self.data.get(self.add_prefix(name), "")
            return typed.strip() or None

        return ReportContent(
            summary=value("summary") or "",
            anchoring_status=value("anchoring_status") or "",
            # As typed (recheck round 33: left out, so the list asked for the very amount
            # that stood in the field).
            unspent_amount=value("unspent_amount"),
            overspend_explanation=value("overspend_explanation") or "",
            spent={year: value(f"spent_{year}") for year in self.years},
            results={
                c.pk: (value(f"achieved_{c.pk}"), value(f"comment_{c.pk}") or "")
                for c in self.criteria
            },
        )
