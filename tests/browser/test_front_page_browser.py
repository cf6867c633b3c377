import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


def test_front_page_is_accessible_on_desktop_and_phone(
    demo_server, page, phone_page, screenshot, axe_violations
):
    for current, name in ((page, "front-page-desktop"), (phone_page, "front-page-phone")):
        current.goto(demo_server.url + "/")
        assert current.locator("h1").inner_text() == "Kommunernes integrationspuljer"
        assert current.locator("html").get_attribute("lang") == "da"
        screenshot(current, name)
        assert axe_violations(current) == []
    page.keyboard.press("Tab")  # the skip link is the first stop for keyboard users
    assert page.evaluate("document.activeElement.textContent") == "Gå til indhold"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_caseworker_logs_in_with_the_keyboard(demo_server, page, screenshot, axe_violations):
    page.goto(demo_server.url + "/login/")
    assert axe_violations(page) == []
    page.get_by_label("Brugernavn").fill("frb-sagsbehandler")
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_label("Adgangskode").press("Enter")
    page.wait_for_url(demo_server.url + "/mine/")  # a caseworker lands on Mine ansøgninger
    assert "Demo Sagsbehandler" in page.locator("nav").inner_text()
    screenshot(page, "caseworker-dashboard")


def test_language_switch_to_english_is_remembered(demo_server, page):
    page.goto(demo_server.url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "The municipalities' integration pools"
    page.goto(demo_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
