"""What was done to a person's account (second factor removed or turned off, a lockout
lifted): one row in Django's admin log, with who did it, in the caller's transaction. The
person's "Historik" in the administration lists them."""

from django.contrib.admin.models import CHANGE, LogEntry


def log_account_change(*, actor, user, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=str(message),
        single_object=True,
    )
