"""sitemap.xml for search engines: the public pages only."""

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse

from grants.public import funded_projects, public_pools
from indicators.selectors import policies_with_indicators
from policies.models import Goal, Policy
from portal import site as portal_site


class Sitemap(DjangoSitemap):
    """Addresses under PORTAL_BASE_URL when it is set; otherwise Django uses the request's
    scheme and host."""

    def get_protocol(self, protocol=None):
        return portal_site.scheme_and_domain()[0] or super().get_protocol(protocol)

    def get_domain(self, site=None):
        return portal_site.scheme_and_domain()[1] or super().get_domain(site)


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "public:catalogue",
            "public:pools",
            "politikker:list",
            "public:data",
            "barometer:index",
        ]

    def location(self, item):
        return reverse(item)


class ProjectSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return funded_projects().order_by("pk").only("pk", "updated_at")

    def location(self, item):
        return reverse("public:project", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


class PoolSitemap(Sitemap):
    def items(self):
        return (
            public_pools()
            .filter(is_example=False)
            .select_related("municipality", "scheme")
            .order_by("pk")
        )

    def location(self, item):
        return item.public_url


class CallSitemap(Sitemap):
    """The call for applications ("Søg puljen") of each open pool."""

    def items(self):
        from grants.views.call import open_pools

        return open_pools().order_by("pk")

    def location(self, item):
        return reverse("public:call", args=[item.pk])


class PolicySitemap(Sitemap):
    def items(self):
        return Policy.objects.select_related("municipality").order_by("pk")

    def location(self, item):
        return reverse("politikker:policy", args=[item.municipality.slug, item.slug])


class GoalSitemap(Sitemap):
    def items(self):
        return Goal.objects.order_by("pk").only("pk")

    def location(self, item):
        return reverse("politikker:goal", args=[item.pk])


class BarometerSitemap(Sitemap):
    """The barometer of each policy that has indicators."""

    changefreq = "monthly"

    def items(self):
        return policies_with_indicators().select_related("municipality").order_by("pk")

    def location(self, item):
        return reverse("barometer:policy", args=[item.municipality.slug, item.slug])


SITEMAPS = {
    "static": StaticSitemap,
    "projects": ProjectSitemap,
    "calls": CallSitemap,
    "pools": PoolSitemap,
    "policies": PolicySitemap,
    "goals": GoalSitemap,
    "barometer": BarometerSitemap,
}
