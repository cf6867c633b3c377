"""The main navigation on a 390 px phone, with and without JavaScript: the menu button
opens the menu, every main link is visible and leads to its page (the accessibility
statement promises that every page works without JavaScript)."""

import pytest

from grants.public import newest_pool_year
from tests.browser.conftest import open_phone_menu

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
# Link text → the address it leads to and the page's heading.
MAIN_LINKS = {
    "Projekter": ("/projekter/", "Projekter finansieret af integrationspuljerne"),
    # The demo data has pools open now: they come first, under the page's plain heading.
    "Puljer": ("/puljer/", "Integrationspuljer"),
    "Politikker": ("/politikker/", None),
    "Barometer": ("/barometer/", None),
    "Data": ("/data/", None),
    "Log ind": ("/login/", None),
}


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


@pytest.mark.parametrize("javascript", [False, True], ids=["no-javascript", "javascript"])
def test_every_main_link_is_reachable_on_a_phone(demo_server, browser, screenshot, javascript):
    context = browser.new_context(
        locale="da-DK", viewport=PHONE, is_mobile=True, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        menu = page.get_by_role("navigation", name="Hovedmenu")
        for number, (name, (path, heading)) in enumerate(MAIN_LINKS.items()):
            page.goto(demo_server.url + "/")
            link = menu.get_by_role("link", name=name, exact=True)
            assert not link.is_visible(), f"{name}: the menu should start closed on a phone"
            open_phone_menu(page, javascript)
            if number == 0:
                mode = "javascript" if javascript else "no-javascript"
                screenshot(page, f"phone-menu-open-{mode}")
            link.click()
            page.wait_for_url(demo_server.url + path)
            if heading:
                expected = heading.format(newest=newest_pool_year())
                assert page.locator("h1").inner_text() == expected
        if not javascript:
            # Without JavaScript the open menu can be closed again.
            page.get_by_role("button", name="Vis menu").click()
            page.get_by_role("link", name="Skjul menu").click()
            assert not menu.get_by_role("link", name="Projekter", exact=True).is_visible()
    finally:
        context.close()
