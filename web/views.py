"""The front page: every municipality with its policies and pools (data of several apps)."""

import json

from django.db.models import Count, Max, Min, Prefetch
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from grants.open_pools import open_pool_rows
from grants.public import public_pools
from policies.models import Policy
from portal import site
from portal.models import Municipality
from portal.public_cache import public_page

from .catalogue import catalogue_record


@method_decorator(public_page, name="dispatch")
class HomeView(TemplateView):
    """Front page: the open pools, then every municipality with its policies and a link to
    its pools (listing every pool of a hundred municipalities made the page 226 KB)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pools = {
            row["municipality"]: row
            for row in public_pools()
            .order_by()
            .values("municipality")
            .annotate(count=Count("pk"), first_year=Min("year"), last_year=Max("year"))
        }
        municipalities = list(
            Municipality.objects.prefetch_related(
                Prefetch(
                    "policies",
                    queryset=Policy.objects.order_by("-period_start").only(
                        "municipality_id", "slug", "title", "subtitle", "adopted_on"
                    ),
                )
            ).order_by("name")
        )
        for municipality in municipalities:
            municipality.pools_label = pools_label(pools.get(municipality.pk))
        context["municipalities"] = municipalities
        context["open_pools"] = open_pool_rows()
        return context


def pools_label(row: dict | None) -> str:
    """ "10 puljer, 2016–2025": a municipality's pools on the front page, said once in Python
    (a translated tag per row was most of the page's time)."""
    if row is None:
        return ""
    first, last, count = row["first_year"], row["last_year"], row["count"]
    if first == last:
        return ngettext("%(count)d pulje i %(year)d", "%(count)d puljer i %(year)d", count) % {
            "count": count,
            "year": first,
        }
    return ngettext(
        "%(count)d pulje, %(first)d–%(last)d", "%(count)d puljer, %(first)d–%(last)d", count
    ) % {"count": count, "first": first, "last": last}


@public_page
def catalogue_view(request):
    """/data/katalog.jsonld: the DCAT-AP record a data portal harvests (web/catalogue.py)."""
    record = catalogue_record(site.base_url(request))
    response = HttpResponse(
        json.dumps(record, ensure_ascii=False),
        content_type="application/ld+json; charset=utf-8",
    )
    return response
