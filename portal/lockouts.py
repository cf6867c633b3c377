"""Locked out after too many wrong passwords (django-axes): the page a person sees, whether
a user is locked now, and an administrator lifting it (fresh eyes round 12: the page was a
dead end and support had to find and delete rows in django-axes' own list)."""

import datetime
import math

from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def cool_off() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)


def lockout_response(request, original_response=None, credentials=None):
    """The wait ends a cool-off after the attempt that locked (tries during the lockout do
    not move it: AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off)."""
    from axes.helpers import get_client_username

    username = get_client_username(request, credentials or {})
    ends = _lock_ends(username) or timezone.localtime() + cool_off()
    until = whole_minute_after(ends)
    # The minutes from the lockout's real end, so the page says the 30 minutes the last
    # warning promised (fresh eyes round 20: "om 31 minutter"); the clock time is rounded up.
    minutes = max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))
    from portal.backends import email_link_allowed

    context = {"until": until, "minutes": minutes, "email_sign_in": email_link_allowed()}
    return render(request, "registration/locked_out.html", context, status=429)


def whole_minute_after(moment: datetime.datetime) -> datetime.datetime:
    """The time said to the person: the lockout's end rounded up to the minute, so "kl.
    20:01" is never a time they are still refused at (fresh eyes round 18: "kl. 20:00",
    and refused at 20:00:26)."""
    if moment.second or moment.microsecond:
        moment += datetime.timedelta(minutes=1)
    return moment.replace(second=0, microsecond=0)


def _lock_ends(username: str) -> datetime.datetime | None:
    from axes.models import AccessAttempt

    attempt = (
        AccessAttempt.objects.filter(
            username=username,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gt=timezone.now() - cool_off(),
        )
        .order_by("-attempt_time")
        .first()
    )
    return timezone.localtime(attempt.attempt_time + cool_off()) if attempt else None


def locked_until(user) -> datetime.datetime | None:
    """When the user's lockout ends (from any address), or None when they are not locked."""
    return _lock_ends(user.get_username())


def do_lift_lockout(*, actor, user_id: int) -> int:
    """An administrator lets a locked-out person try again at once; logged with the actor.
    Returns the number of lockout records removed."""
    from axes.models import AccessAttempt

    from portal.account_log import log_account_change
    from portal.models import User

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        removed, _details = AccessAttempt.objects.filter(username=user.get_username()).delete()
        log_account_change(
            actor=actor, user=user, message=_("Spærring efter forkerte adgangskoder ophævet.")
        )
    return removed


def locked_now():
    """An expression for a user row: locked out now (the admin's list column and filter)."""
    from axes.models import AccessAttempt
    from django.db.models import Exists, OuterRef

    return Exists(
        AccessAttempt.objects.filter(
            username=OuterRef("username"),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gt=timezone.now() - cool_off(),
        )
    )
