"""The people of applicant organisations, for development and the demo: sign-in with an
e-mail address proven by a signed link, and inviting colleagues of the same organisation.
(Production signs them in with MitID Erhverv: grants.organisations.person_of_organisation.)

The pages are grants.views.people ("Log ind med e-mail", the link's landing page, "Din
forening"). A link works for an hour and once: it carries the person's last sign-in, which
signing in changes, so a used link (and every older one) stops working (docs/decisions.md)."""

import datetime
import enum
import hashlib

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from grants.organisations import new_person
from identity.models import SignInEvent, SignInMethod, SignInOutcome
from portal.models import Role, User
from portal.rate_limits import counted
from worker.mail import language_of, send_after_commit

from .errors import DomainError

SALT = "grants.people.sign-in"
LINK_VALID_SECONDS = 60 * 60  # an hour
# An invitation's link lasts longer: the colleague may not read mail within the hour.
INVITATION_SALT = "grants.people.invitation"
INVITATION_VALID_SECONDS = 7 * 24 * 60 * 60
INVITATION_DAYS = INVITATION_VALID_SECONDS // (24 * 60 * 60)
# At most this many links to one address an hour: a stranger cannot flood someone's inbox.
LINKS_PER_ADDRESS = 3


def _last_seen(user: User) -> str:
    return user.last_login.isoformat() if user.last_login else ""


def _link_state(user: User) -> str:
    """A digest of the address and the last sign-in: a changed address makes old links
    worthless, and so does signing in (the link is used up). Only the digest is in the
    link: a signed link is readable base64, and it named the address and the time of the
    last sign-in to anyone who saw it (attack round 22)."""
    state = f"{user.email.lower()}|{_last_seen(user)}"
    if user.links_declined_at:  # only then: links sent before this field still work
        state += f"|{user.links_declined_at.isoformat()}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def sign_in_token(user: User, *, invitation: bool = False) -> str:
    """The signed user id and `_link_state`."""
    return signing.dumps(
        {"user": user.pk, "state": _link_state(user)},
        salt=INVITATION_SALT if invitation else SALT,
    )


def _token_data(token: str) -> dict:
    for salt, max_age in (
        (SALT, LINK_VALID_SECONDS),
        (INVITATION_SALT, INVITATION_VALID_SECONDS),
    ):
        try:
            return signing.loads(token, salt=salt, max_age=max_age)
        except signing.SignatureExpired:
            expired = _("Linket er udløbet. Bed om et nyt link til at logge ind.")
            raise DomainError(expired) from None
        except signing.BadSignature:
            continue
    raise DomainError(_("Linket virker ikke. Bed om et nyt link til at logge ind."))


def _addressee(data: dict, *, lock: bool) -> User | None:
    """The organisation person a link's data names (locked first when `lock`), or None."""
    people = User.objects.filter(pk=data.get("user"), role=Role.ORGANISATION, is_active=True)
    if "state" not in data:  # a link sent before the digest (an invitation lasts a week)
        people = people.filter(email__iexact=data.get("email", ""))
    return (people.select_for_update() if lock else people).first()


def _still_current(user: User, data: dict) -> bool:
    """Nothing has used the link up: no sign-in, declined link or changed address since."""
    if "state" in data:
        return data["state"] == _link_state(user)
    return data.get("seen") == _last_seen(user)


def user_from_token(
    token: str, *, lock: bool = False, detail: str = "linket var allerede brugt"
) -> User:
    """The organisation person a sign-in link was sent to, or DomainError in plain Danish.
    lock: take the person's row lock first, so two clicks on one link cannot both use it,
    and record a used link as a refused try with `detail`."""
    data = _token_data(token)
    user = _addressee(data, lock=lock)
    if user is None:
        raise DomainError(_("Linket virker ikke. Bed om et nyt link til at logge ind."))
    if not _still_current(user, data):
        if lock:
            _record_link_sign_in(user, SignInOutcome.USED_LINK, detail)
        raise DomainError(
            _(
                # "Another", not "a newer": an older link used first ends the newer one
                # (fresh eyes round 33); or "Det er ikke mig" was pressed (round 34).
                "Linket virker ikke længere: det er brugt eller afvist, eller der er logget "
                "ind med et andet link siden. Bed om et nyt link, hvis du vil logge ind igen."
            )
        )
    return user


class NotAColleague(DomainError):
    """No such person in the actor's organisation: the page answers 404, as for any id
    outside one's own."""


def _record_link_sign_in(user: User, outcome: str, detail: str = "") -> None:
    SignInEvent.objects.create(
        method=SignInMethod.EMAIL_LINK, user=user, outcome=outcome, role=user.role, detail=detail
    )


def do_open_sign_in_link(*, token: str) -> User:
    """The person a sign-in link is for, for the page with its button; opening signs no one
    in (mail scanners open links). A used link opened is on record as a refused try, as when
    its button is pressed (fresh eyes round 30: a forwarded mail opened later left no trace);
    a fresh one opened leaves none, so a scanner's visit is not a sign-in attempt."""
    with transaction.atomic():
        try:
            return user_from_token(token, lock=True, detail="et brugt link blev åbnet")
        except DomainError as error:
            refusal = error  # raised after the commit, which keeps its audit row
    raise refusal


class Declined(enum.Enum):
    """What "Det er ikke mig" did (do_decline_sign_in_link)."""

    LINK_ENDED = "link_ended"  # nobody had used it: it and every earlier link stop working
    SESSIONS_ENDED = "sessions_ended"  # used (or a newer one was): everyone signed in is out
    NOTHING = "nothing"  # not a link of ours, or too old: it never worked or works no more


def do_decline_sign_in_link(*, token: str) -> Declined:
    """ "Det er ikke mig" on a link's page (fresh eyes round 34: the link still worked after
    it). Under the person's row lock: the link and every one mailed before it stop working,
    and the sign-in log says so. A genuine link already used (someone pressed "Log ind" in
    another tab, or with a copy of the mail: attack round 34) is no reason to say "nobody is
    signed in": every session of the person ends, as "Log ud overalt" does."""
    from portal.sessions import do_log_out_everywhere

    try:
        data = _token_data(token)
    except DomainError:
        return Declined.NOTHING
    with transaction.atomic():
        user = _addressee(data, lock=True)
        if user is None:
            return Declined.NOTHING
        used = not _still_current(user, data)
        user.links_declined_at = timezone.now()
        user.save(update_fields=["links_declined_at"])
        _record_link_sign_in(
            user, SignInOutcome.LINK_DECLINED, "linket var brugt: alle logget ud" if used else ""
        )
        if used:
            do_log_out_everywhere(actor=user)
    return Declined.SESSIONS_ENDED if used else Declined.LINK_ENDED


def do_sign_in_with_link(*, token: str) -> User:
    """Use up a sign-in link: under the person's row lock the link is checked and its
    last sign-in moved on (which makes this link and every older one worthless), with the
    audit row in the same transaction. The caller then logs the person in. Refusals are
    DomainError in plain Danish; a used link is on record too (a forwarded e-mail?)."""
    with transaction.atomic():
        try:
            user = user_from_token(token, lock=True)
        except DomainError as error:
            refusal = error  # raised after the commit, which keeps its audit row
        else:
            refusal = None
            user.last_login = timezone.now()
            user.save(update_fields=["last_login"])
            _record_link_sign_in(user, SignInOutcome.SIGNED_IN)
    if refusal is not None:
        raise refusal
    return user


def _address_allowed(email: str) -> bool:
    """Counts the links mailed to one address in the hour; False once there are enough."""
    key = "sign-in-link:" + hashlib.sha256(email.lower().encode()).hexdigest()
    return counted(key, LINKS_PER_ADDRESS, LINK_VALID_SECONDS)


def _send_link(user: User, link_for) -> None:
    link = link_for(sign_in_token(user))
    # Until when by the clock, as the lockout page says it (fresh eyes round 34).
    until = timezone.localtime(timezone.now() + datetime.timedelta(seconds=LINK_VALID_SECONDS))
    send_after_commit(
        to=[user.email],
        subject=_("Log ind på Integrationsportalen"),
        body=_(
            "Hej %(name)s\n\nKlik på linket for at logge ind på Integrationsportalen for "
            "%(organisation)s. Linket virker kun én gang og til kl. %(until)s (en time).\n\n"
            "%(link)s\n\nHar du ikke bedt om det, kan du se bort fra denne e-mail.\n\n"
            "Venlig hilsen\nIntegrationsportalen"
        )
        % {
            "name": user.get_full_name() or user.email,
            "organisation": user.organisation,
            "link": link,
            "until": time_format(until, "TIME_FORMAT"),
        },
        kind="organisation-sign-in",
        language=language_of(user),
    )


def _send_invitation(colleague: User, inviter: User, link_for) -> None:
    organisation = colleague.organisation
    names = {
        "name": colleague.get_full_name() or colleague.email,
        "inviter": inviter.get_full_name() or inviter.email,
        "organisation": organisation,
        "municipality": organisation.municipality,
        "days": INVITATION_DAYS,
    }
    send_after_commit(
        to=[colleague.email],
        subject=_("%(inviter)s inviterer dig til %(organisation)s på Integrationsportalen") % names,
        body=_(
            "Hej %(name)s\n\n%(inviter)s har givet dig adgang til at skrive og følge "
            "ansøgninger om tilskud fra %(municipality)s for %(organisation)s på "
            "Integrationsportalen.\n\nKlik på linket for at logge ind første gang. Linket "
            "virker i %(days)s dage og kun én gang:\n\n%(link)s\n\nSenere logger du ind med "
            "din e-mailadresse under »Log ind med e-mail«.\n\nKender du ikke %(inviter)s "
            "eller foreningen, kan du se bort fra denne e-mail.\n\nVenlig hilsen\n"
            "Integrationsportalen"
        )
        % {**names, "link": link_for(sign_in_token(colleague, invitation=True))},
        kind="organisation-invitation",
        language=language_of(colleague),
    )


def do_send_sign_in_link(*, email: str, link_for) -> None:
    """Mail a sign-in link to the organisation person with this address, if there is one.
    Says nothing either way: who is known to the portal is not told to strangers. More than
    LINKS_PER_ADDRESS requests for one address in an hour send nothing."""
    email = email.strip()
    if not email or not _address_allowed(email):
        return
    with transaction.atomic():
        user = User.objects.filter(
            role=Role.ORGANISATION, is_active=True, email__iexact=email
        ).first()
        if user is not None and user.organisation_id is not None:
            _send_link(user, link_for)


INVITATIONS_PER_HOUR = 10


def do_invite_colleague(*, actor: User, email: str, name: str, link_for) -> User:
    """A person of the organisation invites a colleague of the same organisation, who gets
    a sign-in link by e-mail. A colleague removed before gets access back."""
    with transaction.atomic():
        if not actor.is_organisation_person:
            raise DomainError(_("Kun en forenings egne folk kan invitere kolleger."))
        # The portal's mail to addresses a member chooses: a few an hour, not a mailing list
        # in the municipality's name (attack round 14).
        if not counted(f"invite-colleague:{actor.pk}", INVITATIONS_PER_HOUR, 3600):
            raise DomainError(
                _("Du har inviteret mange kolleger den seneste time. Vent lidt, og prøv igen.")
            )
        email = email.strip()
        if not email or "@" not in email:
            raise DomainError(_("Skriv kollegaens e-mailadresse."), field="email")
        known = (
            User.objects.select_for_update()
            .filter(email__iexact=email, role=Role.ORGANISATION)
            .first()
        )
        # A municipal account's address (staff, caseworkers, administrators) is not an
        # association's to take: two accounts would share it (attack round 10).
        taken = User.objects.filter(email__iexact=email).exclude(role=Role.ORGANISATION)
        if (known is not None and known.organisation_id != actor.organisation_id) or (
            taken.exists()
        ):
            # Says nothing of the other account, nor that the address is known.
            raise DomainError(
                _(
                    "Den e-mailadresse kan ikke inviteres her. Bed din kollega om en anden "
                    "adresse, eller kontakt kommunen."
                ),
                field="email",
            )
        if known is not None and known.is_active:
            raise DomainError(
                _("%(name)s er allerede med i foreningen.")
                % {"name": known.get_full_name() or known.email},
                field="email",
            )
        if known is not None:
            colleague = known
            colleague.is_active = True
            colleague.invited_by, colleague.removed_by, colleague.removed_at = actor, None, None
            colleague.save(update_fields=["is_active", "invited_by", "removed_by", "removed_at"])
        else:
            colleague = new_person(
                organisation=actor.organisation, email=email, name=name, invited_by=actor
            )
        _send_invitation(colleague, actor, link_for)
        return colleague


def do_remove_colleague(*, actor: User, person_id: int) -> User:
    """A person of the organisation takes a colleague's access away (a volunteer who left):
    the colleague can no longer sign in for it, and their sessions end at once. Who did it
    and when stays on the colleague's row."""
    with transaction.atomic():
        if not actor.is_organisation_person:
            raise DomainError(_("Kun en forenings egne folk kan fjerne kolleger."))
        person = (
            User.objects.select_for_update()
            .filter(
                pk=person_id,
                organisation_id=actor.organisation_id,
                role=Role.ORGANISATION,
                is_active=True,
            )
            .first()
        )
        if person is None:
            raise NotAColleague(_("Personen er ikke med i foreningen."))
        if person.pk == actor.pk:
            raise DomainError(
                _("Du kan ikke fjerne dig selv. Bed en kollega om det, eller kontakt kommunen.")
            )
        person.is_active = False
        person.removed_by, person.removed_at = actor, timezone.now()
        # Ends every session the person has (portal.models.User._get_session_auth_hash).
        person.session_generation += 1
        person.save(update_fields=["is_active", "removed_by", "removed_at", "session_generation"])
        return person
