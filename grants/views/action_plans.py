"""Committee staff create and edit their municipality's action plans."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from grants.access import StaffRequiredMixin
from grants.services.errors import DomainError, EditConflict
from policies.forms import ActionPlanForm
from policies.models import ActionPlan
from policies.services import do_create_action_plan, do_update_action_plan
from portal.conflicts import CONFLICT_STATUS, base_instance, rebase, saved_version, with_version


class ActionPlanEditView(StaffRequiredMixin, TemplateView):
    """Create (no pk) or edit an action plan: title, period, policy, introduction, pools."""

    template_name = "grants/documents/action_plan_form.html"

    def get_plan(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            ActionPlan.objects.filter(policy__municipality_id=self.request.user.municipality_id),
            pk=self.kwargs["pk"],
        )

    def build(self, plan, data=None):
        return ActionPlanForm(data, municipality=self.request.user.municipality, plan=plan)

    def render(self, plan, form, status=200):
        return self.render_to_response(self.get_context_data(plan=plan, form=form), status=status)

    def render_conflict(self, plan):
        """Keep what this user typed; show the colleague's saved plan next to it (fresh eyes
        round 22: only the message said someone else had saved)."""
        base = base_instance(plan, self.request.POST.get("version"))
        plan.refresh_from_db()
        saved = self.build(plan)
        data, taken = with_version(self.request.POST, plan.version), []
        if base is not None:
            # Fields this user did not touch take the colleague's values (no silent revert).
            data, taken = rebase(data, self.build(plan, data), self.build(base), saved)
        form = self.build(plan, data)
        form.is_valid()
        context = self.get_context_data(
            plan=plan, form=form, saved_version=saved_version(plan, form, saved, taken=taken)
        )
        return self.render_to_response(context, status=CONFLICT_STATUS)

    def get(self, request, *args, **kwargs):
        plan = self.get_plan()
        return self.render(plan, self.build(plan))

    def post(self, request, *args, **kwargs):
        plan = self.get_plan()
        form = self.build(plan, request.POST)
        if not form.is_valid():
            messages.error(request, _("Handleplanen er ikke gemt. Ret de markerede felter."))
            return self.render(plan, form, status=400)
        try:
            if plan is None:
                plan = do_create_action_plan(actor=request.user, content=form.to_content())
            else:
                do_update_action_plan(
                    action_plan_id=plan.pk,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    content=form.to_content(),
                )
        except EditConflict as conflict:
            messages.error(request, conflict.message)
            return self.render_conflict(plan)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render(plan, form, status=400)
        messages.success(request, _("Handleplanen er gemt."))
        return redirect("dokumenter:action-plan", pk=plan.pk)
