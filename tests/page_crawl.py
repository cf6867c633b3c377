"""Walk the portal's pages as one user sees them, following the links each page shows.

Used by the class tests that look at every page's wording (tests/test_page_wording.py).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

# Never followed: they end the session, change data on GET, leave HTML, or are Django's admin.
SKIPPED_PREFIXES = ("/admin/", "/logout/", "/i18n/", "/static/", "/konto/log-ud-overalt/")
SKIPPED_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".xml", ".txt")


class _PageParser(HTMLParser):
    """The visible text and the links of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def visible_text(html: str) -> str:
    parser = _PageParser()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.text))


def crawl(client, start: list[str], *, per_view: int = 2, limit: int = 250) -> dict[str, str]:
    """GET the start pages and every same-site page they link to, breadth first.

    The start pages are always visited; beyond them at most `per_view` addresses of one URL
    pattern (e.g. one project page), so the walk covers every kind of page without visiting
    all 300 projects. Returns address → HTML."""
    pages: dict[str, str] = {}
    seen: set[str] = set()
    per_name: dict[str, int] = {}
    queue = list(start)
    while queue and len(pages) < limit:
        url = urldefrag(queue.pop(0))[0]
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or url in seen:
            continue
        seen.add(url)
        if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        # Filtered and paged lists: one query string per view is enough.
        key = match.view_name + ("?" if parts.query else "")
        if per_name.get(key, 0) >= per_view and url not in start:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_name[key] = per_name.get(key, 0) + 1
        html = response.content.decode()
        pages[url] = html
        parser = _PageParser()
        parser.feed(html)
        queue.extend(parser.links)
    return pages


def use_language(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def crawl_as_each(client, users) -> None:
    """Walk the pages as each of `users`: (username or None for the public, start pages)."""
    from portal.models import User

    for username, start in users:
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        crawl(client, start, per_view=1)
