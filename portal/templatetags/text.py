"""Long texts people typed, shown as they meant them."""

import re

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

register = template.Library()

# A line typed as a list item: "• ", "- ", "* ", "– " (Word and PDFs paste "•" and "–").
BULLET = re.compile(r"^[ \t]*[•◦▪‣·*–-][ \t]+")
BLOCKS = re.compile(r"\n{2,}")


def one_line(text: str) -> str:
    """A text of several lines on one line, for a card: its lines (without typed bullets)
    joined by " · ", or a space after a line that leads in with ":" (fresh eyes, session 31:
    "Piger 9-16 år Kvinder over 16 år" read as one phrase, "• a • b" as one paragraph)."""
    joined = ""
    for line in normalize_newlines(text or "").split("\n"):
        line = BULLET.sub("", line).strip()
        if line:
            joined += (" " if not joined or joined.endswith(":") else " · ") + line
    return joined.strip()


@register.filter(is_safe=True, needs_autoescape=True)
@stringfilter
def paragraphs(value, autoescape=True):
    """`{{ text|paragraphs }}`: Django's `linebreaks`, except that typed list lines
    ("• Kvinder i Job-forløb: …") become a real list. Read aloud as a list, and the
    items wrap under each other instead of a run of lines each starting with "•"."""
    escape = conditional_escape if autoescape else str
    html = []
    for block in BLOCKS.split(normalize_newlines(value).strip()):
        lines, kind = [], None
        # Consecutive lines of one kind: text lines a paragraph (with <br>), items a list.
        for line in [*block.split("\n"), None]:
            item = line is not None and BULLET.match(line) is not None
            if line is None or (lines and item != kind):
                if kind:
                    html.append("<ul>{}</ul>".format("".join(f"<li>{text}</li>" for text in lines)))
                elif lines:
                    html.append("<p>{}</p>".format("<br>".join(lines)))
                lines = []
            if line is not None:
                kind = item
                lines.append(escape(BULLET.sub("", line) if item else line))
    # Every line is escaped above (unless the template turned autoescape off, as linebreaks).
    return mark_safe("\n\n".join(html))  # noqa: S308  # nosec B308 B703
