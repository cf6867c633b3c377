import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Puljer og ansøgninger")

    def ready(self):
        from worker.schedule import Job, register

        from . import search, tasks  # noqa: F401 - search registers SQLite's fold function
        from .public_pages import watch_public_rows

        watch_public_rows()
        # MitID Erhverv sign-in: the CVR claim ties a person to their organisation.
        from identity.applicants import register_resolver

        from .organisations import person_of_organisation

        register_resolver(person_of_organisation)
        # The pool's year runs by itself (worker.schedule; docs/operations.md).
        register(Job("anonymise-personal-data", tasks.anonymise_personal_data, at=_at(2)))
        register(Job("reminders", tasks.send_reminders, at=_at(7)))
        register(Job("search-words", tasks.rebuild_search_words, at=_at(3)))
        register(
            Job(
                "pool-dates",
                tasks.open_and_close_pools,
                # Every minute: a pool announced to open at 17:06 opens then, not at 17:10
                # (fresh eyes round 16).
                every=datetime.timedelta(minutes=1),
            )
        )


def _at(hour: int) -> datetime.time:
    return datetime.time(hour, 0)
