"""The front page: every municipality with its policies and pools (data of several apps)."""

import json

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from grants.models import PoolStatus
from grants.public import public_pools
from policies.models import Policy
from portal import site
from portal.models import Municipality
from portal.public_cache import public_page

from .catalogue import catalogue_record


@method_decorator(public_page, name="dispatch")
class HomeView(TemplateView):
    """Front page: every municipality with its policies and pools, open pools first."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipalities = Municipality.objects.prefetch_related(
            Prefetch("policies", queryset=Policy.objects.order_by("-period_start")),
            Prefetch(
                "pools",
                queryset=public_pools().select_related("municipality", "scheme").order_by("-year"),
            ),
        )
        context["municipalities"] = municipalities
        context["open_pools"] = (
            public_pools()
            .filter(status=PoolStatus.OPEN)
            .select_related("municipality", "scheme")
            .order_by("application_deadline")
        )
        return context


@public_page
def catalogue_view(request):
    """/data/katalog.jsonld: the DCAT-AP record a data portal harvests (web/catalogue.py)."""
    record = catalogue_record(site.base_url(request))
    response = HttpResponse(
        json.dumps(record, ensure_ascii=False),
        content_type="application/ld+json; charset=utf-8",
    )
    return response
