import pytest

from indicators.models import Indicator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(live_server):
    from portal.demo import load_demo

    load_demo()
    return live_server


def test_barometer_pages_are_accessible_and_draw_the_chart(
    demo_server, page, phone_page, screenshot, axe_violations
):
    page.goto(demo_server.url + "/barometer/")
    assert page.locator("h1").inner_text() == "Integrationsbarometer"
    assert axe_violations(page) == []
    screenshot(page, "barometer-desktop")

    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=1)
    page.goto(demo_server.url + f"/barometer/indikator/{indicator.pk}/")
    page.wait_for_function("window.Chart && Chart.getChart('indicator-chart') !== undefined")
    assert page.get_by_role("table").filter(has_text="13,1 %").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "barometer-indicator-desktop")

    phone_page.goto(demo_server.url + f"/barometer/indikator/{indicator.pk}/")
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "barometer-indicator-phone")
