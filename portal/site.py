"""The portal's own absolute address, for links that leave the page: open data, the sitemap,
robots.txt, canonical links and e-mails.

It is `PORTAL_BASE_URL` when that is set (scheme and host, e.g. `https://integration.kommune.dk`;
docs/deployment.md), otherwise the address the request came in on. Without a request (a
management command, a mail sent after a change) only `PORTAL_BASE_URL` can say it: then the
links are the paths alone (and `check --deploy` warns, portal.W002)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe


def base_url(request=None) -> str:
    """Scheme and host without a trailing slash, e.g. `https://integration.kommune.dk`."""
    if settings.PORTAL_BASE_URL:
        return settings.PORTAL_BASE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute(path: str, request=None) -> str:
    """`path` (from reverse(), starting with /) as an absolute URL."""
    return f"{base_url(request)}{path}"


def address_pattern(viewname: str, *, slugs: int, ids: int = 0) -> str:
    """The path of `viewname` with its `slugs` slug arguments, then its `ids` integer
    arguments, as "{}" for str.format: one reverse() for a list of many rows, where a
    reverse() per row cost 2 ms for 100 (issue #17). Slugs need no quoting and Django writes
    an integer as its digits, so the format gives what reverse() would."""
    marks = [f"slug{i}mark" for i in range(slugs)] + [str(_ID_MARK + i) for i in range(ids)]
    path = reverse(viewname, args=marks)
    for mark in marks:
        path = path.replace(mark, "{}", 1)
    return path


_ID_MARK = 2147480001  # an id no row has, to find where an address holds its id


def id_address_pattern(viewname: str) -> str:
    """The path of `viewname` with its one integer id argument as "{}" for str.format: one
    reverse() for a list's rows (issue #17). Django writes an integer id as its digits, so
    the format gives what reverse() would."""
    return reverse(viewname, args=[_ID_MARK]).replace(str(_ID_MARK), "{}", 1)


def scheme_and_domain(request=None) -> tuple[str, str]:
    """("https", "integration.kommune.dk") of base_url(), for Django's sitemap."""
    parts = urlsplit(base_url(request))
    return parts.scheme, parts.netloc


# What the municipalities and applicants wrote is Danish whatever the page's language: on a
# page in another language it is marked so (WCAG 3.1.2, language of parts), else a screen
# reader reads a Danish paragraph with an English voice (fresh eyes round 42).
DANISH_PART = mark_safe(' lang="da"')  # noqa: S308  # nosec B308 B703 - a constant


def context(request) -> dict:
    """Template context processor: `site_url`, the base of every absolute link in a page,
    and `da_lang`, the attribute for an element holding Danish text the portal did not
    write (` lang="da"` on a page in English, nothing on a Danish one).

    The 400 page for a request with a host we do not serve renders too: its canonical link
    then has no host, rather than raising the same DisallowedHost again."""
    da_lang = "" if translation.get_language() == "da" else DANISH_PART
    try:
        return {"site_url": base_url(request), "da_lang": da_lang}
    except DisallowedHost:
        return {"site_url": "", "da_lang": da_lang}
