from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Integrationsbarometer")

    def ready(self):
        # Rows the public pages show: a change invalidates the public page cache.
        from portal.public_cache import watch

        from . import stored_status  # noqa: F401 - connects its receivers

        watch(
            "indicators.Indicator",
            "indicators.Measurement",
        )
