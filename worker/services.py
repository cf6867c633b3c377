"""A user's own settings: reminders, e-mail language and the calendar feed's address. Each
change is made by the user for themselves, in one transaction, with its history row."""

from django.db import transaction

from .models import Preferences, new_calendar_token

SETTINGS_FIELDS = (
    "language",
    "remind_draft_deadline",
    "remind_report_due",
    "remind_report_overdue",
    "remind_information_due",
)


def preferences_for(user) -> Preferences:
    """The user's settings; the defaults (unsaved) until they change one."""
    try:
        return user.preferences
    except Preferences.DoesNotExist:
        return Preferences(user=user)


def _locked(actor) -> Preferences:
    Preferences.objects.get_or_create(user=actor)
    return Preferences.objects.select_for_update().get(user=actor)


def do_update_preferences(*, actor, values: dict) -> Preferences:
    with transaction.atomic():
        preferences = _locked(actor)
        for name in SETTINGS_FIELDS:
            if name in values:
                setattr(preferences, name, values[name])
        preferences._history_user = actor
        preferences.save()
        return preferences


# A revoked address: no feed answers it, and the yearly-cycle page offers to make a new one
# (fresh eyes round 14: after »Log ud overalt« the page showed a new address unasked, so
# nothing said that subscribed calendars had stopped).
REVOKED_PREFIX = "revoked-"


def has_calendar_feed(preferences) -> bool:
    return bool(preferences.pk) and not preferences.calendar_token.startswith(REVOKED_PREFIX)


def revoke_calendar_feed(sender, *, user, **kwargs) -> None:
    """On »Log ud overalt« (portal.sessions.sessions_ended): the feed's old address stops
    working; the user makes a new one on the yearly-cycle page."""
    if Preferences.objects.filter(user=user).exists():
        with transaction.atomic():
            preferences = _locked(user)
            preferences.calendar_token = (REVOKED_PREFIX + new_calendar_token())[:64]
            preferences._history_user = user
            preferences.save()


def do_renew_calendar_token(*, actor) -> Preferences:
    """A new private address for the calendar feed; the old one stops working at once."""
    with transaction.atomic():
        preferences = _locked(actor)
        preferences.calendar_token = new_calendar_token()
        preferences._history_user = actor
        preferences.save()
        return preferences
