"""The documented proxy limit lets through what the portal itself allows in one request (a
case message with 5 files of 10 MB), and a request over it gets a Danish page, not nginx's
English 413 (attack round 7: the nginx example said 25m while one message may carry 50 MB)."""

import re
from pathlib import Path

from django.conf import settings

from grants.services.messages import MAX_FILES, TEXT_LIMIT
from portal.settings import ATTACHMENT_MAX_BYTES as DEFAULT_ATTACHMENT_MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text()
PAGE = ROOT / "static" / "errors" / "413.html"
NGINX_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "": 1}


def nginx_body_limit() -> int:
    found = re.findall(r"client_max_body_size\s+(\d+)([kmg]?);", DEPLOYMENT, re.IGNORECASE)
    assert len(found) == 1, found
    number, unit = found[0]
    return int(number) * NGINX_UNITS[unit.lower()]


def test_the_proxy_lets_the_largest_message_through():
    largest = MAX_FILES * DEFAULT_ATTACHMENT_MAX_BYTES + 4 * TEXT_LIMIT  # UTF-8: ≤ 4 bytes
    assert nginx_body_limit() >= largest + 1_000_000  # room for the form and multipart
    # Not far above: the limit is there to refuse what the portal would refuse anyway.
    assert nginx_body_limit() <= largest + 5 * 1024**2


def test_a_request_over_the_proxy_limit_gets_the_shipped_danish_page():
    assert re.search(r"error_page\s+413\s+/413\.html;", DEPLOYMENT)
    assert "static/errors/413.html" in DEPLOYMENT
    page = PAGE.read_text()
    assert '<html lang="da">' in page and "Filerne er for store" in page
    megabytes = DEFAULT_ATTACHMENT_MAX_BYTES // 1_000_000
    assert f"Hver fil må højst fylde {megabytes} MB." in page
    assert f"højst vedhæftes {MAX_FILES} filer til en besked" in page


def test_the_documented_limits_are_the_settings():
    assert settings.ATTACHMENT_MAX_BYTES == DEFAULT_ATTACHMENT_MAX_BYTES == 10_000_000
    assert f"`DATA_UPLOAD_MAX_MEMORY_SIZE` ({settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 10**6} MB" in (
        DEPLOYMENT
    )
    assert f"at most {MAX_FILES} files to one case message" in DEPLOYMENT


def test_form_fields_over_the_memory_limit_get_the_portals_400_page(client, db):
    response = client.post("/login/", {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE)})
    assert response.status_code == 400
    assert '<html lang="da">' in response.content.decode()
