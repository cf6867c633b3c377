"""Reminders: sent once per user and occasion, and only to users who want them."""

from django.db import IntegrityError, transaction

from .models import Preferences, SentReminder

# The reminder kinds a user can turn on or off (worker.models.Preferences fields).
KINDS = (
    "remind_draft_deadline",
    "remind_report_due",
    "remind_report_overdue",
    "remind_information_due",
)


def wants(user, kind: str) -> bool:
    """Does `user` get reminders of `kind`? On until they turn it off; never without an
    address or an active account."""
    if kind not in KINDS:
        raise ValueError(f"Unknown reminder kind: {kind}")
    if not (user.is_active and user.email):
        return False
    try:
        return getattr(user.preferences, kind)
    except Preferences.DoesNotExist:
        return True


def claim(user, key: str) -> bool:
    """Record that `user` is reminded of `key`; False if that was already recorded. Call it
    in the transaction that queues the mail: a second worker doing the same waits on the
    unique index until the first commits, then finds the row and sends nothing."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(user=user, key=key)
    except IntegrityError:
        return False
    return True
