from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Export of one municipality's complete data and import into an empty installation
    (`export_municipality`, `import_municipality`; docs/operations.md)."""

    name = "transfer"
    verbose_name = _("Flytning af kommunedata")
