"""Sign-in through the real OpenID Connect provider (tests/oidc/provider.mjs) for the local
stack (tests/stack/run.sh): the provider's configuration and users, and the portal's
providers and role mappings, set up as the `sso` fixture of tests/oidc_provider.py does.

    python tests/stack/sso.py provider-config OUT.json   # for `node provider.mjs OUT.json`
    python tests/stack/sso.py configure                 # the portal's side, in its database
    python tests/stack/sso.py logins                    # who can sign in at the provider

Two issuers on fixed ports: 9401, Frederiksberg's staff provider (issuer "a" of the tests),
and 9402, MitID Erhverv for Frederiksberg ("e"). The client secrets come from the
environment variables the tests use (OIDC_TEST_FREDERIKSBERG_SECRET, OIDC_TEST_ERHVERV_SECRET;
run.sh makes them up); the portal's addresses from STACK_ADDRESSES (space separated).
"""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.oidc_provider import CLAIMS, CVR_CLAIM, ISSUERS, MFA_ACR, person  # noqa: E402

PORTS = {"a": 9401, "e": 9402}
HOST = "127.0.0.1"
# A CVR number for the demo association Foreningen FISKEN, in the stack's database only. The
# demo data invents no CVR numbers (demo/section18.py), so this is the portal's own example of
# a valid number (portal/organisations.py), not the association's real one.
KNOWN_ORGANISATION = "Foreningen FISKEN"
KNOWN_CVR = os.environ.get("STACK_KNOWN_CVR", "12345674")
# Valid as a CVR number too, and on no organisation of the demo: "not known to the portal".
UNKNOWN_CVR = "11223346"

# issuer → {login: (what it is, the user at the provider)}
USERS = {
    "a": {
        "mette": (
            "sagsbehandler (gruppe frb-integration), uden MFA",
            person("Mette Hansen", ["frb-integration"], email="mette@example.org"),
        ),
        "mette-mfa": (
            "sagsbehandler (gruppe frb-integration), amr mfa",
            person(
                "Mette Friis",
                ["frb-integration"],
                amr=("pwd", "mfa"),
                email="mette-mfa@example.org",
            ),
        ),
        "lars": (
            "sekretariat (gruppe frb-sekretariat), uden MFA",
            person("Lars Nielsen", ["frb-sekretariat"], email="lars@example.org"),
        ),
        "lars-mfa": (
            "sekretariat (gruppe frb-sekretariat), amr mfa",
            person(
                "Lars Madsen", ["frb-sekretariat"], amr=("pwd", "mfa"), email="lars-mfa@example.org"
            ),
        ),
        "ida": (
            "gruppe frb-bibliotek, som ingen rolle giver",
            person("Ida Berg", ["frb-bibliotek"], email="ida@example.org"),
        ),
    },
    "e": {
        "forening": (
            f"Eva Andersen, CVR {UNKNOWN_CVR}, som portalen ikke kender",
            person(
                "Eva Andersen",
                acr=MFA_ACR,
                email="eva@example.org",
                **{CVR_CLAIM: UNKNOWN_CVR},
            ),
        ),
        "kendt": (
            f"Karin Sørensen, CVR {KNOWN_CVR} ({KNOWN_ORGANISATION})",
            person(
                "Karin Sørensen",
                acr=MFA_ACR,
                email="karin@example.org",
                **{CVR_CLAIM: KNOWN_CVR},
            ),
        ),
    },
}


def issuer_url(name: str) -> str:
    return f"http://{HOST}:{PORTS[name]}"


def addresses() -> list[str]:
    found = os.environ.get("STACK_ADDRESSES", "").split()
    if not found:
        sys.exit("STACK_ADDRESSES is not set (the portal's addresses, space separated)")
    return [address.rstrip("/") for address in found]


def secret(name: str) -> str:
    env = ISSUERS[name][2]
    value = os.environ.get(env)
    if not value:
        sys.exit(f"{env} is not set (the client secret of issuer {name!r})")
    return value


def provider_config() -> dict:
    bases = addresses()
    issuers = {}
    for name in PORTS:
        slug, client_id, _env = ISSUERS[name]
        issuers[name] = {
            "port": PORTS[name],
            "clients": [
                {
                    "client_id": client_id,
                    "client_secret": secret(name),
                    "client_name": f"Integrationsportalen ({slug})",
                    "redirect_uris": [f"{base}/login/sso/{slug}/retur/" for base in bases],
                    "post_logout_redirect_uris": [f"{base}/" for base in bases],
                    "token_endpoint_auth_method": "client_secret_basic",
                }
            ],
            "users": {login: user for login, (_what, user) in USERS[name].items()},
        }
    return {"claims": CLAIMS, "acrValues": [MFA_ACR], "issuers": issuers}


def configure() -> None:
    """The portal's providers, role mappings and the known association's CVR number."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import transaction

    from identity.models import IdentityProvider, ProviderKind, RoleMapping
    from portal.models import Department, Municipality, Organisation, Role

    frb = Municipality.objects.get(slug="frederiksberg")
    with transaction.atomic():
        providers = {}
        for name, kind in (("a", ProviderKind.STAFF), ("e", ProviderKind.APPLICANT)):
            slug, client_id, env = ISSUERS[name]
            providers[name], _created = IdentityProvider.objects.update_or_create(
                slug=slug,
                defaults={
                    "municipality": frb,
                    "kind": kind,
                    "label": "MitID Erhverv" if kind == ProviderKind.APPLICANT else "",
                    "issuer": issuer_url(name),
                    "client_id": client_id,
                    "client_secret_name": env,
                    "scopes": "openid profile email groups" + (" cvr" if name == "e" else ""),
                    "cvr_claim": CVR_CLAIM if name == "e" else "",
                    "mfa_acr_values": MFA_ACR,
                    # Associations ask the pool's secretariat, not the municipality's IT
                    # support (attack round 21).
                    "support_contact": (
                        # As a municipality types it: a name and a number or an address,
                        # read alike on the Danish and English pages (fresh eyes round 22).
                        "puljesekretariatet, puljer@frederiksberg.example"
                        if kind == ProviderKind.APPLICANT
                        else "IT-support, tlf. 38 21 00 00"
                    ),
                },
            )
        center = Department.objects.get(municipality=frb, name="Center for Integration")
        RoleMapping.objects.update_or_create(
            provider=providers["a"],
            group="frb-integration",
            defaults={"role": Role.CASEWORKER, "department": center},
        )
        RoleMapping.objects.update_or_create(
            provider=providers["a"],
            group="frb-sekretariat",
            defaults={"role": Role.COMMITTEE_STAFF, "department": None},
        )
        known = Organisation.objects.get(name=KNOWN_ORGANISATION)
        known.cvr = KNOWN_CVR
        known.full_clean()
        known.save()
    for provider in providers.values():
        print(f"provider {provider.slug}: {provider.issuer} ({provider.get_kind_display()})")
    print(f"{known.name} ({known.municipality.name}) has CVR {known.cvr}")


def logins() -> None:
    for name in PORTS:
        slug = ISSUERS[name][0]
        print(f"  {issuer_url(name)} ({slug}):")
        for login, (what, _user) in USERS[name].items():
            print(f"    {login:<10} {what}")


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "provider-config" and len(sys.argv) == 3:
        Path(sys.argv[2]).write_text(json.dumps(provider_config(), indent=1), encoding="utf-8")
    elif command == "configure":
        configure()
    elif command == "logins":
        logins()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
