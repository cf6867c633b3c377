"""Rate limit and cache for the API: the same order for every API address.

1. The rate limit, per client address (portal.client_ip, the address behind our proxy),
   counted in the default cache (portal.rate_limits): Redis when REDIS_URL is set, so every
   worker and app server counts the same client together. It is the cached answers' guard
   (portal.public_cache), so a cached answer counts too, also one answered before the view.
2. The public page cache (portal.public_cache.public_page): an answer is kept until the
   data behind the public pages changes, and sent with the same headers as those pages.
"""

import functools
import math

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.client_ip import client_ip
from portal.public_cache import public_page
from portal.rate_limits import parse_rate, wait_after_use


def too_many(wait: float | None) -> JsonResponse:
    # In Danish like every other API answer (`public_api`): the guard runs before the view's
    # `translation.override`, so a visitor with the English cookie got an English refusal.
    with translation.override("da"):
        detail = _("For mange forespørgsler. Vent lidt, og prøv igen.")
    response = JsonResponse(
        {"detail": detail},
        status=429,
        json_dumps_params={"ensure_ascii": False},  # "forespørgsler", as DRF writes its JSON
    )
    response["Retry-After"] = str(math.ceil(wait or 1))
    response["Content-Language"] = "da"  # else LocaleMiddleware names the visitor's language
    return response


def over_rate(request) -> JsonResponse | None:
    """Counts the request against its client address's API_RATE; the 429 once it is over.
    The guard of every rate-limited API answer (public_page's `guard`)."""
    limit, seconds = parse_rate(settings.API_RATE)  # per request: a test can set it
    wait = wait_after_use(f"api-rate:{client_ip(request)}", limit, seconds)
    return None if wait is None else too_many(wait)


def public_api(view, *, limit: bool = True):
    """Wrap an API view: the rate limit, then the public cache, then the view in Danish.
    `limit=False` for the documentation and its OpenAPI document: a person reading the docs
    must not see a bare 429 because a program at the same address used its quota (fresh
    eyes round 22); they are cached pages that read no data per request."""

    @functools.wraps(view)
    def danish(request, *args, **kwargs):
        with translation.override("da"):
            response = view(request, *args, **kwargs)
        # Said by the answer itself, so it is stored with a cached answer: else
        # LocaleMiddleware names the visitor's language (English with the cookie) over a
        # Danish body (attack round of session 25).
        response.headers.setdefault("Content-Language", "da")
        return response

    return public_page(danish, guard=over_rate if limit else None)
