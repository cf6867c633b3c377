from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Puljer og ansøgninger")

    def ready(self):
        from .public_pages import watch_public_rows

        watch_public_rows()
