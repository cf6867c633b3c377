"""Caching of public pages, safe because it is invalidated whenever data changes.

Only anonymous GET requests are cached, per language and full address. Every save or delete
of the portal's data raises a version number in the cache, so the next request renders
afresh; the timeout is only a safety net. With several app servers, set REDIS_URL so they
share the cache and its version (docs/deployment.md). Staff and caseworker pages are never
cached, so staff never see stale money.

Each page carries a per-request CSP nonce; a cached page gets the new request's nonce.
"""

import functools
import hashlib

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

VERSION_KEY = "public-pages-version"
MAX_CACHED_PATH = 300
CACHED_APPS = ("portal", "policies", "grants", "indicators")


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_version(**_kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.set(VERSION_KEY, 2, timeout=None)


def connect_signals() -> None:
    for app_label in CACHED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            post_save.connect(
                bump_version, sender=model, dispatch_uid=f"cache-{model._meta.label}-s"
            )
            post_delete.connect(
                bump_version, sender=model, dispatch_uid=f"cache-{model._meta.label}-d"
            )
    m2m_changed.connect(bump_version, dispatch_uid="cache-m2m")


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


def public_page(view):
    """Decorator for a public view function (use `method_decorator` on class views)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        path = request.get_full_path()
        if len(path) > MAX_CACHED_PATH:  # odd, long addresses are not worth a cache entry
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(path.encode()).hexdigest()
        key = f"public-page:{current_version()}:{translation.get_language()}:{digest}"
        cached = cache.get(key)
        nonce = str(request._csp_nonce) if hasattr(request, "_csp_nonce") else ""
        if cached is not None:
            response = cached["response"]
            if cached["nonce"] and nonce:
                response.content = response.content.replace(
                    cached["nonce"].encode(), nonce.encode()
                )
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(
                key,
                {"response": response, "nonce": nonce},
                timeout=settings.PUBLIC_CACHE_SECONDS,
            )
        return response

    return wrapper
