from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Politikker og mål")

    def ready(self):
        # Rows the public pages show: a change invalidates the public page cache.
        from portal.public_cache import watch

        watch(
            "policies.Policy",
            "policies.Principle",
            "policies.Goal",
            "policies.Target",
            "policies.SDG",
            "policies.ActionPlan",
        )
