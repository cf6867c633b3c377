"""Helpers shared by the tests of signing in through an identity provider."""

from identity.models import IdentityProvider, ProviderKind


def mitid_erhverv(municipality, **extra) -> IdentityProvider:
    """A municipality's MitID Erhverv provider for associations (NemLog-in's issuer), as an
    administrator enters it; `extra` sets or overrides fields (cvr_claim, label, …)."""
    return IdentityProvider.objects.create(
        **{
            "municipality": municipality,
            "kind": ProviderKind.APPLICANT,
            "slug": "erhverv",
            "issuer": "https://nemlog-in.dk",
            "client_id": "portal",
            "client_secret_name": "OIDC_ERHVERV_SECRET",
            **extra,
        }
    )
