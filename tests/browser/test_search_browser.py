"""The catalogue's search that forgives, in the browser: accents folded, a word beginning,
the matched words marked, and (PostgreSQL) a typo's "Mente du »…«?" link."""

import pytest
from django.db import connection
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


def search(page, text):
    page.get_by_label("Søg", exact=True).fill(text)
    page.get_by_role("button", name="Søg", exact=True).click()
    page.wait_for_load_state()


def test_a_search_without_accents_and_a_word_beginning_find_and_mark(demo_server, browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(demo_server.url + "/projekter/")
        search(page, "aben radgivning")  # typed without å
        title = page.locator("main .card-title", has_text="Åben Rådgivning")
        expect(title).to_be_visible()
        # Neighbouring marked words are one mark (no gap in the highlight).
        assert title.locator("mark").all_inner_texts() == ["Åben Rådgivning"]
        search(page, "sprogl")  # the beginning of "sproglig"
        card = page.locator("main .card-title", has_text="Dansk sproglig opkvalificering")
        assert card.locator("mark").all_inner_texts() == ["sproglig"]
    finally:
        context.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="suggestions need PostgreSQL")
def test_a_typo_offers_the_word_and_its_results(demo_server, browser, screenshot):
    for width in (1280, 390):
        context = browser.new_context(locale="da-DK", viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(demo_server.url + "/projekter/")
            search(page, "jbo")
            expect(page.get_by_text("Ingen projekter matcher »jbo«.")).to_be_visible()
            expect(page.locator("main .card-title", has_text="Kvinder i job")).to_be_visible()
            screenshot(page, f"catalogue-typo-{width}")
            page.get_by_role("link", name="job", exact=True).click()
            page.wait_for_url("**q=job**")
            assert page.get_by_label("Søg", exact=True).input_value() == "job"
            assert not page.get_by_text("Mente du").is_visible()
            expect(page.locator("main .card-title mark", has_text="job").first).to_be_visible()
        finally:
            context.close()
