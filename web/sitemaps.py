"""The sitemap for search engines: the public pages only.

/sitemap.xml (the address robots.txt names) is an index of the sections' files,
/sitemap-<section>.xml?p=N, each page of a section a file of at most `limit` addresses
(issue #17: one file of every section cost 420 ms of CPU at 50,000 applications and held
only the first 5,000 projects)."""

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps import views as django_views
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.db.models import Max, Subquery
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property

from grants.catalogue import CountedPaginator, funded_count
from grants.public import funded_projects, public_pools
from indicators.models import Indicator
from indicators.selectors import policies_with_indicators
from policies.models import Goal, Policy
from portal import site as portal_site
from portal.params import id_param


class Sitemap(DjangoSitemap):
    """Addresses under PORTAL_BASE_URL when it is set; otherwise Django uses the request's
    scheme and host."""

    # A file of 200 addresses costs about 10 ms of CPU (0.05 ms each, mostly the template);
    # the index lists every page, so crawlers still reach every address.
    limit = 200

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
            "accessibility",
        ]

    def location(self, item):
        return reverse(item)


class FromFirstIdPaginator(CountedPaginator):
    """Pages of a queryset in id order, each read from its first id, which is found among
    the ids alone (the partial index `application_funded_id`): skipping every earlier row
    by OFFSET cost the last of 150 pages of projects 27 ms of the database's time at 50,000
    applications, 2.7 ms this way (issue #17)."""

    def page(self, number):
        number = self.validate_number(number)
        rows = self.object_list.order_by("pk")
        bottom = (number - 1) * self.per_page
        first = rows.values("pk")[bottom : bottom + 1]
        return self._get_page(rows.filter(pk__gte=Subquery(first))[: self.per_page], number, self)


class ProjectSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return funded_projects().order_by("pk").only("pk", "updated_at")

    @cached_property  # a Sitemap is made per request (SITEMAPS holds the classes)
    def paginator(self):
        # The number of pages from the counts the database keeps (grants.catalogue), not a
        # count of every funded project on every file and on the index.
        return FromFirstIdPaginator(self.items(), self.limit, count=funded_count())

    def location(self, item):
        # One reverse() per section, not per project (a quarter of a page's CPU).
        if not hasattr(self, "_address"):
            self._address = portal_site.id_address_pattern("public:project")
        return self._address.format(item.pk)

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's asks lastmod() of every item: 30,000 projects for one date in the index.
        return funded_projects().aggregate(latest=Max("updated_at"))["latest"]


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


class IndicatorSitemap(Sitemap):
    """Each indicator's page (its figures over time), linked from its goal and barometer."""

    changefreq = "monthly"

    def items(self):
        return Indicator.objects.order_by("pk").only("pk")

    def location(self, item):
        return reverse("barometer:indicator", args=[item.pk])


SITEMAPS = {
    "static": StaticSitemap,
    "projects": ProjectSitemap,
    "calls": CallSitemap,
    "pools": PoolSitemap,
    "policies": PolicySitemap,
    "goals": GoalSitemap,
    "barometer": BarometerSitemap,
    "indicators": IndicatorSitemap,
}


@x_robots_tag
def index(request, sitemaps=SITEMAPS):
    """/sitemap.xml: every page of every section that has addresses, as Django's
    sitemaps.views.index lists them, but under PORTAL_BASE_URL when it is set (Django's
    takes the host from the request, the sites framework being off). Cached as a public
    page (web/urls.py)."""
    base = portal_site.base_url(request)
    files = []
    for section, sitemap in sitemaps.items():
        sitemap = sitemap()
        # A section with no address (the calls while no pool is open) is left out: its file
        # would be an empty list (fresh eyes round 42). The file itself still answers.
        if not sitemap.paginator.count:
            continue
        address = base + reverse("sitemap-section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        files.append(SitemapIndexItem(address, lastmod))
        files += [
            SitemapIndexItem(f"{address}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": files}, content_type="application/xml"
    )


def section_file(request, section, sitemaps):
    """/sitemap-<section>.xml?p=N: Django's file of a section's page, for a page number
    written as the index writes it. `?p=01`, `?p=+1` or a full-width digit gave the same
    file again under another address (fresh eyes round 42)."""
    page = request.GET.get("p")
    if page is not None and str(id_param(page)) != page:  # the portal's own number parser
        raise Http404
    return django_views.sitemap(request, sitemaps=sitemaps, section=section)
