"""The life of an application (DESIGN.md): allowed transitions and their audit rows."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import Application, ApplicationStatus, StatusChange
from grants.notifications import notify_returned, notify_withdrawn
from grants.rules import APPLICATION_ACTIONS, check, transitions

from .errors import DomainError, TransitionNotAllowed

S = ApplicationStatus

# from-status → statuses it may move to, derived from the one action table (grants.rules).
TRANSITIONS: dict[str, frozenset[str]] = transitions(APPLICATION_ACTIONS)


def can_transition(*, from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def lock_application(application_id: int) -> Application:
    """Re-read the application under a row lock; call inside a transaction."""
    return Application.objects.select_for_update().get(pk=application_id)


def change_status(
    *, application: Application, to_status: str, actor, comment: str = "", note: str = ""
) -> Application:
    """Move a locked application to `to_status` and record it. Call inside a transaction."""
    from_status = application.status
    if not can_transition(from_status=from_status, to_status=to_status):
        raise TransitionNotAllowed(
            _("En ansøgning med status »%(from)s« kan ikke ændres til »%(to)s«.")
            % {"from": application.status_label, "to": S(to_status).label}
        )
    application.status = to_status
    application.version += 1
    update_fields = ["status", "version", "updated_at"]
    if to_status == S.SUBMITTED:
        application.submitted_at = timezone.now()
        update_fields.append("submitted_at")
    application.save(update_fields=update_fields)
    StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
        comment=comment,
    )
    return application


def do_withdraw(*, application_id: int, actor, comment: str = "") -> Application:
    """The caseworker withdraws the application; allowed any time before the decision."""
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "withdraw", application)
        was_draft = application.status == S.DRAFT
        change_status(application=application, to_status=S.WITHDRAWN, actor=actor, comment=comment)
        if not was_draft:
            # A draft nobody else has seen is withdrawn quietly.
            notify_withdrawn(application, actor)
        return application


def do_return_for_changes(*, application_id: int, actor, comment: str) -> Application:
    """Staff send the application back to the caseworker with what to change."""
    if not comment.strip():
        raise DomainError(_("Skriv, hvad ansøgeren skal ændre."))
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "return", application)
        change_status(application=application, to_status=S.RETURNED, actor=actor, comment=comment)
        notify_returned(application, comment)
        return application
