"""What was done to a person's account (second factor removed or turned off, a lockout
lifted): one row in Django's admin log, with who did it, in the caller's transaction. The
person's "Historik" in the administration lists them."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils.translation import gettext_lazy


def log_account_change(*, actor, user, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=str(message),
        single_object=True,
    )


def _mail_owner(user, kind: str, render) -> None:
    """A security mail to the account's owner, in their language, through the worker:
    `render()` gives (subject, lines after the greeting); nothing without an address."""
    from django.utils.translation import gettext as _

    from worker.mail import language_of, send_in_languages

    if not user.email:
        return

    def message():
        subject, lines = render()
        greeting = _("Hej %(name)s") % {"name": user.get_full_name() or user.get_username()}
        return subject, "\n\n".join([greeting, *lines]) + "\n"

    send_in_languages(recipients=[(user.email, language_of(user))], render=message, kind=kind)


def _if_it_was_you(user) -> str:
    """What the owner can do now, if the wrong passwords were their own."""
    from django.utils.translation import gettext as _

    if user.is_organisation_person:
        return _(
            "Var det dig, kan du vente til da eller logge ind med et link på e-mail: vælg »Log "
            "ind med e-mail« på login-siden."
        )
    return _(
        "Var det dig, kan du vente til da eller bede kommunens IT-support eller portalens "
        "administrator om at ophæve spærringen med det samme."
    )


def _own_sign_ins_line() -> str:
    from django.utils.translation import gettext as _

    from portal import site

    return _("Dine logins: %(address)s") % {"address": site.absolute(reverse("own-sign-ins"))}


# What the person is told by mail of a change to their second factor, in their language
# (fresh eyes round 13: nobody heard when an administrator removed it, so a supporter
# tricked into removing it would go unnoticed).
SECOND_FACTOR_NOTICES = {
    "set_up": gettext_lazy("Totrinslogin er slået til på din konto med en ny app."),
    "turned_off": gettext_lazy("Totrinslogin er slået fra på din konto."),
    "removed": gettext_lazy(
        "En administrator har fjernet totrinslogin fra din konto. Næste gang du logger ind, "
        "sætter du en ny app op."
    ),
    "new_codes": gettext_lazy(
        "Der er lavet nye reservekoder til din konto. De gamle reservekoder virker ikke længere."
    ),
    "backup_code_used": gettext_lazy("Der er logget ind på din konto med en reservekode."),
}


def notify_second_factor_change(*, user, what: str) -> None:
    """Mail the person (after the commit, through the worker) that their second factor
    changed, and what to do if it was not them."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from portal import site
    from portal.twofactor import remaining_backup_codes

    when = timezone.localtime()

    def render():
        # A sign-in with a backup code changes nothing: said as what it is, with the codes
        # left (fresh eyes round 17).
        used = what == "backup_code_used"
        subject = (
            _("Sikkerhed: der er logget ind med en reservekode")
            if used
            else _("Sikkerhed: totrinslogin på din konto er ændret")
        )
        left = _("Du har %(n)s reservekoder tilbage.") % {"n": remaining_backup_codes(user)}
        account = _("Din konto")
        return subject, [
            f"{SECOND_FACTOR_NOTICES[what]} ({date_format(when, 'DATETIME_FORMAT')})",
            *([left] if used else []),
            _(
                "Var det ikke dig eller din kommunes IT-support, så kontakt IT-supporten med "
                "det samme."
            ),
            f"{account}: {site.absolute(reverse('two-factor-setup'))}",
        ]

    _mail_owner(user, "second_factor", render)


def notify_locked_out(user) -> None:
    """Mail the person that their account is locked after wrong passwords (through the
    worker): if it was not them, someone is guessing their password."""
    import datetime

    from django.conf import settings
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from portal.lockouts import locked_until, said_until, whole_minute_after
    from portal.rate_limits import counted

    if not user.email:
        return
    seconds = round(settings.AXES_COOLOFF_TIME * 3600)
    # django-axes reports the lockout again at every attempt while it lasts: one mail per
    # lockout, not one per attempt (fresh eyes round 17: anyone knowing a user name could
    # fill the inbox with alarms).
    if not counted(f"locked-out-mail:{user.pk}", 1, seconds):
        return
    until = whole_minute_after(
        locked_until(user) or timezone.localtime() + datetime.timedelta(seconds=seconds)
    )

    def render():
        return _("Sikkerhed: mange forkerte adgangskoder til din konto"), [
            # Said as it is: the lock is on the place the tries came from, so nobody can
            # lock the owner out from elsewhere (attack round 16: "din konto er spærret"
            # while it opened from another address).
            _(
                "Der er skrevet forkert adgangskode til din konto i Integrationsportalen for "
                "mange gange. Fra den computer eller det netværk, forsøgene kom fra, kan der "
                "ikke logges ind med adgangskode før %(until)s. Andre steder fra kan du "
                "logge ind som sædvanligt."
            )
            % {"until": said_until(until)},
            _if_it_was_you(user),
            # A volunteer has no IT support of the municipality's (fresh eyes round 29).
            _(
                "Var det ikke dig, prøver en anden måske at gætte din adgangskode: sig det til "
                "kommunen, der giver puljen."
            )
            if user.is_organisation_person
            else _(
                "Var det ikke dig, prøver en anden måske at gætte din adgangskode: kontakt din "
                "kommunes IT-support."
            ),
            _own_sign_ins_line(),
        ]

    _mail_owner(user, "locked_out", render)


def notify_password_guessing(user) -> None:
    """Mail the person that password sign-in to their account is paused after wrong
    passwords from many places (portal.lockouts.note_wrong_password: once per pause)."""
    from django.utils.translation import gettext as _

    from portal.lockouts import locked_until, said_until

    until = locked_until(user)

    def render():
        return _("Sikkerhed: nogen prøver at gætte din adgangskode"), [
            _(
                "Der er skrevet forkert adgangskode til din konto i Integrationsportalen mange "
                "gange fra flere forskellige steder. For en sikkerheds skyld kan der ikke logges "
                "ind på din konto med adgangskode før %(until)s, heller ikke med den rigtige."
            )
            % {"until": said_until(until) if until else "–"},
            _if_it_was_you(user),
            # A volunteer has no IT support of the municipality's (fresh eyes round 22).
            _(
                "Var det ikke dig, prøver en anden at gætte din adgangskode: sig det til "
                "kommunen, der giver puljen, og skift adgangskoden, når du er logget ind igen."
            )
            if user.is_organisation_person
            else _(
                "Var det ikke dig, prøver en anden at gætte din adgangskode: kontakt din "
                "kommunes IT-support, og skift adgangskoden, når du er logget ind igen."
            ),
            _own_sign_ins_line(),
        ]

    _mail_owner(user, "password_guessing", render)


# Wrong second-factor codes after the right password, within an hour, before the person is
# told: whoever typed them knows the password.
WRONG_CODES_BEFORE_MAIL = 3


def note_wrong_code(user) -> None:
    """A wrong code after the right password. At the third within an hour the person is
    mailed, once an hour (fresh eyes round 18: twenty wrong codes and no word, while five
    wrong passwords send a mail)."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from portal.rate_limits import counted

    if not user.email or counted(f"wrong-codes:{user.pk}", WRONG_CODES_BEFORE_MAIL - 1, 3600):
        return
    if not counted(f"wrong-codes-mail:{user.pk}", 1, 3600):
        return
    when = timezone.localtime()

    def render():
        return _("Sikkerhed: forkerte koder efter din adgangskode"), [
            _(
                "Din adgangskode er skrevet rigtigt, men derefter er der skrevet forkerte koder "
                "fra totrinsloginet flere gange (senest %(when)s). Se under »Dine logins«, om "
                "nogen er kommet ind bagefter."
            )
            % {"when": date_format(when, "DATETIME_FORMAT")},
            _(
                "Var det ikke dig, kender en anden måske din adgangskode: kontakt din "
                "kommunes IT-support med det samme."
            ),
            _own_sign_ins_line(),
        ]

    _mail_owner(user, "wrong_codes", render)
