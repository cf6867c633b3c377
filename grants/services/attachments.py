"""Attachments: checked by content (not by name), size-limited, stored under a random name."""

import re
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from grants.models import Application, Attachment, Report, ReportAttachment
from grants.rules import check, may
from portal.models import User
from portal.numbers import format_file_size

from .errors import DomainError


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
KINDS = {kind.extension: kind for kind in (PDF, DOCX, XLSX)}  # by the stored name's ending


class TooLargeUnpacked(Exception):
    """A zip container (DOCX/XLSX) that would fill more than the limit when opened."""

    def __init__(self, unpacked: int):
        self.unpacked = unpacked


def detect_kind(upload: UploadedFile) -> FileKind | None:
    """PDF by its header; DOCX/XLSX by the parts inside their zip container. Raises
    TooLargeUnpacked for a container that unpacks to more than ATTACHMENT_MAX_UNPACKED_BYTES:
    a "zip bomb" of 1.5 MB that is 1.5 GB opened froze the program of whoever opened it
    (attack round 28). The sizes are read from the container's directory, not unpacked."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return PDF
    if head[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.ATTACHMENT_MAX_UNPACKED_BYTES:
        raise TooLargeUnpacked(unpacked)
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def safe_name(name: str, kind: FileKind) -> str:
    """The name the file is shown and downloaded under: no folders, no characters a file
    system or a header refuses, the extension of what it is. Spaces and Danish letters stay
    as typed (fresh eyes round 20: "Budget for sprogcafé.pdf" became "Budget_for_…")."""
    # What Chromium sends for a quote and a line break in a file name (attack round 21:
    # "Rapport %22endelig%22.pdf").
    name = name.replace("%22", '"').replace("%0D", " ").replace("%0A", " ")
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "", stem)
    stem = " ".join(stem.split()).strip(" .")[:100].strip(" .")
    return f"{stem or 'bilag'}.{kind.extension}"


def size_limit_label() -> str:
    """ "10 MB": the largest file the portal takes (ATTACHMENT_MAX_BYTES), for help texts."""
    return format_file_size(settings.ATTACHMENT_MAX_BYTES)


def checked_kind(upload: UploadedFile) -> FileKind:
    """The upload's kind by its content, or the translated reason it is refused (too large,
    or not a PDF, Word or Excel file). Every file the portal accepts passes here."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        # Sizes as every list of files says them (portal.numbers.format_file_size).
        raise DomainError(
            _("Filen er for stor (%(size)s). Den må højst fylde %(limit)s.")
            % {"size": format_file_size(upload.size), "limit": format_file_size(limit)}
        )
    try:
        kind = detect_kind(upload)
    except TooLargeUnpacked as error:
        raise DomainError(
            _(
                "Filen fylder %(size)s MB, når den åbnes, og det er for meget. Gem den igen "
                "uden store billeder, eller del den i flere filer."
            )
            % {"size": floatformat(error.unpacked / 1_000_000, "0")}
        ) from None
    if kind is None:
        # Named as one of them but not one inside: said so (fresh eyes round 21: a broken
        # ".pdf" was told only PDF files can be attached).
        named = (upload.name or "").rsplit(".", 1)[-1].lower()
        if named in {"pdf", "docx", "xlsx"}:
            raise DomainError(
                _(
                    "Filen »%(name)s« er ikke en gyldig %(kind)s-fil. Den er måske "
                    "beskadiget: gem eller eksportér den igen, og vedhæft den så."
                )
                # Its own name, not ".pdf" alone (fresh eyes round 28: "Filen hedder .pdf").
                % {"name": safe_name(upload.name, KINDS[named]), "kind": named.upper()}
            )
        raise DomainError(_("Kun PDF-, Word- (DOCX) og Excel-filer (XLSX) kan vedhæftes."))
    return kind


def refusal_of(upload: UploadedFile) -> str | None:
    """Why `checked_kind` would refuse the upload, or None. For a form refused for something
    else: a file that could never be taken is said at once, not after it is chosen again
    (fresh eyes round 34: a 30 MB file was asked for again, then refused as too large)."""
    try:
        checked_kind(upload)
    except DomainError as error:
        return error.message
    finally:
        upload.seek(0)
    return None


def stored_name(kind: FileKind) -> str:
    """A random name for the stored file; the user's name is kept only as a label."""
    return f"{uuid.uuid4().hex}.{kind.extension}"


def store(model, upload: UploadedFile, kind: FileKind, *, actor=None, **owner):
    """The one way a checked upload becomes a stored file of the portal: a random name in the
    storage, the user's name only as a label (`safe_name`), its kind by content. Inside the
    caller's transaction; `actor` goes into the row's history where it keeps one."""
    stored = model(
        original_name=safe_name(upload.name, kind),
        content_type=kind.content_type,
        size=upload.size,
        **owner,
    )
    stored.file.save(stored_name(kind), upload, save=False)
    stored._history_user = actor
    stored.save()
    return stored


def do_add_attachment(*, application: Application, upload: UploadedFile, actor: User) -> Attachment:
    if not may(actor, "edit", application):
        raise DomainError(_("Der kan kun tilføjes bilag, mens ansøgningen kan redigeres."))
    kind = checked_kind(upload)
    with transaction.atomic():
        return store(Attachment, upload, kind, application=application, uploaded_by=actor)


def do_remove_attachment(*, attachment: Attachment, actor: User) -> None:
    if not may(actor, "edit", attachment.application):
        raise DomainError(_("Bilag kan kun fjernes, mens ansøgningen kan redigeres."))
    with transaction.atomic():
        file = attachment.file
        attachment.delete()
        transaction.on_commit(lambda: file.storage.delete(file.name))


# A report's files (the accounts, a list of participants): more than a message takes, fewer
# than anyone needs; each one is checked as every file is.
REPORT_FILES = 10


def do_add_report_attachment(
    *, report_id: int, upload: UploadedFile, actor: User
) -> ReportAttachment:
    """A file sent with the report, while the report is the applicant's to edit."""
    kind = checked_kind(upload)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        check(actor, "edit", report)
        if report.attachments.count() >= REPORT_FILES:
            raise DomainError(
                _("Der kan højst vedhæftes %(count)s filer til en rapport. Fjern en først.")
                % {"count": REPORT_FILES}
            )
        return store(ReportAttachment, upload, kind, actor=actor, report=report, uploaded_by=actor)


def do_remove_report_attachment(*, attachment_id: int, actor: User) -> None:
    with transaction.atomic():
        attachment = ReportAttachment.objects.select_related("report").get(pk=attachment_id)
        report = Report.objects.select_for_update().get(pk=attachment.report_id)
        check(actor, "edit", report)
        file = attachment.file
        attachment._history_user = actor
        attachment.delete()
        transaction.on_commit(lambda: file.storage.delete(file.name))
