import pytest
from playwright.sync_api import expect

from indicators.models import Indicator
from tests.browser.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


def test_barometer_pages_are_accessible_and_draw_the_chart(
    demo_server, page, phone_page, screenshot, axe_violations
):
    page.goto(demo_server.url + "/barometer/")
    assert page.locator("h1").inner_text() == "Integrationsbarometer"
    row = page.get_by_role("row").filter(has_text="Københavns Kommune")
    assert row.get_by_role("cell").all_inner_texts()[-5:] == ["21", "0", "2", "3", "16"]
    assert axe_violations(page) == []
    screenshot(page, "barometer-desktop")

    row.get_by_role("link", name="Integrationspolitik 2019-2022").click()
    page.wait_for_url("**/barometer/koebenhavn/integrationspolitik-2019-2022/")
    assert page.locator("h1").inner_text() == "Københavns Kommune: Integrationspolitik 2019-2022"
    expect(page.get_by_role("table").filter(has_text="15,3 % (3. kvartal 2018)")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "barometer-policy-desktop")

    phone_page.goto(demo_server.url + "/barometer/")
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "barometer-phone")

    # On a phone every indicator's latest value and status are on screen, not off to the
    # side of a scrolling table (fresh eyes round 20).
    phone_page.goto(demo_server.url + "/barometer/koebenhavn/integrationspolitik-2019-2022/")
    statuses = phone_page.locator("td[data-label='Status'] .badge")
    assert statuses.count() > 10
    right_edges = phone_page.evaluate(
        "Array.from(document.querySelectorAll(\"td[data-label='Status'] .badge, "
        "td[data-label='Seneste']\")).map(e => e.getBoundingClientRect().right)"
    )
    assert max(right_edges) <= 390
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "barometer-policy-phone")

    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=1)
    page.goto(demo_server.url + f"/barometer/indikator/{indicator.pk}/")
    wait_until(page, "window.Chart && Chart.getChart('indicator-chart') !== undefined")
    expect(page.locator("#indicator-chart")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="13,1 %")).to_be_visible()
    # Without JavaScript: the table, and no empty chart box (fresh eyes round 33).
    plain = page.context.browser.new_context(java_script_enabled=False).new_page()
    plain.goto(demo_server.url + f"/barometer/indikator/{indicator.pk}/")
    expect(plain.get_by_role("table").filter(has_text="13,1 %")).to_be_visible()
    expect(plain.locator("#indicator-chart")).to_be_hidden()
    expect(plain.get_by_text("Grafen viser de samme tal")).to_be_hidden()
    plain.context.close()
    assert axe_violations(page) == []
    screenshot(page, "barometer-indicator-desktop")

    phone_page.goto(demo_server.url + f"/barometer/indikator/{indicator.pk}/")
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "barometer-indicator-phone")
