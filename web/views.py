"""The front page: every municipality with its policies and pools (data of several apps)."""

from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from grants.models import Pool, PoolStatus
from policies.models import Policy
from portal.models import Municipality
from portal.public_cache import public_page


@method_decorator(public_page, name="dispatch")
class HomeView(TemplateView):
    """Front page: every municipality with its policies and pools, open pools first."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipalities = Municipality.objects.prefetch_related(
            Prefetch("policies", queryset=Policy.objects.order_by("-period_start")),
            Prefetch("pools", queryset=Pool.objects.order_by("-year")),
        )
        context["municipalities"] = municipalities
        context["open_pools"] = (
            Pool.objects.filter(status=PoolStatus.OPEN)
            .select_related("municipality")
            .order_by("application_deadline")
        )
        return context
