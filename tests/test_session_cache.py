"""With the shared cache (REDIS_URL), sessions are read from Redis before the database
(django's cached_db engine): a signed-in request asks the database one query less. Signing
out, or out everywhere, must still end the session for every worker at once."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.sessions import do_log_out_everywhere
from tests.settings_probe import setting_with
from tests.test_public_cache import _redis_reachable


def engine_with(**env) -> str:
    return setting_with("settings.SESSION_ENGINE", without=("REDIS_URL",), **env)


def test_sessions_are_cached_only_in_a_shared_cache():
    assert engine_with(REDIS_URL="redis://127.0.0.1:6379/0").endswith(".cached_db")
    # A worker's own memory would keep a session another worker signed out.
    assert engine_with().endswith(".db")


@pytest.fixture
def redis_sessions(settings):
    from django.core.cache import cache

    redis = {"BACKEND": "portal.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/14"}
    settings.CACHES = {**settings.CACHES, "default": redis}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    yield
    cache.clear()


@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis at 127.0.0.1:6379")
@pytest.mark.parametrize("how", ["sign out", "sign out everywhere"])
def test_ending_a_session_ends_it_for_every_worker(redis_sessions, caseworker, how):
    dashboard = reverse("mine:dashboard")
    here, other_worker = Client(), Client()
    here.force_login(caseworker)
    other_worker.cookies["sessionid"] = here.cookies["sessionid"].value
    assert other_worker.get(dashboard).status_code == 200  # now in the cache
    if how == "sign out":
        here.post(reverse("logout"))
    else:
        caseworker.refresh_from_db()
        do_log_out_everywhere(actor=caseworker)
    assert other_worker.get(dashboard).status_code == 302
    assert here.get(dashboard).status_code == 302
