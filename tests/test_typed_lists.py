"""Lists people typed into long texts ("• Kvinder i Job-forløb: …", "- Danskundervisning")
are shown as lists, not as lines that start with a bullet sign (fresh eyes, session 30: the
goals' "Det betyder at:" points ran together as text).

The rule lives in one filter, `paragraphs` (portal/templatetags/text.py); every long text in
the templates goes through it, and no page the crawl reaches shows a typed bullet as text."""

import re
from pathlib import Path

import pytest

from grants.models import Application
from policies.models import Goal
from portal.models import User
from portal.templatetags.text import paragraphs

from .page_crawl import crawl

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A line of text on a page that starts with a bullet sign someone typed.
TYPED_BULLET = re.compile(r"(?:<p[^>]*>|<br>)\s*[•◦▪‣*–-]\s")


def test_typed_bullets_become_a_list_and_the_rest_stays_paragraphs():
    text = (
        "Indsatsen har tre ben:\r\n\r\n"
        "• Kvinder i Job-forløb: 6 uger\n"
        "• Danskundervisning <2 dage>\n"
        "- Praktik\n\n"
        "Der gennemføres to forløb.\nI alt 40-60 borgere."
    )
    assert paragraphs(text) == (
        "<p>Indsatsen har tre ben:</p>\n\n"
        "<ul><li>Kvinder i Job-forløb: 6 uger</li><li>Danskundervisning &lt;2 dage&gt;</li>"
        "<li>Praktik</li></ul>\n\n"
        "<p>Der gennemføres to forløb.<br>I alt 40-60 borgere.</p>"
    )


def test_a_list_right_under_its_lead_in_line_and_text_after_it():
    assert paragraphs("Det betyder at:\n* én\n* to\nog mere") == (
        "<p>Det betyder at:</p>\n\n<ul><li>én</li><li>to</li></ul>\n\n<p>og mere</p>"
    )


@pytest.mark.parametrize(
    "text",
    ["-5 grader om vinteren", "15-25-årige", "–\u00a0", "*stjerne*", "Pris: 2 - 3 kr."],
)
def test_a_minus_or_a_dash_inside_text_is_not_a_list(text):
    assert "<ul>" not in paragraphs(text)


def test_the_text_is_escaped_even_in_list_items():
    html = paragraphs('• <script>alert("x")</script>\nTo & tre')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "To &amp; tre" in html


def test_no_template_shows_a_long_text_without_its_lists():
    """Django's `linebreaks` shows "• a" lines as text: every long text goes through
    `paragraphs` instead."""
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\|linebreaks(?!br)\b", line)
    ]
    assert offenders == []


def test_a_goals_points_are_a_list_on_its_page(client, demo):
    goal = Goal.objects.filter(description__contains="\n• ").first()
    assert goal is not None, "the demo data has a goal with typed points"
    html = client.get(f"/politikker/maal/{goal.pk}/").content.decode()
    assert "<li>Den enkelte skal videst muligt" in html or "<ul><li>" in html
    assert TYPED_BULLET.findall(html) == []


def test_a_projects_typed_points_are_a_list_on_its_public_page(client, demo):
    project = Application.objects.get(description__contains="Indsatsen har overordnet set tre ben")
    html = client.get(f"/projekter/{project.pk}/").content.decode()
    assert "<li>Danskundervisning: Kvinderne deltager" in html
    assert TYPED_BULLET.findall(html) == []


@pytest.mark.parametrize(
    ("username", "start"),
    [
        (None, ["/", "/projekter/", "/politikker/", "/barometer/", "/puljer/"]),
        ("frb-sekretariat", ["/sekretariat/"]),
        ("frb-sagsbehandler", ["/mine/"]),
    ],
)
def test_no_page_shows_a_typed_bullet_as_text(client, demo, username, start):
    if username:
        client.force_login(User.objects.get(username=username))
    pages = crawl(client, start, per_view=3)
    assert len(pages) > 5
    found = [
        f"{url}: {html[max(match.start() - 60, 0) : match.end() + 40]!r}"
        for url, html in pages.items()
        for match in TYPED_BULLET.finditer(html)
    ]
    assert found == []


def test_a_card_shows_a_text_of_several_lines_on_one_line_with_its_breaks_said():
    from portal.templatetags.text import one_line

    assert one_line("Piger 9-16 år\r\nKvinder over 16 år") == "Piger 9-16 år · Kvinder over 16 år"
    assert one_line("Målgruppen er:\n\n• Lærere\n- Forældre\n") == (
        "Målgruppen er: Lærere · Forældre"
    )
    assert one_line("") == one_line(None) == ""


def test_no_card_shows_a_typed_bullet_or_runs_lines_together(client, demo):
    """Fresh eyes, session 31: "Målgruppe: • Lærere … • Forældreråd …" ran as one paragraph
    on the catalogue's cards, "Piger 9-16 år Kvinder over 16 år" as one phrase."""
    html = client.get("/projekter/", {"side": 1}).content.decode()
    pages = [html] + [client.get("/projekter/", {"side": n}).content.decode() for n in range(2, 4)]
    groups = [
        group
        for page in pages
        for group in re.findall(r"<strong>Målgruppe:</strong> <span[^>]*>(.*?)</span>", page, re.S)
    ]
    assert groups
    assert not [group for group in groups if "•" in group or "\n" in group]
    several_lines = Application.objects.filter(target_group__contains="\n").exclude(
        pool__is_example=True
    )
    assert several_lines.exists()
    assert any(" · " in group for group in groups)
