"""A real OpenID Connect provider for the sign-in tests: Node's certified `oidc-provider`
(tests/oidc/provider.mjs), one issuer per municipality on free loopback ports.

`oidc_issuers` (session) starts it; `sso` (per test) configures the portal's providers for
Frederiksberg (issuer "a"), København ("b") and MitID Erhverv for Frederiksberg ("e"),
with role mappings, and gives each issuer its test users."""

import json
import os
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
CVR_CLAIM = "https://data.gov.dk/model/core/eid/professional/cvr"
ISSUERS = {
    # issuer: (provider slug, client id, secret's environment variable)
    "a": ("frederiksberg", "portal-frederiksberg", "OIDC_TEST_FREDERIKSBERG_SECRET"),
    "b": ("koebenhavn", "portal-koebenhavn", "OIDC_TEST_KOEBENHAVN_SECRET"),
    "e": ("erhverv-frederiksberg", "portal-erhverv", "OIDC_TEST_ERHVERV_SECRET"),
}
CLAIMS = {
    # How the person signed in (amr, acr) is in every ID token, as Entra ID and NemLog-in do.
    "openid": ["sub", "amr", "acr", "auth_time", "sid"],
    "profile": ["name", "given_name", "family_name"],
    "email": ["email", "email_verified"],
    "groups": ["groups"],
    "cvr": [CVR_CLAIM],
}
MFA_ACR = "https://data.gov.dk/concept/core/nsis/loa/Substantial"


def ensure_node_packages() -> None:
    """`make test` installs them (npm ci); a plain `pytest` does it here when they are missing."""
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, check=True, timeout=600
        )


@dataclass
class Issuers:
    urls: dict
    secrets: dict

    def _post(self, name: str, path: str, body: dict) -> None:
        request = urllib.request.Request(  # noqa: S310 - our own loopback provider
            self.urls[name] + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310

    def set_users(self, name: str, users: dict) -> None:
        """users: {login: {"claims": {...}, "amr": [...], "acr": "..."}}"""
        self._post(name, "/__test/users", {"users": users})

    def tamper(self, name: str, **spec) -> None:
        """Change the next ID token issuer `name` hands out (see provider.mjs)."""
        self._post(name, "/__test/tamper", spec)


@pytest.fixture(scope="session")
def oidc_issuers(live_server, tmp_path_factory):
    if not shutil.which("node"):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("node is missing: the sign-in tests need Node 20+ for the provider")
        pytest.skip("node not installed: the sign-in tests need Node 20+ for the provider")
    ensure_node_packages()
    secrets = {name: f"test-secret-{name}-{os.getpid()}" for name in ISSUERS}
    config = {
        "claims": CLAIMS,
        "acrValues": [MFA_ACR],
        "issuers": {
            name: {
                "clients": [
                    {
                        "client_id": client_id,
                        "client_secret": secrets[name],
                        "client_name": f"Integrationsportalen ({slug})",
                        "redirect_uris": [
                            f"{host}/login/sso/{slug}/retur/"
                            for host in (live_server.url, "http://testserver")
                        ],
                        "post_logout_redirect_uris": [f"{live_server.url}/"],
                        "token_endpoint_auth_method": "client_secret_basic",
                    }
                ],
                "users": {},
            }
            for name, (slug, client_id, _env) in ISSUERS.items()
        },
    }
    path = tmp_path_factory.mktemp("oidc") / "config.json"
    path.write_text(json.dumps(config))
    process = subprocess.Popen(  # noqa: S603
        ["node", str(OIDC_DIR / "provider.mjs"), str(path)],  # noqa: S607
        cwd=OIDC_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"the OpenID Connect provider did not start (exit {process.wait()})")
        yield Issuers(urls=json.loads(line), secrets=secrets)
    finally:
        process.terminate()
        process.wait(timeout=10)


def person(name, groups=(), amr=("pwd",), acr=None, email=None, **claims):
    """A test user at the provider."""
    return {
        "claims": {"name": name, "groups": list(groups), "email": email or "", **claims},
        "amr": list(amr),
        "acr": acr,
    }


@pytest.fixture
def sso(oidc_issuers, demo, monkeypatch):
    """The portal's providers and role mappings for Frederiksberg and København, and MitID
    Erhverv for Frederiksberg; no users at the provider until a test gives them."""
    from identity.models import IdentityProvider, ProviderKind, RoleMapping
    from portal.models import Department, Municipality, Role

    frb = Municipality.objects.get(slug="frederiksberg")
    kbh = Municipality.objects.get(slug="koebenhavn")
    providers = {}
    for name, municipality, kind in (
        ("a", frb, ProviderKind.STAFF),
        ("b", kbh, ProviderKind.STAFF),
        ("e", frb, ProviderKind.APPLICANT),
    ):
        slug, client_id, env = ISSUERS[name]
        monkeypatch.setenv(env, oidc_issuers.secrets[name])
        providers[name] = IdentityProvider.objects.create(
            municipality=municipality,
            kind=kind,
            slug=slug,
            label="MitID Erhverv" if kind == ProviderKind.APPLICANT else "",
            issuer=oidc_issuers.urls[name],
            client_id=client_id,
            client_secret_name=env,
            scopes="openid profile email groups" + (" cvr" if name == "e" else ""),
            cvr_claim=CVR_CLAIM if name == "e" else "",
            mfa_acr_values=MFA_ACR,
            support_contact=f"IT-support i {municipality.name}",
        )
        oidc_issuers.set_users(name, {})
    center = Department.objects.get(municipality=frb, name="Center for Integration")
    RoleMapping.objects.create(
        provider=providers["a"], group="frb-integration", role=Role.CASEWORKER, department=center
    )
    RoleMapping.objects.create(
        provider=providers["a"], group="frb-sekretariat", role=Role.COMMITTEE_STAFF
    )
    RoleMapping.objects.create(
        provider=providers["b"], group="kbh-sekretariat", role=Role.COMMITTEE_STAFF
    )
    providers["issuers"] = oidc_issuers
    return providers
