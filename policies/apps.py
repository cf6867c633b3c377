from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_sdgs(sender, using, apps=None, **kwargs):
    """The 17 SDGs are reference data (migration 0003). A database flush empties the table
    and emits post_migrate (without the migration state), as Django does for content types:
    put them back."""
    if apps is None:
        from django.apps import apps
    try:
        SDG = apps.get_model("policies", "SDG")
    except LookupError:  # migrating backwards past the model
        return
    SDG.objects.using(using).bulk_create(
        [SDG(number=number) for number in range(1, 18)], ignore_conflicts=True
    )


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Politikker og mål")

    def ready(self):
        post_migrate.connect(ensure_sdgs, sender=self)
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
