"""Personal data (GDPR): what the portal holds, and anonymising the personal data of projects
that ended more than the retention period ago: contact persons, and the case's messages,
their files and the information requests (what applicant and staff wrote to each other)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import (
    ENDED_STATUSES,
    Application,
    Attachment,
    CaseMessage,
    ContactPerson,
    InformationRequest,
    MessageAttachment,
    ReportAttachment,
)
from portal.models import Municipality, User

ANONYMISED_NAME = "Anonymiseret"
# What a message or question says once anonymised: who wrote and when stay (the case's
# history), what was written goes, with its files.
ANONYMISED_TEXT = "(Anonymiseret)"


@dataclass
class Category:
    title: str
    fields: str
    purpose: str
    retention: str
    count: int


def ended_before(cutoff: datetime.datetime) -> QuerySet[Application]:
    """Applications that ended (closed, rejected, withdrawn) before `cutoff`."""
    return (
        Application.objects.filter(status__in=ENDED_STATUSES)
        .annotate(ended_at=Max("status_changes__at"))
        .filter(ended_at__lt=cutoff)
    )


def retention_cutoff(years: int | None = None) -> datetime.datetime:
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    return timezone.now() - datetime.timedelta(days=365 * years)


def contacts_due_for_anonymisation(years: int | None = None) -> QuerySet[ContactPerson]:
    ended = ended_before(retention_cutoff(years)).values("pk")
    return ContactPerson.objects.filter(application__in=ended).exclude(name=ANONYMISED_NAME)


@transaction.atomic
def anonymise_contacts(years: int | None = None) -> int:
    """Blank the contact persons of projects that ended more than `years` ago, including
    their rows in the audit history. Returns how many contact persons were anonymised."""
    contacts = contacts_due_for_anonymisation(years)
    ids = list(contacts.values_list("pk", flat=True))
    blank = {"name": ANONYMISED_NAME, "title": "", "department": "", "email": "", "phone": ""}
    ContactPerson.objects.filter(pk__in=ids).update(**blank)
    ContactPerson.history.filter(id__in=ids).update(**blank)
    return len(ids)


def messages_due_for_anonymisation(years: int | None = None) -> QuerySet[CaseMessage]:
    ended = ended_before(retention_cutoff(years)).values("pk")
    return (
        CaseMessage.objects.filter(application__in=ended)
        .exclude(text=ANONYMISED_TEXT, attachments=None)
        .distinct()
    )


@transaction.atomic
def anonymise_case_messages(years: int | None = None) -> int:
    """Blank the messages and information requests of projects that ended more than `years`
    ago, also in the audit history, and delete the messages' files (after the commit, so a
    rollback never leaves rows pointing at deleted files). Returns how many messages and
    requests were anonymised."""
    ended = ended_before(retention_cutoff(years)).values("pk")
    message_ids = list(
        CaseMessage.objects.filter(application__in=ended)
        .exclude(text=ANONYMISED_TEXT)
        .values_list("pk", flat=True)
    )
    request_ids = list(
        InformationRequest.objects.filter(application__in=ended)
        .exclude(question=ANONYMISED_TEXT)
        .values_list("pk", flat=True)
    )
    files = MessageAttachment.objects.filter(message__application__in=ended)
    stored = [attachment.file for attachment in files if attachment.file]
    files.delete()
    for file in stored:
        transaction.on_commit(lambda file=file: file.storage.delete(file.name))
    CaseMessage.objects.filter(pk__in=message_ids).update(text=ANONYMISED_TEXT)
    CaseMessage.history.filter(id__in=message_ids).update(text=ANONYMISED_TEXT)
    InformationRequest.objects.filter(pk__in=request_ids).update(question=ANONYMISED_TEXT)
    InformationRequest.history.filter(id__in=request_ids).update(question=ANONYMISED_TEXT)
    return len(message_ids) + len(request_ids)


def personal_data_overview(municipality: Municipality) -> list[Category]:
    contacts = ContactPerson.objects.filter(application__municipality=municipality)
    years = settings.PERSONAL_DATA_RETENTION_YEARS
    return [
        Category(
            title=str(_("Brugere")),
            fields=str(_("Brugernavn, navn, e-mail, telefon, stilling, afdeling, rolle")),
            purpose=str(_("Login, adgangsstyring og at vise, hvem der har gjort hvad.")),
            retention=str(_("Så længe medarbejderen har adgang; deaktiveres af administrator.")),
            count=User.objects.filter(municipality=municipality).count(),
        ),
        Category(
            title=str(_("Kontaktpersoner på ansøgninger")),
            fields=str(_("Navn, stilling, afdeling, e-mail, telefon")),
            purpose=str(
                _("Sekretariatets kontakt til projektets tovholder. Vises aldrig offentligt.")
            ),
            retention=str(
                _(
                    "Anonymiseres %(years)s år efter, at projektet er afsluttet, afslået "
                    "eller trukket tilbage."
                )
                % {"years": years}
            ),
            count=contacts.exclude(name=ANONYMISED_NAME).count(),
        ),
        Category(
            title=str(_("Ændringslog")),
            fields=str(_("Hvem der ændrede hvad og hvornår (brugerens id)")),
            purpose=str(
                _("Dokumentation af sagsbehandlingen (offentlighedsloven, forvaltningsloven).")
            ),
            retention=str(_("Som sagen; kontaktpersoner i loggen anonymiseres sammen med sagen.")),
            count=ContactPerson.history.filter(application__municipality=municipality).count(),
        ),
        Category(
            title=str(_("Beskeder og anmodninger om oplysninger")),
            fields=str(_("Hvad ansøger og sekretariat skriver i sagen, med vedhæftede filer")),
            purpose=str(_("Sagens korrespondance. Vises kun for sagens parter.")),
            retention=str(
                _(
                    "Teksten og filerne slettes %(years)s år efter, at projektet er afsluttet, "
                    "afslået eller trukket tilbage; hvem der skrev og hvornår bliver stående."
                )
                % {"years": years}
            ),
            count=CaseMessage.objects.filter(application__municipality=municipality)
            .exclude(text=ANONYMISED_TEXT)
            .count(),
        ),
        Category(
            title=str(_("Bilag")),
            fields=str(_("Filer fra ansøgerne; kan indeholde personoplysninger")),
            purpose=str(_("Ansøgningens dokumentation. Vises kun for sagens parter.")),
            retention=str(_("Som sagen.")),
            # The files, those sent with messages included, not the applications that have
            # some (fresh eyes round 21: 1 for an application with three files).
            count=Attachment.objects.filter(application__municipality=municipality).count()
            + MessageAttachment.objects.filter(
                message__application__municipality=municipality
            ).count()
            + ReportAttachment.objects.filter(
                report__application__municipality=municipality
            ).count(),
        ),
    ]
