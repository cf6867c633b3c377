"""The navigation bar of a signed-in person: on a laptop (1280 px) every link stays on one
line for every role, in Danish and English; the account menu (name → security, administration,
log out) opens and logs out with and without JavaScript, on a laptop and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, open_phone_menu

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = {
    "frb-sagsbehandler": "/mine/",
    "frb-sekretariat": "/sekretariat/",
    "admin": "/admin/",
    "kbh-forening": "/mine/",
}


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


def bar_height(page) -> float:
    return page.evaluate("document.querySelector('nav.portal-navbar').offsetHeight")


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("username", ROLES)
def test_the_bar_keeps_one_line_on_a_laptop(demo_server, page, screenshot, username, language):
    log_in(page, demo_server, username, lands_on=ROLES[username])
    page.goto(demo_server.url + "/projekter/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/projekter/")
        assert page.locator("html").get_attribute("lang") == "en"
    # One line of links is 56 px high; a wrapped bar is at least 80.
    height = bar_height(page)
    if height > 64:
        screenshot(page, f"navbar-wraps-{username}-{language}")
    assert height <= 64, f"the navigation bar wraps ({height:.0f} px high)"
    overflow = page.evaluate(
        """(() => {
             const bar = document.querySelector('nav.portal-navbar .container');
             const box = bar.getBoundingClientRect();
             return Array.from(bar.querySelectorAll('a, summary, button'))
               .filter(el => el.offsetParent !== null
                             && el.getBoundingClientRect().right > box.right + 1)
               .map(el => el.textContent.trim());
           })()"""
    )
    assert overflow == [], f"links run out of the bar: {overflow}"


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.parametrize("width", [1280, 390])
def test_log_out_through_the_account_menu(demo_server, browser, screenshot, javascript, width):
    context = browser.new_context(
        locale="da-DK", viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        log_in(page, demo_server, "frb-sekretariat", lands_on="/sekretariat/")
        log_out = page.get_by_role("button", name="Log ud")
        assert not log_out.is_visible(), "the account menu should start closed"
        if width < 992:
            open_phone_menu(page, javascript)
        page.locator("summary", has_text="Demo Sekretariat").click()
        log_out.wait_for(state="visible")
        screenshot(page, f"account-menu-{width}-{'js' if javascript else 'nojs'}")
        security = page.get_by_role("link", name="Totrinslogin og sikkerhed")
        expect(security).to_be_visible()
        log_out.click()
        page.wait_for_load_state()
        page.goto(demo_server.url + "/sekretariat/")
        assert "/login/" in page.url, "still signed in after Log ud"
    finally:
        context.close()


def test_the_account_menu_closes_on_escape_and_outside_click(demo_server, page):
    log_in(page, demo_server, "frb-sekretariat", lands_on="/sekretariat/")
    summary = page.locator("summary", has_text="Demo Sekretariat")
    log_out = page.get_by_role("button", name="Log ud")
    summary.click()
    log_out.wait_for(state="visible")
    page.keyboard.press("Escape")
    log_out.wait_for(state="hidden")
    summary.click()
    log_out.wait_for(state="visible")
    page.locator("h1").click()
    log_out.wait_for(state="hidden")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_phone_menu_opens_with_the_portals_name_in_view(demo_server, browser, javascript):
    # Fresh eyes round 42: without JavaScript the menu is the link's #main-nav target, and
    # the browser scrolled to it: the portal's name and "Skjul menu" were cut off at the top.
    context = browser.new_context(
        locale="da-DK", viewport={"width": 390, "height": 800}, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        page.goto(demo_server.url + "/politikker/")
        open_phone_menu(page, javascript)
        page.wait_for_timeout(200)  # the jump to the target, or the collapse's end
        for locator in (page.locator(".navbar-brand"), page.get_by_role("link", name="Projekter")):
            top = locator.evaluate("element => element.getBoundingClientRect().top")
            assert top >= 0, f"{locator} starts {-top:.0f} px above the screen"
        if not javascript:
            close = page.locator(".portal-menu-close")
            assert close.evaluate("element => element.getBoundingClientRect().top") >= 0
    finally:
        context.close()
