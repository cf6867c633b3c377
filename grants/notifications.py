"""E-mail to caseworkers. Always queued with transaction.on_commit, so nothing is sent for a
change that was rolled back, and a mail server that is down never undoes a decision."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grants.models import Application, Report
from portal import site
from portal.money import format_kroner

logger = logging.getLogger(__name__)


def recipients_for(application: Application) -> list[str]:
    """The caseworker who wrote it and the contact persons, without duplicates."""
    addresses = []
    if application.created_by and application.created_by.email:
        addresses.append(application.created_by.email)
    addresses += [c.email for c in application.contacts.all() if c.email]
    return list(dict.fromkeys(addresses))


def _send(subject: str, body: str, to: list[str]) -> None:
    if not to:
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception as error:  # the change is committed; a failed mail must not become a 500
        # Only the subject and the kind of error are logged: an SMTP error's text can hold the
        # recipients' addresses (personal data).
        logger.error("Could not send notification: %s (%s)", subject, type(error).__name__)


def _queue(application: Application, subject: str, body: str) -> None:
    to = recipients_for(application)
    path = reverse("mine:detail", args=[application.pk])
    body = f"{body}\n\n{_('Se ansøgningen i portalen')}: {site.absolute(path)}\n"
    transaction.on_commit(lambda: _send(subject, body, to))


def notify_returned(application: Application, comment: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _queue(
            application,
            _("Ansøgning sendt retur: %(title)s") % {"title": application.title},
            _(
                "Sekretariatet har sendt ansøgningen »%(title)s« retur til ændringer:\n\n"
                "%(comment)s\n\nRet ansøgningen og indsend den igen."
            )
            % {"title": application.title, "comment": comment},
        )


def notify_decision(application: Application) -> None:
    decision = application.decision
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("Der er truffet afgørelse om »%(title)s«: %(outcome)s.")
            % {"title": application.title, "outcome": decision.get_outcome_display()}
        ]
        for allocation in decision.allocations.select_related("pool"):
            lines.append(
                _("Bevilget for %(year)s: %(amount)s")
                % {"year": allocation.pool.year, "amount": format_kroner(allocation.amount)}
            )
        for label, text in (
            (_("Meddelelse"), decision.message),
            (_("Begrundelse"), decision.reasons),
            (_("Vilkår"), decision.conditions_text),
            (_("Klagevejledning"), decision.appeal_guidance),
        ):
            if text:
                lines.append(f"{label}:\n{text}")
        _queue(
            application,
            _("Afgørelse: %(title)s") % {"title": application.title},
            "\n\n".join(lines),
        )


def notify_report_requested(report: Report) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _queue(
            report.application,
            _("Afrapportering ønskes: %(title)s") % {"title": report.application.title},
            _("Sekretariatet beder om %(kind)s for »%(title)s« senest %(due)s.")
            % {
                "kind": report.get_kind_display().lower(),
                "title": report.application.title,
                "due": report.due_date.strftime("%d-%m-%Y"),
            },
        )


def notify_report_returned(report: Report) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _queue(
            report.application,
            _("Afrapportering sendt retur: %(title)s") % {"title": report.application.title},
            _("Sekretariatet har sendt rapporten retur:\n\n%(comment)s")
            % {"comment": report.staff_comment},
        )
