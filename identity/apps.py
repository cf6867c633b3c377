from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Login og adgang")

    def ready(self):
        from portal.public_cache import watch

        from . import signals  # noqa: F401 - connects the password sign-in log

        # A call for applications names the ways in a new association has (an enabled
        # provider for associations): a change by an administrator shows at once, not
        # after a cached call page expires (review, session 32).
        watch("identity.IdentityProvider")
