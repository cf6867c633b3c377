"""A search that forgives (grants.search): accents folded, word beginnings and the parts of
compound words, a "Mente du …?" suggestion for a typo, the matched words highlighted, escaped.
What a citizen sees on /projekter/."""

import re
from html import unescape

import pytest
from django.db import connection

from grants.models import ApplicationStatus, SearchWord
from grants.search import Marks, fold, rebuild_words
from grants.suggestions import edits
from tests.test_public_catalogue import CATALOGUE, fund, html_of, shown_count, titles

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stemmer, the words table and the suggestions exist only on PostgreSQL",
)

CAFE = "Sprogcafé for nyankomne"
UNDERVISNING = "Sprogundervisning for voksne"
CYKEL = "Cykelskole"


@pytest.fixture
def projects(make_application):
    return [
        fund(make_application(title=CAFE, target_group="Forældre til skolebørn")),
        fund(make_application(title=UNDERVISNING, target_group="Voksne på arbejdsmarkedet")),
        fund(make_application(title=CYKEL, target_group="Kvinder, der aldrig har cyklet")),
    ]


def suggestion(response) -> str | None:
    match = re.search(r'Mente du »<a href="\?([^"]*)">(.*?)</a>«\?', html_of(response))
    return unescape(match.group(2)) if match else None


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sprogcafe", {CAFE}),  # accent folded
        ("SPROGCAFÉ", {CAFE}),
        ("foraeldre", {CAFE}),  # æ as ae, as on a keyboard without it
        ("sprog", {CAFE, UNDERVISNING}),  # a word beginning: both compound words
        ("sprogunder", {UNDERVISNING}),
        ("skolebør", {CAFE}),  # the beginning of "skolebørn", with its ø
        ("undervisning", {UNDERVISNING}),  # the last part of a compound word
        ("cafe nyankomne", {CAFE}),  # every word must match
        ("cykelskole for kvinder", {CYKEL}),  # a stop word is left out, not a beginning
        ("cafe cykel", set()),
    ],
)
def test_search_forgives_accents_beginnings_and_compound_parts(client, projects, q, expected):
    response = client.get(CATALOGUE, {"q": q})
    assert titles(response) == expected
    assert shown_count(response) == len(expected)


def test_matched_words_are_highlighted(client, projects):
    html = html_of(client.get(CATALOGUE, {"q": "sprogcafe skolebørn"}))
    assert "<mark>Sprogcafé</mark> for nyankomne" in html
    assert "Forældre til <mark>skolebørn</mark>" in html  # the target group too


def test_highlighting_escapes_html_in_a_title(client, make_application):
    fund(make_application(title='<script>alert("x")</script> Sprogcafé <img src=x onerror=1>'))
    html = html_of(client.get(CATALOGUE, {"q": "sprogcafe"}))
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Sprogcafé</mark> "
        "&lt;img src=x onerror=1&gt;" in html
    )


def test_a_search_for_script_is_marked_escaped(client, make_application):
    fund(make_application(title="Script & kode for unge"))
    html = html_of(client.get(CATALOGUE, {"q": "<script>"}))
    assert "<mark>Script</mark> &amp; kode for unge" in html
    assert "<script>" not in html.split("<main", 1)[-1]


@postgres_only
def test_a_typo_gets_a_suggestion_and_its_results(client, projects):
    response = client.get(CATALOGUE, {"q": "cykleskole", "aar": "2026"})
    html = html_of(response)
    assert "Ingen projekter matcher »cykleskole«." in html
    assert suggestion(response) == "cykelskole"
    assert titles(response) == {CYKEL}  # what the suggestion finds, shown at once
    link = re.search(r'Mente du »<a href="\?([^"]*)"', html).group(1)
    assert "q=cykelskole" in unescape(link) and "aar=2026" in unescape(link)  # filters kept
    followed = client.get(f"{CATALOGUE}?{unescape(link)}")
    assert titles(followed) == {CYKEL}
    assert suggestion(followed) is None


@postgres_only
def test_a_word_that_merely_contains_the_search_is_no_compound_part(client, make_application):
    fund(make_application(title="Integrationsprogrammet"))
    fund(make_application(title="Sprogcaféen"))
    assert titles(client.get(CATALOGUE, {"q": "sprog"})) == {"Sprogcaféen"}
    assert titles(client.get(CATALOGUE, {"q": "programmet"})) == {"Integrationsprogrammet"}
    assert titles(client.get(CATALOGUE, {"q": "cafe"})) == {"Sprogcaféen"}


@postgres_only
def test_a_word_followed_by_more_than_an_inflection_is_no_compound_part(client, make_application):
    """Fresh eyes, session 28: "sprog" found and marked "integrationsprogrammet", since
    "integrationsprogram" is "sprog" and three letters more."""
    fund(make_application(title="Integrationsprogram for nye borgere"))
    fund(make_application(title="Sprogcafé i integrationsprogrammet"))
    response = client.get(CATALOGUE, {"q": "sprog"})
    assert titles(response) == {"Sprogcafé i integrationsprogrammet"}
    assert "<mark>Sprogcafé</mark> i integrationsprogrammet" in html_of(response)


@postgres_only
@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("kvinder", "Netværk for <mark>indvandrerkvinden</mark>"),  # the word's stem, inflected
        ("cafe", "Den nye <mark>sprogcaféen</mark>"),  # a compound's stem ends in the word
        ("skolerne", "Lektiehjælp i <mark>folkeskolen</mark>"),
    ],
)
def test_a_compound_word_counts_inflected(client, make_application, q, title):
    fund(make_application(title=unescape(title.replace("<mark>", "").replace("</mark>", ""))))
    response = client.get(CATALOGUE, {"q": q})
    assert shown_count(response) == 1
    assert title in html_of(response)


def test_a_whole_word_of_the_query_marks_itself_inflected_not_a_longer_word():
    marks = Marks(("sprog",), whole=("tosprog",))
    assert marks.matches("Sproglige") and marks.matches("tosprogede")
    assert not marks.matches("tosprogsprogram")  # more than an inflection after it
    assert not marks.matches("integrationsprogrammet")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Spelt with or without its hyphen, a word finds both spellings (session 30).
        # SQLite finds a hyphenated text by its hyphenated spelling only.
        pytest.param(
            "tosprogede",
            {"Lektier for to-sprogede børn", "Tosprogede forældre"},
            marks=postgres_only,
        ),
        ("to-sprogede", {"Lektier for to-sprogede børn", "Tosprogede forældre"}),
        pytest.param(
            "tosprog", {"Lektier for to-sprogede børn", "Tosprogede forældre"}, marks=postgres_only
        ),
        ("15-25", {"Job til 15-25-årige"}),  # an age range, not 15 and 25 anywhere
        ("sprogede", {"Lektier for to-sprogede børn", "Tosprogede forældre"}),  # the last part
    ],
)
def test_a_hyphenated_word_is_found_either_way(client, make_application, q, expected):
    for title in (
        "Lektier for to-sprogede børn",
        "Tosprogede forældre",
        "Job til 15-25-årige",
        "Fodbold for 15 drenge over 25 år",
    ):
        fund(make_application(title=title))
    response = client.get(CATALOGUE, {"q": q})
    assert titles(response) == expected
    assert shown_count(response) == len(expected)


@postgres_only
def test_a_hyphenated_word_is_marked_by_its_parts_and_short_parts_only_alone(
    client, make_application
):
    fund(make_application(title="Lektier for to-sprogede børn og tolke"))
    html = html_of(client.get(CATALOGUE, {"q": "tosprogede"}))
    assert "Lektier for <mark>to-sprogede</mark> børn og tolke" in html


@postgres_only
def test_the_words_keep_hyphenated_words_but_never_addresses(make_application):
    fund(
        make_application(
            title="Lektier for to-sprogede børn",
            target_group="Skriv til kontakt@forening.dk eller se www.forening.dk/lektier",
        )
    )
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"to-sprogede", "sprogede", "lektier"} <= words
    assert not {word for word in words if "@" in word or "." in word or "/" in word}


@postgres_only
def test_a_word_finds_the_head_of_a_longer_hyphenated_word_and_marks_only_that(
    client, make_application
):
    """Fresh eyes, session 30: "sprogforløb" (as "sprog-forløb") marked "sproglig" in
    another title, and "ikkevestlige" marked every "indvandrere" by way of a longer
    hyphenated word."""
    fund(make_application(title="Mentorer til ikke-vestlige-indvandrere", target_group="Unge"))
    fund(make_application(title="Indvandrere i job", target_group="Voksne"))
    response = client.get(CATALOGUE, {"q": "ikkevestlige"})
    assert titles(response) == {"Mentorer til ikke-vestlige-indvandrere"}
    assert "<mark>indvandrere" not in html_of(response).lower()


@postgres_only
def test_a_hyphenated_word_s_parts_are_marked_only_within_a_hyphenated_word(
    client, make_application
):
    """Fresh eyes, session 30: "sprogforløb" (found as "sprog-forløb" in a description)
    marked "sproglig" in the title, and the card then showed no excerpt of where it was."""
    fund(
        make_application(
            title="Dansk sproglig opkvalificering",
            target_group="Unge",
            description="Et sprog-forløb på skolen.",
        )
    )
    html = html_of(client.get(CATALOGUE, {"q": "sprogforløb"}))
    assert "Dansk sproglig opkvalificering" in html  # not marked
    assert "Et <mark>sprog-forløb</mark> på skolen." in html  # the excerpt shows the match


def test_a_hyphenated_word_s_parts_are_marked_as_a_phrase_with_its_stop_words():
    """Fresh eyes, session 30: "sprogforløb" marked "sprogede" of "to-sprogede", and
    "ikke-vestlige" showed only "vestlige" marked, as if the opposite was found."""
    marks = Marks(("sprogforlob",), hyphened=("forlob", "sprog"))
    text = "Et sprog-forløb for to-sprogede, sprog alene"
    assert marks.mark(text) == "Et <mark>sprog-forløb</mark> for to-sprogede, sprog alene"
    marks = Marks(whole=("vest",))
    assert marks.mark("ikke-vestlige-indvandrere") == "<mark>ikke-vestlige</mark>-indvandrere"
    assert marks.mark("og ikke vestlige") == "og ikke <mark>vestlige</mark>"  # not joined


def test_a_short_whole_word_marks_only_itself():
    marks = Marks(("sproged",), whole=("to",))
    assert marks.matches("to") and marks.matches("To")
    assert not marks.matches("tolke")  # no inflection of a two-letter word


@pytest.mark.parametrize("q", ["&", "-", "(", ":*", "»«"])
def test_a_search_of_only_signs_says_there_is_no_word(client, projects, q):
    """Fresh eyes, session 28: "&" was called "too common to search for"."""
    html = html_of(client.get(CATALOGUE, {"q": q}))
    assert "indeholder ingen ord at søge efter" in html
    assert "for almindeligt" not in html
    assert "Ingen projekter matcher søgningen." not in html


@postgres_only
def test_swapped_letters_and_accents_are_forgiven_in_a_suggestion(client, projects):
    assert suggestion(client.get(CATALOGUE, {"q": "sprgocafe"})) == "sprogcafé"


@postgres_only
def test_no_suggestion_when_something_matches_or_nothing_is_near(client, projects):
    assert suggestion(client.get(CATALOGUE, {"q": "sprog"})) is None
    response = client.get(CATALOGUE, {"q": "xylofon"})
    assert suggestion(response) is None
    assert shown_count(response) == 0
    # Known words that no project has together: no typo to correct.
    assert suggestion(client.get(CATALOGUE, {"q": "cafe cykel"})) is None


@postgres_only
def test_words_of_projects_that_were_not_funded_are_never_suggested(client, make_application):
    fund(make_application(title="Cykelskole"))
    make_application(title="Hemmelighedsfuldt projekt", status=ApplicationStatus.SUBMITTED)
    make_application(title="Hemmelighedsfulde planer", status=ApplicationStatus.REJECTED)
    assert not SearchWord.objects.filter(word__startswith="hemmelig").exists()
    response = client.get(CATALOGUE, {"q": "hemmelighedsfult"})
    assert suggestion(response) is None
    assert "Hemmelig" not in html_of(response)


@postgres_only
def test_the_words_follow_the_funded_projects(make_application):
    project = make_application(title="Svømmehold for kvinder")
    assert not SearchWord.objects.filter(word="svømmehold").exists()
    fund(project)
    assert SearchWord.objects.get(word="svømmehold").plain == "svommehold"
    project.status = ApplicationStatus.WITHDRAWN
    project.save()
    assert SearchWord.objects.filter(word="svømmehold").exists()  # until the nightly rebuild
    rebuild_words()
    assert not SearchWord.objects.filter(word="svømmehold").exists()


@postgres_only
def test_search_uses_the_trigram_index_for_compound_parts(projects):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT 1 FROM grants_searchword WHERE plain ~ '.undervisning[a-z]{0,4}$'"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "searchword_plain_trgm" in plan


@postgres_only
def test_search_uses_the_partial_index_for_hyphenated_words(projects):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT 1 FROM grants_searchword "
            "WHERE plain LIKE '%-%' AND replace(plain, '-', '') LIKE 'tosprog%'"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "searchword_hyphenated" in plan


def test_fold_and_edits():
    assert fold("Sprogcafé Ærø Øresund Åben") == "sprogcafe aero oresund aben"
    assert edits("sporg", "sprog") == 1  # a swap is one edit
    assert edits("cykleskole", "cykelskole") == 1
    assert edits("sprog", "sprogcafe") == 4


# Characters that fold into separators or tsquery syntax: "⑴" is "(1)", "ͺ" a space with a
# combining mark, "＆" and "｜" are "&" and "|", "ℌ" is "H" (attack round 7: HTTP 500).
ODD_QUERIES = [
    "⑴",
    "sprog ⑴",
    "sprogͺcafe",
    "＆",
    "a｜b",
    "！sprog",
    "ℌ",
    "'",
    "''",
    "\\",
    "(",
    ":*",
]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_a_query_that_folds_into_syntax_is_only_words(client, projects, q):
    response = client.get(CATALOGUE, {"q": q})
    assert response.status_code == 200
    api = client.get("/api/v1/projekter/", {"q": q})
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")


def test_any_text_prepares_and_runs(db):
    """Every character class Unicode has, folded and searched: never a database error."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from grants.models import Application
    from grants.search import prepare, search

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(max_size=40))
    def run(text):
        list(search(Application.objects.all(), prepare(text))[:1])

    run()


@postgres_only
def test_a_search_s_words_are_in_its_query_text_not_a_parameter(client, projects):
    """With prepared statements PostgreSQL plans a statement once for any parameters, and the
    plan one word got read every match of another (session 28): the words are written into
    the query (quoted by psycopg), so each search is a statement of its own."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    for q in ("sprog", "cykel", "o'brien"):
        with connection.execute_wrapper(record):
            assert client.get(CATALOGUE, {"q": q}).status_code == 200
    matching = [(sql, params) for sql, params in sent if '"search_document" @@' in sql]
    assert len(matching) >= 3
    texts = {sql for sql, _params in matching}
    assert any("sprog" in sql for sql in texts) and any("cykel" in sql for sql in texts)
    assert not any(
        "sprog" in str(param) or "cykel" in str(param)
        for _sql, params in matching
        for param in params
    )
    assert titles(client.get(CATALOGUE, {"q": "sprog"})) == {CAFE, UNDERVISNING}


@postgres_only
def test_a_compound_word_no_project_has_is_offered_the_word_it_begins_with(
    client, make_application
):
    """Fresh eyes, session 31: "sprogcafe" found nothing and offered nothing where the
    projects have "sprog" and "café" but no "sprogcafé"."""
    fund(make_application(title="Sprog og job", target_group="Sproglige forløb for voksne"))
    fund(make_application(title="Mødested", target_group="Alle, der kommer på en café"))
    response = client.get(CATALOGUE, {"q": "sprogcafe"})
    assert suggestion(response) == "sprog"
    assert titles(response) == {"Sprog og job"}
    # A linking "s": "sprogscafe" as "sprog" + "s" + "cafe".
    assert suggestion(client.get(CATALOGUE, {"q": "sprogscafe"})) == "sprog"
    # Only a word it begins with, not one it ends with.
    assert suggestion(client.get(CATALOGUE, {"q": "xylofonsprog"})) is None


@postgres_only
def test_a_word_that_only_begins_like_a_known_word_is_no_compound(client, make_application):
    """ "language" is no "lang" + "uage", "københavns" no "købe" + "nhavns": the rest of the
    word must begin a word of the projects too."""
    fund(make_application(title="Lang vej", target_group="Dem, der vil købe ind"))
    assert suggestion(client.get(CATALOGUE, {"q": "language"})) is None
    assert suggestion(client.get(CATALOGUE, {"q": "kobenhavnsk"})) is None


@postgres_only
def test_a_municipality_named_gets_its_line_and_no_suggestion(client, make_application):
    """Fresh eyes, session 31: "Københavns Kommune" was offered "Mente du »købe kommune«?"."""
    from portal.models import Municipality

    Municipality.objects.create(name="Københavns Kommune", slug="kbh", code="101")
    # A word a typo away from "københavns" (a shop's name), and "kommune": without the rule,
    # "Mente du »jobenhavns kommune«?".
    fund(make_application(title="Indkøb", target_group="Kunder i Jobenhavns butik i kommunen"))
    response = client.get(CATALOGUE, {"q": "Københavns Kommune"})
    assert suggestion(response) is None
    assert "Leder du efter projekter fra Københavns Kommune?" in html_of(response)
