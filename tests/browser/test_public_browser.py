"""A citizen uses the public site in headless Chromium: search, filter, read, with and
without JavaScript, on desktop and phone, and axe-core finds no serious problems."""

import re

import pytest

from grants.public import newest_pool_year
from tests.browser.conftest import follow, open_phone_menu

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


def public_pages() -> dict[str, str]:
    from grants.models import Application
    from policies.models import Goal

    project = Application.objects.get(title="Kvinder i job")
    goal = Goal.objects.get(policy__municipality__slug="koebenhavn", kind="objective", number=1)
    return {
        "front-page": "/",
        "catalogue": "/projekter/",
        "catalogue-filtered": "/projekter/?kommune=frederiksberg&aar=2021&q=job",
        "project": f"/projekter/{project.pk}/",
        "pools": "/puljer/",
        "pool": "/puljer/frederiksberg/2021/",
        "policies": "/politikker/",
        "policy": "/politikker/frederiksberg/integrationspolitik-2019-2022/",
        "goal": f"/politikker/maal/{goal.pk}/",
        "data": "/data/",
        "accessibility": "/tilgaengelighed/",
    }


def result_count(page) -> int:
    status = page.get_by_role("status").filter(has_text="projekt").inner_text()
    return int(re.match(r"(\d+) projekt", status).group(1))


def test_citizen_searches_filters_and_opens_a_project(demo_server, page, screenshot):
    page.goto(demo_server.url + "/")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Projekter").click()
    page.wait_for_url(demo_server.url + "/projekter/")
    assert page.locator("h1").inner_text() == "Projekter finansieret af integrationspuljerne"
    assert result_count(page) == 16  # Frederiksberg 11, Copenhagen's § 18 pool 5
    screenshot(page, "public-catalogue-desktop")

    page.get_by_label("Søg", exact=True).fill("job")
    page.get_by_label("Kommune", exact=True).select_option(label="Frederiksberg Kommune")
    page.get_by_role("button", name="Søg", exact=True).click()
    page.wait_for_url(re.compile(r"/projekter/\?q=job&kommune=frederiksberg"))
    titles = page.locator("article h3").all_inner_texts()
    assert "Kvinder i job" in titles
    assert "Fastholdelse i job" in titles
    assert "Cricket for piger og kvinder" not in titles
    assert result_count(page) == len(titles)
    # The filters stay in the form after the search.
    assert page.get_by_label("Søg", exact=True).input_value() == "job"
    assert page.get_by_label("Kommune", exact=True).input_value() == "frederiksberg"

    page.get_by_role("link", name="Kvinder i job", exact=True).click()
    page.wait_for_url(re.compile(r"/projekter/\d+/$"))
    assert page.locator("h1").inner_text() == "Kvinder i job"
    money = page.get_by_role("region", name="Penge fra puljen")
    assert "150.000 kr." in money.inner_text()
    screenshot(page, "public-project-desktop")
    follow(page, page.get_by_role("link", name="Mål 1: Aktive på arbejdsmarkedet"))
    assert page.locator("h1").inner_text() == "Mål 1: Aktive på arbejdsmarkedet"


def test_catalogue_and_project_on_a_phone(demo_server, phone_page, screenshot):
    phone_page.goto(demo_server.url + "/projekter/?kommune=frederiksberg")
    assert result_count(phone_page) == 11
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the catalogue scrolls sideways on a phone ({width}px)"
    screenshot(phone_page, "public-catalogue-phone")
    follow(phone_page, phone_page.get_by_role("link", name="Cricket for piger og kvinder"))
    assert phone_page.locator("h1").inner_text() == "Cricket for piger og kvinder"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the project page scrolls sideways on a phone ({width}px)"
    screenshot(phone_page, "public-project-phone")
    # The menu opens behind the toggle button.
    open_phone_menu(phone_page)
    follow(phone_page, phone_page.get_by_role("link", name="Puljer"))
    # The pools open now, then the newest year's pools of every municipality (issue 17).
    assert phone_page.locator("h1").inner_text() == "Integrationspuljer"
    assert phone_page.get_by_role("heading", name="Åbne for ansøgninger nu").is_visible()
    assert phone_page.get_by_role("heading", name=f"Puljer i {newest_pool_year()}").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the pools page scrolls sideways on a phone ({width}px)"


def test_no_serious_accessibility_violations_on_any_public_page_type(
    demo_server, page, axe_violations
):
    found = {}
    for name, path in public_pages().items():
        page.goto(demo_server.url + path)
        assert page.locator("html").get_attribute("lang") == "da", name
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_no_serious_accessibility_violations_on_a_phone(demo_server, phone_page, axe_violations):
    found = {}
    for name in ("catalogue", "project", "pool", "goal"):
        phone_page.goto(demo_server.url + public_pages()[name])
        violations = axe_violations(phone_page)
        if violations:
            found[name] = violations
    assert found == {}


@pytest.mark.parametrize(
    "name",
    ["front-page", "catalogue", "project", "pools", "pool", "policies"]
    + ["policy", "goal", "data", "accessibility"],
)
def test_public_page_does_not_scroll_sideways_on_a_phone(demo_server, phone_page, name):
    phone_page.goto(demo_server.url + public_pages()[name])
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width}px wide on a 390px phone"


def test_catalogue_works_without_javascript(demo_server, browser, screenshot):
    context = browser.new_context(
        locale="da-DK", java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(demo_server.url + "/projekter/")
        page.get_by_label("Kommune", exact=True).select_option(label="Frederiksberg Kommune")
        page.get_by_label("År", exact=True).fill("2022")
        page.get_by_role("button", name="Søg", exact=True).click()
        page.wait_for_url(re.compile(r"kommune=frederiksberg.*aar=2022"))
        assert result_count(page) == 6
        follow(page, page.get_by_role("link", name="Åben Rådgivning"))
        assert page.locator("h1").inner_text() == "Åben Rådgivning"
        page.go_back()
        page.get_by_role("link", name="Nulstil").click()
        page.wait_for_url(demo_server.url + "/projekter/")
        assert result_count(page) == 16  # Frederiksberg 11, Copenhagen's § 18 pool 5
        screenshot(page, "public-catalogue-no-javascript")
    finally:
        context.close()


def test_language_switch_keeps_the_catalogue_address(demo_server, page):
    page.goto(demo_server.url + "/projekter/?kommune=frederiksberg")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url == demo_server.url + "/projekter/?kommune=frederiksberg"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#id_kommune").input_value() == "frederiksberg"  # filter kept
