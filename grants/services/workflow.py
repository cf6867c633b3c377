"""The life of an application (DESIGN.md): allowed transitions and their audit rows."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import Application, ApplicationStatus, StatusChange
from grants.notifications import notify_returned

from .errors import DomainError, TransitionNotAllowed

S = ApplicationStatus

# from-status → statuses it may move to. Withdrawal is allowed any time before the decision.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.RETURNED, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.RECOMMENDED, S.RETURNED, S.WITHDRAWN, S.APPROVED, S.REJECTED}),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.RECOMMENDED: frozenset({S.APPROVED, S.REJECTED, S.IN_REVIEW, S.RETURNED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset({S.CLOSED}),
    S.REJECTED: frozenset(),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def can_transition(*, from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def lock_application(application_id: int) -> Application:
    """Re-read the application under a row lock; call inside a transaction."""
    return Application.objects.select_for_update().get(pk=application_id)


def change_status(
    *, application: Application, to_status: str, actor, comment: str = ""
) -> Application:
    """Move a locked application to `to_status` and record it. Call inside a transaction."""
    from_status = application.status
    if not can_transition(from_status=from_status, to_status=to_status):
        raise TransitionNotAllowed(
            _("En ansøgning med status »%(from)s« kan ikke ændres til »%(to)s«.")
            % {"from": S(from_status).label, "to": S(to_status).label}
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
        comment=comment,
    )
    return application


def do_change_status(
    *, application_id: int, to_status: str, actor, comment: str = ""
) -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        return change_status(
            application=application, to_status=to_status, actor=actor, comment=comment
        )


def do_withdraw(*, application_id: int, actor, comment: str = "") -> Application:
    """The caseworker withdraws the application; allowed any time before the decision."""
    return do_change_status(
        application_id=application_id,
        to_status=S.WITHDRAWN,
        actor=actor,
        comment=comment,
    )


def do_return_for_changes(*, application_id: int, actor, comment: str) -> Application:
    """Staff send the application back to the caseworker with what to change."""
    if not comment.strip():
        raise DomainError(_("Skriv, hvad ansøgeren skal ændre."))
    with transaction.atomic():
        application = lock_application(application_id)
        if application.conflicts.filter(user=actor).exists():
            raise DomainError(
                _("Du har erklæret dig inhabil i denne ansøgning og kan ikke sende den retur.")
            )
        change_status(application=application, to_status=S.RETURNED, actor=actor, comment=comment)
        notify_returned(application, comment)
        return application
