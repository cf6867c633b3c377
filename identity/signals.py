"""Password sign-ins in the one sign-in log (`SignInEvent`), beside the provider and e-mail
link sign-ins the identity services record themselves: a signed-in password user, a refused
password and a refused second-factor code."""

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.account_log import notify_locked_out, notify_password_guessing
from portal.backends import lockout_username
from portal.lockouts import note_wrong_password, password_paused
from portal.twofactor import (
    has_two_factor,
    requires_two_factor,
    second_factor_asked,
    second_factor_cancelled,
    second_factor_failed,
    second_factor_passed,
)

from .models import (
    DETAIL_SETUP_PENDING,
    DETAIL_WITH_BACKUP_CODE,
    DETAIL_WITH_PORTAL_CODE,
    SignInEvent,
    SignInMethod,
    SignInOutcome,
)

PASSWORD_BACKENDS = {"portal.backends.LocalPasswordBackend"}


@receiver(user_logged_in, dispatch_uid="identity-password-sign-in")
def password_sign_in(sender, request, user, **kwargs):
    # The backend the session was opened with (a user loaded after the code step has no
    # `backend` attribute; login() stores it in the session).
    backend = request.session.get(BACKEND_SESSION_KEY, "") if request is not None else ""
    if (backend or getattr(user, "backend", "")) not in PASSWORD_BACKENDS:
        return  # providers and e-mail links are recorded by identity.services
    if getattr(request, "sign_in_recorded", False):
        return  # through the code step: its row was made "Logget ind" (code_given below)
    # A password user with a second factor gets in only through its code (portal.auth_views).
    verified = has_two_factor(user)
    if verified:
        detail = DETAIL_WITH_PORTAL_CODE
    elif requires_two_factor(user):
        # Signed in, but kept at the set-up page until it is done (fresh eyes round 13:
        # "Logget ind" for someone who could not use the portal yet).
        detail = DETAIL_SETUP_PENDING
    else:
        detail = ""
    SignInEvent.objects.create(
        method=SignInMethod.PASSWORD,
        user=user,
        outcome=SignInOutcome.SIGNED_IN,
        role=user.role,
        department_id=user.department_id,
        detail=detail,
    )


@receiver(user_login_failed, dispatch_uid="identity-password-refused")
def password_refused(sender, credentials, request=None, **kwargs):
    # What was typed as the user name is not kept unless it is one: people type passwords there.
    user = get_user_model().objects.filter(username=credentials.get("username", "")).first()
    # Locked out (django-axes marks the request): the password was not even tried, so the
    # log must not say it was wrong (fresh eyes round 12: the right one was logged as wrong).
    # Asked of django-axes itself: its own flag is set by its receiver, which may run after
    # this one.
    # The wrong password that locks the account was tried and counted by django-axes (it
    # sets `axes_failures_since_start` only then): the owner's log says it was wrong, and
    # "spærret" from the next try on (fresh eyes round 27: the fifth said "spærret").
    counted = getattr(request, "axes_failures_since_start", None) is not None
    locked = (
        request is not None
        and not counted
        and (
            bool(getattr(request, "axes_locked_out", False))
            or AxesProxyHandler.is_locked(request, credentials)
        )
    )
    if locked:
        outcome = SignInOutcome.LOCKED_OUT
    elif user is not None and not user.is_active:
        # Django refuses a deactivated user as a wrong password; support needs the real
        # reason (fresh eyes round 13). The person still hears only "wrong password".
        outcome = SignInOutcome.BLOCKED
    else:
        outcome = SignInOutcome.WRONG_PASSWORD
        # Counted over all addresses too: guesses spread over many pause password sign-in.
        if note_wrong_password(lockout_username(request, credentials)) and user is not None:
            notify_password_guessing(user)
    with translation.override(settings.LANGUAGE_CODE):
        # Why the typed name is not shown, and until when a lockout lasts (fresh eyes round
        # 33: "Hvem –" with no word of why, and "Årsag: -" for a lockout).
        if user is None:
            detail = _(
                "Ukendt brugernavn (det indtastede gemmes ikke: der står tit en adgangskode)"
            )
        elif outcome == SignInOutcome.LOCKED_OUT:
            detail = _locked_detail(user)
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Asked again by a signed-in person before the second factor changes (counted
            # as a wrong password, so a session thief cannot guess it): no failed login
            # (fresh eyes round 34 read it as one).
            detail = _("Skrevet forkert af en, der var logget ind, ved ændring af totrinslogin")
        else:
            detail = ""
    SignInEvent.objects.create(
        method=SignInMethod.PASSWORD,
        user=user,
        outcome=outcome,
        detail=detail,
        role=user.role if user is not None else "",  # as every line of a known person
    )


@receiver(second_factor_asked, dispatch_uid="identity-code-asked")
def password_passed_code_asked(sender, user, request=None, pending=None, **kwargs):
    # A right password is no sign-in yet: recorded as waiting for the code, and made
    # "Logget ind" when it is given; one who knows the password but not the code shows.
    event = SignInEvent.objects.create(
        method=SignInMethod.PASSWORD,
        user=user,
        outcome=SignInOutcome.CODE_PENDING,
        role=user.role,
        department_id=user.department_id,
    )
    if pending is not None:
        pending["event"] = event.pk


def _first_step(user, pending) -> SignInEvent | None:
    """The half-done sign-in's row: a password's (above) or a provider's (services)."""
    event_id = (pending or {}).get("event")
    return SignInEvent.objects.filter(pk=event_id, user=user).first() if event_id else None


@receiver(second_factor_failed, dispatch_uid="identity-second-factor-refused")
def second_factor_refused(
    sender, user, request=None, pending=None, used=False, waited=False, **kwargs
):
    # A code used before is no wrong code: the person's own sign-in log says which it was
    # (fresh eyes round 21: a reused backup code was logged as a wrong one); nor is one not
    # tried during the wait after a wrong one (round 31: such tries left no trace).
    if waited:
        outcome = SignInOutcome.CODE_WAIT
    else:
        outcome = SignInOutcome.USED_CODE if used else SignInOutcome.WRONG_CODE
    # Refused the way the person came: after a provider's sign-in, not as a password (fresh
    # eyes round 28: "Brugernavn og adgangskode" for someone who has none).
    first = _first_step(user, pending)
    SignInEvent.objects.create(
        method=first.method if first else SignInMethod.PASSWORD,
        provider=first.provider if first else None,
        identity=first.identity if first else None,
        user=user,
        outcome=outcome,
        # The first step told who it is (fresh eyes round 31: "–" beside a refused code).
        role=user.role,
        department_id=user.department_id,
    )
    _still_the_latest(first)


def _still_the_latest(first: SignInEvent | None) -> None:
    """The half-done sign-in's row moves to now, so it stays the newest line of its
    attempt; the logs read newest first (fresh eyes round 31: "koden mangler" was listed
    before the wrong codes typed after it)."""
    if first is not None and first.outcome == SignInOutcome.CODE_PENDING:
        SignInEvent.objects.filter(pk=first.pk).update(at=timezone.now())


@receiver(second_factor_passed, dispatch_uid="identity-code-given")
def code_given(sender, user, request=None, pending=None, backup_code=False, **kwargs):
    first = _first_step(user, pending)
    if first is None or first.outcome != SignInOutcome.CODE_PENDING:
        return  # a sign-in begun before this was recorded: logged at the login itself
    first.outcome = SignInOutcome.SIGNED_IN
    first.detail = DETAIL_WITH_BACKUP_CODE if backup_code else DETAIL_WITH_PORTAL_CODE
    first.at = timezone.now()  # signed in now, after any wrong codes
    first.save(update_fields=["outcome", "detail", "at"])
    if request is not None:
        request.sign_in_recorded = True


@receiver(password_paused, dispatch_uid="identity-password-paused")
def password_tried_during_a_pause(sender, user, **kwargs):
    # Not tried at all (portal.lockouts): "spærret", as during a lockout, in the person's log.
    with translation.override(settings.LANGUAGE_CODE):
        detail = _locked_detail(user)
    SignInEvent.objects.create(
        method=SignInMethod.PASSWORD,
        user=user,
        outcome=SignInOutcome.LOCKED_OUT,
        detail=detail,
        role=user.role,
    )


def _locked_detail(user) -> str:
    from portal.lockouts import locked_until, said_until

    until = locked_until(user)
    return _("Spærret til %(until)s") % {"until": said_until(until)} if until else ""


@receiver(user_locked_out, dispatch_uid="identity-locked-out-mail")
def tell_the_locked_out_person(sender, request=None, username=None, **kwargs):
    """The person whose account was locked after wrong passwords hears of it: if it was not
    them, someone is guessing their password (fresh eyes round 16: no mail)."""
    user = get_user_model().objects.filter(username=username or "", is_active=True).first()
    if user is not None:
        notify_locked_out(user)


@receiver(second_factor_cancelled, dispatch_uid="identity-code-cancelled")
def code_step_given_up(sender, request=None, pending=None, **kwargs):
    # Given up on purpose ("Afbryd …"), not broken off (fresh eyes round 30).
    SignInEvent.objects.filter(
        pk=(pending or {}).get("event"), outcome=SignInOutcome.CODE_PENDING
    ).update(outcome=SignInOutcome.CODE_CANCELLED, at=timezone.now())
