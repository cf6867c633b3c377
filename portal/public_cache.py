"""Caching of public pages, safe because it is invalidated whenever data changes.

Only anonymous GET requests are cached, per language and full address. Every save or delete
of data a public page shows raises a version number in the cache, so the next request
renders afresh; the timeout is only a safety net. Changes no public page shows (a login's
`last_login`, a draft's autosave, a review, the audit trail) leave the cache alone, so the
hit rate survives working hours. With several app servers or workers, set REDIS_URL so they
share the cache and its version (docs/deployment.md; `check --deploy` warns without it).
Staff and caseworker pages are never cached, so staff never see stale money.

Each page carries a per-request CSP nonce; a cached page gets the new request's nonce.

HTTP caching, so a municipality's proxy or CDN (and the browser) can carry citizens' traffic:
an anonymous public page gets `Cache-Control: public, max-age=PUBLIC_HTTP_MAX_AGE`, a weak
`ETag` from the data version and the address, `Last-Modified` from when the data last changed,
and `Vary: Cookie` (the language is chosen by a cookie). A matching `If-None-Match` (or
`If-Modified-Since`, unless it lies in the future) gets `304 Not Modified`, but only for a page
that is there: from the page cache, or after the view answered 200 (an address of nothing
got a 304 for a future date or `If-None-Match: *` when this ran first); the 304 has
no CSP header, so the browser keeps the one whose nonce its stored page carries. Visitors
with a session cookie (signed in, or about to be) never get these headers
(portal.middleware.PrivatePagesMiddleware makes their pages `private, no-store`), nor do
staff pages, which are not public pages.
"""

import functools
import hashlib
import time
from email.utils import formatdate

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from portal import site

VERSION_KEY = "public-pages-version"
CHANGED_KEY = "public-pages-changed-at"  # seconds since the epoch of the last change
MAX_CACHED_PATH = 300


def _fresh_version() -> int:
    # When the number is missing (first use, or evicted from a full cache), start from the
    # clock, so a number that pages already carry is never handed out again.
    return time.time_ns() // 1000


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY) or _fresh_version()
    return version


def last_changed() -> int:
    """When the public data last changed (for Last-Modified); set before the version moves, so
    a page of the new version never claims an older time."""
    changed = cache.get(CHANGED_KEY)
    if changed is None:
        cache.add(CHANGED_KEY, int(time.time()), timeout=None)
        changed = cache.get(CHANGED_KEY) or int(time.time())
    return changed


def bump_version(**_kwargs) -> None:
    cache.set(CHANGED_KEY, int(time.time()), timeout=None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing: any fresh value invalidates
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


def invalidate_public_pages() -> None:
    """At once, and again when the transaction commits: a page rendered in between, from the
    data as it was before the commit, is stored under the first new version and must not
    stay current."""
    bump_version()
    connection = transaction.get_connection()
    savepoints = set(connection.savepoint_ids)
    if connection.in_atomic_block and not any(
        func is bump_version and registered_in == savepoints
        for registered_in, func, _robust in connection.run_on_commit
    ):  # once per atomic block is enough
        transaction.on_commit(bump_version)


# Each app names, in its AppConfig.ready(), the models whose rows its public pages show
# (`watch`), so this module, which every app stands on, imports none of them.
# label → None (every row shows) or a function telling whether a row shows.
_watched: dict[str, object] = {}


def watch(*labels: str, shows=None) -> None:
    """A save or delete of a row of these models invalidates the public pages; with `shows`,
    only a row for which `shows(instance)` is true (e.g. an application once funded)."""
    for label in labels:
        model = apps.get_model(label)
        _watched[label] = shows
        post_save.connect(_on_change, sender=model, dispatch_uid=f"cache-{label}-s")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"cache-{label}-d")


def watched_labels() -> frozenset[str]:
    return frozenset(_watched)


def shows_publicly(instance) -> bool:
    """Whether a change to this row can change a public page."""
    label = instance._meta.label
    if label not in _watched:
        return False
    shows = _watched[label]
    return shows is None or shows(instance)


def _on_change(sender, instance, **_kwargs) -> None:
    if shows_publicly(instance):
        invalidate_public_pages()


def _on_m2m_change(sender, instance, action, **_kwargs) -> None:
    if action.startswith("post_") and shows_publicly(instance):
        invalidate_public_pages()


def connect_signals() -> None:
    """The portal's own public rows, and many-to-many changes of every watched model."""
    watch("portal.Municipality", "portal.Committee", "portal.Department")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="cache-m2m")
    # A release runs `migrate` once (docs/deployment.md): pages cached by the old code name
    # the old code's static files, which the new release no longer has, so they go.
    post_migrate.connect(_after_migrate, dispatch_uid="cache-migrate")


def _after_migrate(sender, **_kwargs) -> None:
    if sender.name == "portal":  # post_migrate is sent once per app
        bump_version()


def _cacheable(request) -> bool:
    # HEAD too: a harvester asks for the validators without the body (fresh eyes round 23);
    # the server leaves out the body of a HEAD answer.
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


def _local_copies():
    """The worker's own copies (settings.CACHES["public_pages_local"]), when the shared cache
    is elsewhere (Redis); with a local-memory default cache they would only duplicate it."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return None
    return caches["public_pages_local"]


def _version_and_changed() -> tuple[int, int]:
    """Both in one round trip to the shared cache when they are there."""
    found = cache.get_many([VERSION_KEY, CHANGED_KEY])
    version = found.get(VERSION_KEY)
    changed = found.get(CHANGED_KEY)
    return (
        version if version is not None else current_version(),
        changed if changed is not None else last_changed(),
    )


def _http_cacheable(response, etag: str, changed: int | None):
    """The headers that let a shared cache keep an anonymous public page (PUBLIC_HTTP_MAX_AGE
    0: none)."""
    if changed is None:
        return response
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = formatdate(changed, usegmt=True)
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_HTTP_MAX_AGE)
    patch_vary_headers(response, ("Cookie",))
    if response.status_code == 304:
        # The browser keeps its stored CSP header, whose nonce its stored page carries.
        response._csp_config = response._csp_ro_config = {}
    return response


def _weak_etag(text: str) -> str:
    """Weak: the same page or file at the same data version, up to a page's CSP nonce."""
    return f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'


def _not_modified(request, etag: str, changed: int | None):
    """The 304 for a conditional request the page (a 200, looked up by the caller) matches,
    or None. An If-Modified-Since in the future is no validator (RFC 9110 §13.1.3): it is
    ignored, so "2100-01-01" gets the page, not a 304 for any address (attack round 7)."""
    if changed is None:
        return None
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    if since is not None and since > time.time():
        del request.META["HTTP_IF_MODIFIED_SINCE"]
    return get_conditional_response(request, etag=etag, last_modified=changed)


def _nonce(request) -> str:
    """The request's CSP nonce; asked only when a page is sent or stored, so that a lookup
    alone does not put a nonce in the header of an answer that uses none."""
    return str(request._csp_nonce) if hasattr(request, "_csp_nonce") else ""


class _Lookup:
    """What a request's cached page is looked up by, and what was found."""

    def __init__(self, request):
        path = request.get_full_path()
        # Per address the page's absolute links point to (its canonical link): the same path
        # asked for on another host gets its own copy unless PORTAL_BASE_URL fixes the host.
        digest = hashlib.sha256(f"{site.base_url(request)}{path}".encode()).hexdigest()
        self.key = f"public-page:{translation.get_language()}:{digest}"
        self.version, self.changed = _version_and_changed()
        self.etag = _weak_etag(f"{self.key}:{self.version}")
        # Not with a session cookie, as PrivatePagesMiddleware decides: whoever holds one
        # may be signed in a moment later, and their pages are `private, no-store`.
        if settings.PUBLIC_HTTP_MAX_AGE <= 0 or settings.SESSION_COOKIE_NAME in request.COOKIES:
            self.changed = None
        self.local = _local_copies()
        cached = self.local.get(self.key) if self.local is not None else None
        if cached is None or cached["version"] != self.version:
            cached = cache.get(self.key)
            if cached is not None and cached["version"] == self.version and self.local:
                self.local.set(self.key, cached, timeout=settings.PUBLIC_CACHE_SECONDS)
        self.cached = cached if cached is not None and cached["version"] == self.version else None
        # The miss is kept for the view's decorator, so a public page rendered afresh is
        # looked up once, not again there (PublicPageHitMiddleware looked first).
        request._public_page_lookup = self

    def response(self, request, *, guarded: bool = False):
        """The stored page (or a 304), when there is one of the current version; its guard's
        refusal when the guard refuses (not asked again when the caller has, `guarded`)."""
        if self.cached is None:
            return None
        if self.cached.get("guard") and not guarded:
            refusal = import_string(self.cached["guard"])(request)
            if refusal is not None:
                return refusal
        # Only 200 pages are stored, so this page exists: a 304 is true.
        not_modified = _not_modified(request, self.etag, self.changed)
        if not_modified is not None:
            return _http_cacheable(not_modified, self.etag, self.changed)
        content = self.cached["content"]
        nonce = _nonce(request)
        if self.cached["nonce"] and nonce:
            content = content.replace(self.cached["nonce"].encode(), nonce.encode())
        response = HttpResponse(content, content_type=self.cached["content_type"])
        for name, value in self.cached.get("headers", ()):
            response.headers[name] = value
        response.headers["Content-Length"] = str(len(content))
        return _http_cacheable(response, self.etag, self.changed)

    def store(self, request, response, *, guard=None):
        """Keep a fresh 200 page; the answer to send (a 304 when the request matches it).
        `guard`: asked before every later answer of the page (by its import path)."""
        if response.status_code != 200 or response.streaming:
            return response
        if hasattr(response, "render") and callable(response.render):
            response.render()
        # The view's own headers (DRF's Allow, say), before the cache adds its validators.
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in OWN_HEADERS
        ]
        _http_cacheable(response, self.etag, self.changed)
        entry = {
            "version": self.version,
            "content": response.content,
            "content_type": response["Content-Type"],
            "nonce": _nonce(request),
            "headers": headers,
            "guard": f"{guard.__module__}.{guard.__qualname__}" if guard else None,
        }
        cache.set(self.key, entry, timeout=settings.PUBLIC_CACHE_SECONDS)
        if self.local is not None:
            self.local.set(self.key, entry, timeout=settings.PUBLIC_CACHE_SECONDS)
        not_modified = _not_modified(request, self.etag, self.changed)
        if not_modified is not None:
            return _http_cacheable(not_modified, self.etag, self.changed)
        return response


# Written afresh for every answer from the cache (the validators by _http_cacheable).
OWN_HEADERS = {"content-type", "content-length", "etag", "last-modified", "cache-control"}


def public_page(view=None, *, guard=None):
    """Decorator for a public view function (use `method_decorator` on class views).

    A page is stored as its bytes, content type and the data version it was rendered at,
    under a key without the version; a page of an older version is a miss. A hit reads the
    shared version and then the worker's own copy, or the shared cache's. Most hits never
    reach the view's decorator: PublicPageHitMiddleware answers them first.

    `guard(request)` (a module-level function) is asked before every answer, stored or not,
    here and in the middleware: its response (a refusal) is sent instead; None lets the page
    be answered. The API's rate limit is one (web.api.limits)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if guard is not None:
                refusal = guard(request)
                if refusal is not None:
                    return refusal
            if settings.PUBLIC_CACHE_SECONDS <= 0 or not _cacheable(request):
                return view(request, *args, **kwargs)
            if len(request.get_full_path()) > MAX_CACHED_PATH:  # odd, long addresses: not kept
                return view(request, *args, **kwargs)
            lookup = getattr(request, "_public_page_lookup", None) or _Lookup(request)
            hit = lookup.response(request, guarded=True)
            if hit is not None:
                return hit
            return lookup.store(request, view(request, *args, **kwargs), guard=guard)

        wrapper.public_page = True  # found by tests/test_http_caching.py in the URL configuration
        return wrapper

    return decorate(view) if view is not None else decorate


class PublicPageHitMiddleware:
    """Answers a stored public page before the session, the user, django-otp, django-axes,
    the messages and the URL resolver are asked: for a visitor with no session cookie and no
    message waiting in a cookie, none of them can change the page (the view's `public_page`
    made and keeps it the same way). Only an address that has a stored page is answered
    here, so only public pages are; a page's guard (the API's rate limit) is asked first.
    Placed after the language is chosen (the key holds it), inside the middleware that adds
    the security headers and the CSP nonce (issue 17: a hit cost 57 % of a bare view's
    throughput, mostly middleware work for an anonymous visitor)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PUBLIC_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and MESSAGES_COOKIE not in request.COOKIES
            and len(request.get_full_path()) <= MAX_CACHED_PATH
        ):
            hit = _Lookup(request).response(request)
            if hit is not None:
                return hit
        return self.get_response(request)


# django.contrib.messages' cookie storage (the first of its default FallbackStorage)
MESSAGES_COOKIE = "messages"


def public_download(view=None, *, exists=None):
    """Decorator for an open-data download (a file streamed or sent, never kept in the page
    cache): the same HTTP validators as a public page, so a harvester that polls the file
    gets `304 Not Modified` until the data changes, without the file being built or sent
    (fresh eyes round 22: every poll downloaded everything). `exists(**kwargs)` raises
    Http404 for an address of nothing before any 304 is given."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                settings.PUBLIC_HTTP_MAX_AGE <= 0
                or not _cacheable(request)
                or settings.SESSION_COOKIE_NAME in request.COOKIES
            ):
                return view(request, *args, **kwargs)
            if exists is not None:
                exists(**kwargs)
            version, changed = _version_and_changed()
            etag = _weak_etag(f"{site.base_url(request)}{request.get_full_path()}:{version}")
            not_modified = _not_modified(request, etag, changed)
            if not_modified is not None:
                return _http_cacheable(not_modified, etag, changed)
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                _http_cacheable(response, etag, changed)
            return response

        wrapper.public_page = True  # tests/test_http_caching.py checks it like a page
        return wrapper

    return decorate(view) if view is not None else decorate
