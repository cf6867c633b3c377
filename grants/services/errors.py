"""Domain errors: raised by services, shown to the user as a translated message."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the action; `message` is user-facing and translated."""

    default_message = _("Handlingen er ikke tilladt.")

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message or self.default_message
        # The form field the refusal is about, when there is one: the page marks it there.
        self.field = field
        super().__init__(str(self.message))


class DomainErrors(DomainError):
    """Several refusals found together, so a form can show them all at once (fresh eyes
    needed four submits of the decision form to see four problems one by one)."""

    def __init__(self, errors: list[DomainError]):
        self.errors = errors
        super().__init__(errors[0].message, field=errors[0].field)


def each_error(error: DomainError) -> list[DomainError]:
    return list(getattr(error, "errors", [error]))


class TransitionNotAllowed(DomainError):
    default_message = _("Ansøgningen kan ikke skifte til den status fra sin nuværende status.")


class DeadlinePassed(DomainError):
    default_message = _("Ansøgningsfristen er overskredet.")


class InsufficientFunds(DomainError):
    default_message = _("Der er ikke penge nok tilbage i puljen.")


class EditConflict(DomainError):
    """Someone saved a newer version meanwhile; `changed` names the headings that differ."""

    default_message = _(
        "Ansøgningen er gemt et andet sted, mens du redigerede. Dine ændringer er ikke gemt endnu."
    )

    def __init__(self, changed: list[str] | None = None, message=None):
        self.changed = changed or []
        super().__init__(message)


class Busy(DomainError):
    """A row this action must lock stayed locked by another action for too long."""

    default_message = _(
        "Puljen er optaget af en anden handling lige nu. Intet er gemt – prøv igen."
    )


# PostgreSQL: lock_not_available (lock_timeout), query_canceled (statement_timeout).
LOCK_WAIT_SQLSTATES = {"55P03", "57014"}


def is_lock_wait(error: Exception) -> bool:
    """Did the database give up waiting for a lock (rather than fail for another reason)?"""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in LOCK_WAIT_SQLSTATES:
        return True
    # SQLite: another writer holds the database longer than its busy timeout.
    return "database is locked" in str(error)
