"""System checks for a production set-up (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from portal.rate_limits import parse_rate


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """Without a shared cache each worker process keeps its own public pages and its own
    version number, so a change made through one worker leaves the others serving the old
    page until PUBLIC_CACHE_SECONDS have passed."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PUBLIC_CACHE_SECONDS and backend.endswith("LocMemCache"):
        return [
            Warning(
                "The public page cache is local to each worker process.",
                hint=(
                    "Set REDIS_URL so every worker and app server shares the cache and its "
                    "invalidation, or PUBLIC_CACHE_SECONDS=0 (docs/deployment.md)."
                ),
                id="portal.W001",
            )
        ]
    return []


@register(deploy=True)
def base_url_check(app_configs, **kwargs):
    """Links made without a request (e-mails, management commands) need the portal's address;
    pages and downloads would otherwise trust the Host header the proxy passes on."""
    if not settings.PORTAL_BASE_URL:
        return [
            Warning(
                "PORTAL_BASE_URL is not set: links in e-mails are paths without a host.",
                hint="Set PORTAL_BASE_URL=https://your.host (docs/deployment.md).",
                id="portal.W002",
            )
        ]
    return []


@register()
def api_rate_check(app_configs, **kwargs):
    """A mistyped API_RATE would refuse every API request with a server error; `migrate` and
    `check` stop on it instead."""
    try:
        parse_rate(settings.API_RATE)
    except ImproperlyConfigured as error:
        return [Error(f"API_RATE {error}", id="portal.E001")]
    return []
