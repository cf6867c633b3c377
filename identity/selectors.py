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
