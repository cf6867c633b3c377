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
        from . import (
            checks,  # noqa: F401 (registers the deploy checks)
            lookups,
        )
        from .admin_tools import show_money_in_kroner
        from .public_cache import connect_signals

        connect_signals()
        show_money_in_kroner()
        lookups.register()


# Danish names in the administration for the apps we install from others (their own have
# none, or English ones). Only the app's heading: the models keep their own names, so no
# migration changes.
class AxesConfig(axes.apps.AppConfig):
    verbose_name = _("Adgangsforsøg (spærring)")

    def ready(self):
        super().ready()
        # The sign-in log (identity's "Logins") has every sign-in and refusal; axes' own
        # access and failure lists were empty or partial beside it and led administrators
        # to conclude no one had failed (fresh eyes round 11). Its lockout list went too:
        # a record in technical English, editable, with UTC times (fresh eyes round 13);
        # the person's row in the list of users shows a lockout and lifts it.
        _without_admin("axes.AccessLog")
        _without_admin("axes.AccessFailureLog")
        _without_admin("axes.AccessAttempt")


def _without_admin(model_name: str) -> None:
    """django-otp's admin showed every app's secret key, so an administrator could copy
    anyone's codes (fresh eyes round 10): the devices are not in the admin; a lost phone is
    handled on the person's row ("Fjern totrinslogin", portal.admin.UserAdmin). Runs after
    the admin's autodiscovery, which registered them."""
    from django.apps import apps
    from django.contrib import admin

    model = apps.get_model(model_name)
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class OtpTotpConfig(django_otp.plugins.otp_totp.apps.DefaultConfig):
    verbose_name = _("Totrinslogin: godkendelsesapps")

    def ready(self):
        super().ready()
        _without_admin("otp_totp.TOTPDevice")


class OtpStaticConfig(django_otp.plugins.otp_static.apps.DefaultConfig):
    verbose_name = _("Totrinslogin: reservekoder")

    def ready(self):
        super().ready()
        _without_admin("otp_static.StaticDevice")


class TasksDatabaseConfig(django_tasks_db.apps.TasksAppConfig):
    verbose_name = _("Baggrundsopgaver")
