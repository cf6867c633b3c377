"""The error summary in a real browser: focus moves to it (JavaScript under the CSP nonce),
its links lead to the fields, and without JavaScript it is still the first thing in <main>."""

import pytest

from tests.browser.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_focus_moves_to_the_summary_and_its_links_lead_to_the_fields(
    live_server, phone_page, screenshot
):
    page = phone_page
    page.goto(live_server.url + "/login/")
    page.locator("main").get_by_role("button", name="Log ind").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    wait_until(page, "document.activeElement?.id === 'error-summary'")
    assert page.title().startswith("Fejl: ")
    screenshot(page, "error-summary-login-phone")
    summary.get_by_role("link").first.click()
    wait_until(page, "document.activeElement?.id === 'id_username'")


def test_without_javascript_the_summary_is_first_in_the_content(live_server, browser):
    context = browser.new_context(
        locale="da-DK", java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        page.locator("main").get_by_role("button", name="Log ind").click()
        page.locator("[data-error-summary]").wait_for()
        first = page.locator("main > *").first
        assert first.get_attribute("id") == "error-summary"
        # The links work as plain anchors.
        page.locator("[data-error-summary] a").first.click()
        assert page.url.endswith("#id_username")
    finally:
        context.close()
