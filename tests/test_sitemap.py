"""The sitemap at national scale (issue #17): /sitemap.xml is an index of every page of every
section (web/sitemaps.py), each page a small file, so crawlers reach every public address
and no file costs much. The page size is made small here rather than rows made many."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.public import funded_projects
from tests.sitemap_files import index_files, local, locations, sitemap_addresses, sitemap_files
from web import sitemaps

SECTIONS = list(sitemaps.SITEMAPS)


@pytest.fixture
def small_pages(monkeypatch):
    """Two addresses a file: the demo's sections then have several pages."""
    monkeypatch.setattr(sitemaps.Sitemap, "limit", 2)
    return 2


def pages_by_section(addresses: list[str]) -> dict[str, list[int]]:
    """The page numbers the index lists, by section ("sitemap-projects.xml?p=3" → 3)."""
    found = {}
    for address in addresses:
        match = re.fullmatch(r"http://testserver/sitemap-(\w+)\.xml(?:\?p=(\d+))?", address)
        assert match, address
        found.setdefault(match[1], []).append(int(match[2] or 1))
    return found


@pytest.fixture
def open_call(demo):
    """One of the demo's real pools open for applications: its call is in the sitemap."""
    from grants.models import Pool, PoolStatus

    pool = Pool.objects.filter(is_example=False).order_by("-year", "pk").first()
    Pool.objects.filter(pk=pool.pk).update(status=PoolStatus.OPEN)
    return pool


def test_the_index_lists_every_page_of_every_section_and_no_more(client, open_call, small_pages):
    pages = pages_by_section(index_files(client))
    assert list(pages) == SECTIONS
    for section, numbers in pages.items():
        assert numbers == list(range(1, len(numbers) + 1)), section
        address = reverse("sitemap-section", args=[section])
        last = client.get(f"{address}?p={numbers[-1]}")
        assert last.status_code == 200, section
        if numbers[-1] > 1 or locations(last.content):
            assert len(locations(last.content)) <= small_pages
        # The page after the last one the index lists does not exist: none was left out.
        assert client.get(f"{address}?p={numbers[-1] + 1}").status_code == 404, section
    assert len(pages["projects"]) > 1


def test_a_section_longer_than_a_page_goes_on_on_a_second_page(client, demo, small_pages):
    files = sitemap_files(client)
    first = locations(files["http://testserver/sitemap-projects.xml"])
    second = locations(files["http://testserver/sitemap-projects.xml?p=2"])
    assert len(first) == small_pages
    assert second and not set(second) & set(first)
    assert all(re.fullmatch(r"http://testserver/projekter/\d+/", a) for a in first + second)


def test_every_funded_project_is_reachable_from_the_index(client, demo, small_pages):
    """ProjectSitemap had `limit = 5000` and one file: crawlers never saw the projects after
    the first page."""
    addresses = sitemap_addresses(client)
    assert len(addresses) == len(set(addresses))
    expected = {
        f"http://testserver{reverse('public:project', args=[pk])}"
        for pk in funded_projects().values_list("pk", flat=True)
    }
    assert len(expected) > 2 * small_pages
    assert expected <= set(addresses)


def test_every_address_of_every_file_answers_an_anonymous_visitor(client, demo):
    addresses = sitemap_addresses(client)
    assert len(addresses) > 20
    for address in addresses:
        assert client.get(local(address)).status_code == 200, address


def test_the_index_and_every_file_are_cached_public_pages(client, demo, small_pages):
    for address in ["http://testserver/sitemap.xml", *index_files(client)]:
        response = client.get(local(address))
        assert response.status_code == 200, address
        assert response["Cache-Control"] == "public, max-age=60", address
        assert response["X-Robots-Tag"] == "noindex, noodp, noarchive", address
        again = client.get(local(address), headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304, address
    # Each page of a section is stored under its own address, query included.
    first = client.get("/sitemap-projects.xml")
    assert client.get("/sitemap-projects.xml?p=2").content != first.content


def test_projects_carry_their_lastmod_and_the_index_the_latest(client, demo, small_pages):
    latest = funded_projects().aggregate(latest=Max("updated_at"))["latest"]
    index = client.get("/sitemap.xml").content.decode()
    entries = re.findall(r"<sitemap>\s*<loc>([^<]+)</loc>\s*(?:<lastmod>([^<]+)</lastmod>)?", index)
    projects = [lastmod for loc, lastmod in entries if "/sitemap-projects.xml" in loc]
    assert len(projects) > 1
    assert {datetime.datetime.fromisoformat(lastmod) for lastmod in projects} == {latest}
    page = client.get("/sitemap-projects.xml").content.decode()
    assert page.count("<lastmod>") == page.count("<loc>") == small_pages


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-findes-ikke.xml",
        "/sitemap-projects.xml?p=0",
        "/sitemap-projects.xml?p=-1",
        "/sitemap-projects.xml?p=abc",
        "/sitemap-projects.xml?p=1.5",
        "/sitemap-projects.xml?p=99999",
        "/sitemap-static.xml?p=2",
        # The first file again under other addresses (fresh eyes round 42).
        "/sitemap-projects.xml?p=01",
        "/sitemap-projects.xml?p=%2B1",
        "/sitemap-projects.xml?p=%201",
        "/sitemap-projects.xml?p=%EF%BC%91",  # a full-width 1
    ],
)
def test_an_unknown_section_or_page_is_not_found(client, demo, address):
    assert client.get(address).status_code == 404
    # Not a 304 either, whatever the visitor claims to hold (tests/test_http_caching.py).
    assert client.get(address, headers={"If-None-Match": "*"}).status_code == 404


def test_every_public_page_type_is_in_the_sitemap(client, demo):
    """Fresh eyes: the indicators' pages (linked from every goal and barometer) and the
    accessibility statement (linked from every page's footer) answer anonymous visitors,
    carry a canonical link, and were missing from every file of the sitemap."""
    from indicators.models import Indicator

    addresses = set(sitemap_addresses(client))
    indicators = {
        f"http://testserver{reverse('barometer:indicator', args=[pk])}"
        for pk in Indicator.objects.values_list("pk", flat=True)
    }
    assert len(indicators) > 2
    assert indicators <= addresses
    assert f"http://testserver{reverse('accessibility')}" in addresses


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps no counts; it counts live"
)
def test_no_file_counts_or_skips_every_funded_project(client, demo, small_pages):
    """Issue #17: every file and the index counted every funded project in the country (10 ms
    of the database's time at 50,000), and a page skipped every earlier project by OFFSET
    (27 ms for the last of 150 pages). The number comes from the counts PostgreSQL keeps;
    a page starts at its first id, found among the ids alone."""
    pages = pages_by_section(index_files(client))["projects"]
    assert len(pages) > 2
    for address in ["/sitemap.xml", *(f"/sitemap-projects.xml?p={n}" for n in pages)]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        for query in queries.captured_queries:
            sql = query["sql"]
            assert not re.search(r'COUNT\(.*FROM "grants_application"', sql), (address, sql)
            if 'FROM "grants_application"' in sql and "OFFSET" in sql:
                # Only the subquery of the page's first id skips: the page reads its rows.
                assert re.search(r"LIMIT 1 OFFSET \d+\)\) ORDER BY [^()]* LIMIT \d+$", sql), sql


def test_no_file_the_index_lists_is_empty(client, demo, small_pages):
    for address, content in sitemap_files(client).items():
        assert locations(content), address


def test_a_section_without_addresses_is_left_out_of_the_index_but_answers(client, demo):
    """Fresh eyes round 42: with no pool open the index listed the calls' file, empty."""
    from grants.models import Pool, PoolStatus

    Pool.objects.filter(status=PoolStatus.OPEN).update(status=PoolStatus.CLOSED)
    pages = pages_by_section(index_files(client))
    assert "calls" not in pages
    assert list(pages) == [section for section in SECTIONS if section != "calls"]
    response = client.get(reverse("sitemap-section", args=["calls"]))
    assert response.status_code == 200
    assert locations(response.content) == []
