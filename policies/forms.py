"""Staff forms for policies: the action plan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import Pool
from portal.forms import LimitedTextMixin

from .models import SDG, ActionPlan, Policy
from .services import ActionPlanContent


class ActionPlanForm(LimitedTextMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    policy = forms.ModelChoiceField(label=_("Politik"), queryset=Policy.objects.none())
    year_start = forms.IntegerField(label=_("Fra år"), min_value=2000, max_value=2100)
    year_end = forms.IntegerField(
        label=_("Til år"),
        min_value=2000,
        max_value=2100,
        help_text=_("En handleplan dækker et eller to år."),
    )
    introduction = forms.CharField(
        label=_("Indledning"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    pools = forms.ModelMultipleChoiceField(
        label=_("Puljer i handleplanen"),
        queryset=Pool.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Puljerne for handleplanens år. Deres indsatser og summer står i planen."),
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("Verdensmål"),
        queryset=SDG.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality, plan: ActionPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["policy"].queryset = Policy.objects.filter(municipality=municipality)
        self.fields["pools"].queryset = (
            Pool.objects.filter(municipality=municipality)
            .select_related("action_plan")
            .order_by("-year")
        )
        self.fields["pools"].label_from_instance = self.pool_label
        if plan is not None and not self.is_bound:
            self.initial.update(
                title=plan.title,
                policy=plan.policy_id,
                year_start=plan.year_start,
                year_end=plan.year_end,
                introduction=plan.introduction,
                pools=list(plan.pools.values_list("pk", flat=True)),
                sdgs=list(plan.sdgs.values_list("pk", flat=True)),
                version=plan.version,
            )

    def pool_label(self, pool: Pool) -> str:
        if pool.action_plan_id and pool.action_plan_id != getattr(self.plan, "pk", None):
            return _("%(pool)s (hører til »%(plan)s«)") % {
                "pool": pool.title,
                "plan": pool.action_plan.title,
            }
        return pool.title

    def to_content(self) -> ActionPlanContent:
        data = self.cleaned_data
        return ActionPlanContent(
            policy_id=data["policy"].pk,
            title=data["title"],
            year_start=data["year_start"],
            year_end=data["year_end"],
            introduction=data["introduction"],
            sdg_ids=[sdg.pk for sdg in data["sdgs"]],
            pool_ids=[pool.pk for pool in data["pools"]],
        )
