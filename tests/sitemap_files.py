"""The sitemap read as a crawler reads it: the index at /sitemap.xml, then every file it lists
(web/sitemaps.py)."""

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def local(address: str) -> str:
    """The path and query of an absolute address, for the test client."""
    parts = urlsplit(address)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def root(content: bytes):
    return ElementTree.fromstring(content)  # noqa: S314 (the portal's own answer, in a test)


def locations(content: bytes) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", content.decode())


def index_files(client, **request) -> list[str]:
    """The absolute addresses the index lists."""
    response = client.get("/sitemap.xml", **request)
    assert response.status_code == 200
    assert root(response.content).tag == f"{NS}sitemapindex"
    return locations(response.content)


def sitemap_files(client, **request) -> dict[str, bytes]:
    """Every file of the index (its absolute address → its XML), each a 200 urlset."""
    files = {}
    for address in index_files(client, **request):
        response = client.get(local(address), **request)
        assert response.status_code == 200, address
        assert response["Content-Type"] == "application/xml", address
        assert root(response.content).tag == f"{NS}urlset", address
        files[address] = response.content
    return files


def sitemap_addresses(client, **request) -> list[str]:
    """Every address of every file of the sitemap."""
    files = sitemap_files(client, **request).values()
    return [address for content in files for address in locations(content)]


def sitemap_text(client, **request) -> str:
    """All files of the sitemap as one text, to look for an address in."""
    return "\n".join(content.decode() for content in sitemap_files(client, **request).values())
