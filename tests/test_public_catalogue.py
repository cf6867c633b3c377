"""The public catalogue /projekter/: filters, search, facets, pagination, robustness, queries.

Assertions are on what a citizen sees in the HTML: the cards' titles, the result count and
the numbers next to the facets.
"""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from grants.models import Application
from grants.search import search
from grants.services.decisions import do_import_funded_application
from policies.models import Goal
from portal.models import Committee

CATALOGUE = "/projekter/"

KVINDER = "Kvinder i job"
FAST = "Fastholdelse i job"
DANSK = "Dansk sproglig opkvalificering af unge"
FARVEL = "Farvel til farvede forventninger - Minoritetsetniske elevers læringsvilkår"
UDSTYR = "Udstyrspulje til borgere med fritidspas"
CRICKET = "Cricket for piger og kvinder"
BIBLIOTEK = (
    "Projekt Bibliotekets Borgerservice-to-go: Biblioteket Frederiksbergs opsøgende enhed "
    "i forhold til voksne indvandrere"
)
AABEN = "Åben Rådgivning"
IDRAET = "Idrætsrollemodeller i Klub Jokeren og Klub Filippa"
MOTION = "Motionsforening for idrætsuvante voksne"
ESPORT = "Esport for Mangfoldighed"
FREDERIKSBERG = {
    KVINDER, FAST, DANSK, FARVEL, UDSTYR, CRICKET, BIBLIOTEK, AABEN, IDRAET, MOTION, ESPORT
}  # fmt: skip
# Copenhagen's § 18 pool (the demo's second shape of pool): amounts per year from its annex.
FRIVILLIGHUSET = "Frivillighuset: frivilligt socialt arbejde"  # 100.000 (2019)
MOEDESTEDET = "Mødestedet: frivilligt socialt arbejde"  # 100.000 × 3 (2019-2021)
MUHABET = "Muhabet: frivilligt socialt arbejde"  # 160.000 × 3
ROEDE_KORS = "Røde Kors Hovedstaden: frivilligt socialt arbejde"  # 800.000 × 2 (2019-2020)
FISKEN = "Foreningen FISKEN: frivilligt socialt arbejde"  # 185.000 × 3
KOEBENHAVN = {FRIVILLIGHUSET, MOEDESTEDET, MUHABET, ROEDE_KORS, FISKEN}

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Danish stemming and the GIN index exist only on PostgreSQL (SQLite has icontains)",
)


def fund(application: Application) -> Application:
    """Approve the requested amounts through the service that moves money."""
    amounts = {row.year: row.amount for row in application.requested_amounts.all()}
    do_import_funded_application(application_id=application.pk, amounts=amounts, source="test")
    application.refresh_from_db()
    return application


def funded(make_application, count: int, **extra) -> list[Application]:
    return [
        fund(make_application(title=f"Testprojekt {n:02d}", amounts={2026: "10000"}, **extra))
        for n in range(count)
    ]


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def titles(response) -> set[str]:
    """The titles of the project cards on the page."""
    found = re.findall(r'card-title"><a href="/projekter/\d+/">(.*?)</a>', html_of(response))
    return {unescape(unmarked(title)) for title in found}


def unmarked(html: str) -> str:
    """Without the search's highlighting."""
    return re.sub(r"</?mark>", "", html)


def shown_count(response) -> int:
    match = re.search(r"<strong>(\d+) projekt(?:er)?</strong>", html_of(response))
    assert match, "the result count is not shown"
    return int(match.group(1))


def goal(slug: str, kind: str, number: int) -> Goal:
    return Goal.objects.get(policy__municipality__slug=slug, kind=kind, number=number)


def committee(slug: str, abbreviation: str) -> Committee:
    return Committee.objects.get(municipality__slug=slug, abbreviation=abbreviation)


def test_catalogue_lists_funded_projects_of_every_municipality(client, demo, make_application):
    fund(make_application(title="Sprogcafé i Testrup"))
    response = client.get(CATALOGUE)
    assert titles(response) == FREDERIKSBERG | KOEBENHAVN | {"Sprogcafé i Testrup"}
    assert shown_count(response) == 17
    assert "<strong>17 projekter</strong>" in html_of(response)
    # The pool applied to, said as such: the money line names the years that paid (fresh
    # eyes round 19: "Integrationspuljen 2021" above "2022: 200.000 kr.").
    assert "Testrup Kommune · søgt i Integrationspuljen 2026" in html_of(response)
    assert "Frederiksberg Kommune · søgt i Integrationspuljen 2021" in html_of(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kommune": "frederiksberg"}, FREDERIKSBERG),
        ({"kommune": "koebenhavn"}, KOEBENHAVN),
        ({"aar": "2022"}, {FAST, DANSK, FARVEL, UDSTYR, BIBLIOTEK, AABEN}),
        # 2021 money includes the carry-over ("restmidler fra 2020") into 2021.
        (
            {"aar": "2021"},
            {KVINDER, DANSK, FARVEL, CRICKET, BIBLIOTEK, AABEN, UDSTYR, IDRAET, MOTION, ESPORT}
            | {MOEDESTEDET, MUHABET, FISKEN},
        ),
        ({"maalgruppe": "kvinder"}, {KVINDER, CRICKET, MOTION}),
        ({"maalgruppe": "FLYGTNINGE"}, {KVINDER, FAST, AABEN}),
        (
            {"beloeb_min": "200000"},
            {DANSK, FARVEL, BIBLIOTEK, FAST, MOEDESTEDET, MUHABET, ROEDE_KORS, FISKEN},
        ),
        ({"beloeb_min": "1", "beloeb_max": "15000"}, {CRICKET, UDSTYR}),
        ({"beloeb_min": "150000", "beloeb_max": "200000"}, {KVINDER, FAST, BIBLIOTEK, AABEN}),
        # Amounts typed the Danish way.
        ({"beloeb_min": "150.000 kr.", "beloeb_max": "200.000"}, {KVINDER, FAST, BIBLIOTEK, AABEN}),
        ({"beloeb_min": "9.999,50", "beloeb_max": "10.000,50"}, {CRICKET}),
        ({"kommune": "frederiksberg", "aar": "2022", "maalgruppe": "flygtninge"}, {FAST, AABEN}),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else ""
    ),
)
def test_each_filter_narrows_the_catalogue(client, demo, query, expected):
    response = client.get(CATALOGUE, query)
    assert titles(response) == expected
    assert shown_count(response) == len(expected)


def test_goal_filter(client, demo):
    mål_5 = goal("frederiksberg", "objective", 5)
    response = client.get(CATALOGUE, {"maal": mål_5.pk})
    assert titles(response) == {BIBLIOTEK}
    assert "<strong>1 projekt</strong>" in html_of(response)
    resource_1 = goal("frederiksberg", "resource", 1)
    assert titles(client.get(CATALOGUE, {"maal": resource_1.pk})) == {FAST}
    copenhagen = goal("koebenhavn", "objective", 1)
    response = client.get(CATALOGUE, {"maal": copenhagen.pk})
    assert titles(response) == set()
    assert "Ingen projekter matcher søgningen." in html_of(response)


def test_committee_filter_finds_co_committee_projects(client, demo):
    kfu = committee("frederiksberg", "KFU")
    response = client.get(CATALOGUE, {"udvalg": kfu.pk})
    # SU/KFU projects belong to KFU as well.
    assert titles(response) == {UDSTYR, CRICKET, IDRAET, MOTION, ESPORT, BIBLIOTEK, AABEN}
    assert titles(client.get(CATALOGUE, {"udvalg": committee("frederiksberg", "SU").pk})) == {
        BIBLIOTEK,
        AABEN,
    }
    assert titles(client.get(CATALOGUE, {"udvalg": committee("koebenhavn", "KFU").pk})) == set()


def test_filters_combine(client, demo):
    kfu = committee("frederiksberg", "KFU")
    mål_2 = goal("frederiksberg", "objective", 2)
    query = {"kommune": "frederiksberg", "aar": "2022", "udvalg": kfu.pk}
    assert titles(client.get(CATALOGUE, query)) == {UDSTYR, BIBLIOTEK, AABEN}
    query = {"maal": mål_2.pk, "aar": "2022", "beloeb_min": "150000"}
    assert titles(client.get(CATALOGUE, query)) == {DANSK, FARVEL, BIBLIOTEK, AABEN}
    query = {"maal": mål_2.pk, "aar": "2021", "udvalg": kfu.pk, "beloeb_max": "160000"}
    assert titles(client.get(CATALOGUE, query)) == {AABEN}


def options(html: str, name: str) -> list[str]:
    """The values offered in one of the filter form's dropdowns (not the empty choice)."""
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_goal_and_committee_choices_are_those_of_one_municipality(client, demo, make_application):
    """98 municipalities' goals and committees in one dropdown would be unusable and make
    every catalogue page huge: only the relevant municipality's are offered."""
    frb_goals = {str(g.pk) for g in Goal.objects.filter(policy__municipality__slug="frederiksberg")}
    kbh_goals = {str(g.pk) for g in Goal.objects.filter(policy__municipality__slug="koebenhavn")}
    # Results of one municipality: its choices are offered without choosing it.
    html = html_of(client.get(CATALOGUE, {"aar": "2022"}))
    assert set(options(html, "maal")) == frb_goals
    assert committee("frederiksberg", "KFU").pk in map(int, options(html, "udvalg"))
    assert "Vælg en kommune og tryk Søg" not in html  # the lists are filled: no such hint
    # The chosen municipality's, even with no results there.
    html = html_of(client.get(CATALOGUE, {"kommune": "koebenhavn"}))
    assert set(options(html, "maal")) == kbh_goals
    # A goal chosen by a link (e.g. from a goal page), without a municipality.
    copenhagen_goal = goal("koebenhavn", "objective", 1)
    response = client.get(CATALOGUE, {"maal": copenhagen_goal.pk})
    assert set(options(html_of(response), "maal")) == kbh_goals
    assert f'<option value="{copenhagen_goal.pk}" selected>' in html_of(response)
    # Results from several municipalities and none chosen: no national list, but a hint.
    fund(make_application(title="Sprogcafé i Testrup"))
    html = html_of(client.get(CATALOGUE))
    assert options(html, "maal") == [] and options(html, "udvalg") == []
    assert "Vælg en kommune og tryk Søg for at vælge blandt dens mål og udvalg." in html
    assert "Vælg en kommune for at se fordelingen på udvalg." in html


def facet_links(html: str, heading: str) -> list[tuple[str, int]]:
    """(href, number shown) for each link in one facet group of the sidebar."""
    section = html.split('<h3 class="h6', 1)[1]
    group = section.split(f">{heading}</h3>", 1)[1].split("</ul>", 1)[0]
    return [
        (unescape(href), int(n))
        for href, n in re.findall(r'<a href="([^"]+)">.*?</a>[^(<]*\((\d+)\)</li>', group)
    ]


def test_facets_show_counts_and_keep_the_filters(client, demo):
    html = html_of(client.get(CATALOGUE, {"aar": "2022"}))
    assert "Frederiksberg Kommune</a> (6)" in html
    assert "Resultaterne fordelt" in html
    links = facet_links(html, "Kommune")
    assert links == [("?aar=2022&kommune=frederiksberg", 6)]
    href, n = links[0]
    assert shown_count(client.get(CATALOGUE + href)) == n


def test_municipality_facet_count_is_what_the_link_gives(client, demo, make_application):
    fund(make_application(title="Sprogcafé i Testrup"))
    html = html_of(client.get(CATALOGUE))
    links = facet_links(html, "Kommune")
    assert [n for _href, n in links] == [11, 5, 1]
    for href, n in links:
        assert shown_count(client.get(CATALOGUE + href)) == n


def test_year_facet_count_is_what_the_link_gives(client, demo):
    """Carry-over into a year counts in the facet as it does in the aar filter."""
    links = facet_links(html_of(client.get(CATALOGUE)), "År")
    assert links
    for href, n in links:
        assert shown_count(client.get(CATALOGUE + href)) == n, href


def test_committee_facet_count_is_what_the_link_gives(client, demo):
    """Co-committees (SU/KFU) count in the facet as they do in the udvalg filter."""
    links = facet_links(html_of(client.get(CATALOGUE, {"kommune": "frederiksberg"})), "Udvalg")
    assert links
    for href, n in links:
        assert shown_count(client.get(CATALOGUE + href)) == n, href


def test_every_facet_link_gives_its_count_and_each_setting_once(client, demo):
    """Fresh eyes round 19: with Frederiksberg and 2021 chosen, "2022 (5)" led to
    ?…&aar=2021&…&aar=2022, which gave 6 projects. A dimension already chosen is shown as
    chosen, with a link to all of it; every other link adds one setting and gives its count."""
    from urllib.parse import parse_qsl

    kfu = committee("frederiksberg", "KFU")
    for params in (
        {"kommune": "frederiksberg", "aar": "2021"},
        {"q": "sprog", "aar": "2022"},
        {"kommune": "frederiksberg", "udvalg": kfu.pk},
        {"aar": "2021"},
    ):
        html = html_of(client.get(CATALOGUE, params))
        hrefs = [
            unescape(h)
            for h in re.findall(
                r'href="(\?[^"]*)"', html.split("facets-heading", 1)[1].split("</section>", 1)[0]
            )
        ]
        assert hrefs, params
        for href in hrefs:
            keys = [key for key, _value in parse_qsl(href[1:])]
            assert len(keys) == len(set(keys)), href
        for heading in ("Kommune", "År", "Udvalg"):
            for href, n in facet_links(html, heading):
                assert shown_count(client.get(CATALOGUE + href)) == n, (params, href)
    chosen = html_of(client.get(CATALOGUE, {"kommune": "frederiksberg", "aar": "2021"}))
    assert 'href="?kommune=frederiksberg">Alle år</a>' in chosen
    assert 'href="?aar=2021">Alle kommuner</a>' in chosen


def test_pagination_keeps_the_filters_in_the_address(client, demo, make_application):
    funded(make_application, 25)
    response = client.get(CATALOGUE, {"kommune": "testrup"})
    html = html_of(response)
    assert shown_count(response) == 25
    assert len(titles(response)) == 20
    assert "Side 1 af 2" in html
    next_href = unescape(re.search(r'href="([^"]*)">Næste</a>', html).group(1))
    assert next_href == "?kommune=testrup&side=2"
    page_2 = client.get(CATALOGUE + next_href)
    html_2 = html_of(page_2)
    assert "Side 2 af 2" in html_2
    assert len(titles(page_2)) == 5
    assert titles(response).isdisjoint(titles(page_2))
    assert titles(response) | titles(page_2) == {f"Testprojekt {n:02d}" for n in range(25)}
    assert '<option value="testrup" selected>' in html_2  # the form remembers the filter
    previous = unescape(re.search(r'href="([^"]*)">Forrige</a>', html_2).group(1))
    assert previous == "?kommune=testrup&side=1"
    # Unfiltered, the demo's 16 come on top: 41 in three pages.
    assert "Side 1 af 3" in html_of(client.get(CATALOGUE))
    assert shown_count(client.get(CATALOGUE, {"side": "2"})) == 41


def test_year_and_committee_facets_on_the_demo(client, demo):
    html = html_of(client.get(CATALOGUE))
    # 2022, 2021 (incl. carry-over), 2020 and 2019 (Copenhagen's § 18 pool)
    assert [n for _href, n in facet_links(html, "År")] == [6, 13, 4, 5]
    html = html_of(client.get(CATALOGUE, {"kommune": "frederiksberg"}))
    kfu = committee("frederiksberg", "KFU")
    assert (f"?kommune=frederiksberg&udvalg={kfu.pk}", 7) in facet_links(html, "Udvalg")


@pytest.fixture
def searchable(make_application):
    sprog = fund(
        make_application(
            title="Sprogcafé for nyankomne",
            target_group="Forældre til tosprogede skolebørn",
            description="Lektiehjælp og madlavning i bydelen.",
        )
    )
    cykel = fund(
        make_application(
            title="Cykelskole",
            target_group="Voksne, der aldrig har lært at cykle",
            description="Kursus på den lukkede bane ved svømmehallen.",
        )
    )
    return sprog, cykel


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Sprogcafé", {"Sprogcafé for nyankomne"}),  # title
        ("tosprogede", {"Sprogcafé for nyankomne"}),  # target group
        ("madlavning", {"Sprogcafé for nyankomne"}),  # description
        ("svømmehallen", {"Cykelskole"}),
        ("madlavning tosprogede", {"Sprogcafé for nyankomne"}),  # all words must match
        ("madlavning svømmehallen", set()),
        ("cykelskole", {"Cykelskole"}),  # case does not matter
    ],
)
def test_search_finds_words_in_title_target_group_and_description(client, searchable, q, expected):
    response = client.get(CATALOGUE, {"q": q})
    assert titles(response) == expected
    assert shown_count(response) == len(expected)


def test_search_combines_with_filters(client, demo, searchable):
    assert CRICKET in titles(client.get(CATALOGUE, {"q": "cricket"}))
    assert titles(client.get(CATALOGUE, {"q": "cricket", "kommune": "testrup"})) == set()
    query = {"q": "madlavning", "kommune": "testrup", "aar": "2026"}
    assert titles(client.get(CATALOGUE, query)) == {"Sprogcafé for nyankomne"}


@postgres_only
def test_postgres_danish_stemming_finds_kvinde_when_searching_kvinder(client, make_application):
    fund(
        make_application(
            title="Netværksgruppe",
            target_group="Hver kvinde i bydelen, der står uden for arbejdsmarkedet",
        )
    )
    fund(make_application(title="Lektiecafé", target_group="Skolebørn"))
    assert titles(client.get(CATALOGUE, {"q": "kvinder"})) == {"Netværksgruppe"}
    assert titles(client.get(CATALOGUE, {"q": "Kvindernes"})) == {"Netværksgruppe"}


@postgres_only
def test_postgres_search_uses_the_gin_index_of_the_funded_projects(make_application):
    """The index holds the funded projects only (migration 0034): a rare word was 2 ms of
    combining the whole table's index with the status index, 0.2 ms with this one alone."""
    from grants.public import funded_projects

    fund(make_application(title="Kvindegruppe"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'application_search_funded'"
        )
        (indexdef,) = cursor.fetchone()
    assert "USING gin (search_document) WHERE" in indexdef
    assert "'approved'" in indexdef and "'active'" in indexdef and "'closed'" in indexdef
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            # On a few rows any index on the status looks as cheap; without them (dropped
            # in this transaction, rolled back with the test) the search's own must serve.
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'grants_application'"
                " AND indexdef LIKE '%%status%%' AND indexname <> 'application_search_funded'"
            )
            for (other,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{other}"')  # noqa: S608  # nosec B608
        plan = search(funded_projects().order_by(), "kvinder").values("pk").explain()
    assert "application_search_funded" in plan


@postgres_only
def test_postgres_search_document_follows_edits_and_bulk_inserts(make_application):
    def found(text):
        return set(search(Application.objects.all(), text).values_list("title", flat=True))

    project = make_application(title="Lektiecafé", target_group="Skolebørn")
    assert found("cykelkursus") == set()
    # Also a bulk update, which bypasses save(): the database keeps the document current.
    Application.objects.filter(pk=project.pk).update(description="Cykelkursus for kvinder")
    assert found("cykelkursus") == {"Lektiecafé"}
    project.refresh_from_db()
    project.title = "Cykelskolen"
    project.save()
    assert found("lektiecafé") == set()
    assert found("cykelskolen") == {"Cykelskolen"}
    Application.objects.bulk_create(
        [
            Application(
                **{
                    f.attname: getattr(project, f.attname)
                    for f in Application._meta.concrete_fields
                    if f.attname not in ("id", "number", "search_document")
                }
                | {"title": "Svømmehold"}
            )
        ]
    )
    assert found("svømmehold") == {"Svømmehold"}


@postgres_only
def test_postgres_search_ranks_a_match_in_the_title_first(client, make_application):
    fund(make_application(title="Netværk for forældre", description="Sprogcafé og sprog"))
    fund(make_application(title="Sprogcafé", description="Et mødested"))
    response = client.get(CATALOGUE, {"q": "sprogcafé"})
    in_order = re.findall(r'card-title"><a href="/projekter/\d+/">(.*?)</a>', html_of(response))
    assert [unmarked(title) for title in in_order] == ["Sprogcafé", "Netværk for forældre"]


@postgres_only
def test_a_search_with_very_many_matches_is_listed_by_year(client, make_application, monkeypatch):
    """Past MAX_COUNTED_MATCHES a search is neither counted to the end, ranked nor given
    facets (each would test the words against every funded project): the first ones are
    listed in catalogue order, and the page says so."""
    import grants.catalogue as catalogue

    fund(make_application(title="Sprogcafé", description="Et mødested"))
    fund(make_application(title="Netværk for forældre", description="Sprogcafé og sprog"))
    fund(make_application(title="Lektiecafé", description="Sprogcafé om fredagen"))
    monkeypatch.setattr(catalogue, "MAX_COUNTED_MATCHES", 2)
    monkeypatch.setattr(catalogue, "PAGE_SIZE", 1)
    response = client.get(CATALOGUE, {"q": "sprogcafé"})
    html = html_of(response)
    in_order = re.findall(r'card-title"><a href="/projekter/\d+/">(.*?)</a>', html)
    assert len(in_order) == 1
    assert "Mere end 2 projekter" in html
    assert "kun de første 2 vises" in html
    assert "Side 1 af 2" in html  # the first two only
    assert "for mange projekter til at vise, hvordan de fordeler sig" in html
    assert "Resultaterne fordelt" not in html
    second = html_of(client.get(CATALOGUE, {"q": "sprogcafé", "side": 2}))
    other = re.findall(r'card-title"><a href="/projekter/\d+/">(.*?)</a>', second)
    assert len(other) == 1 and other != in_order
    monkeypatch.setattr(catalogue, "MAX_COUNTED_MATCHES", 3)  # all counted: ranked, facets
    html = html_of(client.get(CATALOGUE, {"q": "sprogcafé", "side": 1}))  # not the cached one
    assert "3 projekter" in html and "Resultaterne fordelt" in html


@postgres_only
def test_a_search_stopped_by_the_statement_timeout_gets_a_clear_answer(
    client, demo, monkeypatch, settings
):
    """With DATABASE_STATEMENT_TIMEOUT set, a query that runs too long ends in a readable
    503 page (never cached), not a worker killed by the web server's timeout."""
    import grants.catalogue as views

    def too_slow(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")

    settings.STATEMENT_TIMEOUT_MS = 50
    monkeypatch.setattr(views, "facet_counts", too_slow)
    response = client.get(CATALOGUE, {"q": "sprog"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Søgningen tog for lang tid" in html
    assert 'value="sprog"' in html  # the search box keeps what was typed
    monkeypatch.undo()
    assert client.get(CATALOGUE, {"q": "sprog"}).status_code == 200  # works again at once


BAD_QUERIES = [
    *({"aar": v} for v in ("abc", "99999999999999999999", "1e400")),
    *({"beloeb_min": v} for v in ("-5", "Infinity", "1e30")),
    *({"maal": v} for v in ("999999", "abc")),
    *({"side": v} for v in ("zz", "99999", "-1")),
    *({"q": v} for v in ("kvinder " * 1500, "x" * 10_000, '"', "&|!():*")),
    {"beloeb_max": "NaN"},
    {"udvalg": "99999999999999999999"},
    {"kommune": "nonexistent"},
    {"maalgruppe": "%_\\"},
]


@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda query: repr(query)[:40])
def test_bad_query_parameters_never_give_an_error(client, demo, query):
    response = client.get(CATALOGUE, query)
    assert response.status_code == 200
    html = response.content.decode()
    # A result count, or (a filter refused) what to correct, or (only signs typed) that
    # there is no word to search for: one of them, and no count with the other two.
    said = [
        bool(re.search(r"<strong>\d+ projekt", html)),
        "Søgningen er ikke lavet" in html,
        "indeholder ingen ord at søge efter" in html,
    ]
    assert said.count(True) == 1, said


@pytest.mark.parametrize("query", [{"q": "\x00"}, {"kommune": "\x00"}, {"aar": "20\x0021"}])
def test_a_nul_character_in_the_address_is_refused(client, demo, query):
    assert client.get(CATALOGUE, query).status_code == 400


def test_bad_filter_is_explained_and_page_out_of_range_shows_the_last_page(client, demo):
    html = html_of(client.get(CATALOGUE, {"aar": "abc"}))
    # Fresh eyes round 9: the refusal named no filter and "0 projekter" suggested a search.
    assert "Søgningen er ikke lavet, fordi et filter er ugyldigt" in html
    assert 'href="#id_aar">År</a>' in html
    assert "Skriv et årstal, fx 2024." in html  # not Django's "Indtast et heltal."
    assert "0 projekter" not in html and "Ingen projekter matcher" not in html
    # Nor how results it did not find are spread (fresh eyes: headings without counts, and
    # "abc" as the chosen year).
    assert "Resultaterne fordelt" not in html
    assert titles(client.get(CATALOGUE, {"side": "99999"})) == titles(client.get(CATALOGUE))


@pytest.mark.parametrize("year", ["1999", "2101"])
@pytest.mark.parametrize("address", [CATALOGUE, "/puljer/"])
def test_a_year_out_of_range_is_explained_in_plain_words(client, demo, year, address):
    """Fresh eyes, session 31: "Denne værdi skal være større end eller lig 2000." """
    html = html_of(client.get(address, {"aar": year}))
    assert "Skriv et år fra 2000 til 2100." in html
    assert "lig 2000" not in html and "mindre end" not in html


def test_html_in_the_search_is_shown_escaped(client, demo):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    html = html_of(client.get(CATALOGUE, {"q": attack}))
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # in the search box


def test_query_count_is_bounded_and_independent_of_the_number_of_projects(
    client, make_application, django_assert_max_num_queries
):
    query = {"kommune": "testrup", "aar": "2026"}
    funded(make_application, 5)
    client.get(CATALOGUE, query)  # warm caches (content types) before counting
    cache.clear()  # count the page's own queries, not the public page cache's hit
    with CaptureQueriesContext(connection) as five:
        assert shown_count(client.get(CATALOGUE, query)) == 5
    for n in range(35):
        fund(make_application(title=f"Flere {n}", amounts={2026: "10000"}))
    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as forty:
        response = client.get(CATALOGUE, query)
    assert shown_count(response) == 40
    assert len(titles(response)) == 20
    assert len(forty) == len(five), [q["sql"] for q in forty.captured_queries]


def test_cards_show_the_money_per_year(client, make_pool, make_application):
    make_pool(year=2027)
    fund(make_application(title="Toårigt projekt", amounts={2026: "123456.50", 2027: "7000"}))
    html = html_of(client.get(CATALOGUE))
    assert (
        '2026: <span class="money">123.456,50 kr.</span> · '
        '2027: <span class="money">7.000 kr.</span>'
    ) in html


@pytest.fixture
def three_committees(make_application, municipality, committee):
    """A 100.000 kr. project of SU with KFU and UU as co-committees ("SU/KFU/UU")."""
    kfu = Committee.objects.create(
        municipality=municipality, name="Kulturudvalget", abbreviation="KFU"
    )
    uu = Committee.objects.create(
        municipality=municipality, name="Skoleudvalget", abbreviation="UU"
    )
    project = fund(make_application(title="Tre udvalg", amounts={2026: "100000"}))
    project.co_committees.set([kfu, uu])
    return committee, kfu


EXACTLY_100000 = {"beloeb_min": "100000", "beloeb_max": "100000"}


def test_amount_filter_with_a_co_committee(client, three_committees):
    _su, kfu = three_committees
    assert titles(client.get(CATALOGUE, EXACTLY_100000)) == {"Tre udvalg"}
    assert titles(client.get(CATALOGUE, {**EXACTLY_100000, "udvalg": kfu.pk})) == {"Tre udvalg"}


def test_amount_filter_with_the_main_committee_of_a_project_with_two_co_committees(
    client, three_committees
):
    """The committee filter must not repeat allocations (one row per co-committee)."""
    su, _kfu = three_committees
    assert titles(client.get(CATALOGUE, {**EXACTLY_100000, "udvalg": su.pk})) == {"Tre udvalg"}


def test_a_card_names_every_committee_and_goal_as_the_project_page_does(
    client, three_committees, policy
):
    """The card's relations come from one query each (grants.cards): the committees as
    committees_label puts them ("SU/KFU/UU"), the goals in goal order with their names, as
    the project page has them."""
    from policies.models import GoalKind
    from tests.page_crawl import visible_text

    project = Application.objects.get(title="Tre udvalg")
    later = Goal.objects.create(policy=policy, kind=GoalKind.OBJECTIVE, number=3, title="Sprog")
    first = Goal.objects.create(
        policy=policy, kind=GoalKind.OBJECTIVE, number=2, title="Arbejde", short_title="Job"
    )
    project.goals.set([later, first])
    html = client.get(CATALOGUE).content.decode()
    page = visible_text(html)
    card = page[page.index("Tre udvalg") :][:300]
    # Each abbreviation says its committee's name (fresh eyes, session 31: "KFU" unexplained),
    # to a pointer as its title and to a screen reader instead of the letters (session 32).
    assert "Udvalg: SU Socialudvalget / KFU Kulturudvalget / UU Skoleudvalget" in card
    assert (
        '<abbr title="Socialudvalget" aria-hidden="true">SU</abbr>'
        '<span class="visually-hidden">Socialudvalget</span>/'
        '<abbr title="Kulturudvalget" aria-hidden="true">KFU</abbr>'
    ) in html
    assert "2026: 100.000 kr." in card
    assert card.index("Mål 2: Job") < card.index("Mål 3: Sprog")
    project_page = visible_text(client.get(f"/projekter/{project.pk}/").content.decode())
    assert "Socialudvalget, Kulturudvalget, Skoleudvalget" in project_page
    assert project_page.index("Mål 2: Job") < project_page.index("Mål 3: Sprog")


@postgres_only
def test_a_search_of_only_common_words_says_so(client, demo):
    """Fresh eyes round 19: "og" gave "Ingen projekter matcher søgningen" without a word why."""
    html = html_of(client.get(CATALOGUE, {"q": "og"}))
    assert "»og« er for almindeligt til at søge på" in html
    assert "Ingen projekter matcher søgningen." not in html


def test_a_card_shows_the_years_on_carried_over_money_as_the_project_page_does(client, demo):
    """Fresh eyes round 22: "Åben Rådgivning" ran in 2021 on money carried over from 2020;
    its page said so, its card in the catalogue showed only the granted years."""
    from tests.page_crawl import visible_text

    page = visible_text(client.get("/projekter/?q=Åben Rådgivning").content.decode())
    page = page[page.index("Projekter finansieret") :]  # past the title, which names the search
    card = page[page.index("Åben Rådgivning") :][:400]
    # The carried-over money with its year's grant (fresh eyes round 42, session 30).
    assert "2021: 75.000 kr. + restmidler fra 2020 · 2022: 75.000 kr." in card
    # And on the project's page, in year order too.
    link = re.search(
        r'href="(/projekter/\d+/)">(?:<mark>)?Åben',
        html_of(client.get("/projekter/?q=Åben Rådgivning")),
    )
    project = visible_text(client.get(link.group(1)).content.decode())
    money = project[project.index("Penge fra puljen") :][:200]
    assert money.index("2022") > money.index("restmidler fra 2020"), money


def test_a_reversed_amount_range_is_said_not_silently_empty(demo, client):
    """Fresh eyes round 33: "fra 200.000 til 100.000" showed 0 projects and no word why."""
    from .page_crawl import visible_text

    page = client.get("/projekter/", {"beloeb_min": "200.000", "beloeb_max": "100.000"})
    text = visible_text(page.content.decode())
    assert "»Til« er mindre end »fra«" in text


def test_staff_get_the_same_word_for_a_reversed_range_not_none_match(demo):
    """Recheck round 33: the staff list said "0 ansøgninger … Ingen ansøgninger matcher."."""
    from django.test import Client

    from grants.models import Pool
    from portal.models import User

    from .page_crawl import visible_text

    staff = Client()
    staff.force_login(User.objects.get(username="frb-sekretariat"))
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    page = staff.get(
        f"/sekretariat/puljer/{pool.pk}/ansoegninger/",
        {"amount_min": "200.000", "amount_max": "100.000"},
    )
    text = visible_text(page.content.decode())
    assert "Søgningen er ikke lavet, fordi et filter er ugyldigt" in text
    assert "»Til« er mindre end »fra«" in text
    assert "Ingen ansøgninger matcher" not in text and "0 ansøgninger" not in text
    assert "Hent som Excel" not in text  # no download of a search that was not made


@pytest.mark.parametrize(
    "params",
    [
        {"q": "sprog"},
        {"q": "cricket"},
        {"kommune": "frederiksberg"},
        {"aar": "2021"},
        {"kommune": "koebenhavn", "aar": "2020"},
        {"beloeb_min": "100.000"},
        {"maalgruppe": "kvinder"},
    ],
)
def test_facets_over_the_matches_ids_are_the_facets_over_the_search(
    client, demo, params, monkeypatch
):
    """Few matches are counted by their ids (grants.catalogue.FEW_MATCHES), more by the
    search itself: the page's count and facets are the same either way."""
    from grants import catalogue

    by_ids = client.get(CATALOGUE, params)
    monkeypatch.setattr(catalogue, "FEW_MATCHES", 0)
    by_search = client.get(CATALOGUE, {**params, "x": "1"})  # another address: not cached
    assert by_ids.context["facets"] == by_search.context["facets"]
    assert by_ids.context["page"].paginator.count == by_search.context["page"].paginator.count
    assert by_ids.context["facets"]["years"], params


def test_a_goal_or_committee_of_another_municipality_is_left_out_and_said(client, demo):
    """Fresh eyes round 35: after switching from Frederiksberg to København, Frederiksberg's
    goal stayed in the address and the search was refused ("Marker en gyldig valgmulighed")
    beside a box showing "Alle mål"."""
    from portal.models import Committee

    goal = Goal.objects.filter(policy__municipality__slug="frederiksberg").first()
    committee = Committee.objects.filter(municipality__slug="frederiksberg").first()
    plain = client.get(CATALOGUE, {"kommune": "koebenhavn"})
    for key, value, note in (
        ("maal", goal.pk, "Det valgte mål hører til en anden kommune"),
        ("udvalg", committee.pk, "Det valgte udvalg hører til en anden kommune"),
    ):
        response = client.get(CATALOGUE, {"kommune": "koebenhavn", key: value})
        html = html_of(response)
        assert note in html
        assert "Søgningen er ikke lavet" not in html
        assert "Filtre (1 valgt)" in html  # the municipality only
        assert titles(response) == titles(plain)
        assert response.context["page"].paginator.count == plain.context["page"].paginator.count
    # An id that is no goal at all is refused as before, not silently dropped.
    html = html_of(client.get(CATALOGUE, {"kommune": "koebenhavn", "maal": 999999}))
    assert "Det valgte mål hører til en anden kommune" not in html
    assert "Søgningen er ikke lavet" in html


@pytest.mark.parametrize(
    "params",
    [
        {"kommune": "frederiksberg"},
        {"kommune": "frederiksberg", "aar": "2021"},
        {"kommune": "frederiksberg", "udvalg": "KFU"},
        {"kommune": "frederiksberg", "aar": "2022", "udvalg": "KFU"},
        {"aar": "2021"},
        {"q": "sprog", "aar": "2022"},
        {"kommune": "koebenhavn", "aar": "2017"},  # nothing in that year
    ],
)
def test_a_chosen_filter_is_named_with_the_count_counting_would_give(
    client, demo, params, monkeypatch
):
    """A chosen municipality, year or committee is not counted again (all results have it):
    the facet panel says the same as when every dimension is counted."""
    from grants import catalogue

    if params.get("udvalg"):
        params = {**params, "udvalg": committee("frederiksberg", params["udvalg"]).pk}

    def panel(response) -> str:
        html = html_of(response)
        if "facets-heading" not in html:  # nothing found: nothing to divide
            return ""
        return html.split("facets-heading", 1)[1].split("</section>", 1)[0]

    given = client.get(CATALOGUE, params)
    nothing = catalogue.Chosen()
    monkeypatch.setattr(catalogue, "Chosen", lambda *chosen: nothing)
    cache.clear()  # the same address, counted afresh
    counted = client.get(CATALOGUE, params)
    assert panel(given) == panel(counted)
    # And the rows given for the chosen values are the rows counting gives for them.
    chosen, full = given.context["facets"], counted.context["facets"]
    if "kommune" in params:
        assert chosen["municipalities"] == full["municipalities"]
    if "aar" in params:
        year = int(params["aar"])
        assert chosen["years"] == [row for row in full["years"] if row["year"] == year]
    if "udvalg" in params:
        pk = params["udvalg"]
        assert chosen["committees"] == [row for row in full["committees"] if row["pk"] == pk]


@pytest.mark.parametrize("search", [None, "sprogcafé"])
def test_what_people_typed_is_escaped_on_a_card_and_in_the_facets(
    client, make_pool, make_application, municipality, committee, search
):
    """The cards and the facets' links are written in Python (grants.catalogue_html), not by
    the template's autoescaping: every value a person typed must still come out escaped."""
    attack = '<img src=x onerror=alert(1)>"&'
    Municipality = type(municipality)
    Municipality.objects.filter(pk=municipality.pk).update(name=f"Testrup {attack}")
    type(committee).objects.filter(pk=committee.pk).update(
        name=f"Udvalg {attack}", abbreviation="U<b>"
    )
    pool = make_pool(year=2026)
    type(pool).objects.filter(pk=pool.pk).update(title=f"Puljen {attack}")
    fund(
        make_application(
            title=f"Sprogcafé {attack}",
            target_group=f"Kvinder {attack}",
            amounts={2026: "10000"},
            target_pool=pool,
        )
    )
    query = {"kommune": municipality.slug, "maalgruppe": attack}
    if search:
        query["q"] = search
    html = html_of(client.get(CATALOGUE, query))
    assert html.count('card-title"') == 1
    assert "<img" not in html and "U<b>" not in html
    escaped = "&lt;img src=x onerror=alert(1)&gt;&quot;&amp;"
    # Title, target group, municipality and pool on the card; the committee in its abbr.
    assert html.count(escaped) >= 5
    assert "U&lt;b&gt;" in html
    # The facets' links keep the typed filter, escaped in the address.
    assert "maalgruppe=%3Cimg" in html and "maalgruppe=<img" not in html
    assert "&amp;aar=2026" in html
    assert re.search(r'href="[^"]*&(?!amp;)', html) is None  # every & of a link escaped


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_selects_plain_options_are_what_their_instances_would_show(demo, language):
    """The catalogue's municipality, goal and committee selects list plain values
    (grants.select_options), not instances: the same values and labels, in the same order,
    as the querysets' instances give (ModelChoiceField's own options)."""
    from django import forms
    from django.utils import translation

    from grants.select_options import (
        committee_options,
        committees_of,
        goal_options,
        goals_of,
        municipality_options,
    )
    from portal.models import Municipality

    def instance_options(queryset, to_field=None, label=str):
        field = forms.ModelChoiceField(queryset, to_field_name=to_field, empty_label=None)
        field.label_from_instance = label
        return [(str(value), str(text)) for value, text in field.choices]

    def plain(options):
        return [(str(value), str(text)) for value, text in options]

    with translation.override(language):
        municipalities = Municipality.objects.order_by("name")
        assert plain(municipality_options()) == instance_options(municipalities, "slug")
        for municipality in municipalities:
            goals = goals_of(municipality.pk)
            assert goals.exists()
            assert plain(goal_options(goals)) == instance_options(
                goals, label=lambda goal: goal.name
            )
            assert plain(committee_options(committees_of(municipality.pk))) == instance_options(
                committees_of(municipality.pk)
            )


def test_links_leave_out_another_municipalitys_goal_and_empty_fields(client, demo):
    """Fresh eyes, session 33: after choosing Frederiksberg's goal and committee and then
    København, the page said they were left out, but every facet and chip link (and "Alle
    kommuner") brought them back, and a year link had `aar=` twice."""
    from policies.models import Goal
    from portal.models import Committee

    goal = Goal.objects.filter(policy__municipality__slug="frederiksberg").first()
    committee = Committee.objects.filter(municipality__slug="frederiksberg").first()
    html = html_of(
        client.get(
            CATALOGUE,
            {
                "q": "",
                "kommune": "koebenhavn",
                "aar": "",
                "maal": goal.pk,
                "udvalg": committee.pk,
                "maalgruppe": "",
            },
        )
    )
    assert "hører til en anden kommune" in html
    links = re.findall(r'href="(\?[^"]*)"', html)
    assert links
    from urllib.parse import parse_qsl

    for link in links:
        query = unescape(link)
        assert not query.startswith("?&"), link
        pairs = parse_qsl(query[1:], keep_blank_values=True)
        assert all(value for _key, value in pairs), link  # no empty field kept
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), link
        assert ("maal", str(goal.pk)) not in pairs, link
        assert ("udvalg", str(committee.pk)) not in pairs, link
    assert any("aar=20" in unescape(link) for link in links)  # the year facet is there


@pytest.mark.parametrize(
    "query",
    [
        {"q": "integrasion", "kommune": "", "aar": "", "maalgruppe": ""},  # "Mente du …?"
        {"q": "", "kommune": "frederiksberg", "aar": "", "maal": ""},
        {"q": "kvinder", "aar": "", "side": "1"},
    ],
)
def test_no_link_of_the_catalogue_keeps_an_empty_field(client, demo, query):
    """A submitted form sends every field; the page's links (facets, chips, pages, the
    suggestion) keep only those with a value, once each."""
    from urllib.parse import parse_qsl

    links = re.findall(r'href="(\?[^"]*)"', html_of(client.get(CATALOGUE, query)))
    assert links
    for link in links:
        pairs = parse_qsl(unescape(link)[1:], keep_blank_values=True)
        assert all(value for _key, value in pairs), link
        assert len({key for key, _value in pairs}) == len(pairs), link
