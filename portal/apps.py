import axes.apps
import django_otp.plugins.otp_static.apps
import django_otp.plugins.otp_totp.apps
import django_tasks_db.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal og kommuner")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
        from .public_cache import connect_signals

        connect_signals()


# Danish names in the administration for the apps we install from others (their own have
# none, or English ones). Only the app's heading: the models keep their own names, so no
# migration changes.
class AxesConfig(axes.apps.AppConfig):
    verbose_name = _("Adgangsforsøg (spærring)")


class OtpTotpConfig(django_otp.plugins.otp_totp.apps.DefaultConfig):
    verbose_name = _("Totrinslogin: godkendelsesapps")


class OtpStaticConfig(django_otp.plugins.otp_static.apps.DefaultConfig):
    verbose_name = _("Totrinslogin: reservekoder")


class TasksDatabaseConfig(django_tasks_db.apps.TasksAppConfig):
    verbose_name = _("Baggrundsopgaver")
