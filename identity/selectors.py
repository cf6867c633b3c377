"""Which providers the login page offers."""

from dataclasses import dataclass

from . import applicants
from .models import IdentityProvider, ProviderKind


def offered_providers(last_used: str = "") -> list[IdentityProvider]:
    """Enabled providers, the last one used first; applicant providers only once the
    association work has registered who their people are (identity.applicants)."""
    providers = IdentityProvider.objects.filter(is_enabled=True).select_related("municipality")
    if not applicants.is_enabled():
        providers = providers.filter(kind=ProviderKind.STAFF)
    ordered = sorted(providers, key=lambda p: (p.slug != last_used, p.kind, p.button_text))
    return ordered


def offers_applicant_sign_in() -> bool:
    """Whether the login page offers associations a provider of their own (MitID Erhverv):
    what a call for applications may promise them (fresh eyes, session 32: the call named
    MitID Erhverv where the login page had none)."""
    return applicants.is_enabled() and (
        IdentityProvider.objects.filter(is_enabled=True, kind=ProviderKind.APPLICANT).exists()
    )


@dataclass
class SignInRow:
    """One line of the person's own list: a sign-in, or a run of the same refusal in a row
    with how many and since when (attack round 22: 120 wrong passwords filled the list with
    identical lines and pushed every real sign-in off it)."""

    event: object  # the newest SignInEvent of the run
    count: int = 1
    first_at: object = None  # the oldest attempt of the run

    def __getattr__(self, name):
        return getattr(self.event, name)

    def get_outcome_display(self) -> str:
        from django.utils.translation import gettext as _

        from .models import SignInOutcome

        # On the person's own account the name was right (fresh eyes round 29: "forkert
        # brugernavn eller adgangskode" in their own list).
        if self.event.outcome == SignInOutcome.WRONG_PASSWORD:
            return _("Afvist: forkert adgangskode")
        return self.event.get_outcome_display()


def own_sign_ins(user, limit: int = 30, scanned: int = 1000) -> list[SignInRow]:
    """The person's latest sign-ins and refused attempts on their account, newest first: what
    they check when something looks wrong (fresh eyes round 15: only an administrator could).
    The same refusal in a row is one line; the last `scanned` events are read."""
    from .models import SignInEvent, SignInOutcome

    rows: list[SignInRow] = []
    events = SignInEvent.objects.filter(user=user).select_related("provider").order_by("-at")
    for event in events[:scanned]:
        last = rows[-1] if rows else None
        if (
            last is not None
            and event.outcome != SignInOutcome.SIGNED_IN
            and (last.outcome, last.method, last.provider_id)
            == (event.outcome, event.method, event.provider_id)
        ):
            last.count += 1
            last.first_at = event.at
            continue
        if len(rows) == limit:
            break
        rows.append(SignInRow(event=event, first_at=event.at))
    return rows
