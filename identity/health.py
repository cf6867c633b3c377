"""Whether a provider can be used, for its admin page: the discovery document reachable and
naming the configured issuer, and the client secret present. Never shows the secret."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from . import oidc
from .models import IdentityProvider

OK, FAILED = "✔", "✘"


def check(provider: IdentityProvider) -> list[tuple[str, str]]:
    """(mark, sentence) for each check, in Danish first."""
    results = []
    try:
        oidc.discovery(provider)
    except oidc.SignInFailed as error:
        reason = error.reason if len(error.reason) <= 200 else error.reason[:200] + " …"
        results.append((FAILED, _("Udbyderens oplysninger kan ikke hentes: %s") % reason))
    else:
        results.append((OK, _("Udbyderens oplysninger (discovery) kan hentes.")))
    try:
        oidc.client_secret(provider)
    except ImproperlyConfigured:
        results.append(
            (
                FAILED,
                _("Klienthemmeligheden %s findes hverken som miljøvariabel eller fil.")
                % provider.client_secret_name,
            )
        )
    else:
        results.append((OK, _("Klienthemmeligheden findes.")))
    return results
