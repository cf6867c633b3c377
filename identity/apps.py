from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Log ind med kommunens login")

    def ready(self):
        from . import signals  # noqa: F401 - connects the password sign-in log
