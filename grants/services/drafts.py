"""Creating and saving drafts, with optimistic locking so nobody overwrites a colleague."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.models import (
    Application,
    ApplicationStatus,
    ContactPerson,
    Pool,
    RequestedAmount,
    StatusChange,
    StatusNote,
    SuccessCriterion,
)
from grants.rules import check
from portal.models import User

from .errors import DomainError, EditConflict
from .workflow import lock_application

CONTACT_FIELDS = ("name", "title", "department", "email", "phone")
CRITERION_FIELDS = ("text", "target_value", "unit")


@dataclass
class DraftContent:
    """Everything the caseworker can type into the form, as plain values."""

    fields: dict[str, object] = field(default_factory=dict)  # Application.CONTENT_FIELDS
    co_committees: Iterable = ()
    goals: Iterable = ()
    sdgs: Iterable = ()
    continues: Iterable = ()
    amounts: Mapping[int, Decimal | None] = field(default_factory=dict)
    contacts: list[dict] = field(default_factory=list)  # {"id"?, name, title, …}
    criteria: list[dict] = field(default_factory=list)  # {"id"?, text, target_value, unit}


def do_create_draft(
    *,
    pool_id: int,
    actor: User,
    content: DraftContent | None = None,
    creation_token: UUID | None = None,
) -> Application:
    """A draft for the caseworker's department, with what the user typed on the unsaved
    "new application" page (the draft is made on its first save, never empty on a click).

    `creation_token` is that page's own token: when a draft was already made from it (the
    autosave and the button at once, a double click), this saves onto that draft instead of
    making a second one; what this request carries is the newer of the two."""
    with transaction.atomic():
        if creation_token is not None:
            made = _draft_made_from(creation_token, actor)
            if made is not None:
                return _save_onto(made, actor, content)
        pool = Pool.objects.select_related("municipality").get(pk=pool_id)
        if pool.municipality_id != actor.municipality_id or not (
            actor.department_id or actor.organisation_id
        ):
            raise DomainError(_("Du kan kun søge puljer i din egen kommune."))
        if actor.organisation_id and not pool.open_to_organisations:
            raise DomainError(_("Foreninger kan ikke søge denne pulje."))
        if actor.department_id and not pool.open_to_departments:
            raise DomainError(_("Puljen er kun for foreninger og organisationer."))
        check(actor, "apply", pool)
        try:
            # A savepoint: a simultaneous first save from the same page wins the unique
            # constraint, and this one saves onto its draft instead.
            with transaction.atomic():
                application = Application.objects.create(
                    municipality=pool.municipality,
                    pool=pool,
                    # Either the caseworker's department or the person's organisation.
                    department=actor.department if actor.department_id else None,
                    organisation=actor.organisation if actor.organisation_id else None,
                    created_by=actor,
                    creation_token=creation_token,
                    title="",
                )
        except IntegrityError:
            made = _draft_made_from(creation_token, actor) if creation_token else None
            if made is None:
                raise
            return _save_onto(made, actor, content)
        StatusChange.objects.create(
            application=application,
            from_status="",
            to_status=ApplicationStatus.DRAFT,
            actor=actor,
            note=StatusNote.DRAFT_CREATED,
        )
        application.saved_row_ids = {}
        if content is not None:
            _apply_content(application, content)
        return application


def _draft_made_from(creation_token: UUID, actor: User) -> Application | None:
    return (
        Application.objects.select_for_update()
        .filter(created_by=actor, creation_token=creation_token)
        .first()
    )


def _save_onto(application: Application, actor: User, content: DraftContent | None):
    check(actor, "edit", application)
    application.version += 1
    application.saved_row_ids = {}
    if content is not None:
        _apply_content(application, content)
    else:
        application.save(update_fields=["version", "updated_at"])
    return application


def changed_headings(application: Application, content: DraftContent) -> list[str]:
    """Headings whose saved value differs from what the user sent (for a conflict report)."""
    changed = []
    for name in Application.CONTENT_FIELDS:
        saved = getattr(application, name)
        mine = content.fields.get(name, saved)
        if name == "committee":
            saved, mine = application.committee_id, getattr(mine, "pk", mine)
        if (saved or "") != (mine or ""):
            changed.append(str(Application._meta.get_field(name).verbose_name))
    saved_amounts = {row.year: row.amount for row in application.requested_amounts.all()}
    mine_amounts = {year: amount for year, amount in content.amounts.items() if amount is not None}
    if saved_amounts != mine_amounts:
        changed.append(_("Beløb fra integrationspuljen"))
    related = [
        (_("Øvrige udvalg"), application.co_committees.all(), content.co_committees),
        (_("Målsætninger"), application.goals.all(), content.goals),
        (_("Verdensmål"), application.sdgs.all(), content.sdgs),
        (_("Tidligere ansøgninger"), application.continues.all(), content.continues),
    ]
    for heading, saved_rows, mine_rows in related:
        if {row.pk for row in saved_rows} != {row.pk for row in mine_rows}:
            changed.append(heading)
    children = [
        (_("Kontakt/tovholder"), application.contacts.all(), content.contacts, CONTACT_FIELDS),
        (
            _("Succeskriterier"),
            application.success_criteria.all(),
            content.criteria,
            CRITERION_FIELDS,
        ),
    ]
    for heading, saved_rows, mine_rows, fields in children:
        saved_values = [tuple(_plain(getattr(row, f)) for f in fields) for row in saved_rows]
        mine_values = [tuple(_plain(row.get(f)) for f in fields) for row in mine_rows]
        if saved_values != mine_values:
            changed.append(heading)
    return changed


def _plain(value) -> str:
    """Compare values as the form shows them (None and "" alike, 80 and 80.00 alike)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value.normalize())
    return str(value)


def _sync_children(model, application: Application, rows: list[dict], fields: tuple) -> dict:
    """Update rows by id, create new ones and delete the ones the user removed.

    Returns {form prefix: row id} so a page that saved in the background can give new rows
    their ids (and clear the ids of removed ones) before it saves again."""
    existing = {row.pk: row for row in model.objects.filter(application=application)}
    kept, ids = set(), {}
    for order, values in enumerate(rows, start=1):
        row = existing.get(values.get("id")) or model(application=application)
        for name in fields:
            value = values.get(name)
            if value is None and not model._meta.get_field(name).null:
                value = ""
            setattr(row, name, value)
        row.order = order
        row.save()
        kept.add(row.pk)
        if values.get("prefix"):
            ids[values["prefix"]] = row.pk
    model.objects.filter(application=application).exclude(pk__in=kept).delete()
    return ids


def do_save_draft(
    *, application_id: int, actor: User, expected_version: int, content: DraftContent
) -> Application:
    """Save whatever the user typed (complete or not). Refuses if someone saved meanwhile."""
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "edit", application)
        if application.version != expected_version:
            raise EditConflict(changed_headings(application, content))
        application.version += 1
        _apply_content(application, content)
        return application


def _apply_content(application: Application, content: DraftContent) -> None:
    """Write the typed content onto a locked (or just created) draft."""
    for name, value in content.fields.items():
        if name in Application.CONTENT_FIELDS:
            if value is None and not Application._meta.get_field(name).null:
                value = ""
            setattr(application, name, value)
    application.save()
    application.co_committees.set(content.co_committees)
    application.goals.set(content.goals)
    application.sdgs.set(content.sdgs)
    application.continues.set([a for a in content.continues if a.pk != application.pk])
    years = application.years
    for year in years:
        amount = content.amounts.get(year)
        if amount is None:
            RequestedAmount.objects.filter(application=application, year=year).delete()
        else:
            RequestedAmount.objects.update_or_create(
                application=application, year=year, defaults={"amount": amount}
            )
    RequestedAmount.objects.filter(application=application).exclude(year__in=years).delete()
    for row in content.criteria:
        error = SuccessCriterion.value_error(row.get("target_value"), row.get("unit") or "")
        if error:
            raise DomainError(error)
    application.saved_row_ids = {
        **_sync_children(ContactPerson, application, content.contacts, CONTACT_FIELDS),
        **_sync_children(SuccessCriterion, application, content.criteria, CRITERION_FIELDS),
    }


def do_delete_draft(*, application_id: int, actor: User) -> str:
    """The caseworker deletes a draft that was never submitted (the rules allow it only for
    status draft) and gets its title back for the message. Nothing of it stays in the
    department's list; django-simple-history keeps the deletion with its actor, and the
    attachments' files are removed once the deletion is committed."""
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "delete", application)
        files = [attachment.file for attachment in application.attachments.all()]
        title = application.title
        application._history_user = actor
        application.delete()
        for file in files:
            transaction.on_commit(partial(file.storage.delete, file.name))
    return title
