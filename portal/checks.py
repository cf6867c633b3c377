"""System checks for a production set-up (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
