"""What the municipalities and applicants wrote stays Danish on the English pages, and says
so (WCAG 3.1.2, language of parts): a screen reader read a Danish paragraph with an English
voice (fresh eyes round 42). On Danish pages nothing is marked: the page is Danish."""

from html.parser import HTMLParser

import pytest

from grants.models import Application
from grants.public import funded_projects
from indicators.models import Indicator
from policies.models import Goal, Policy

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class TextLanguages(HTMLParser):
    """Each piece of text of a page with the language it is in (the nearest `lang`)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        language = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, language))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        # The document's title is the page's name and the portal's, in one string.
        if text and not (self.stack and self.stack[-1][0] == "title"):
            self.texts.append((text, self.stack[-1][1] if self.stack else ""))


def languages_of(html: str, needle: str) -> list[str]:
    parser = TextLanguages()
    parser.feed(html)
    return [language for text, language in parser.texts if needle in text]


def opening(text: str) -> str:
    """The first words of a text's first line, as one piece of the page shows them."""
    return " ".join(text.strip().splitlines()[0].split()[:5])


def pages_and_texts() -> list[tuple[str, list[str]]]:
    project = max(
        funded_projects().exclude(description="").exclude(purpose=""),
        key=lambda p: len(p.description),
    )
    goal = Goal.objects.exclude(description="").filter(targets__isnull=False).first()
    policy = Policy.objects.exclude(purpose="").first()
    indicator = Indicator.objects.exclude(baseline_text="").first()
    pool = project.pool
    return [
        (
            f"/projekter/{project.pk}/",
            [project.title, *(opening(getattr(project, f)) for f in ("description", "purpose"))],
        ),
        ("/projekter/", [opening(p.target_group) for p in funded_projects()[:3] if p.target_group]),
        (
            f"/politikker/maal/{goal.pk}/",
            [opening(goal.description), opening(goal.targets.first().text)],
        ),
        (
            f"/politikker/{policy.municipality.slug}/{policy.slug}/",
            [opening(policy.purpose)],
        ),
        (
            f"/barometer/indikator/{indicator.pk}/",
            [opening(indicator.title), opening(indicator.baseline_text)],
        ),
        (
            pool.public_url,
            [
                Application.objects.filter(allocations__pool=pool, pk__in=funded_projects())
                .first()
                .title
            ],
        ),
    ]


@pytest.mark.parametrize("language", ["en", "da"])
def test_danish_texts_are_marked_danish_on_the_english_pages(client, demo, language):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    for url, needles in pages_and_texts():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, url
        for needle in needles:
            found = languages_of(html, needle)
            assert found, (url, needle)
            expected = "da" if language == "en" else language
            assert set(found) == {expected}, (url, needle, found)
