import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Baggrundsarbejde og påmindelser")

    def ready(self):
        from portal.sessions import sessions_ended

        from . import services, tasks

        sessions_ended.connect(services.revoke_calendar_feed, dispatch_uid="calendar-feed")
        from .schedule import Job, register

        register(
            Job(
                "requeue-stalled-mail",
                tasks.requeue_stalled_mail,
                every=datetime.timedelta(minutes=15),
            )
        )
        register(Job("prune-records", tasks.prune_records, at=datetime.time(3, 0)))
