from django.apps import AppConfig


class WebConfig(AppConfig):
    """The roof: pages that gather every app's data (the front page, sitemap.xml)."""

    name = "web"
