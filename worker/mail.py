"""The one way to send e-mail: `send_after_commit`.

The message is written to `OutgoingMail` in the caller's transaction, so it exists exactly when
the change that caused it is committed, and the worker is asked to deliver it once the
transaction commits. Delivery runs in the background worker (`worker.tasks.deliver_mail`) with
retries; a mail server that is down never undoes or slows the change, and every message, its
tries and its last error stay on record (docs/operations.md).

Write the text in the recipient's language: `language_of(user)` says which, and
`in_language(language)` renders under it; `send_after_commit(..., language=...)` records it.
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .models import OutgoingMail, Preferences

logger = logging.getLogger(__name__)


def language_of(user) -> str:
    """The language a user reads their e-mail in (their setting; Danish until they choose)."""
    if user is None or user.pk is None:
        return settings.LANGUAGE_CODE
    try:
        return user.preferences.language
    except Preferences.DoesNotExist:
        return settings.LANGUAGE_CODE


def one_line(subject: str) -> str:
    """A mail subject is one line: any whitespace run (line breaks included) becomes one
    space, so a title with "\r\n" can neither add a header nor make the mail unsendable."""
    return " ".join(str(subject).split())


def send_after_commit(
    *, to: Iterable[str], subject: str, body: str, kind: str, language: str = ""
) -> OutgoingMail | None:
    """Record one message to `to` and have the worker send it after the transaction commits.
    Returns the recorded message, or None when there is nobody to send it to."""
    addresses = list(dict.fromkeys(address for address in to if address))
    if not addresses:
        return None
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=addresses,
        subject=one_line(subject)[:300],
        body=body,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: enqueue_delivery(mail.pk))
    return mail


def greeting(name: str) -> str:
    """The first line of a mail to a person: "Hej <name>", or "Hej" when no name is known."""
    return _("Hej %(name)s") % {"name": name} if name else _("Hej")


def send_in_languages(
    *,
    recipients: Iterable[tuple[str, ...]],
    render: Callable[[], tuple[str, str]],
    kind: str,
    greet: bool = False,
) -> list[OutgoingMail]:
    """One message per recipient, so no one learns the others' addresses (attack round 15:
    an association's members all stood in one To: line): `recipients` are (address,
    language) or (address, language, name) and `render()` returns (subject, body), called
    once per language. With `greet`, each body begins with `greeting()` of the recipient's
    name (fresh eyes round 31: a case mail began with no word to the person it came to)."""
    by_language: dict[str, list[tuple[str, str]]] = {}
    for address, language, *name in recipients:
        if address:
            by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(
                (address, name[0] if name else "")
            )
    sent = []
    for language, people in by_language.items():
        with translation.override(language):
            subject, body = render()
            for address, name in people:
                mail = send_after_commit(
                    to=[address],
                    subject=subject,
                    body=f"{greeting(name)}\n\n{body}" if greet else body,
                    kind=kind,
                    language=language,
                )
                if mail is not None:
                    sent.append(mail)
    return sent


def enqueue_delivery(mail_id: int, run_after=None) -> None:
    from .tasks import deliver_mail

    task = deliver_mail if run_after is None else deliver_mail.using(run_after=run_after)
    task.enqueue(mail_id)
