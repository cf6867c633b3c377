"""Domain errors: raised by services, shown to the user as a translated message."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the action; `message` is user-facing and translated."""

    default_message = _("Handlingen er ikke tilladt.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class TransitionNotAllowed(DomainError):
    default_message = _("Ansøgningen kan ikke skifte til den status fra sin nuværende status.")


class DeadlinePassed(DomainError):
    default_message = _("Ansøgningsfristen er overskredet.")


class InsufficientFunds(DomainError):
    default_message = _("Der er ikke penge nok tilbage i puljen.")


class EditConflict(DomainError):
    """Someone saved a newer version meanwhile; `changed` names the headings that differ."""

    default_message = _(
        "En anden har gemt ansøgningen, mens du redigerede. Dine ændringer er ikke gemt endnu."
    )

    def __init__(self, changed: list[str] | None = None, message=None):
        self.changed = changed or []
        super().__init__(message)
