"""403, 404, 500 and CSRF failure pages: the portal's layout, Danish or English, no debug."""

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client

from grants.models import Pool
from policies.models import Policy

from .page_crawl import use_language, visible_text


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


def assert_portal_layout(html: str, language: str):
    assert f'<html lang="{language}">' in html
    assert 'class="navbar-brand"' in html
    assert 'class="skip-link"' in html and 'id="main"' in html  # the layout's landmarks
    assert "portal.css" in html
    for debug_word in ("Traceback", "Request Method", "Django", "CSRF verification failed"):
        assert debug_word not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_404_in_the_portal_layout(client, language):
    use_language(client, language)
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_portal_layout(html, language)
    assert "Siden findes ikke" in visible_text(html) or language == "en"
    assert 'href="/projekter/"' in html  # a way on: the main navigation and a search link


@pytest.mark.django_db
def test_404_tells_a_signed_in_person_who_they_are_and_the_way_to_their_start(client, caseworker):
    """Attack round 34: on a shared computer, the next person to sign in was sent on to the
    page the first person's session had been at (someone else's form) and met a bare "Siden
    findes ikke"; it says whom they are signed in as and offers their own start page."""
    caseworker.first_name, caseworker.last_name = "Sara", "Sagsbehandler"
    caseworker.save()
    client.force_login(caseworker)
    html = client.get("/mine/puljer/999999/ny/").content.decode()
    text = visible_text(html)
    assert "Du er logget ind som Sara Sagsbehandler" in text
    assert 'href="/start/"' in html and "Gå til din startside" in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_403_in_the_portal_layout_says_who_is_logged_in(client, caseworker, language):
    caseworker.first_name, caseworker.last_name = "Sara", "Sagsbehandler"
    caseworker.save()
    client.force_login(caseworker)
    use_language(client, language)
    response = client.get("/sekretariat/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_portal_layout(html, language)
    text = visible_text(html)
    assert "Sara Sagsbehandler" in text
    if language == "da":
        assert "Du har ikke adgang til siden" in text


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize("language", ["da", "en"])
def test_500_in_the_portal_layout(language):
    client = Client(raise_request_exception=False)
    use_language(client, language)
    response = client.get("/fejl-til-test/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_portal_layout(html, language)
    assert "a bug" not in html
    if language == "da":
        assert "Der opstod en fejl" in visible_text(html)


def test_500_renders_without_a_request_or_the_database():
    # No request, no context processors; the database is not available (no django_db mark:
    # any query would fail the test).
    html = loader.get_template("500.html").render({})
    assert "Der opstod en fejl" in html
    assert 'href="/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_csrf_failure_in_the_portal_layout_and_nothing_saved(language, staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    use_language(client, language)
    response = client.post("/sekretariat/puljer/ny/", {"title": "Ny pulje"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_portal_layout(html, language)
    assert "sekretariat" in visible_text(html)  # the user's name in the menu: request context
    if language == "da":
        assert "Formularen er udløbet" in visible_text(html)
    assert not Pool.objects.filter(title="Ny pulje").exists()
    assert settings.CSRF_FAILURE_VIEW == "portal.error_views.csrf_failure"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_400_and_405_in_the_portal_layout(client, staff_user, language):
    """Attack finding: a NUL in the address answered plain English text, too many fields
    Django's bare "Bad Request (400)", and a GET to a POST-only address an empty page."""
    use_language(client, language)
    client.force_login(staff_user)
    nul = client.get("/projekter/", {"q": "\x00"})
    many = client.post(
        "/login/", {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    )
    pool = Pool.objects.create(
        municipality=staff_user.municipality,
        policy=Policy.objects.create(
            municipality=staff_user.municipality,
            title="P",
            slug="p",
            period_start=2026,
            period_end=2027,
        ),
        year=2026,
        title="Pulje",
    )
    get_on_post = client.get(f"/sekretariat/puljer/{pool.pk}/status/")
    for response, status in ((nul, 400), (many, 400), (get_on_post, 405)):
        assert response.status_code == status
        html = response.content.decode()
        assert_portal_layout(html, language)
    assert "POST" in get_on_post["Allow"]
    if language == "da":
        assert "Forespørgslen kunne ikke bruges" in visible_text(nul.content.decode())
        assert "Siden kan ikke åbnes sådan" in visible_text(get_on_post.content.decode())


@pytest.mark.parametrize("path", ["/login/", "/login/e-mail/"])
def test_a_nul_in_any_field_of_a_sign_in_form_is_no_server_error(client, demo, path):
    """Attack round 28: a NUL in the login's user name was a 500 (PostgreSQL refuses it in a
    query) for anyone, signed in or not. Every field of every form on the sign-in pages,
    one at a time, as the browser would post it."""
    from .form_pages import parse_forms

    client.raise_request_exception = False
    forms = parse_forms(client.get(path).content.decode())
    assert forms
    for form in forms:
        for item in form.fields:
            if item.kind in ("hidden", "checkbox", "radio", "select"):
                continue
            data = form.data()
            data[item.name] = ["x\x00y"]
            response = client.post(form.action or path, data)
            assert response.status_code < 500, (path, item.name)
