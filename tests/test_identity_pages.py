"""The pages a person sees when a provider's answer comes back to the portal, from the
browser's side: GET the callback as the provider's redirect would, read the page. The
protocol checks themselves run against a real provider in tests/browser/; here the verified
answer (or its refusal) is given, to see what the person and the administrator are shown."""

import pytest
from django.test import Client
from django.urls import reverse

from identity import oidc
from identity.models import IdentityProvider, RoleMapping, SignInEvent
from policies.models import Policy
from portal.models import Department, Municipality, Role, User
from tests.identity_support import mitid_erhverv

CONTACT = "IT-support, tlf. 38 21 00 00"


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
        support_contact=CONTACT,
    )
    RoleMapping.objects.create(
        provider=provider, group="jobcenter", role=Role.CASEWORKER, department=department
    )
    return provider


def answer(monkeypatch, claims=None, refusal=None):
    """The provider's answer as oidc.verified_claims would return (or refuse) it."""

    def verified(request, provider):
        if refusal:
            raise oidc.SignInFailed(refusal)
        return claims, "id-token"

    monkeypatch.setattr(oidc, "verified_claims", verified)
    monkeypatch.setattr(oidc, "logout_url", lambda p, r: "https://login.testrup.dk/logout")


def callback(client, query="", follow=False):
    return client.get(reverse("sso-callback", args=["testrup"]) + query, follow=follow)


def person(groups=("jobcenter",)):
    return {"sub": "lars", "name": "Lars Berg", "groups": list(groups)}


def test_a_person_blocked_in_the_portal_is_told_so_and_whom_to_ask(client, town, monkeypatch):
    answer(monkeypatch, person())
    assert callback(client).status_code == 302
    client.logout()
    User.objects.filter(external_identity__subject="lars").update(is_active=False)
    response = callback(client, follow=True)
    page = response.content.decode()
    assert response.status_code == 403
    assert "Din adgang er spærret" in page and CONTACT in page
    assert "åbnet to gange" not in page
    assert SignInEvent.objects.filter(outcome="blocked").count() == 1


def test_a_refused_answer_is_recorded_and_the_page_names_the_contact(client, town, monkeypatch):
    answer(monkeypatch, refusal="OAuthError: mismatching_state")
    response = callback(client, "?code=abc&state=old")
    assert response.status_code == 400
    assert "Login mislykkedes" in response.content.decode()
    assert CONTACT in response.content.decode()
    event = SignInEvent.objects.get()
    assert (event.outcome, event.identity) == ("invalid_answer", None)
    assert "mismatching_state" in event.detail and "abc" not in event.detail
    # Said in words a supporter reads first (fresh eyes round 12).
    assert event.detail.startswith("Svaret hørte ikke til et login, der var begyndt")


def test_a_misconfigured_provider_is_recorded_for_the_administrator(client, town, monkeypatch):
    monkeypatch.delenv("OIDC_TESTRUP_SECRET", raising=False)
    response = client.get(reverse("sso-start", args=["testrup"]))
    assert response.status_code == 503
    event = SignInEvent.objects.get()
    assert event.outcome == "unavailable" and "OIDC_TESTRUP_SECRET" in event.detail


def test_a_replayed_answer_while_signed_in_sends_the_person_to_their_start_page(
    client, town, monkeypatch
):
    answer(monkeypatch, person())
    assert callback(client).status_code == 302
    answer(monkeypatch, refusal="OAuthError: mismatching_state")
    response = callback(client, "?code=abc&state=used")
    assert response.status_code == 302 and response.url == reverse("start")
    page = client.get(response.url, follow=True).content.decode()
    assert "Du er allerede logget ind" in page and "Login mislykkedes" not in page


def test_cancelling_at_the_provider_says_so_and_offers_to_try_again(client, town):
    response = callback(client, "?error=access_denied&state=xyz")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Login blev afbrudt hos Testrup Kommune" in page
    assert "åbnet to gange" not in page
    assert reverse("sso-start", args=["testrup"]) in page
    assert SignInEvent.objects.get().outcome == "cancelled"


def test_a_disabled_providers_bookmark_and_callback_say_sign_in_is_unavailable(client, town):
    town.is_enabled = False
    town.save()
    for url in (reverse("sso-start", args=["testrup"]), reverse("sso-callback", args=["testrup"])):
        response = client.get(url)
        assert response.status_code == 503
        page = response.content.decode()
        assert "Login er ikke tilgængeligt lige nu" in page and CONTACT in page
    assert client.get(reverse("sso-start", args=["andeby"])).status_code == 404


def test_a_person_without_a_role_is_offered_the_providers_logout(client, town, monkeypatch):
    answer(monkeypatch, person(groups=["andet"]))
    response = callback(client, follow=True)
    page = response.content.decode()
    assert "Du har ikke adgang endnu" in page
    assert "Log også ud hos Testrup Kommune" in page
    assert "https://login.testrup.dk/logout" in page
    # At its own address, so a reload says the same; without the session, the general page.
    assert response.redirect_chain[-1][0] == reverse("sso-refused", args=["testrup"])
    assert "Du har ikke adgang endnu" in client.get(response.redirect_chain[-1][0]).content.decode()
    assert (
        "Du har ikke adgang endnu"
        not in Client().get(reverse("sso-refused", args=["testrup"])).content.decode()
    )


def test_the_login_page_does_not_focus_the_password_form(client, town, settings):
    page = client.get(reverse("login")).content.decode()
    assert "Log ind med Testrup Kommune" in page and 'name="username"' in page
    assert "autofocus" not in page
    # Nor without providers: the page first says who logs in here (fresh eyes, session 31).
    town.is_enabled = False
    town.save()
    settings.LOCAL_PASSWORD_LOGIN = True
    page = client.get(reverse("login")).content.decode()
    assert 'name="username"' in page and "autofocus" not in page
    assert "Borgere kan se alt offentligt uden at logge ind" in page
    # The administrators' emergency page, which says nothing else first, keeps it.
    assert "autofocus" in client.get(reverse("login") + "?noedadgang").content.decode()


def test_the_english_pages_say_log_in_throughout(client, town, monkeypatch):
    client.cookies["django_language"] = "en"
    answer(monkeypatch, refusal="OAuthError: mismatching_state")
    page = callback(client, "?code=abc&state=old").content.decode()
    login = client.get(reverse("login")).content.decode()
    assert "Login failed" in page and "Testrup Kommune's answer could not be accepted" in page
    assert "Log in with Testrup Kommune" in login
    for text in (page, login):
        assert "Sign in" not in text and "Sign-in" not in text and "sign in" not in text


def refused_as_unknown_association(client, municipality, **provider) -> str:
    """The session of a person MitID Erhverv signed in for an unknown CVR number; returns
    the address of the page that explains it."""
    from identity.models import SignInOutcome
    from identity.views import REFUSAL_KEY

    applicant = mitid_erhverv(municipality, cvr_claim="cvr", **provider)
    session = client.session
    session[REFUSAL_KEY] = {
        "outcome": SignInOutcome.NOT_LINKED,
        "provider": applicant.pk,
        "cvr": "33445566",
    }
    session.save()
    return reverse("sso-refused", args=["erhverv"])


def test_an_unknown_association_is_told_whom_to_write_to(client, municipality, make_pool):
    """Fresh eyes round 12: Aisha (MitID Erhverv, unknown CVR) was told to "send the name and
    CVR number to the municipality" with no address, and not whether any pool was hers."""
    from grants.models import Pool

    url = refused_as_unknown_association(client, municipality)
    page = client.get(url).content.decode()
    assert "Ingen puljer i portalen kan søges af foreninger lige nu" in page

    pool = make_pool(year=2027)
    Pool.objects.filter(pk=pool.pk).update(
        status="open",
        applicants="both",
        contact="Puljesekretariatet, puljer@testrup.dk",
    )
    page = client.get(url).content.decode()
    assert "som foreninger kan søge" in page and "puljer@testrup.dk" in page
    assert reverse("public:call", args=[pool.pk]) in page
    # A coming pool is named without a link to a call not published yet (fresh eyes round
    # 14: the link answered 404).
    Pool.objects.filter(pk=pool.pk).update(status="planned")
    page = client.get(url).content.decode()
    assert "ikke åben endnu" in page
    assert reverse("public:call", args=[pool.pk]) not in page


def test_an_unknown_association_sees_every_municipalitys_pools(client, municipality, make_pool):
    """Fresh eyes round 15: an association that chose Testrup's MitID Erhverv button but
    applies in another municipality saw only Testrup's pools, and the login's IT contact as
    the only address. Every municipality's pools are listed, the button's municipality first,
    and the IT contact is said to be for the login only."""
    from grants.models import Pool

    url = refused_as_unknown_association(
        client, municipality, support_contact="IT-support, it@testrup.dk"
    )
    own = make_pool(year=2027, applicants="both")
    Pool.objects.filter(pk=own.pk).update(title="Testrups foreningspulje")
    # "Aaby" sorts before "Testrup": the button's municipality still comes first.
    other = Municipality.objects.create(name="Aaby Kommune", slug="aaby", code="998")
    policy = Policy.objects.create(
        municipality=other, title="Politik", slug="politik", period_start=2025, period_end=2028
    )
    Pool.objects.create(
        municipality=other,
        policy=policy,
        year=2027,
        title="Aabys § 18-pulje",
        status="open",
        applicants="organisations",
        application_deadline=own.application_deadline,
        contact="frivillig@aaby.dk",
    )
    page = client.get(url).content.decode()
    assert "Puljer i Testrup Kommune, som foreninger kan søge" in page
    assert "Puljer i Aaby Kommune, som foreninger kan søge" in page
    assert page.index("Testrups foreningspulje") < page.index("Aabys § 18-pulje")
    assert "frivillig@aaby.dk" in page
    assert "Virker selve login med MitID Erhverv ikke, så kontakt IT-support" in page
    assert "har ingen puljer i portalen, som foreninger kan søge" not in page

    # Fresh eyes round 22: with none of its own, another municipality's pools under the
    # button's municipality read as a mix-up: said so first.
    Pool.objects.filter(pk=own.pk).delete()
    page = " ".join(client.get(url).content.decode().split())
    assert (
        "Testrup Kommune har ingen puljer i portalen, som foreninger kan søge lige nu. "
        "Andre kommuner har:"
    ) in page
    assert "Aabys § 18-pulje" in page


def test_a_wrong_password_points_staff_to_their_municipalitys_login(client, town):
    """Fresh eyes round 16: "Lars cannot get in" — he typed a password the portal never gave
    him; the error did not say that staff log in with the municipality's button."""
    from tests.page_crawl import visible_text

    page = visible_text(
        client.post(reverse("login"), {"username": "lars", "password": "demo"}).content.decode()
    )
    assert "Brugernavnet eller adgangskoden er forkert" in page
    assert "så log ind med din kommunes login: »Log ind med Testrup Kommune«" in page
    town.is_enabled = False
    town.save()
    page = client.post(reverse("login"), {"username": "lars", "password": "demo"})
    assert "din kommunes login" not in page.content.decode()


def test_a_refused_association_is_not_offered_its_way_in_as_last_used(client, municipality):
    """Fresh eyes round 24: after the refusal the login page marked MitID Erhverv "Sidst
    brugt"."""
    from identity.views import LAST_PROVIDER_COOKIE

    url = refused_as_unknown_association(client, municipality)
    client.cookies[LAST_PROVIDER_COOKIE] = "erhverv"

    response = client.get(url)

    assert "MitID Erhverv har bekræftet, at du logger ind for CVR-nummer 33445566" in (
        response.content.decode()
    )
    assert response.cookies[LAST_PROVIDER_COOKIE].value == ""  # deleted
