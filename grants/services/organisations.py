"""An organisation's own details, kept by its people ("Din forening"): address, type, and its
statutes and latest accounts as documents. The name and CVR number are the municipality's
(the admin) or come with MitID Erhverv: a CVR number typed by an applicant would tie the
real organisation's MitID Erhverv sign-ins to whoever typed it."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Organisation, User
from portal.organisations import OrganisationKind

from .attachments import checked_kind, stored_name
from .errors import DomainError, DomainErrors

DOCUMENT_FIELDS = ("statutes", "accounts")
ADDRESS_LIMIT = 500


def documents_not_sent(organisation: Organisation | None) -> list[str]:
    """The names of the documents the organisation has not sent yet ("vedtægter", "seneste
    regnskab"): the submit page asks for them (fresh eyes round 28: never asked on the way)."""
    if organisation is None:
        return []
    return [
        str(Organisation._meta.get_field(name).verbose_name)
        for name in DOCUMENT_FIELDS
        if not getattr(organisation, name)
    ]


def do_update_organisation(
    *,
    actor: User,
    address: str,
    kind: str,
    files: dict[str, UploadedFile | None],
    remove: frozenset[str] = frozenset(),
) -> Organisation:
    """files: a new upload per document field (statutes, accounts) or None to keep it;
    remove: document fields to empty. Every file is checked by content before anything is
    stored; an old file is deleted only after the change commits."""
    if not actor.is_organisation_person:
        raise DomainError(_("Kun foreningens egne folk kan rette foreningens oplysninger."))
    if kind not in OrganisationKind.values:
        raise DomainError(_("Vælg en af typerne på listen."), field="kind")
    address = address.strip()
    if len(address) > ADDRESS_LIMIT:
        raise DomainError(
            _("Adressen må højst være %(limit)s tegn.") % {"limit": ADDRESS_LIMIT}, field="address"
        )
    kinds, errors = {}, []
    for name, upload in files.items():
        if name not in DOCUMENT_FIELDS:
            raise ValueError(name)
        if upload is None:
            continue
        try:
            kinds[name] = checked_kind(upload)
        except DomainError as error:
            errors.append(DomainError(error.message, field=name))
    if errors:
        raise DomainErrors(errors)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
        replaced = []
        for name in DOCUMENT_FIELDS:
            current = getattr(organisation, name)
            if current and (name in kinds or name in remove):
                replaced.append(current.name)
                setattr(organisation, name, "")
            if name in kinds:
                getattr(organisation, name).save(stored_name(kinds[name]), files[name], save=False)
        organisation.address, organisation.kind = address, kind
        organisation._history_user = actor
        organisation.save()
        storage = Organisation._meta.get_field("statutes").storage
        for old in replaced:
            transaction.on_commit(lambda old=old: storage.delete(old))
        return organisation
