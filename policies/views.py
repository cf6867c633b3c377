"""Public pages for policies and their goals."""

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from grants.cards import for_cards, with_card_parts
from grants.models import Allocation
from grants.public import funded_projects, open_data_projects
from indicators.models import Indicator
from indicators.selectors import policy_indicators
from portal.money import ZERO
from portal.public_cache import public_page

from .models import Goal, Policy, Target


@method_decorator(public_page, name="dispatch")
class PolicyListView(TemplateView):
    template_name = "policies/list.html"

    def get_context_data(self, **kwargs):
        policies = Policy.objects.select_related("municipality").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("kind", "number"))
        )
        return super().get_context_data(policies=policies, **kwargs)


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


@method_decorator(public_page, name="dispatch")
class GoalView(TemplateView):
    """A goal with the projects serving it, the money they got per year and its indicators."""

    template_name = "policies/goal.html"

    def get_context_data(self, **kwargs):
        goal = get_object_or_404(
            Goal.objects.select_related("policy__municipality", "responsible_committee"),
            pk=self.kwargs["pk"],
        )
        projects = with_card_parts(
            for_cards(funded_projects().filter(goals=goal)).order_by(
                "-pool__year", "number", "title"
            )
        )
        money = defaultdict(lambda: ZERO)
        # Real grants only, as the open data: an example pool's money is not the
        # municipality's (fresh eyes round 13 found it in the goal's sums).
        for year, amount in (
            Allocation.objects.filter(application__in=open_data_projects().filter(goals=goal))
            .exclude(pool__is_example=True)
            .values_list("pool__year", "amount")
        ):
            money[year] += amount
        indicators = Indicator.objects.filter(goal=goal) | Indicator.objects.filter(
            target__goal=goal
        )
        return super().get_context_data(
            goal=goal,
            policy=goal.policy,
            targets=goal.targets.select_related("responsible_committee"),
            projects=projects,
            money=sorted(money.items(), reverse=True),
            indicators=indicators.select_related("target").prefetch_related(
                "responsible_committees"
            ),
            **kwargs,
        )
