"""Class tests over every page a user can reach (demo data loaded), in Danish and English:

- dates use the page's language: no "31. Jan 2027" on a Danish page, no "31. januar 2027"
  on an English one (portal/formats/);
- no internal word reaches the reader: "Seed 001", fixture or file names, "None", tracebacks;
- no select shows Django's "---------" as its empty choice.
"""

import re

import pytest

from portal.models import User

from .page_crawl import crawl, use_language, visible_text

PUBLIC_START = [
    "/",
    "/projekter/",
    "/puljer/",
    "/politikker/",
    "/barometer/",
    "/handleplaner/",
    "/resultater/",
    "/data/",
    "/tilgaengelighed/",
    "/login/",
    # Both municipalities' policy and barometer (the crawl visits one page per kind).
    "/politikker/koebenhavn/integrationspolitik-2019-2022/",
    "/barometer/koebenhavn/integrationspolitik-2019-2022/",
]
STAFF_START = [
    "/start/",
    "/sekretariat/",
    "/sekretariat/afrapportering/",
    "/sekretariat/barometer/",
    "/sekretariat/persondata/",
    "/sekretariat/puljer/ny/",
]
CASEWORKER_START = ["/start/", "/mine/"]

USERS = {
    "anonymous": (None, PUBLIC_START),
    "frb-sekretariat": ("frb-sekretariat", STAFF_START),
    "frb-sagsbehandler": ("frb-sagsbehandler", CASEWORKER_START),
}

MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_DA = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
CAPITALISED_MONTH = r"(?:Jan|Feb|Mar|Apr|Maj|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dec)[a-z]*\.?"
# A day, then a month written the other language's way, then a year.
WRONG_DATE = {
    # Danish pages: month names are lower case ("31. jan. 2027"); a capital is English ("Jan").
    "da": re.compile(
        rf"\b\d{{1,2}}\.?\s+(?:{CAPITALISED_MONTH})\s+\d{{4}}"
        rf"|\b(?:{MONTHS_EN}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.?\s+\d{{1,2}},\s+\d{{4}}"
    ),
    # English pages: no Danish month names or abbreviations, no "kl.".
    "en": re.compile(
        rf"\b\d{{1,2}}\.?\s+(?:{MONTHS_DA}|jan\.|feb\.|mar\.|apr\.|aug\.|sep\.|okt\.|nov\.|dec\.)"
        rf"\s+\d{{4}}|\b\d{{4}},?\s+kl\.\s+\d"
    ),
}
INTERNAL_WORDS = re.compile(
    r"\b[Ss]eeds?\b|\b[Ff]ixtures?\b|\b(?!360giving)\w+\.json\b|\b\w+\.(?:md|py)\b|Traceback|\bmentioned\b"
)
# Python's None shown as text (on English pages "None." is the translation of "Ingen.").
PYTHON_NONE = re.compile(r"\bNone\b")
EMPTY_CHOICE_DASHES = "---------"
# Two full stops where a sentence ends in "kr." or a typed text ends in one (fresh eyes round
# 20: "søges om 660.000 kr..", "praktik.: 78,5 %"); not an ellipsis.
DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)|\w\.:\s")


def _findings(pages: dict[str, str], language: str) -> list[str]:
    findings = []
    for url, html in pages.items():
        text = visible_text(html)
        for match in WRONG_DATE[language].finditer(text):
            findings.append(f"{url}: date not in {language}: {match.group(0)!r}")
        for match in INTERNAL_WORDS.finditer(text):
            start = max(match.start() - 40, 0)
            findings.append(f"{url}: internal word: {text[start : match.end() + 40]!r}")
        if language == "da":
            for match in PYTHON_NONE.finditer(text):
                start = max(match.start() - 40, 0)
                findings.append(f"{url}: Python's None: {text[start : match.end() + 40]!r}")
        for match in DOUBLE_STOP.finditer(text):
            start = max(match.start() - 40, 0)
            findings.append(f"{url}: two stops: {text[start : match.end() + 20]!r}")
        if EMPTY_CHOICE_DASHES in html:
            findings.append(f"{url}: a select shows {EMPTY_CHOICE_DASHES!r}")
        # One element per id: a label's "for" leads to the first (fresh eyes round 21: the
        # measurement's "Kilde" put the cursor in the indicator's).
        ids = re.findall(r'\sid="([^"]+)"', html)
        for twice in sorted({i for i in ids if ids.count(i) > 1}):
            findings.append(f"{url}: id used twice: {twice!r}")
        # A browser cuts a pasted text at a textarea's maxlength without a word (round 21).
        if re.search(r"<textarea[^>]*\smaxlength=", html):
            findings.append(f"{url}: a textarea has maxlength")
    return findings


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("who", list(USERS))
def test_every_page_speaks_the_readers_language_and_no_internal_word(client, demo, who, language):
    username, start = USERS[who]
    if username:
        client.force_login(User.objects.get(username=username))
    use_language(client, language)
    pages = crawl(client, start, per_view=1)
    print(len(pages), sorted(pages))
    assert len(pages) >= len(start) - 1, sorted(pages)
    assert _findings(pages, language) == []
    if not username and language == "da":
        assert _office_words(pages) == []


# The municipality's office words a citizen does not use (fresh eyes round 22: an association
# did not recognise its answers under "Formål/forandringsteori" and "Forankring" on its
# public page; "Disponeret i alt" on a pool's).
OFFICE_WORDS = re.compile(r"Forankring|forandringsteori|Disponeret|Indstillet")


def _office_words(pages: dict[str, str]) -> list[str]:
    found = []
    for url, html in pages.items():
        text = visible_text(html)
        for match in OFFICE_WORDS.finditer(text):
            found.append(f"{url}: {text[max(match.start() - 40, 0) : match.end() + 40]!r}")
    return found


def test_templates_format_dates_by_name_only():
    """The class behind "2. December 2026" on English pages: a literal format ("j. F Y")
    is Danish in any language; the named formats follow the page's language
    (portal/formats/)."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    literal = re.compile(r'\|date:"(?![A-Z_]+_FORMAT")')
    offenders = [
        f"{path.relative_to(templates)}:{number}"
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == []


def test_money_is_shown_by_the_kroner_filter_only():
    """'80,50 kr.' was shown as '81 kr.' where a template rounded with floatformat; money is
    formatted in one place (portal/templatetags/money.py)."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    rounded_money = re.compile(
        r"floatformat[^}]*\}\}\s*kr\b|floatformat[^%]*%\}[^{]*\{\{[^}]*\}\}\s*kr\b"
    )
    offenders = [
        f"{path.relative_to(templates)}:{number}"
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if rounded_money.search(line)
    ]
    assert offenders == []


def test_numbers_are_shown_by_the_number_filter_only():
    """A target typed as '80,5' was shown as '80,50' (floatformat:"-2"): a number that is not
    money is shown as it was typed, by one filter (portal/numbers.py), in pages and documents."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    floatformat = re.compile(r"floatformat\s*[:(]\s*[^)}]*-2")
    sources = [*root.joinpath("templates").rglob("*.html")] + [
        path
        for app in ("grants", "indicators", "policies", "portal", "web", "transfer")
        for path in root.joinpath(app).rglob("*.py")
    ]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if floatformat.search(line)
    ]
    assert offenders == []


def test_a_target_typed_with_one_decimal_is_shown_as_typed(client, demo):
    """The caseworker types 80,5 as a target; the application's page, its document copy and
    the staff page show 80,5, never 80,50."""
    from decimal import Decimal

    from django.urls import reverse

    from grants.documents.content import criterion_line
    from grants.models import Application, SuccessCriterion

    application = Application.objects.filter(municipality__slug="frederiksberg").first()
    criterion = SuccessCriterion.objects.create(
        application=application, text="Andel i job", target_value=Decimal("80.50"), unit="%"
    )
    client.force_login(User.objects.get(username="frb-sagsbehandler"))
    page = visible_text(client.get(reverse("mine:detail", args=[application.pk])).content.decode())
    assert "80,5 %" in page and "80,50" not in page
    assert "80,5 %" in criterion_line(criterion) and "80,50" not in criterion_line(criterion)
    client.force_login(User.objects.get(username="frb-sekretariat"))
    staff = client.get(reverse("sekretariat:application", args=[application.pk])).content.decode()
    assert "80,50" not in visible_text(staff)


def test_no_public_project_page_shows_python_none(client, demo):
    """Fresh eyes round 9: every § 18 project (an association's, no department) said
    "Afdeling: None". The crawl visits two project pages; this class visits every one."""
    from django.urls import reverse

    from grants.public import funded_projects

    found = []
    projects = list(funded_projects().values_list("pk", flat=True))
    assert len(projects) > 10
    for pk in projects:
        text = visible_text(client.get(reverse("public:project", args=[pk])).content.decode())
        if PYTHON_NONE.search(text):
            found.append(pk)
    assert found == []


def test_no_staff_case_page_shows_python_none(client, demo):
    """Fresh eyes round 10: an association's case read "None · Status: Indsendt" (it has no
    department). Every case page of both municipalities, as their committee staff."""
    from django.urls import reverse

    from grants.models import Application
    from portal.models import User

    found = []
    for username in ("frb-sekretariat", "kbh-sekretariat"):
        user = User.objects.get(username=username)
        client.force_login(user)
        cases = Application.objects.filter(municipality=user.municipality).exclude(status="draft")
        assert cases.exists()
        for pk in cases.values_list("pk", flat=True):
            html = client.get(reverse("sekretariat:application", args=[pk])).content.decode()
            if PYTHON_NONE.search(visible_text(html)):
                found.append(pk)
    assert found == []
