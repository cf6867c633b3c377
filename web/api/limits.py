"""Rate limit and cache for the API: the same order for every API address.

1. The rate limit, per client address (portal.client_ip, the address behind our proxy),
   counted in the default cache: Redis when REDIS_URL is set, so every worker and app
   server counts the same client together. It runs before the cache, so a cached answer
   counts too.
2. The public page cache (portal.public_cache.public_page): an answer is kept until the
   data behind the public pages changes, and sent with the same headers as those pages.
"""

import functools
import math

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from portal.client_ip import client_ip
from portal.public_cache import public_page


class ClientAddressThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.API_RATE  # read per request, so a deployment (or a test) can set it

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


def too_many(wait: float | None) -> JsonResponse:
    response = JsonResponse(
        {"detail": _("For mange forespørgsler. Vent lidt, og prøv igen.")},
        status=429,
        json_dumps_params={"ensure_ascii": False},  # "forespørgsler", as DRF writes its JSON
    )
    response["Retry-After"] = str(math.ceil(wait or 1))
    return response


def public_api(view, *, limit: bool = True):
    """Wrap an API view: the rate limit, then the public cache, then the view in Danish.
    `limit=False` for the documentation and its OpenAPI document: a person reading the docs
    must not see a bare 429 because a program at the same address used its quota (fresh
    eyes round 22); they are cached pages that read no data per request."""

    @functools.wraps(view)
    def danish(request, *args, **kwargs):
        with translation.override("da"):
            return view(request, *args, **kwargs)

    cached = public_page(danish)

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        throttle = ClientAddressThrottle()
        if not throttle.allow_request(request, None):
            return too_many(throttle.wait())
        return cached(request, *args, **kwargs)

    if not limit:
        cached.public_page = True
        return cached
    limited.public_page = True  # a public page (tests/test_http_caching.py)
    return limited
