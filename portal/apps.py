from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal og kommuner")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
        from .public_cache import connect_signals

        connect_signals()
