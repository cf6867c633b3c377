"""The provider's admin pages as an administrator sees them: render the form, fill in what
it shows, submit, and look at what comes back (docs/identity.md)."""

import re

import pytest
import requests
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from identity import services
from identity.models import IdentityProvider, RoleMapping
from portal.models import Department, Municipality, Role, User
from tests.form_pages import main_form_data


@pytest.fixture
def two_towns(db):
    kbh = Municipality.objects.create(name="Københavns Kommune", slug="koebenhavn", code="101")
    frb = Municipality.objects.create(
        name="Frederiksberg Kommune", slug="frederiksberg", code="147"
    )
    kbh_job = Department.objects.create(municipality=kbh, name="Jobcenter København")
    frb_int = Department.objects.create(municipality=frb, name="Center for Integration")
    return kbh, frb, kbh_job, frb_int


@pytest.fixture
def root(client, db):
    user = User.objects.create_superuser(username="root", password="x" * 20, role="administrator")
    client.force_login(user)
    return client


def option_value(html: str, label_part: str) -> str:
    match = re.search(r'<option value="(\d+)"[^>]*>([^<]*' + re.escape(label_part) + ")", html)
    assert match, label_part
    return match.group(1)


def filled_add_form(client, kbh, department_label):
    page = client.get(reverse("admin:identity_identityprovider_add")).content.decode()
    data = main_form_data(page)
    data.update(
        municipality=str(kbh.pk),
        slug="kbh",
        issuer="https://login.kbh.dk",
        client_id="portal",
        client_secret_name="OIDC_KBH_SECRET",
    )
    data["role_mappings-0-group"] = "sagsbehandlere"
    data["role_mappings-0-role"] = Role.CASEWORKER
    data["role_mappings-0-department"] = option_value(page, department_label)
    return page, data


def test_a_mapping_to_another_municipalitys_department_is_refused_on_the_add_page(root, two_towns):
    kbh, _frb, _kbh_job, _frb_int = two_towns
    page, data = filled_add_form(root, kbh, "Center for Integration")
    # The department list names each department's municipality.
    assert "Center for Integration (Frederiksberg Kommune)" in page
    assert "Jobcenter København (Københavns Kommune)" in page
    response = root.post(reverse("admin:identity_identityprovider_add"), data)
    assert response.status_code == 200
    assert "Afdelingen hører ikke til udbyderens kommune." in response.content.decode()
    assert not IdentityProvider.objects.exists()

    _page, data = filled_add_form(root, kbh, "Jobcenter København")
    response = root.post(reverse("admin:identity_identityprovider_add"), data)
    assert response.status_code == 302
    mapping = RoleMapping.objects.get()
    assert mapping.department.municipality == kbh
    # A provider's own page lists only its municipality's departments, without its name
    # after each (fresh eyes round 34: the names ran off the table at 1280 px).
    page = root.get(
        reverse("admin:identity_identityprovider_change", args=[mapping.provider_id])
    ).content.decode()
    assert ">Jobcenter København</option>" in page
    assert "(Københavns Kommune)" not in page and "Center for Integration" not in page


def test_the_sign_in_never_uses_a_mapping_to_another_municipalitys_department(two_towns):
    kbh, _frb, _kbh_job, frb_int = two_towns
    provider = IdentityProvider.objects.create(
        municipality=kbh,
        slug="kbh",
        issuer="https://login.kbh.dk",
        client_id="portal",
        client_secret_name="OIDC_KBH_SECRET",
    )
    # Put there past the validation (an old row, a script).
    RoleMapping.objects.create(
        provider=provider, group="g", role=Role.CASEWORKER, department=frb_int
    )
    result = services.do_sign_in(provider=provider, claims={"sub": "s", "groups": ["g"]})
    assert result.outcome == "no_role" and result.user is None


@pytest.fixture
def kbh_provider(two_towns):
    kbh, _frb, kbh_job, _frb_int = two_towns
    provider = IdentityProvider.objects.create(
        municipality=kbh,
        slug="kbh",
        issuer="https://login.kbh.dk/",
        client_id="portal",
        client_secret_name="OIDC_KBH_MISSING_SECRET",
    )
    RoleMapping.objects.create(
        provider=provider, group="g", role=Role.CASEWORKER, department=kbh_job
    )
    return provider


def visible_text(html: str) -> str:
    """The page's text as the browser shows it: tags gone (and what looks like one)."""
    return re.sub(r"<[^>]*>", "", html)


def test_the_change_page_shows_the_placeholders_the_redirect_uri_and_the_connection(
    root, kbh_provider, monkeypatch
):
    monkeypatch.delenv("OIDC_KBH_MISSING_SECRET", raising=False)

    def unreachable(url, **kwargs):
        assert url == "https://login.kbh.dk//.well-known/openid-configuration" or url.startswith(
            "https://login.kbh.dk/"
        )
        raise requests.ConnectionError("no route")

    monkeypatch.setattr(requests, "get", unreachable)
    page = root.get(
        reverse("admin:identity_identityprovider_change", args=[kbh_provider.pk])
    ).content.decode()
    text = visible_text(page)
    assert "/login/sso/[kortnavn]/retur/" in text
    assert "https://login.microsoftonline.com/[tenant-id]/v2.0" in text
    assert "http://testserver/login/sso/kbh/retur/" in text
    # The provider cannot be reached; the secret is missing.
    assert "Udbyderens oplysninger kan ikke hentes" in text
    assert "OIDC_KBH_MISSING_SECRET findes hverken som miljøvariabel eller fil" in text


def test_a_municipal_administrator_cannot_change_the_claim_names(client, kbh_provider):
    admin_user = User.objects.create_user(
        username="kbh-admin",
        role=Role.ADMINISTRATOR,
        municipality=kbh_provider.municipality,
        is_staff=True,
    )
    admin_user.user_permissions.set(Permission.objects.filter(content_type__app_label="identity"))
    client.force_login(admin_user)
    url = reverse("admin:identity_identityprovider_change", args=[kbh_provider.pk])
    data = main_form_data(client.get(url).content.decode())
    assert "cvr_claim" not in data and "groups_claim" not in data
    data.update(cvr_claim="evil", groups_claim="evil", support_contact="IT, tlf. 1")
    response = client.post(url, data)
    assert response.status_code == 302
    kbh_provider.refresh_from_db()
    assert (kbh_provider.cvr_claim, kbh_provider.groups_claim) == ("", "groups")
    assert kbh_provider.support_contact == "IT, tlf. 1"


def test_deleting_a_role_mapping_signs_out_the_people_who_hold_its_role(root, kbh_provider):
    signed_in = services.do_sign_in(
        provider=kbh_provider, claims={"sub": "mette", "name": "Mette Holm", "groups": ["g"]}
    ).user
    mette = Client()
    mette.force_login(signed_in)
    assert mette.get(reverse("start")).status_code in (200, 302)
    assert "_auth_user_id" in mette.session

    url = reverse("admin:identity_identityprovider_change", args=[kbh_provider.pk])
    data = main_form_data(root.get(url).content.decode())
    data["role_mappings-0-DELETE"] = "on"
    response = root.post(url, data, follow=True)
    assert "1 person med en ændret eller slettet rolle er logget ud" in response.content.decode()
    assert not RoleMapping.objects.exists()
    mette.get(reverse("start"))
    assert "_auth_user_id" not in mette.session


def test_an_administrator_mapped_from_a_group_can_manage_sign_in_in_the_administration(
    client, kbh_provider
):
    RoleMapping.objects.create(provider=kbh_provider, group="it", role=Role.ADMINISTRATOR)
    user = services.do_sign_in(
        provider=kbh_provider, claims={"sub": "sofie", "name": "Sofie", "groups": ["it"]}
    ).user
    client.force_login(user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Du har ikke rettigheder" not in index
    assert reverse("admin:identity_identityprovider_changelist") in index
    assert reverse("admin:identity_signinevent_changelist") in index
    change = reverse("admin:identity_identityprovider_change", args=[kbh_provider.pk])
    assert client.get(change).status_code == 200
    assert reverse("admin:grants_pool_changelist") not in index

    # Moved to another group at the provider: the permissions go with the role.
    RoleMapping.objects.create(provider=kbh_provider, group="sek", role=Role.COMMITTEE_STAFF)
    services.do_sign_in(
        provider=kbh_provider, claims={"sub": "sofie", "name": "Sofie", "groups": ["sek"]}
    )
    assert not User.objects.get(pk=user.pk).groups.exists()


def test_the_danish_administration_has_danish_headings_and_columns(root, kbh_provider):
    index = root.get(reverse("admin:index")).content.decode()
    assert "Integrationsportalen – administration" in index
    assert "Django administration" not in index and "Django-administration" not in index
    assert "Login og adgang" in index
    # django-axes' lists are all out of the admin (the person's row shows a lockout).
    assert "Adgangsforsøg" not in index
    assert "Opgaveresultater" in index
    for english in ("Axes", "Otp_static", "Otp_totp", "Tasks Database Backend", "Task Results"):
        assert f">{english}<" not in index
    providers = root.get(reverse("admin:identity_identityprovider_changelist")).content.decode()
    assert "Button text" not in providers and "Knap" in providers
    users = root.get(reverse("admin:portal_user_changelist")).content.decode()
    assert "Get full name" not in users and "Navn" in users


def test_a_refused_provider_form_comes_back_clean(root, two_towns):
    kbh, _frb, _kbh_job, _frb_int = two_towns
    page, data = filled_add_form(root, kbh, "Jobcenter København")
    # No way to add or delete a municipality or department from here.
    for link in ("add_id_municipality", "delete_id_municipality", "change_id_municipality"):
        assert link not in page
    assert "delete_id_role_mappings-0-department" not in page
    data["client_secret_name"] = "s3cr3t-V@lue-from-entra"
    response = root.post(reverse("admin:identity_identityprovider_add"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "Skriv navnet med store bogstaver" in page
    assert "s3cr3t-V@lue-from-entra" not in page
    assert "Nuværende" not in page and 'value="https://login.kbh.dk"' in page


def test_the_add_row_link_of_role_mappings_is_lower_case(root, kbh_provider):
    url = reverse("admin:identity_identityprovider_change", args=[kbh_provider.pk])
    page = root.get(url).content.decode()
    assert "endnu en rolle fra gruppe" in page and "Rolle fra gruppe" not in page


@pytest.mark.parametrize("name", ["DATABASE_URL", "SECRET_KEY", "PATH", "OIDC_", "oidc_x"])
def test_the_secret_name_is_only_ever_an_oidc_secret(name):
    """Fresh eyes: any environment variable was accepted as the client secret's name, so the
    database password could be sent to a provider the administrator set up."""
    from django.core.exceptions import ValidationError

    from identity.models import SECRET_NAME

    with pytest.raises(ValidationError):
        SECRET_NAME(name)
    SECRET_NAME("OIDC_FREDERIKSBERG_SECRET")


def test_a_signed_in_user_without_admin_access_gets_a_page_not_a_redirect_loop(client, db):
    from portal.models import Municipality, Role, User

    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    user = User.objects.create_user(
        username="sb", role=Role.COMMITTEE_STAFF, municipality=municipality
    )
    client.force_login(user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1  # /admin/ → /admin/login/, then the 403 page


def test_a_municipal_administrator_sees_their_own_e_mail_link_sign_ins_only(client, two_towns):
    """Sign-ins with an e-mailed link have no provider: they belong to the municipality of
    the person's organisation, and another municipality's administrator never sees them."""
    from grants.organisations import new_person
    from identity.models import SignInEvent
    from portal.models import Organisation

    kbh, frb, _kbh_job, _frb_int = two_towns
    people = {}
    for town, email in ((kbh, "anna@kbh.dk"), (frb, "bo@frb.dk")):
        person = new_person(
            organisation=Organisation.objects.create(municipality=town, name=f"Forening {town}"),
            email=email,
            name=email.split("@")[0].title(),
        )
        SignInEvent.objects.create(method="email_link", user=person, outcome="signed_in")
        people[town.slug] = person
    admin_user = User.objects.create_user(
        username="kbh-admin", role=Role.ADMINISTRATOR, municipality=kbh, is_staff=True
    )
    admin_user.user_permissions.set(Permission.objects.filter(content_type__app_label="identity"))
    client.force_login(admin_user)
    page = client.get(reverse("admin:identity_signinevent_changelist")).content.decode()
    assert people["koebenhavn"].username in page
    assert people["frederiksberg"].username not in page


def test_support_searching_users_for_a_refused_person_is_led_to_the_sign_in_log(root, two_towns):
    """Fresh eyes round 15: "Ida has no access — why?" The administrator searched the user
    list, found nothing (a refused person gets no user) and did not know where to look."""
    from identity.models import ExternalIdentity, SignInEvent

    kbh = two_towns[0]
    provider = IdentityProvider.objects.create(
        municipality=kbh,
        slug="kbh",
        issuer="https://login.kk.dk",
        client_id="portal",
        client_secret_name="OIDC_KBH_SECRET",
    )
    identity = ExternalIdentity.objects.create(
        provider=provider, issuer=provider.issuer, subject="ida-1", name="Ida Holm"
    )
    SignInEvent.objects.create(provider=provider, identity=identity, outcome="no_role")
    users = root.get(reverse("admin:portal_user_changelist"), {"q": "Ida Holm"}).content.decode()
    link = reverse("admin:identity_signinevent_changelist") + "?q=Ida%20Holm"
    assert 'data-testid="not-a-user"' in users and f'href="{link}"' in users
    log = root.get(link).content.decode()
    assert "Ida Holm" in log and "Afvist: ingen rolle" in log
    assert "Login-loggen: hvem loggede ind hvornår og hvordan" in log
    # The row's own page says when (fresh eyes round 16: no time there).
    event = SignInEvent.objects.get(identity=identity)
    row = root.get(reverse("admin:identity_signinevent_change", args=[event.pk])).content.decode()
    assert "Tidspunkt" in row
    # A search that finds users says nothing of the log.
    found = root.get(reverse("admin:portal_user_changelist"), {"q": "root"})
    assert 'data-testid="not-a-user"' not in found.content.decode()


def test_the_sign_in_log_names_the_provider_and_the_person(root, kbh_provider):
    """Fresh eyes round 33: every provider was "Login-udbyder" in the list, its second factor
    "hos udbyderen", and a row's page named the person by the provider's internal user name."""
    from identity.models import ExternalIdentity, SignInEvent

    person = User.objects.create_user(
        username="kbh.e57756f76d7e3027",
        first_name="Mette",
        last_name="Madsen",
        email="mette@kk.dk",
        role=Role.CASEWORKER,
        municipality=kbh_provider.municipality,
        department=kbh_provider.role_mappings.get().department,
    )
    identity = ExternalIdentity.objects.create(
        provider=kbh_provider, issuer=kbh_provider.issuer, subject="m-1", name="Mette Madsen"
    )
    event = SignInEvent.objects.create(
        method="provider",
        provider=kbh_provider,
        identity=identity,
        user=person,
        outcome="signed_in",
        role=Role.CASEWORKER,
        mfa_by_provider=True,
    )
    log = visible_text(root.get(reverse("admin:identity_signinevent_changelist")).content.decode())
    # Who, how (the provider by name), outcome, second factor: in that order on the row.
    assert re.search(
        r"Mette Madsen[^\n]*?\s*Københavns Kommune\s*Logget ind\s*hos Københavns Kommune", log
    ), log
    row = root.get(reverse("admin:identity_signinevent_change", args=[event.pk])).content.decode()
    assert "Mette Madsen (mette@kk.dk)" in row and "kbh.e57756f76d7e3027" not in row


def test_the_sign_in_log_says_why_in_the_list_and_the_second_factor_on_the_row(root, kbh_provider):
    """Fresh eyes round 34: a used link declined ("alle logget ud") and a password typed
    wrongly by someone signed in looked like ordinary rows in the list; the role column
    pushed the table off 1280 px; a row's page showed a red ✗ "hos udbyderen" for a password
    sign-in and nothing of the portal's own code; reasons began in lower case."""
    from identity.models import SignInEvent

    event = SignInEvent.objects.create(
        method="email_link",
        outcome="link_declined",
        role=Role.ORGANISATION,
        detail="linket var brugt: alle logget ud",
    )
    coded = SignInEvent.objects.create(
        method="password", outcome="signed_in", role=Role.COMMITTEE_STAFF, detail="med totrinslogin"
    )
    page = root.get(reverse("admin:identity_signinevent_changelist")).content.decode()
    assert 'class="column-role"' not in page  # a filter instead
    assert "?role__exact=" in page
    assert re.search(
        r"»Det er ikke mig« på linket i e-mailen<br><span class=\"small\">"
        r"Linket var brugt: alle logget ud</span>",
        page,
    ), page
    row = root.get(reverse("admin:identity_signinevent_change", args=[coded.pk])).content
    row = visible_text(row.decode())
    assert "Totrin: i portalen" in row.replace("\n", " ") or "i portalen" in row
    assert "Totrin hos udbyderen" not in row
    row = visible_text(
        root.get(reverse("admin:identity_signinevent_change", args=[event.pk])).content.decode()
    )
    assert "Linket var brugt: alle logget ud" in row


def test_a_group_is_not_offered_the_associations_role(root, kbh_provider):
    """Fresh eyes round 34: "Forening" was offered for a group (and refused on saving)."""
    page = root.get(
        reverse("admin:identity_identityprovider_change", args=[kbh_provider.pk])
    ).content.decode()
    role_select = page.split('name="role_mappings-0-role"', 1)[1].split("</select>", 1)[0]
    assert 'value="caseworker"' in role_select and 'value="organisation"' not in role_select
