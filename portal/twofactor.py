"""Two-factor authentication for staff with django-otp: an authenticator app (TOTP) and
single-use backup codes. Required for committee staff and administrators when the
REQUIRE_STAFF_2FA setting is on (the default in production)."""

import base64
import io
import math
import re
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.account_log import log_account_change, notify_second_factor_change
from portal.models import UsedBackupCode

# Sent when a second-factor code is refused at sign-in (kwargs: user, request, pending, and
# used=True for a code used before, waited=True for one not tried during the wait after a
# wrong one); the identity app writes it to the sign-in log beside the other refusals.
second_factor_failed = Signal()
# Sent when a sign-in's first step (a password) is passed and the code is asked for, and when
# the code is accepted (kwargs: user, request, pending: the session's record of the half-done
# sign-in; a receiver may add its own keys to it while it is asked for): the sign-in log
# records a sign-in only once it is done, and a half-done one as such (fresh eyes round 28).
second_factor_asked = Signal()
second_factor_passed = Signal()  # also backup_code=True when a backup code was used
# Sent when the person gives up at the code step ("Afbryd …"; kwargs: request, pending).
second_factor_cancelled = Signal()

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"
APP_DEVICE_NAME = "app"


# Set in the session when the identity provider asserted multi-factor sign-in (amr/acr):
# the portal then does not ask for its own code (identity.views).
PROVIDER_MFA_SESSION_KEY = "mfa_by_provider"


def portal_code_needed(user, *, mfa_by_provider: bool) -> bool:
    """Whether a sign-in goes on to the portal's own code step: whenever the person has the
    portal's second factor, required or chosen, and no provider asserted one (fresh eyes
    round 13: a caseworker who turned it on was never asked for the code)."""
    return not mfa_by_provider and has_two_factor(user)


def verified_by_provider(request) -> bool:
    return bool(request.session.get(PROVIDER_MFA_SESSION_KEY))


def required_for_staff() -> bool:
    return bool(getattr(settings, "REQUIRE_STAFF_2FA", False))


def requires_two_factor(user) -> bool:
    if not required_for_staff() or not user.is_authenticated:
        return False
    return user.is_committee_staff or user.is_administrator or user.is_staff


def confirmed_devices(user) -> list:
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class CodeNotTried(Exception):
    """No device took the code and one of them was waiting after failed attempts, so the
    code was not tried there: it may well be right, and must not be called or logged wrong.
    (A wrong code from another tab can start the wait between the caller's check of
    `throttled_seconds` and the try.)"""


def is_backup_device(device) -> bool:
    return isinstance(device, StaticDevice)


def match_token(user, token: str):
    """The device that accepts the token (app code or backup code), or None; CodeNotTried
    when none took it and a device skipped it because it was waiting.

    django-otp throttles each device after failed attempts, so guessing is slowed down."""
    token = "".join(token.split())
    if not token or len(token) > 20:
        return None
    devices = confirmed_devices(user)
    waiting = False
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if not locked.verify_is_allowed()[0]:
                waiting = True
                continue
            if locked.verify_token(token):
                # The code was the user's: the failures the other devices just counted for
                # it (a backup code is no app code) must not make the next code wait.
                # An update, not throttle_reset(): that saves the whole row as loaded before
                # this verification, and could undo a concurrent change to it.
                for other in devices:
                    if other is not device:
                        type(other).objects.filter(pk=other.pk).update(
                            throttling_failure_count=0, throttling_failure_timestamp=None
                        )
                if isinstance(locked, StaticDevice):
                    UsedBackupCode.objects.get_or_create(
                        user=user, digest=_backup_code_digest(user, token)
                    )
                return locked
    if waiting:
        raise CodeNotTried
    return None


def _backup_code_digest(user, token: str) -> str:
    return salted_hmac(
        "portal.twofactor.used-backup-code", f"{user.pk}:{token}", algorithm="sha256"
    ).hexdigest()


def backup_code_already_used(user, token: str) -> bool:
    """The token is one of the user's current backup codes that has been used once."""
    token = "".join(token.split())
    if not re.fullmatch(r"[0-9]{8}", token):
        return False
    return UsedBackupCode.objects.filter(
        user=user, digest=_backup_code_digest(user, token)
    ).exists()


def code_already_used(user, token: str) -> bool:
    """The app code is one of the current ones but was refused: it has been used (django-otp
    takes each code once). Said as such, not as a wrong code (fresh eyes round 16: the
    person typed the right code again and again)."""
    import time

    from django_otp.oath import TOTP

    token = "".join(token.split())
    if not re.fullmatch(r"[0-9]{1,10}", token):
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.verify(int(token), device.tolerance):
            return True
    return False


def throttled_seconds(user) -> int:
    """Seconds until every device of the user takes a code again after failed attempts
    (django-otp's throttling), 0 when none is throttled. Every device, not just one: a
    wrong code counts against each, and their waits end at slightly different moments; a
    backup code tried while only the app was free again was refused as wrong."""
    waits = []
    for device in confirmed_devices(user):
        allowed, info = device.verify_is_allowed()
        if allowed:
            continue
        locked_until = (info or {}).get("locked_until")
        seconds = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
        waits.append(max(1, seconds))
    return max(waits) if waits else 0


def pending_app_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG image (allowed by our CSP's img-src data:)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_key(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def has_second_factor(user) -> bool:
    """A confirmed app, or backup codes left (an administrator may have deleted a lost app):
    then replacing the app or the codes needs a code from one of them."""
    return has_two_factor(user) or remaining_backup_codes(user) > 0


def password_needed(user) -> bool:
    """Whether the user signs in with a password of the portal's, so can type it again before
    the second factor changes (not a person signed in only through their municipality)."""
    from .backends import local_password_allowed

    return user.has_usable_password() and local_password_allowed(user)


class SecondFactorRefused(Exception):
    """Why the second factor was not changed; `field` is the form field it is about."""

    def __init__(self, field: str, wait: int = 0, used_backup_code: bool = False):
        self.field = field
        self.wait = wait
        self.used_backup_code = used_backup_code
        super().__init__(field)


class _NewCodeWrong(Exception):
    pass


def _refuse_without_proof(user, current_token: str) -> SecondFactorRefused | None:
    """None when the token is the owner's proof: a code from the app (or a backup code) the
    user has now. A wrong one is counted against the device by django-otp (throttling), so
    the caller must not roll that back."""
    wait = throttled_seconds(user)
    if wait:
        return SecondFactorRefused("current_token", wait)
    try:
        device = match_token(user, current_token or "")
    except CodeNotTried:
        return SecondFactorRefused("current_token", max(1, throttled_seconds(user)))
    if device is None:
        used = backup_code_already_used(user, current_token or "")
        return SecondFactorRefused("current_token", used_backup_code=used)
    return None


def do_set_up_app(*, user, new_token: str, current_token: str = "") -> list[str]:
    """Confirm the app being set up (the first, or one replacing the phone) with a code from
    it, and return fresh backup codes. A user who has a second factor must first prove it with
    a code from it: a verified session alone (a stolen cookie, a borrowed computer) must not
    swap in someone else's app and lock the owner out (attack round 7)."""
    refusal = None
    try:
        with transaction.atomic():
            if has_second_factor(user):
                refusal = _refuse_without_proof(user, current_token)
            if refusal is None:
                codes = _confirm_pending_app(user, new_token)
    except _NewCodeWrong:
        # Rolled back with the proof: a backup code used for it stays usable for the retry.
        raise SecondFactorRefused("token") from None
    if refusal is not None:
        # Raised after the commit: django-otp's count of wrong codes must stay.
        raise refusal
    notify_second_factor_change(user=user, what="set_up")
    return codes


def _confirm_pending_app(user, new_token: str) -> list[str]:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token("".join((new_token or "").split())):
        raise _NewCodeWrong
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _issue_backup_codes(user)


def do_new_backup_codes(*, user, current_token: str) -> list[str]:
    """Replace the user's backup codes with fresh ones, after a code from the app or one of
    the old backup codes (as do_set_up_app)."""
    if not has_second_factor(user):
        raise SecondFactorRefused("current_token")
    refusal = _refuse_without_proof(user, current_token)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        codes = _issue_backup_codes(user)
        # New codes make the old ones useless: the person hears of it (fresh eyes round 16).
        notify_second_factor_change(user=user, what="new_codes")
    return codes


@transaction.atomic
def _issue_backup_codes(user) -> list[str]:
    """Shown once, stored as single-use; only after the proof above (tests set up with it)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    UsedBackupCode.objects.filter(user=user).delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_backup_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def do_turn_off_two_factor(*, user, current_token: str) -> None:
    """The user turns off a second factor the portal does not require of them (a caseworker
    who chose it), after a code from it, as for a new app: a borrowed session alone must not
    weaken the account. Logged in the admin's log with the user as actor."""
    from django.core.exceptions import PermissionDenied

    if requires_two_factor(user):
        raise PermissionDenied
    if not has_second_factor(user):
        return
    refusal = _refuse_without_proof(user, current_token)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        _delete_devices(user)
        log_account_change(
            actor=user, user=user, message=_("Totrinslogin slået fra af personen selv.")
        )
        notify_second_factor_change(user=user, what="turned_off")


def do_remove_two_factor(*, actor, user_id: int):
    """An administrator takes away a person's second factor (a lost phone): their app and
    backup codes are deleted, their sessions end, and they set up a new app at their next
    sign-in. The change is in the admin's log with the actor, in the same transaction."""
    from portal.models import User

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        _delete_devices(user)
        # A lost phone may still hold a signed-in session: every session ends now.
        user.session_generation += 1
        user.save(update_fields=["session_generation"])
        log_account_change(
            actor=actor, user=user, message=_("Totrinslogin fjernet (appen og reservekoderne).")
        )
        notify_second_factor_change(user=user, what="removed")
        return user


def _delete_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
