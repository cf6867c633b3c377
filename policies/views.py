"""Public pages for policies and their goals."""

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.generic import TemplateView

from grants.cards import for_cards, with_card_parts
from grants.models import Allocation
from grants.public import funded_projects, open_data_projects
from indicators.models import Indicator
from indicators.selectors import policy_indicators
from portal.public_cache import public_page

from .models import Goal, GoalKind, Policy, Target


@method_decorator(public_page, name="dispatch")
class PolicyListView(TemplateView):
    template_name = "policies/list.html"

    def get_context_data(self, **kwargs):
        policies = list(
            Policy.objects.select_related("municipality")
            .annotate(
                objectives=Count("goals", filter=Q(goals__kind=GoalKind.OBJECTIVE)),
                resources=Count("goals", filter=Q(goals__kind=GoalKind.RESOURCE)),
            )
            .only("slug", "title", "subtitle", "period_start", "period_end", "municipality")
            .order_by("municipality__name", "-period_start")
        )
        for policy in policies:
            policy.goals_label = goals_label(policy.objectives, policy.resources)
        return super().get_context_data(policies=policies, **kwargs)


def goals_label(objectives: int, resources: int) -> str:
    """ "5 målsætninger og 4 ressourcer": a policy's goals counted on the list of policies."""
    said = [
        ngettext("%(n)d målsætning", "%(n)d målsætninger", objectives) % {"n": objectives},
        ngettext("%(n)d ressource", "%(n)d ressourcer", resources) % {"n": resources},
    ]
    if not objectives and not resources:
        return gettext("Ingen mål registreret")
    if not resources:
        return said[0]
    if not objectives:
        return said[1]
    return gettext("%(objectives)s og %(resources)s") % {
        "objectives": said[0],
        "resources": said[1],
    }


@method_decorator(public_page, name="dispatch")
class PolicyView(TemplateView):
    template_name = "policies/policy.html"

    def get_context_data(self, **kwargs):
        policy = get_object_or_404(
            Policy.objects.select_related("municipality"),
            municipality__slug=self.kwargs["kommune"],
            slug=self.kwargs["slug"],
        )
        goals = policy.goals.order_by("kind", "number").prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("responsible_committee"))
        )
        return super().get_context_data(
            policy=policy,
            principles=policy.principles.all(),
            objectives=[g for g in goals if g.kind == "objective"],
            resources=[g for g in goals if g.kind == "resource"],
            action_plans=policy.action_plans.all(),
            has_barometer=policy_indicators(policy).exists(),
            **kwargs,
        )


PROJECTS_SHOWN = 10


@method_decorator(public_page, name="dispatch")
class GoalView(TemplateView):
    """A goal with the projects serving it, the money they got per year and its indicators."""

    template_name = "policies/goal.html"

    def get_context_data(self, **kwargs):
        goal = get_object_or_404(
            Goal.objects.select_related("policy__municipality", "responsible_committee"),
            pk=self.kwargs["pk"],
        )
        serving = funded_projects().filter(goals=goal)
        # The newest; the catalogue, filtered on the goal, has them all (a goal of a large
        # municipality is served by hundreds over the years: issue #17).
        projects = with_card_parts(
            for_cards(serving).order_by("-pool__year", "number", "title")[:PROJECTS_SHOWN]
        )
        project_count = len(projects)
        if project_count == PROJECTS_SHOWN:
            project_count = serving.count()
        # Real grants only, as the open data: an example pool's money is not the
        # municipality's (fresh eyes round 13 found it in the goal's sums). Summed per year
        # by the database: a busy goal has hundreds of grants.
        money = dict(
            Allocation.objects.filter(application__in=open_data_projects().filter(goals=goal))
            .exclude(pool__is_example=True)
            .order_by()
            .values("pool__year")
            .annotate(total=Sum("amount"))
            .values_list("pool__year", "total")
        )
        indicators = Indicator.objects.filter(goal=goal) | Indicator.objects.filter(
            target__goal=goal
        )
        return super().get_context_data(
            goal=goal,
            policy=goal.policy,
            targets=goal.targets.select_related("responsible_committee"),
            projects=projects,
            project_count=project_count,
            all_projects=(
                f"{reverse('public:catalogue')}?"
                + urlencode({"kommune": goal.policy.municipality.slug, "maal": goal.pk})
            ),
            money=sorted(money.items(), reverse=True),
            indicators=indicators.select_related("target").prefetch_related(
                "responsible_committees"
            ),
            **kwargs,
        )
