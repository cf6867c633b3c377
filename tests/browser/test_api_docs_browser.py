"""A developer reads the API's documentation in Chromium: Swagger UI comes from our own static
files and runs under the portal's Content-Security-Policy (the page fixtures fail on any
violation or script error); without JavaScript the page says where the description is."""

import pytest

from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_api_docs_render_and_list_the_filters(request, live_server, demo, screenshot, device):
    page = request.getfixturevalue(device)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/api/v1/docs/")
    wait_until(page, "document.querySelectorAll('.opblock').length >= 9")
    page.locator(".opblock-summary-path", has_text="/api/v1/projekter/").first.click()
    wait_until(page, "document.body.innerText.includes('beloeb_min')")
    screenshot(page, f"api-docs-{device}")
    assert all(url.startswith(live_server.url) for url in requests), "a request left the site"


def test_without_javascript_the_docs_point_to_the_openapi_document(browser, live_server, db):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/api/v1/docs/")
    link = page.get_by_role("link", name="OpenAPI", exact=True)
    assert link.get_attribute("href") == "/api/v1/openapi.json"
    context.close()
