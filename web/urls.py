"""The roof's pages, included by the root URLconf (portal/urls.py) under their old names."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("data/katalog.jsonld", views.catalogue_view, name="catalogue"),
]
