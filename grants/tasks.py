"""The grants app's scheduled work, run by the background worker (worker.schedule; the times
are registered in grants.apps)."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def anonymise_personal_data() -> int:
    """GDPR: contact persons, case messages (with their files) and information requests of
    projects that ended long ago (grants.privacy), daily."""
    from grants.privacy import anonymise_case_messages, anonymise_contacts

    count = anonymise_contacts()
    logger.info("Anonymised %s contact persons", count)
    messages = anonymise_case_messages()
    logger.info("Anonymised %s case messages and information requests", messages)
    return count + messages


@task()
def send_reminders() -> int:
    from grants.reminders import send_reminders as send

    return send()


@task()
def open_and_close_pools() -> int:
    from grants.pool_dates import open_and_close_pools as act

    return act()


@task()
def rebuild_search_words() -> int:
    """The catalogue search's words anew: words no funded project uses any more go (the
    database's trigger only adds), nightly."""
    from grants.search import rebuild_words

    return rebuild_words()
