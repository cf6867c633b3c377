"""HTTP caching of the anonymous public pages (portal.public_cache): Cache-Control public,
ETag and Last-Modified from the data version, 304 Not Modified on a matching conditional
request; never for signed-in visitors or staff pages."""

import re
from decimal import Decimal

import pytest
from django.urls import URLResolver, get_resolver, reverse

from grants.models import Allocation, Application, Pool
from indicators.models import Indicator
from policies.models import Goal, Policy
from portal.models import User


def all_patterns(patterns=None, prefix=""):
    """(pattern, view) of every URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from all_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def public_patterns():
    """Every URL pattern whose view is a cached public page (@public_page)."""
    for pattern, callback in all_patterns():
        dispatch = getattr(getattr(callback, "view_class", None), "dispatch", None)
        if getattr(callback, "public_page", False) or getattr(dispatch, "public_page", False):
            yield pattern


def example_urls() -> dict[str, str]:
    """An address of the demo data for every public pattern."""
    project = Application.objects.get(title="Kvinder i job")
    pool = Pool.objects.select_related("municipality").filter(allocations__isnull=False).first()
    policy = Policy.objects.select_related("municipality").first()
    goal = Goal.objects.first()
    indicator = Indicator.objects.first()
    open_pool = Pool.objects.filter(status="open").first()
    # A round of another scheme than the integration pool (Copenhagen's § 18 pool).
    round_ = (
        Pool.objects.select_related("municipality")
        .exclude(scheme__name="Integrationspuljen")
        .filter(allocations__isnull=False)
        .first()
    )
    return {
        "": "/",
        "sitemap.xml": "/sitemap.xml",
        "sitemap-<str:section>.xml": "/sitemap-projects.xml",
        "data/katalog.jsonld": "/data/katalog.jsonld",
        "projekter/": "/projekter/",
        "projekter/<int:pk>/": reverse("public:project", args=[project.pk]),
        "puljer/": "/puljer/",
        "puljer/<slug:kommune>/<int:aar>/": f"/puljer/{pool.municipality.slug}/{pool.year}/",
        "puljer/soeg/<int:pk>/": reverse("public:call", args=[open_pool.pk]),
        "puljer/<slug:kommune>/<int:aar>/<int:pk>/": reverse(
            "public:pool-round",
            args=[round_.municipality.slug, round_.year, round_.pk],
        ),
        "data/": "/data/",
        # The downloads (fresh eyes round 22: no validators, every poll got everything).
        "data/projekter.csv": "/data/projekter.csv",
        "data/projekter.xlsx": "/data/projekter.xlsx",
        "data/360giving.json": "/data/360giving.json",
        "data/<slug:kommune>/360giving.json": f"/data/{project.municipality.slug}/360giving.json",
        "data/<slug:kommune>/projekter.csv": f"/data/{project.municipality.slug}/projekter.csv",
        "politikker/": "/politikker/",
        "politikker/maal/<int:pk>/": f"/politikker/maal/{goal.pk}/",
        "politikker/<slug:kommune>/<slug:slug>/": (
            f"/politikker/{policy.municipality.slug}/{policy.slug}/"
        ),
        "barometer/": "/barometer/",
        "barometer/indikator/<int:pk>/": f"/barometer/indikator/{indicator.pk}/",
        "barometer/indikator/<int:pk>.csv": f"/barometer/indikator/{indicator.pk}.csv",
        "barometer/<slug:kommune>/<slug:slug>/": (
            f"/barometer/{policy.municipality.slug}/{policy.slug}/"
        ),
        "tilgaengelighed/": "/tilgaengelighed/",
        "api/v1/": "/api/v1/",
        "api/v1/projekter/": "/api/v1/projekter/",
        "api/v1/projekter/<int:pk>/": f"/api/v1/projekter/{project.pk}/",
        "api/v1/puljer/": "/api/v1/puljer/",
        "api/v1/puljer/<int:pk>/": f"/api/v1/puljer/{pool.pk}/",
        "api/v1/politikker/": "/api/v1/politikker/",
        "api/v1/politikker/<int:pk>/": f"/api/v1/politikker/{policy.pk}/",
        "api/v1/indikatorer/": "/api/v1/indikatorer/",
        "api/v1/indikatorer/<int:pk>/": f"/api/v1/indikatorer/{indicator.pk}/",
        "api/v1/openapi.json": "/api/v1/openapi.json",
        "api/v1/docs/": "/api/v1/docs/",
        "api/v1/^(?P<rest>[\\s\\S]*)$": None,  # the API's 404 answer: never cached
        "projekter/?q=sprog": "/projekter/?q=sprog",
    }


def test_every_public_page_is_covered_here(demo):
    assert set(public_patterns()) <= set(example_urls())


def test_every_open_data_address_is_a_public_page(client, demo):
    """Every address under /data/ (the downloads too) carries the validators, so harvesters
    can poll them (fresh eyes round 22)."""
    data = {
        pattern
        for pattern, _callback in all_patterns()
        if pattern.startswith("data/")
        or (pattern.startswith("barometer/") and pattern.endswith(".csv"))
    }
    assert len(data) >= 8
    assert data <= set(public_patterns())
    # And any web page may read it (portal.middleware.open_data).
    urls = example_urls()
    for pattern in data:
        response = client.get(urls[pattern])
        assert response["Access-Control-Allow-Origin"] == "*", pattern
        # A harvester's HEAD gets the validators too (fresh eyes round 23).
        head = client.head(urls[pattern])
        assert head["ETag"] == response["ETag"], pattern


@pytest.mark.django_db
def test_every_public_page_is_http_cacheable_and_answers_a_conditional_request(client, demo):
    urls = example_urls()
    for pattern in public_patterns():
        url = urls[pattern]
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=60", url
        assert response["ETag"].startswith('W/"'), url
        assert "Cookie" in response["Vary"], url
        assert response["Last-Modified"].endswith(" GMT"), url
        again = client.get(url, headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == response["ETag"]
        assert "Content-Security-Policy" not in again  # the stored page's nonce stays valid
        since = client.get(url, headers={"If-Modified-Since": response["Last-Modified"]})
        assert since.status_code == 304, url


def test_a_conditional_request_for_another_page_or_an_old_version_gets_the_page(client, demo):
    first = client.get("/projekter/")
    other = client.get("/puljer/", headers={"If-None-Match": first["ETag"]})
    assert other.status_code == 200
    assert client.get("/projekter/", headers={"If-None-Match": 'W/"old"'}).status_code == 200


def test_a_data_change_changes_the_etag(client, demo):
    project = Application.objects.get(title="Kvinder i job")
    url = reverse("public:project", args=[project.pk])
    before = client.get(url)
    allocation = Allocation.objects.get(application=project)
    allocation.amount = Decimal("149000")
    allocation.save()
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "149.000 kr." in after.content.decode()
    assert client.get(url, headers={"If-None-Match": after["ETag"]}).status_code == 304


def test_the_language_gives_another_etag(client, demo):
    danish = client.get("/projekter/")
    client.post(reverse("set_language"), {"language": "en", "next": "/projekter/"})
    english = client.get("/projekter/", headers={"If-None-Match": danish["ETag"]})
    assert english.status_code == 200
    assert english["ETag"] != danish["ETag"]


def test_a_visitor_with_a_session_cookie_gets_no_public_caching(client, demo):
    client.cookies["sessionid"] = "expired-or-forged"
    response = client.get("/projekter/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("ETag")


def test_signed_in_visitors_never_get_public_caching(client, demo):
    client.force_login(User.objects.get(username="frb-sekretariat"))
    for url in ("/projekter/", "/puljer/", "/barometer/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" not in response.get("Cache-Control", "")
        assert "no-store" in response["Cache-Control"]
        assert not response.has_header("ETag")
        plain = client.get(url, headers={"If-None-Match": '"x"', "If-Modified-Since": "x"})
        assert plain.status_code == 200


def test_staff_pages_never_get_public_caching(client, demo):
    pool = Pool.objects.filter(municipality__slug="frederiksberg").first()
    staff_pages = ("/mine/", f"/sekretariat/puljer/{pool.pk}/ansoegninger/")
    for url in staff_pages:  # anonymous: sent to the login page, not cached
        response = client.get(url)
        assert response.status_code == 302
        assert "public" not in response.get("Cache-Control", "")
    client.force_login(User.objects.get(username="frb-sekretariat"))
    response = client.get(staff_pages[1])
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_no_http_caching_when_switched_off(client, demo, settings):
    settings.PUBLIC_HTTP_MAX_AGE = 0
    response = client.get("/projekter/")
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"


def address_of_nothing(pattern: str) -> str:
    """The pattern with ids and slugs that lead nowhere."""
    if pattern.startswith("api/v1/^"):
        return "/api/v1/findes-ikke/"
    path = re.sub(r"<int:\w+>", "99999", pattern)
    return "/" + re.sub(r"<(slug|str):\w+>", "findes-ikke", path)


def test_no_304_for_an_address_of_nothing_and_none_for_a_date_in_the_future(client, demo):
    """Attack round 7: `If-Modified-Since: 2100-01-01` got 304 for every public address,
    /projekter/99999/ too, as the check ran before the page was looked up. A 304 only where
    the page would be a 200, and a validator dated in the future is ignored (RFC 9110)."""
    urls = example_urls()
    real = client.get("/projekter/")
    conditions = [
        {"If-Modified-Since": FUTURE},
        {"If-Modified-Since": real["Last-Modified"]},
        {"If-None-Match": "*"},
        {"If-None-Match": real["ETag"], "If-Modified-Since": FUTURE},
    ]
    missing = {address_of_nothing(p) for p in public_patterns() if "<" in p or "^" in p}
    assert "/projekter/99999/" in missing and "/api/v1/puljer/99999/" in missing
    for url in sorted(missing):
        plain = client.get(url)
        assert plain.status_code == 404, url
        for headers in conditions:
            response = client.get(url, headers=headers)
            assert response.status_code == 404, (url, headers)
            assert not response.has_header("ETag"), url
    for pattern in public_patterns():
        url = urls[pattern]
        if url is None:
            continue
        response = client.get(url, headers={"If-Modified-Since": FUTURE})
        assert response.status_code == 200, url  # the date is ignored: the page
        assert response.getvalue(), url
