"""The roof's pages, included by the root URLconf (portal/urls.py) under their old names."""

from django.urls import path

from portal.public_cache import public_page

from . import views
from .sitemaps import SITEMAPS, index, section_file

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # The index, and each page of each section (?p=N): cached and HTTP-cacheable like a page.
    path("sitemap.xml", public_page(index), name="sitemap"),
    path(
        "sitemap-<str:section>.xml",
        public_page(section_file),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("data/katalog.jsonld", views.catalogue_view, name="catalogue"),
]
