"""Locked out after too many wrong passwords (django-axes): the page a person sees, whether
a user is locked now, and an administrator lifting it (fresh eyes round 12: the page was a
dead end and support had to find and delete rows in django-axes' own list)."""

import datetime
import hashlib
import math

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
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


def said_until(moment: datetime.datetime) -> str:
    """A lockout's end as a mail or the administration says it: "4. december 2026 kl. 16:28",
    rounded up as the person's page says it (a mail is often read the next day: fresh eyes
    round 24)."""
    from django.utils.formats import date_format, time_format

    moment = timezone.localtime(whole_minute_after(moment))
    return _("%(date)s kl. %(time)s") % {
        "date": date_format(moment, "j. F Y"),
        "time": time_format(moment, "TIME_FORMAT"),
    }


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
    """When the user's lockout ends (from any address, or the pause after guesses from many),
    or None when they are not locked."""
    ends = [_lock_ends(user.get_username()), password_paused_until(user.get_username())]
    return max((end for end in ends if end is not None), default=None)


def do_lift_lockout(*, actor, user_id: int) -> int:
    """An administrator lets a locked-out person try again at once; logged with the actor.
    Returns the number of lockout records removed."""
    from axes.models import AccessAttempt

    from portal.account_log import log_account_change
    from portal.models import User

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        removed, _details = AccessAttempt.objects.filter(username=user.get_username()).delete()
        lift_password_pause(user.get_username())
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


# --- Guessing from many addresses ------------------------------------------------------
# django-axes locks a user name per client address (AXES_LOCKOUT_PARAMETERS), so nobody can
# lock a colleague out from elsewhere. Spread over many addresses, guesses would never be
# stopped (attack round 22: 120 wrong passwords from 30 addresses). So the wrong passwords
# for one user name are also counted over all addresses: past PASSWORD_ACCOUNT_FAILURE_LIMIT
# within the cool-off, password sign-in for that name pauses for a cool-off, from everywhere;
# the owner is mailed, sign-in through the municipality's provider is untouched, and an
# administrator can lift it. Counted in the cache (Redis across app servers) under the name
# django-axes uses, a stand-in for names no user has, so the answer is the same for both.


# Sent with `user` when a password sign-in is refused during a pause: the sign-in log (a
# layer above) records it, so the owner sees the guessing went on (fresh eyes round 22).
password_paused = Signal()


def _guess_keys(name: str) -> tuple[str, str]:
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    return f"password-failures:{digest}", f"password-paused:{digest}"


def note_wrong_password(name: str) -> bool:
    """One more wrong password for the user name `name` (portal.backends.lockout_username).
    True when this one started a pause."""
    from django.core.cache import cache

    from portal.rate_limits import counted

    failures, paused = _guess_keys(name)
    seconds = round(settings.AXES_COOLOFF_TIME * 3600)
    if counted(failures, settings.PASSWORD_ACCOUNT_FAILURE_LIMIT, seconds):
        return False
    ends = timezone.now() + datetime.timedelta(seconds=seconds)
    return cache.add(paused, ends.timestamp(), seconds)


def password_paused_until(name: str) -> datetime.datetime | None:
    """When password sign-in for the user name `name` opens again, or None."""
    from django.core.cache import cache

    ends = cache.get(_guess_keys(name)[1])
    if ends is None or ends <= timezone.now().timestamp():
        return None
    return timezone.localtime(datetime.datetime.fromtimestamp(ends, tz=datetime.UTC))


def lift_password_pause(name: str) -> None:
    from django.core.cache import cache

    cache.delete_many(_guess_keys(name))
