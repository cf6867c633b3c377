"""The catalogue on a phone shows the search box and then the results: the narrowing filters
and the distribution fold away (saying how many are in use; a wrong one is shown open); a
wide screen always shows them. With and without JavaScript."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


def new_page(browser, width, javascript):
    context = browser.new_context(
        locale="da-DK", viewport={"width": width, "height": 844}, java_script_enabled=javascript
    )
    return context, context.new_page()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_phone_shows_results_first(demo_server, browser, screenshot, javascript):
    context, page = new_page(browser, 390, javascript)
    try:
        page.goto(demo_server.url + "/projekter/")
        first_card = page.locator("main .card").first
        assert first_card.bounding_box()["y"] < 844, "the first result is below the first screen"
        municipality = page.get_by_label("Kommune")
        expect(page.get_by_label("Søg", exact=True)).to_be_visible()
        assert not municipality.is_visible()
        page.locator("summary", has_text="Filtre").click()
        municipality.wait_for(state="visible")
        municipality.select_option(label="Frederiksberg Kommune")
        page.get_by_role("button", name="Søg", exact=True).click()
        page.wait_for_url("**kommune=frederiksberg**")
        # A filter in use: the fold says how many, and the results still come first.
        expect(page.locator("summary", has_text="Filtre (1 valgt)")).to_be_visible()
        assert page.locator("main .card").first.bounding_box()["y"] < 844
        page.goto(demo_server.url + "/projekter/?aar=abc")
        assert page.get_by_label("År", exact=True).is_visible(), "a wrong filter is shown open"
        screenshot(page, f"catalogue-phone-filtered-{'js' if javascript else 'nojs'}")
    finally:
        context.close()


def test_wide_screen_shows_every_filter(demo_server, browser):
    context, page = new_page(browser, 1280, True)
    try:
        page.goto(demo_server.url + "/projekter/")
        for label in ("Søg", "Kommune", "År", "Mål", "Udvalg"):
            assert page.get_by_label(label, exact=True).is_visible(), label
        expect(page.get_by_role("heading", name="Resultaterne fordelt")).to_be_visible()
        assert not page.locator("summary", has_text="Filtre").is_visible()
    finally:
        context.close()


def test_a_wide_screens_folds_are_open_and_no_tab_stop(demo_server, browser):
    """Fresh eyes, session 33: on a wide screen the distribution showed by CSS inside a closed
    <details>: announced "collapsed", and its heading a tab stop that did nothing. Narrowed
    to a phone's width, the folds are closed again as the page was sent."""
    context, page = new_page(browser, 1280, True)
    try:
        page.goto(demo_server.url + "/projekter/")
        folds = page.locator("details.catalogue-filters")
        assert folds.count() == 2
        for i in range(2):
            assert folds.nth(i).evaluate("d => d.open"), i
            summary = folds.nth(i).locator("summary")
            assert summary.get_attribute("tabindex") == "-1"
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(
            "() => [...document.querySelectorAll('details.catalogue-filters')].every(d => !d.open)"
        )
        assert page.locator("summary", has_text="Filtre").get_attribute("tabindex") is None
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_staff_application_list_folds_its_filters_on_a_phone(demo_server, browser, width):
    """The same fold on committee staff's list of a pool's applications."""
    from grants.models import Pool
    from tests.browser.conftest import log_in

    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    context, page = new_page(browser, width, True)
    try:
        log_in(page, demo_server, "frb-sekretariat", lands_on="/sekretariat/")
        page.goto(f"{demo_server.url}/sekretariat/puljer/{pool.pk}/ansoegninger/")
        status = page.get_by_label("Status", exact=True)
        first_row = page.locator("main table tbody tr").first
        if width == 390:
            assert not status.is_visible()
            assert first_row.bounding_box()["y"] < 844, "the first application is below the fold"
            page.locator("summary", has_text="Filtre").click()
        expect(status).to_be_visible()
    finally:
        context.close()
