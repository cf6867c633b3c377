"""The OpenID Connect protocol with Authlib: the authorization code flow with PKCE (S256),
state and nonce kept in the session per provider, and the ID token's signature (the
provider's JWKS), issuer, audience, expiry and nonce verified before any claim is read.

Nothing here decides who the person is in the portal; that is `identity.services`.
"""

import logging
import os
import re
from pathlib import Path

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import FrameworkIntegration
from authlib.integrations.django_client import DjangoOAuth2App
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

from .models import IdentityProvider

log = logging.getLogger(__name__)

HTTP_TIMEOUT = 10
METADATA_CACHE_SECONDS = 10 * 60
# Asymmetric signatures only: never "none", never a shared-secret HMAC.
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}
# Clock difference tolerated on exp/iat, in seconds.
LEEWAY = 60


class SignInFailed(Exception):
    """The provider's answer cannot be trusted or used; `reason` goes to the log only."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def explained(self) -> str:
        """The reason in words a supporter reads in the sign-in log, then the technical one
        (fresh eyes round 12: only "MismatchingStateError: … CSRF Warning!" was shown)."""
        reason = self.reason
        for marker, words in (
            (
                "mismatching",
                _(
                    "Svaret hørte ikke til et login, der var begyndt i denne browser (et "
                    "gammelt eller genbrugt svar, eller et login startet i en anden browser)."
                ),
            ),
            ("nonce", _("Svaret var allerede brugt eller hørte til et andet login.")),
            ("Expired", _("Svaret fra udbyderen var udløbet.")),
            ("BadSignature", _("Svarets underskrift passede ikke med udbyderens nøgle.")),
            (
                "InvalidClaim",
                _("Svaret var udstedt af en anden udbyder eller til en anden modtager."),
            ),
            ("discovery", _("Udbyderens oplysninger kunne ikke hentes.")),
        ):
            if marker.lower() in reason.lower():
                return f"{words} ({reason})"
        words = _("Svaret fra udbyderen kunne ikke godkendes.")
        return f"{words} ({reason})"


def client_secret(provider: IdentityProvider) -> str:
    """From the environment, or from a file of that name in OIDC_SECRETS_DIR (a mounted
    secret store such as Kubernetes or Docker secrets); never from the database."""
    name = provider.client_secret_name
    if not re.fullmatch(r"OIDC_[A-Z0-9_]{1,95}", name or ""):
        # Never another environment variable (a database password, the secret key).
        raise ImproperlyConfigured(f"{name!r} is not the name of an OIDC client secret")
    value = os.environ.get(name, "")
    if not value and settings.OIDC_SECRETS_DIR:
        path = Path(settings.OIDC_SECRETS_DIR) / name
        if path.is_file():
            value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The client secret of identity provider {provider.slug!r} is missing: set the "
            f"environment variable {name} or the file OIDC_SECRETS_DIR/{name}."
        )
    return value


def discovery(provider: IdentityProvider) -> dict:
    """The provider's metadata; its issuer must be exactly the configured one (OpenID
    Connect Discovery § 4.3), so a changed document cannot name another issuer."""
    key = f"oidc-discovery:{provider.issuer}"
    metadata = cache.get(key)
    if metadata is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=HTTP_TIMEOUT)
            response.raise_for_status()
            metadata = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SignInFailed(f"discovery failed: {error}") from error
        if metadata.get("issuer") != provider.issuer:
            raise SignInFailed(f"discovery names issuer {metadata.get('issuer')!r}")
        cache.set(key, metadata, METADATA_CACHE_SECONDS)
    metadata = dict(metadata)
    offered = set(metadata.get("id_token_signing_alg_values_supported") or ["RS256"])
    metadata["id_token_signing_alg_values_supported"] = sorted(offered & SIGNING_ALGORITHMS)
    return metadata


def client(provider: IdentityProvider) -> DjangoOAuth2App:
    # A fresh client per request: an administrator's change applies at once, and the state
    # is kept under the provider's own key, so one provider's answer is never another's.
    return DjangoOAuth2App(
        FrameworkIntegration(f"oidc{provider.pk}"),
        name=f"oidc{provider.pk}",
        client_id=provider.client_id,
        client_secret=client_secret(provider),
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT,
        },
        **discovery(provider),
    )


def authorization_redirect(request, provider: IdentityProvider, redirect_uri: str):
    """The redirect to the provider; state, nonce and the PKCE verifier stay in the session."""
    return client(provider).authorize_redirect(request, redirect_uri)


def verified_claims(request, provider: IdentityProvider) -> tuple[dict, str]:
    """The ID token's claims, after every check, and the raw ID token (the logout hint).

    Refused: an unknown or used state (replay, or an answer meant for another provider), an
    error from the provider, a token the provider will not issue (wrong code or PKCE
    verifier), and an ID token with a bad signature, another issuer or audience, expired,
    or with another nonce than this sign-in's."""
    app = client(provider)
    # RFC 9207: the answer names the provider that sent it. A provider that says it does so
    # must, and its name must be this one's: a mix-up (another provider's answer brought
    # here) is refused before the code is used (attack round 22: any iss was accepted).
    answered_by = request.GET.get("iss")
    promised = discovery(provider).get("authorization_response_iss_parameter_supported")
    if (answered_by is not None or promised) and answered_by != provider.issuer:
        raise SignInFailed(f"InvalidClaim: authorization response iss {answered_by!r}")
    try:
        token = app.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
                "exp": {"essential": True},
                "sub": {"essential": True},
            },
            leeway=LEEWAY,
        )
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError) as error:
        raise SignInFailed(f"{type(error).__name__}: {error}") from error
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise SignInFailed("no ID token in the token response")
    return dict(claims), token["id_token"]


def logout_url(provider: IdentityProvider, return_to: str) -> str | None:
    """RP-initiated logout at the provider, when it offers it (end_session_endpoint)."""
    try:
        metadata = discovery(provider)
    except SignInFailed:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    from authlib.common.urls import add_params_to_uri

    # client_id, not id_token_hint (OpenID Connect RP-Initiated Logout 1.0 allows either):
    # the ID token holds the person's name, e-mail and groups, and this address ends up in
    # the browser's history and the provider's logs.
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": return_to}
    return add_params_to_uri(metadata["end_session_endpoint"], params)
