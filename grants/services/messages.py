"""Messages in the case (issue 16, item 6): applicant and staff write to each other on an
application, staff ask for specific information, the applicant answers.

Who may write is decided by the one rule table (grants.rules: "write_to_staff",
"write_to_applicant", "request_information", "answer_request"); the applicant's side is
`grants.access.is_applicant_of`, so every kind of applicant gets this. Each service locks the
application, records the message with its author (and the history row with the actor), and
queues the e-mail to the other side, sent by the worker after the commit."""

import datetime
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.case_notifications import notify_answer, notify_message, notify_request
from grants.models import (
    Application,
    CaseMessage,
    CaseReadMark,
    InformationRequest,
    MessageAttachment,
    Side,
)
from grants.rules import check

from .attachments import checked_kind, store
from .errors import DomainError
from .workflow import lock_application

TEXT_LIMIT = 10_000
MAX_FILES = 5


def side_of(actor) -> str:
    """Staff write as the secretariat; everyone else writes as (or is refused as) applicant."""
    return Side.STAFF if actor is not None and actor.is_committee_staff else Side.APPLICANT


def _clean_text(text: str, *, field: str, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(empty, field=field)
    if len(text) > TEXT_LIMIT:
        raise DomainError(
            _("Teksten må højst være %(limit)s tegn.")
            % {"limit": f"{TEXT_LIMIT:,}".replace(",", ".")},
            field=field,
        )
    return text


def _checked_uploads(uploads: Sequence[UploadedFile]):
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > MAX_FILES:
        raise DomainError(
            _("Der kan højst vedhæftes %(count)s filer til en besked.") % {"count": MAX_FILES},
            field="files",
        )
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, checked_kind(upload)))
        except DomainError as error:
            raise DomainError(f"{upload.name}: {error.message}", field="files") from error
    return checked


def _write(
    *,
    application: Application,
    actor,
    side: str,
    text: str,
    uploads=(),
    request: InformationRequest | None = None,
) -> CaseMessage:
    message = CaseMessage(
        application=application, side=side, author=actor, text=text, information_request=request
    )
    message._history_user = actor
    message.save()
    for upload, kind in uploads:
        store(MessageAttachment, upload, kind, message=message)
    return message


def do_send_message(
    *, application_id: int, actor, text: str, uploads: Sequence[UploadedFile] = ()
) -> CaseMessage:
    """A message from the applicant to staff, or from staff to the applicant."""
    text = _clean_text(text, field="text", empty=_("Skriv en besked."))
    checked = _checked_uploads(uploads)
    side = side_of(actor)
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "write_to_applicant" if side == Side.STAFF else "write_to_staff", application)
        message = _write(
            application=application, actor=actor, side=side, text=text, uploads=checked
        )
        notify_message(message)
        return message


def do_request_information(
    *, application_id: int, actor, question: str, due_date: datetime.date | None = None
) -> InformationRequest:
    """Staff ask the applicant for specific information, optionally by a date."""
    question = _clean_text(
        question, field="question", empty=_("Skriv, hvad ansøgeren skal svare på.")
    )
    if due_date is not None and due_date < timezone.localdate():
        raise DomainError(_("Svarfristen kan ikke ligge før i dag."), field="due_date")
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "request_information", application)
        request = InformationRequest(
            application=application, question=question, due_date=due_date, requested_by=actor
        )
        request._history_user = actor
        request.save()
        _write(
            application=application, actor=actor, side=Side.STAFF, text=question, request=request
        )
        notify_request(request)
        return request


def do_answer_request(
    *, request_id: int, actor, text: str, uploads: Sequence[UploadedFile] = ()
) -> CaseMessage:
    """The applicant answers a request for information; the answer closes it."""
    text = _clean_text(text, field="text", empty=_("Skriv dit svar."))
    checked = _checked_uploads(uploads)
    application_id = (
        InformationRequest.objects.filter(pk=request_id)
        .values_list("application_id", flat=True)
        .first()
    )
    if application_id is None:
        raise DomainError(_("Anmodningen findes ikke."))
    with transaction.atomic():
        application = lock_application(application_id)
        request = InformationRequest.objects.select_for_update().get(pk=request_id)
        check(actor, "answer_request", application)
        if not request.is_open:
            raise DomainError(_("Anmodningen er allerede besvaret."))
        message = _write(
            application=application,
            actor=actor,
            side=Side.APPLICANT,
            text=text,
            uploads=checked,
            request=request,
        )
        request.answered_at = timezone.now()
        request.answered_by = actor
        request._history_user = actor
        request.save(update_fields=["answered_at", "answered_by"])
        notify_answer(request, message)
        return message


def do_mark_messages_read(*, application_id: int, actor) -> bool:
    """The actor's side has read the case's messages up to now (they opened the thread).
    Writes only when the other side has written since the last mark; True if it did. The
    caller has already shown the actor the thread, so no rule beyond that is asked here."""
    side = side_of(actor)
    other = Side.APPLICANT if side == Side.STAFF else Side.STAFF
    newest = (
        CaseMessage.objects.filter(application_id=application_id, side=other)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if newest is None:
        return False
    with transaction.atomic():
        mark = (
            CaseReadMark.objects.select_for_update()
            .filter(application_id=application_id, side=side)
            .first()
        )
        if mark is not None and mark.read_at >= newest:
            return False
        CaseReadMark.objects.update_or_create(
            application_id=application_id,
            side=side,
            defaults={"read_at": newest, "read_by": actor},
        )
        return True
