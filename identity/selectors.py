"""Which providers the login page offers."""

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


def own_sign_ins(user, limit: int = 30):
    """The person's latest sign-ins and refused attempts on their account, newest first: what
    they check when something looks wrong (fresh eyes round 15: only an administrator could)."""
    from .models import SignInEvent

    return SignInEvent.objects.filter(user=user).select_related("provider").order_by("-at")[:limit]
