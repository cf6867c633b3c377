from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Login og adgang")

    def ready(self):
        from . import signals  # noqa: F401 - connects the password sign-in log
