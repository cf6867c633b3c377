"""Public pages are cached for anonymous visitors and are never stale after a change."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from grants.models import Allocation, Application
from portal.models import User


def test_cached_page_is_served_with_fewer_queries(client, demo, django_assert_max_num_queries):
    url = reverse("public:catalogue")
    client.get(url)
    with django_assert_max_num_queries(3):  # session/user lookup at most; no page queries
        second = client.get(url)
    assert "Kvinder i job" in second.content.decode()


def test_a_change_is_visible_at_once(client, demo):
    url = reverse("public:project", args=[Application.objects.get(title="Kvinder i job").pk])
    assert "150.000 kr." in client.get(url).content.decode()
    allocation = Allocation.objects.get(application__title="Kvinder i job")
    allocation.amount = Decimal("149000")
    allocation.save()
    html = client.get(url).content.decode()
    assert "149.000 kr." in html and "150.000 kr." not in html


def test_cached_page_gets_the_new_requests_csp_nonce(client, demo):
    url = reverse("public:pools")
    for _ in range(2):
        response = client.get(url)
        nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert f'nonce="{nonce}"' in response.content.decode()


def test_logged_in_users_and_languages_are_not_mixed(client, demo):
    url = reverse("public:catalogue")
    client.get(url)
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert '<html lang="en">' in client.get(url).content.decode()
    client.force_login(User.objects.get(username="frb-sekretariat"))
    assert "Demo Sekretariat" in client.get(url).content.decode()


def test_language_switch_works_from_a_cached_page(demo):
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/")
    response = visitor.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_changes_no_public_page_shows_keep_the_cache(client, demo):
    """A login (last_login) or a draft's autosave must not empty the national cache."""
    from portal.public_cache import current_version

    client.get(reverse("public:catalogue"))
    before = current_version()
    staff = User.objects.get(username="frb-sekretariat")
    staff.last_login = staff.date_joined
    staff.save()
    funded = Application.objects.get(title="Kvinder i job")
    draft = Application.objects.create(
        municipality=funded.municipality,
        pool=funded.pool,
        department=funded.department,
        title="Kladde",
    )
    draft.description = "Ændret i en kladde"
    draft.save()
    draft.goals.set([])
    assert current_version() == before


def test_funding_and_unfunding_a_project_change_the_public_pages(client, demo):
    """A project entering or (by an administrator's edit) leaving the funded statuses."""
    url = reverse("public:catalogue")
    project = Application.objects.get(title="Kvinder i job")
    assert "Kvinder i job" in client.get(url).content.decode()
    project.status = "in_review"
    project.save()
    assert "Kvinder i job" not in client.get(url).content.decode()
    project.status = "approved"
    project.save()
    assert "Kvinder i job" in client.get(url).content.decode()


def test_editing_a_funded_projects_goals_shows_at_once(client, demo):
    project = Application.objects.get(title="Kvinder i job")
    url = reverse("public:project", args=[project.pk])
    goal_link = reverse("politikker:goal", args=[project.goals.first().pk])
    assert goal_link in client.get(url).content.decode()
    project.goals.clear()
    assert goal_link not in client.get(url).content.decode()


def _redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(
    not _redis_reachable(), reason="needs Redis at 127.0.0.1:6379 (present on CI machines)"
)
def test_with_redis_every_worker_sees_the_same_pages_and_invalidation(client, demo, settings):
    """REDIS_URL as in production: the cache and its version number live in Redis, so a
    change made through one worker invalidates the page for all of them."""
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    from portal.public_cache import VERSION_KEY, current_version

    location = "redis://127.0.0.1:6379/14"
    redis = {"BACKEND": "portal.redis_cache.RedisCache", "LOCATION": location}
    settings.CACHES = {**settings.CACHES, "default": redis}
    cache.clear()
    other_worker = RedisCache(location, {})
    try:
        url = reverse("public:project", args=[Application.objects.get(title="Kvinder i job").pk])
        assert "150.000 kr." in client.get(url).content.decode()
        assert "150.000 kr." in client.get(url).content.decode()  # a hit, unpickled from Redis
        assert other_worker.get(VERSION_KEY) == current_version()
        redis_client = other_worker._cache.get_client()
        assert list(redis_client.scan_iter(match=":1:public-page:*"))  # the page is in Redis
        allocation = Allocation.objects.get(application__title="Kvinder i job")
        allocation.amount = Decimal("149000")
        allocation.save()
        assert other_worker.get(VERSION_KEY) == current_version()  # the bump is shared
        # This worker's own copy of the page is of the old version: not served.
        assert "149.000 kr." in client.get(url).content.decode()
        assert cache._cache.get_client() is cache._cache.get_client()  # one client, reused
    finally:
        cache.clear()


def test_a_change_invalidates_again_when_its_transaction_commits(
    demo, django_capture_on_commit_callbacks
):
    """A page rendered from the old data between the save and the commit must not stay
    current: the version moves on once more at commit, once per transaction."""
    from django.db import transaction

    from portal.public_cache import current_version

    allocation = Allocation.objects.get(application__title="Kvinder i job")
    before = current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        allocation.amount = Decimal("149000")
        allocation.save()
        allocation.save()
        assert current_version() == before + 2
    assert len(callbacks) == 1
    assert current_version() == before + 3


def test_with_the_cache_off_no_stored_page_is_served(client, demo, settings):
    url = reverse("public:project", args=[Application.objects.get(title="Kvinder i job").pk])
    client.get(url)  # stored while the cache was on
    Allocation.objects.filter(application__title="Kvinder i job").update(amount=Decimal(1))
    settings.PUBLIC_CACHE_SECONDS = 0  # update() sends no signal; only a fresh render shows it
    assert "1 kr." in client.get(url).content.decode()


def test_a_lost_version_number_never_reuses_one_pages_carry(client, demo):
    from django.core.cache import cache

    from portal.public_cache import VERSION_KEY, current_version

    url = reverse("public:project", args=[Application.objects.get(title="Kvinder i job").pk])
    client.get(url)
    old = current_version()
    cache.delete(VERSION_KEY)  # e.g. evicted from a full cache
    Allocation.objects.filter(application__title="Kvinder i job").update(amount=Decimal(2))
    assert current_version() > old
    assert "2 kr." in client.get(url).content.decode()


def test_a_release_does_not_serve_the_old_codes_pages(client, demo):
    """A cached page names the release's static files by their hashed names; after the next
    release's `migrate` it must be rendered again, not served with names that are gone."""
    from django.core.management import call_command

    url = reverse("public:project", args=[Application.objects.get(title="Kvinder i job").pk])
    client.get(url)
    Allocation.objects.filter(application__title="Kvinder i job").update(amount=Decimal(3))
    call_command("migrate", verbosity=0)  # nothing to apply: as a release with no migrations
    assert "3 kr." in client.get(url).content.decode()


def test_a_stored_page_is_answered_before_the_session_and_the_user_with_the_same_headers(
    client, demo, django_assert_num_queries
):
    """Issue 17: a hit for a visitor without a session is answered right after the language
    is chosen (PublicPageHitMiddleware), not after the session, user, OTP, axes and URL
    resolver; it must still carry every header the rendered page had."""
    url = reverse("public:catalogue")
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert not hasattr(second.wsgi_request, "user")  # AuthenticationMiddleware never ran
    assert set(second.headers) == set(first.headers)
    for name in (
        "X-Frame-Options",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cache-Control",
        "Vary",
        "ETag",
        "Content-Type",
    ):
        assert second[name] == first[name], name
    assert int(second["Content-Length"]) == len(second.content)
    nonce = second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in second.content.decode()

    # Whoever holds a session cookie, or a message waiting in a cookie, goes the whole way:
    # they may be signed in, or have something to be told on this very page.
    client.cookies["sessionid"] = "no-such-session"
    assert hasattr(client.get(url).wsgi_request, "user")
    del client.cookies["sessionid"]
    client.cookies["messages"] = "x"
    assert hasattr(client.get(url).wsgi_request, "user")
    del client.cookies["messages"]


@pytest.mark.parametrize("name", ["api:root", "api:pools", "api:projects", "api:schema"])
def test_a_stored_api_answer_is_answered_early_and_counted_against_the_rate(
    client, demo, name, django_assert_num_queries
):
    """Issue 17: a cached API answer went the whole way through the middleware and DRF's
    throttle (a list of every request's time, read and written whole): 46-66 % of a bare
    view. It is answered as early as a page now, with the same headers, and its guard (the
    rate limit) still counts it; the OpenAPI document has no limit."""
    cache.clear()
    url = reverse(name)
    with override_settings(API_RATE="2/min"):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        third = client.get(url)
    assert first.status_code == second.status_code == 200
    assert not hasattr(second.wsgi_request, "user")  # answered before the session and user
    assert set(second.headers) == set(first.headers), set(second.headers) ^ set(first.headers)
    for header in ("Cache-Control", "Vary", "ETag", "Content-Type", "X-Content-Type-Options"):
        assert second[header] == first[header], header
    assert second.content == first.content
    assert not hasattr(third.wsgi_request, "user")
    if name == "api:schema":
        assert third.status_code == 200
    else:
        assert third.status_code == 429
        assert 0 < int(third["Retry-After"]) <= 60


def test_a_miss_is_looked_up_once_and_a_lookup_alone_uses_no_nonce(client, demo, monkeypatch):
    """Review of session 18: with PublicPageHitMiddleware a page rendered afresh was looked up
    in the shared cache twice (middleware, then the view's decorator)."""
    from portal import public_cache

    calls = []
    real = public_cache._version_and_changed
    monkeypatch.setattr(public_cache, "_version_and_changed", lambda: calls.append(1) or real())
    first = client.get(reverse("public:catalogue"))
    assert first.status_code == 200 and len(calls) == 1
    # The stored page is then served, its nonce the new request's.
    second = client.get(reverse("public:catalogue"))
    nonce = second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in second.content.decode() and len(calls) == 2
