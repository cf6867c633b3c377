"""E-mail about messages, requests for information and letters in the case, to the other
side of the case. Like grants.notifications: recorded in the change's transaction through
`worker.mail`, delivered by the background worker after the commit, in each reader's language.

The applicant's side is the people grants.notifications writes to (who wrote the application
and its contact persons). Staff's side is the municipality's committee staff who have taken
part in the case (wrote in it, reviewed it, recommended or decided it), or, before anyone
has, all of the municipality's committee staff; a member who declared a conflict of interest
gets nothing about the case."""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.models import Application, CaseMessage, InformationRequest
from grants.notifications import applicant_link, recipients_for, sign_off
from portal import site
from portal.models import Role, User
from worker.mail import language_of, send_in_languages


def staff_recipients(application: Application) -> list[tuple[str, str, str]]:
    staff = User.objects.filter(
        role=Role.COMMITTEE_STAFF, municipality_id=application.municipality_id, is_active=True
    ).exclude(conflicts_of_interest__application=application)
    involved = staff.filter(
        Q(case_messages__application=application)
        | Q(reviews__application=application)
        | Q(recommendations__application=application)
        | Q(decisions_recorded__application=application)
    ).distinct()
    people = list(involved) or list(staff)
    return [(user.email, language_of(user), user.get_full_name()) for user in people if user.email]


def _to_applicant(application: Application, kind: str, render, link_name="mine:messages"):
    link = applicant_link(application, reverse(link_name, args=[application.pk]))

    def message():
        subject, body = render()
        see = _("Se sagen i portalen")
        return subject, f"{body}\n\n{see}: {link}\n\n{sign_off(application)}\n"

    send_in_languages(recipients=recipients_for(application), render=message, kind=kind, greet=True)


def to_staff(application: Application, kind: str, render, link: str = ""):
    """Mail the case's committee staff; `link` (a path) defaults to the case's messages."""
    link = site.absolute(link or reverse("sekretariat:messages", args=[application.pk]))

    def message():
        subject, body = render()
        see = _("Se sagen i portalen")
        regards = "\n".join([_("Venlig hilsen"), _("Integrationsportalen")])
        return subject, f"{body}\n\n{see}: {link}\n\n{regards}\n"

    send_in_languages(
        recipients=staff_recipients(application), render=message, kind=kind, greet=True
    )


def _files(message: CaseMessage) -> str:
    count = message.attachments.count()
    if not count:
        return ""
    return "\n\n" + ngettext(
        "Beskeden har en vedhæftet fil; den kan hentes i portalen.",
        "Beskeden har %(count)s vedhæftede filer; de kan hentes i portalen.",
        count,
    ) % {"count": count}


def _pointer(message: CaseMessage) -> str:
    """What a mail to staff says of an applicant's message: where to read it, never its words.
    Applicants' text is not copied into staff's inboxes: an association's words and links read
    there as the municipality's (attack round 15), and a department's message may carry a
    citizen's CPR number, which belongs in the case, not in every staff member's mailbox
    (attack round 21)."""
    return _("Læs beskeden i portalen.") + _files(message)


def notify_message(message: CaseMessage) -> None:
    application = message.application
    author = message.author.shown_name
    to_applicant = message.side == "staff"

    def render():
        values = {"author": author, "title": application.title}
        if to_applicant:
            body = _("%(author)s har skrevet om »%(title)s«:") % values
            body += f"\n\n{message.text}{_files(message)}"
        else:
            body = _("%(author)s har skrevet en ny besked om »%(title)s«.") % values
            body += f"\n\n{_pointer(message)}"
        return _("Ny besked om »%(title)s«") % values, body

    if to_applicant:
        _to_applicant(application, "case_message", render)
    else:
        to_staff(application, "case_message", render)


def notify_request(request: InformationRequest) -> None:
    application = request.application

    def render():
        due = (
            "\n\n"
            + _("Svar senest %(due)s.") % {"due": date_format(request.due_date, "DATE_FORMAT")}
            if request.due_date
            else ""
        )
        return (
            _("Spørgsmål fra sekretariatet: %(title)s") % {"title": application.title},
            _("Sekretariatet beder dig svare på dette om »%(title)s«:")
            % {"title": application.title}
            + f"\n\n{request.question}{due}\n\n"
            + _("Du svarer i portalen."),
        )

    _to_applicant(application, "information_request", render)


def notify_answer(request: InformationRequest, message: CaseMessage) -> None:
    application = request.application

    def render():
        return (
            _("Svar på anmodning om oplysninger: %(title)s") % {"title": application.title},
            _("Ansøgeren har svaret på spørgsmålet:")
            + f"\n\n{request.question}\n\n"
            + _("Læs svaret i portalen.")
            + _files(message),
        )

    to_staff(application, "information_answered", render)
