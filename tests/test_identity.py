"""Who a person signed in through a provider becomes (identity.services), the switch for
local passwords with its break-glass path, and the provider settings. The protocol itself
(PKCE, state, nonce, signature, issuer, audience, expiry) is tested against a real provider
in tests/browser/test_sign_in_browser.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings
from django.urls import reverse

from identity import applicants, oidc, services
from identity.models import (
    ExternalIdentity,
    IdentityProvider,
    RoleMapping,
    SignInEvent,
)
from portal.models import Department, Municipality, Role, User
from tests.identity_support import mitid_erhverv

PASSWORD = "en-lang-og-sikker-adgangskode"


@pytest.fixture
def town(db):
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    department = Department.objects.create(municipality=municipality, name="Jobcentret")
    provider = IdentityProvider.objects.create(
        municipality=municipality,
        slug="testrup",
        issuer="https://login.testrup.dk",
        client_id="portal",
        client_secret_name="OIDC_TESTRUP_SECRET",
    )
    RoleMapping.objects.create(
        provider=provider, group="jobcenter", role=Role.CASEWORKER, department=department
    )
    RoleMapping.objects.create(provider=provider, group="sekretariat", role=Role.COMMITTEE_STAFF)
    return provider


def claims(sub="p-1", groups=("jobcenter",), **extra):
    base = {"sub": sub, "name": "Per Hansen", "email": "per@testrup.dk", "groups": list(groups)}
    return base | extra


def test_the_strongest_mapped_role_wins_and_the_user_belongs_to_the_providers_municipality(
    town,
):
    result = services.do_sign_in(provider=town, claims=claims(groups=["jobcenter", "sekretariat"]))
    assert result.signed_in
    user = result.user
    assert (user.role, user.municipality, user.first_name, user.last_name) == (
        Role.COMMITTEE_STAFF,
        town.municipality,
        "Per",
        "Hansen",
    )
    assert not user.is_staff and not user.is_superuser


def test_the_e_mail_never_decides_who_the_person_is(town):
    local = User.objects.create_user(
        username="per", email="per@testrup.dk", password=PASSWORD, role=Role.ADMINISTRATOR
    )
    result = services.do_sign_in(provider=town, claims=claims())
    assert result.user != local
    assert User.objects.get(pk=local.pk).role == Role.ADMINISTRATOR


def test_the_same_sub_at_another_provider_is_another_person(town):
    other_town = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="997")
    other = IdentityProvider.objects.create(
        municipality=other_town,
        slug="andeby",
        issuer="https://login.andeby.dk",
        client_id="portal",
        client_secret_name="OIDC_ANDEBY_SECRET",
    )
    RoleMapping.objects.create(provider=other, group="sekretariat", role=Role.COMMITTEE_STAFF)
    first = services.do_sign_in(provider=town, claims=claims(groups=["sekretariat"])).user
    second = services.do_sign_in(provider=other, claims=claims(groups=["sekretariat"])).user
    assert first != second
    assert (first.municipality, second.municipality) == (town.municipality, other_town)


def test_a_user_moved_to_another_municipality_is_not_signed_in_by_the_old_one(town):
    user = services.do_sign_in(provider=town, claims=claims()).user
    elsewhere = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="997")
    User.objects.filter(pk=user.pk).update(
        municipality=elsewhere, role=Role.COMMITTEE_STAFF, department=None
    )
    result = services.do_sign_in(provider=town, claims=claims())
    assert result.outcome == "wrong_municipality" and result.user is None


def test_a_shared_broker_signs_in_only_the_municipalitys_own_people(town):
    town.tenant_claim, town.tenant_value = "municipality_cvr", "29189846"
    town.save()
    with pytest.raises(services.WrongMunicipality):
        services.do_sign_in(provider=town, claims=claims(municipality_cvr="11111111"))
    assert not ExternalIdentity.objects.exists()
    assert services.do_sign_in(provider=town, claims=claims(municipality_cvr="29189846")).signed_in


def test_a_user_an_administrator_deactivated_stays_out(town):
    user = services.do_sign_in(provider=town, claims=claims()).user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert services.do_sign_in(provider=town, claims=claims()).outcome == "blocked"
    # Removed from the group and added again at the provider: that is the provider's call.
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert services.do_sign_in(provider=town, claims=claims(groups=[])).outcome == "no_role"
    assert services.do_sign_in(provider=town, claims=claims()).signed_in


def test_the_second_factor_counts_only_when_the_provider_asserts_it(town):
    town.mfa_acr_values = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    town.save()
    assert not services.do_sign_in(provider=town, claims=claims(amr=["pwd"])).mfa_by_provider
    assert services.do_sign_in(provider=town, claims=claims(amr=["pwd", "mfa"])).mfa_by_provider
    assert services.do_sign_in(
        provider=town, claims=claims(acr="https://data.gov.dk/concept/core/nsis/loa/Substantial")
    ).mfa_by_provider


def test_an_applicant_keeps_cvr_and_name_and_the_association_work_decides_the_user(town):
    applicant = mitid_erhverv(town.municipality, cvr_claim="cvr")
    refused = services.do_sign_in(provider=applicant, claims=claims(sub="e-1", cvr="12345678"))
    assert refused.outcome == "not_linked"
    # Which CVR number tried, for the administrator (recheck round 32).
    assert SignInEvent.objects.get(pk=refused.event_id).detail == "CVR-nummer 12345678"
    identity = ExternalIdentity.objects.get(subject="e-1")
    assert (identity.cvr, identity.name, identity.user) == ("12345678", "Per Hansen", None)

    member = User.objects.create_user(
        username="forening", role=Role.COMMITTEE_STAFF, municipality=town.municipality
    )
    seen = []
    previous = applicants.register_resolver(
        lambda identity, claims: seen.append(identity.cvr) or member
    )
    try:
        result = services.do_sign_in(provider=applicant, claims=claims(sub="e-1", cvr="12345678"))
    finally:
        applicants.register_resolver(previous)
    assert result.signed_in and result.user == member and seen == ["12345678"]
    assert ExternalIdentity.objects.get(subject="e-1").user == member
    # The log names the person's role (no mapping gave it; fresh eyes round 31: "–").
    event = SignInEvent.objects.get(pk=result.event_id)
    assert event.role == member.role


def test_a_mapping_for_caseworkers_needs_a_department_of_the_providers_municipality(town):
    elsewhere = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="997")
    foreign = Department.objects.create(municipality=elsewhere, name="Borgerservice")
    with pytest.raises(ValidationError, match="afdeling"):
        RoleMapping(provider=town, group="x", role=Role.CASEWORKER).full_clean()
    with pytest.raises(ValidationError, match="udbyderens kommune"):
        RoleMapping(provider=town, group="x", role=Role.CASEWORKER, department=foreign).full_clean()


def test_the_client_secret_comes_from_the_environment_or_the_secret_store(
    town, monkeypatch, tmp_path, settings
):
    monkeypatch.delenv("OIDC_TESTRUP_SECRET", raising=False)
    settings.OIDC_SECRETS_DIR = str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match="OIDC_TESTRUP_SECRET"):
        oidc.client_secret(town)
    (tmp_path / "OIDC_TESTRUP_SECRET").write_text("from-the-store\n")
    assert oidc.client_secret(town) == "from-the-store"
    monkeypatch.setenv("OIDC_TESTRUP_SECRET", "from-the-environment")
    assert oidc.client_secret(town) == "from-the-environment"


@pytest.fixture
def people(db):
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    staff = User.objects.create_user(
        username="sekretær", password=PASSWORD, role=Role.COMMITTEE_STAFF, municipality=municipality
    )
    root = User.objects.create_superuser(
        username="root", password=PASSWORD, role=Role.ADMINISTRATOR
    )
    return staff, root


def test_with_local_passwords_on_the_login_page_has_the_form(client, people):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page
    response = client.post(reverse("login"), {"username": "sekretær", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(LOCAL_PASSWORD_LOGIN=False)
def test_with_local_passwords_off_only_superusers_get_in_by_the_break_glass_path(client, people):
    staff, _root = people
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    refused = client.post(
        reverse("login") + "?noedadgang", {"username": "sekretær", "password": PASSWORD}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    # The Django admin's own login obeys the same rule.
    client.post(reverse("admin:login"), {"username": "sekretær", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    break_glass = client.get(reverse("login") + "?noedadgang").content.decode()
    assert 'name="password"' in break_glass and "Nødadgang" in break_glass
    response = client.post(
        reverse("login") + "?noedadgang", {"username": "root", "password": PASSWORD}
    )
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(people[1].pk)


def test_a_password_session_ends_when_local_passwords_are_switched_off(client, people, settings):
    client.post(reverse("login"), {"username": "sekretær", "password": PASSWORD})
    assert client.get("/sekretariat/").status_code == 200
    settings.LOCAL_PASSWORD_LOGIN = False
    assert client.get("/sekretariat/").status_code == 302


def test_an_unknown_provider_is_not_found(client, town):
    assert client.get(reverse("sso-start", args=["andeby"])).status_code == 404
    assert client.get(reverse("sso-callback", args=["andeby"])).status_code == 404


def test_a_provider_without_its_secret_says_sign_in_is_unavailable(client, town, monkeypatch):
    monkeypatch.delenv("OIDC_TESTRUP_SECRET", raising=False)
    response = client.get(reverse("sso-start", args=["testrup"]))
    assert response.status_code == 503
    assert "Login er ikke tilgængeligt lige nu" in response.content.decode()


def test_an_administrator_who_loses_the_role_keeps_no_admin_access(town):
    """Fresh eyes N4: deactivated for no role, the user kept is_staff and the IT group, so
    an administrator's reactivation gave the Django admin back without the provider's say."""
    RoleMapping.objects.create(provider=town, group="it", role=Role.ADMINISTRATOR)
    user = services.do_sign_in(provider=town, claims=claims(groups=["it"])).user
    assert user.is_staff and user.groups.exists()
    assert services.do_sign_in(provider=town, claims=claims(groups=[])).outcome == "no_role"
    user.refresh_from_db()
    assert not user.is_active and not user.is_staff and not user.groups.exists()


def test_a_person_without_a_role_is_logged_with_the_groups_the_provider_sent(town):
    """Fresh eyes round 10: the log said "Årsag: -"; the groups to map were only in JSON."""
    from identity.models import SignInEvent

    services.do_sign_in(provider=town, claims=claims(groups=["frb-andet", "alle"]))
    event = SignInEvent.objects.latest("at")
    assert event.outcome == "no_role"
    assert event.detail == "Grupper fra udbyderen: frb-andet, alle"
    services.do_sign_in(provider=town, claims=claims(groups=[]))
    assert SignInEvent.objects.latest("at").detail == "Grupper fra udbyderen: ingen"
