"""A search's results say why they were found and a search that finds nothing says why
(fresh eyes, session 29): an excerpt with the matched words when the card's title and target
group have none of them, the filters named when they may be the cause, the words' rule when
several were typed, and no "0 projekter" above a search that had no word to search for."""

import re
from html import unescape

import pytest
from django.db import connection

from grants.search import Marks, excerpt
from tests.page_crawl import visible_text
from tests.test_public_catalogue import CATALOGUE, fund, html_of, titles, unmarked

LONG_DESCRIPTION = (
    "Projektet samler forældre hver uge. "
    + "Der er mange aktiviteter i løbet af året, og alle kan være med. " * 6
    + "Vi øver dansk i en sprogcafé med frivillige, og bagefter spiser vi sammen. "
    + "Til sidst evaluerer vi forløbet med deltagerne og kommunen. " * 4
)


@pytest.fixture
def hidden_match(make_application):
    """A project whose searched word is only in its description, far into it."""
    return fund(
        make_application(
            title="Fællesskab i Søndermarken",
            target_group="Familier i området",
            description=LONG_DESCRIPTION,
        )
    )


def excerpt_of(html: str, title: str) -> str | None:
    """The excerpt on the card of the project titled `title` (marked or not)."""
    cards = re.findall(r"<article.*?</article>", html, re.S)
    (card,) = [card for card in cards if title in unmarked(card)]
    match = re.search(r'class="small mb-2 search-excerpt"[^>]*>(.*?)</p>', card, re.S)
    return match.group(1) if match else None


def test_a_card_shows_where_the_words_are_when_its_title_has_none(client, hidden_match):
    html = html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))
    shown = excerpt_of(html, "Fællesskab i Søndermarken")
    assert shown is not None
    assert "<mark>sprogcafé</mark>" in shown
    # Cut on both sides, the dots kept with their words (a no-break space).
    assert shown.startswith("…\u00a0") and shown.endswith("\u00a0…")
    assert len(shown.split()) < 40


def test_a_card_whose_title_has_the_word_gets_no_excerpt(client, make_application):
    fund(make_application(title="Sprogcafé for alle", description=LONG_DESCRIPTION))
    html = html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))
    assert excerpt_of(html, "Sprogcafé for alle") is None


def test_no_excerpt_without_a_search(client, hidden_match):
    assert "search-excerpt" not in html_of(client.get(CATALOGUE))


def test_an_excerpt_is_escaped(client, make_application):
    fund(
        make_application(
            title="Aftenskole",
            description='Vi holder <script>alert("x")</script> sprogcafé om onsdagen.',
        )
    )
    shown = excerpt_of(html_of(client.get(CATALOGUE, {"q": "sprogcafe"})), "Aftenskole")
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown and "<mark>sprogcafé</mark>" in shown


def test_the_excerpts_of_a_page_are_one_query(client, make_application, settings):
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_CACHE_SECONDS = 0
    for number in range(3):
        fund(make_application(title=f"Hold {number}", description=LONG_DESCRIPTION))
    client.get(CATALOGUE, {"q": "sprogcafe"})  # what a first request reads once
    with CaptureQueriesContext(connection) as three:
        html = html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))
    assert all(excerpt_of(html, f"Hold {number}") for number in range(3))
    fund(make_application(title="Hold 3", description=LONG_DESCRIPTION))
    with CaptureQueriesContext(connection) as four:
        html = html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))
    assert excerpt_of(html, "Hold 3")
    assert len(four) == len(three)


def test_excerpt_cuts_around_the_first_matched_word():
    marks = Marks(("sprog",), inside=False)
    text = (
        " ".join(f"ord{i}" for i in range(40))
        + " sprogcafé "
        + " ".join(f"efter{i}" for i in range(40))
    )
    shown = excerpt(text, marks)
    assert shown.startswith("…\u00a0ord32 ") and shown.endswith(" efter15\u00a0…")
    assert "<mark>sprogcafé</mark>" in shown
    assert excerpt("Kort tekst om sprog.", marks) == "Kort tekst om <mark>sprog</mark>."
    assert excerpt("Intet her.", marks) is None


def chosen(html: str) -> dict[str, str]:
    """The chosen filters above the results: text → the address's query without it."""
    return {
        unescape(text): unescape(link)
        for link, text in re.findall(
            r'<a class="chosen-filter" href="\?([^"]*)"[^>]*>([^<]*)<span aria-hidden', html
        )
    }


@pytest.mark.parametrize("found", [True, False], ids=["found", "nothing-found"])
def test_each_chosen_filter_is_named_as_the_form_shows_it_and_removable(
    client, make_application, found
):
    """Fresh eyes, sessions 29 and 31: which filters were chosen was said only when nothing
    was found, and one could only remove them all at once."""
    project = fund(make_application(title="Sprogcafé"))
    year = project.pool.year if found else 2019
    query = {"q": "sprogcafe", "kommune": project.municipality.slug, "aar": str(year)}
    query["beloeb_min"] = "100.000"
    response = client.get(CATALOGUE, query)
    html = html_of(response)
    name = project.municipality.name
    slug = project.municipality.slug
    assert chosen(html) == {
        # The search's words too, the filter that narrows most (fresh eyes, session 31).
        "Søgning: »sprogcafe«": f"kommune={slug}&aar={year}&beloeb_min=100.000",
        f"Kommune: {name}": f"q=sprogcafe&aar={year}&beloeb_min=100.000",
        f"År: {year}": f"q=sprogcafe&kommune={slug}&beloeb_min=100.000",
        # An amount as the pages write it, not "(kr.): 100000" (fresh eyes, session 31).
        "Bevilget i alt fra: 100.000 kr.": f"q=sprogcafe&kommune={slug}&aar={year}",
    }
    assert f'aria-label="Fjern filteret Kommune: {name}"' in html
    for said, without in chosen(html).items():
        # Each leads to a page where that one is no longer chosen, the others still are.
        left = chosen(html_of(client.get(f"{CATALOGUE}?{without}")))
        assert said not in left and len(left) == 3
    assert ("1 projekt" in visible_text(html)) is found


def test_nothing_found_with_filters_says_so_and_offers_the_search_alone(client, make_application):
    fund(make_application(title="Sprogcafé"))
    response = client.get(CATALOGUE, {"q": "sprogcafe", "aar": "2019", "maalgruppe": "x"})
    text = visible_text(html_of(response))
    # Which filters, by their labels and values (fresh eyes, session 29).
    assert "Der er valgt 2 filtre. Søg efter »sprogcafe« i alle projekter" in text
    assert "Filtre (2 valgte)" in text
    assert set(chosen(html_of(response))) == {
        "Søgning: »sprogcafe«",
        "År: 2019",
        "Målgruppe indeholder: x",
    }
    link = re.search(r'<a href="\?([^"]*)">Søg efter', html_of(response)).group(1)
    assert link == "q=sprogcafe"
    assert titles(client.get(f"{CATALOGUE}?{link}")) == {"Sprogcafé"}


def test_nothing_found_shows_no_division_of_results(client, make_application):
    """Fresh eyes, session 29: "Resultaterne fordelt" showed "· Alle kommuner" and empty
    headings for a search that found nothing."""
    fund(make_application(title="Sprogcafé"))
    html = html_of(client.get(CATALOGUE, {"q": "sprogcafe", "aar": "2019"}))
    assert "Resultaterne fordelt" not in html
    assert "Resultaterne fordelt" in html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))


def test_several_words_that_find_nothing_are_told_every_word_must_match(client, make_application):
    fund(make_application(title="Sprogcafé"))
    fund(make_application(title="Cykelskole"))
    text = visible_text(html_of(client.get(CATALOGUE, {"q": "sprogcafe cykelskole"})))
    assert "Alle ordene skal stå i det samme projekt" in text
    one = visible_text(html_of(client.get(CATALOGUE, {"q": "xylofonorkester"})))
    assert "Alle ordene" not in one


def test_no_count_above_a_search_without_words(client, make_application):
    fund(make_application(title="Sprogcafé"))
    text = visible_text(html_of(client.get(CATALOGUE, {"q": "&"})))
    assert "indeholder ingen ord" in text
    assert "0 projekter" not in text


def test_the_page_title_names_the_search(client, make_application):
    fund(make_application(title="Sprogcafé"))
    html = html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))
    assert re.search(r"<title>»sprogcafe« – Projekter · ", html)
    assert re.search(r"<title>Projekter · ", html_of(client.get(CATALOGUE)))


def public_text_fields() -> list[str]:
    from django.db.models import CharField, TextField

    from grants.models import Application

    return [
        name
        for name in Application.CONTENT_FIELDS
        if isinstance(Application._meta.get_field(name), CharField | TextField)
    ]


@pytest.mark.parametrize("field", public_text_fields())
def test_a_text_the_project_page_shows_is_searched(client, make_application, field):
    """The class of session 29's and 30's misses (partners, learnings, then the goals of
    other policies): any text of the form the public project page shows is found by the
    search; one it does not show is not."""
    extra = {"title": "Et projekt"} if field != "title" else {}
    project = fund(make_application(**extra, **{field: "Sammen med Zanzibarforeningen"}))
    shown = "Zanzibarforeningen" in visible_text(html_of(client.get(f"/projekter/{project.pk}/")))
    found = len(titles(client.get(CATALOGUE, {"q": "zanzibarforeningen"}))) == 1
    assert found == shown, f"{field}: shown {shown}, found {found}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="suggestions: PostgreSQL only")
def test_a_partner_s_name_is_suggested_for_a_typo(client, make_application):
    fund(make_application(title="Lektiecafé", partners="Zanzibarforeningen og biblioteket"))
    html = html_of(client.get(CATALOGUE, {"q": "zansibarforeningen"}))
    assert "Mente du »" in html and "zanzibarforeningen" in html
    assert titles(client.get(CATALOGUE, {"q": "zansibarforeningen"})) == {"Lektiecafé"}


def test_no_link_to_the_search_alone_when_it_finds_nothing_either(client, make_application):
    """Fresh eyes, session 29: "Søg efter »xylofon« i alle projekter" led to a second empty
    page."""
    fund(make_application(title="Sprogcafé"))
    text = visible_text(html_of(client.get(CATALOGUE, {"q": "xylofon", "aar": "2019"})))
    assert "Ingen projekter matcher søgningen." in text
    assert "i alle projekter" not in text and "Der er valgt" not in text


def test_an_excerpt_stays_within_its_paragraph():
    marks = Marks(("undervisning",))
    text = "Samarbejde med klubben om træning\nUndervisningsudvalget står for det praktiske"
    shown = excerpt(text, marks)
    assert "træning" not in shown
    assert shown.startswith("<mark>Undervisningsudvalget</mark> står")


def test_neighbouring_marked_words_are_one_mark():
    assert Marks(("rode", "kors")).mark("Røde Kors og Kors") == (
        "<mark>Røde Kors</mark> og <mark>Kors</mark>"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stop words: PostgreSQL only")
def test_several_common_words_are_called_words(client, make_application):
    fund(make_application(title="Sprogcafé"))
    text = visible_text(html_of(client.get(CATALOGUE, {"q": "og i at"})))
    assert "»og i at« er for almindelige ord til at søge på" in text


@pytest.mark.parametrize(
    ("q", "sentence", "link"),
    [
        ("testrup", "Se alle Testrup Kommunes projekter", "kommune=testrup"),
        ("TESTRUP", "Se alle Testrup Kommunes projekter", "kommune=testrup"),
        # The name typed whole: "Kommune" is no other word to search for (fresh eyes, session 30)
        ("Testrup Kommune", "Se alle Testrup Kommunes projekter", "kommune=testrup"),
        ("Sprogcafé testrup", "Søg efter »Sprogcafé« i Testrup Kommunes projekter", None),
        ("Testrup Municipality", "Se alle Testrup Kommunes projekter", "kommune=testrup"),
        # No project of the municipality has the other word: its projects, not an empty page
        # (fresh eyes, session 30).
        ("testrup xylofon", "Se alle Testrup Kommunes projekter", "kommune=testrup"),
    ],
)
def test_a_municipality_named_in_the_search_is_offered_as_its_filter(
    client, make_application, q, sentence, link
):
    """Session 30: the search reads the projects' texts, so "testrup" found only the projects
    whose texts name the town; the page offers the municipality's own projects."""
    fund(make_application(title="Sprogcafé for nyankomne"))
    html = html_of(client.get(CATALOGUE, {"q": q}))
    found = re.search(
        r'<p class="catalogue-municipality">Leder du efter projekter fra Testrup Kommune\? '
        r'<a href="\?([^"]+)">([^<]+)</a>',
        html,
    )
    assert found, html
    assert unescape(found.group(2)) == sentence
    address = unescape(found.group(1))
    assert address == link or link is None and "kommune=testrup" in address
    followed = client.get(CATALOGUE + "?" + address)
    assert titles(followed) == {"Sprogcafé for nyankomne"}
    # With its municipality chosen, no offer of it.
    assert "catalogue-municipality" not in html_of(followed)


def test_no_municipality_offered_for_a_search_that_names_none(client, make_application):
    fund(make_application(title="Sprogcafé for nyankomne"))
    assert "catalogue-municipality" not in html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))


@pytest.mark.parametrize("q", ["Copenhagen", "copenhagen sprogcafé", "København"])
def test_copenhagen_by_its_english_name_is_offered_as_the_municipality(client, make_application, q):
    """Fresh eyes, session 30: "Copenhagen" on the English page named no municipality."""
    from portal.models import Municipality

    Municipality.objects.create(name="Københavns Kommune", slug="kbh", code="101")
    fund(make_application(title="Sprogcafé for nyankomne"))
    html = html_of(client.get(CATALOGUE, {"q": q}))
    assert "Leder du efter projekter fra Københavns Kommune?" in html


def test_a_search_naming_a_municipality_is_not_told_to_use_fewer_words(client, make_application):
    """Fresh eyes, session 31: "Københavns Kommune" found nothing and was told "prøv med
    færre ord" under the line that offers the municipality's projects."""
    from portal.models import Municipality

    Municipality.objects.create(name="Københavns Kommune", slug="kbh", code="101")
    fund(make_application(title="Sprogcafé for nyankomne"))
    text = visible_text(html_of(client.get(CATALOGUE, {"q": "Københavns Kommune"})))
    assert "Leder du efter projekter fra Københavns Kommune?" in text
    assert "færre ord" not in text
    text = visible_text(html_of(client.get(CATALOGUE, {"q": "cricket fodbold"})))
    assert "prøv med færre ord" in text


def test_a_search_naming_a_municipality_shows_the_other_words_on_the_cards(
    client, make_application
):
    """Fresh eyes, session 31: for "Frederiksberg sprog" the card's excerpt showed
    "Frederiksbergstrategiens" and no "sprog"; a card whose target group named the town
    showed no excerpt at all. Every card names its municipality: the other words are shown."""
    fund(
        make_application(
            title="Fællesskab i byen",
            target_group="Familier i Testrup",
            other_policy_goals="Indsatsen bidrager også til Testrupstrategien for byen.",
            description="Vi mødes hver uge. Her øver vi dansk sprog over kaffe og kage.",
        )
    )
    html = html_of(client.get(CATALOGUE, {"q": "testrup sprog"}))
    shown = excerpt_of(html, "Fællesskab i byen")
    assert shown is not None and "<mark>sprog</mark>" in shown
    assert "Testrup</mark>" not in html and "Testrupstrategien" not in shown
    # The search itself still needs both words.
    fund(make_application(title="Andet projekt", description="Dansk sprog uden byens navn."))
    assert titles(client.get(CATALOGUE, {"q": "testrup sprog"})) == {"Fællesskab i byen"}
