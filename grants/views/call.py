"""The public call for applications of an open pool ("Søg puljen")."""

from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from grants.models import Pool, PoolStatus
from portal.public_cache import public_page


def open_pools():
    return Pool.objects.filter(status=PoolStatus.OPEN, is_example=False)


@method_decorator(public_page, name="dispatch")
class CallView(TemplateView):
    """Purpose, who may apply, criteria, deadline, amounts, how and when the decision is
    made, the conditions by threshold, contact, and the way in: for an open pool only."""

    template_name = "grants/public/call.html"

    def get_context_data(self, **kwargs):
        pool = get_object_or_404(
            Pool.objects.filter(status=PoolStatus.OPEN).select_related(
                "municipality", "scheme", "policy"
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(pool=pool, **kwargs)
