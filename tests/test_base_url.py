"""Absolute addresses (open data, sitemap, robots.txt, canonical links, e-mails) come from
PORTAL_BASE_URL when it is set, otherwise from the request: never a fixed 127.0.0.1:8000."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from grants.models import ApplicationStatus
from tests.sitemap_files import index_files, sitemap_addresses
from tests.test_security_settings import check_deploy

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = "https://data.kommune.dk"  # the host a visitor used, when PORTAL_BASE_URL is unset
CONFIGURED = "https://integration.kommune.dk"


@pytest.fixture
def outside_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "data.kommune.dk"]
    return {"HTTP_HOST": "data.kommune.dk", "secure": True}


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def absolute_links(client, **request) -> dict[str, list[str]]:
    """Every absolute address a machine or a search engine reads, by where it was found."""
    rows = csv.DictReader(io.StringIO(body(client.get("/data/projekter.csv", **request))))
    package = json.loads(body(client.get("/data/360giving.json", **request)))
    grants = package["grants"]
    robots = body(client.get("/robots.txt", **request))
    home = body(client.get("/projekter/", **request))
    return {
        "projekter.csv url": [row["url"] for row in rows],
        "360giving url": [grant["url"] for grant in grants],
        "360giving dataSource": [grant["dataSource"] for grant in grants],
        "360giving grantProgramme": [p["url"] for g in grants for p in g["grantProgramme"]],
        "sitemap.xml": index_files(client, **request),
        "sitemap files": sitemap_addresses(client, **request),
        "robots.txt": re.findall(r"Sitemap: (\S+)", robots),
        "canonical": re.findall(r'<link rel="canonical" href="([^"]+)"', home),
    }


def test_without_portal_base_url_links_use_the_address_the_visitor_used(client, demo, outside_host):
    links = absolute_links(client, **outside_host)

    for where, urls in links.items():
        assert urls, where
        assert all(url.startswith(f"{OUTSIDE}/") for url in urls), (where, urls[:3])
    assert links["canonical"] == [f"{OUTSIDE}/projekter/"]
    assert links["robots.txt"] == [f"{OUTSIDE}/sitemap.xml"]


def test_portal_base_url_wins_over_the_request(client, demo, settings, outside_host):
    settings.PORTAL_BASE_URL = CONFIGURED

    for request in ({}, outside_host):  # testserver, and a host the proxy passed on
        links = absolute_links(client, **request)
        for where, urls in links.items():
            assert urls, where
            assert all(url.startswith(f"{CONFIGURED}/") for url in urls), (where, urls[:3])


def test_a_cached_page_is_not_served_with_another_hosts_links(client, demo, outside_host):
    first = body(client.get("/projekter/"))  # cached for http://testserver
    assert '<link rel="canonical" href="http://testserver/projekter/">' in first

    second = body(client.get("/projekter/", **outside_host))

    assert f'<link rel="canonical" href="{OUTSIDE}/projekter/">' in second


def test_mail_links_use_portal_base_url(
    client, settings, staff_user, make_application, owner, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.PORTAL_BASE_URL = CONFIGURED
    application = make_application(
        title="Kvinder i job", status=ApplicationStatus.SUBMITTED, created_by=owner
    )
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sekretariat:return", args=[application.pk]), {"comment": "Ret."})

    [mail] = mailoutbox
    assert f"{CONFIGURED}{reverse('mine:detail', args=[application.pk])}\n" in mail.body


def run_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "value", ["integration.kommune.dk", "https://integration.kommune.dk/portal", "ftp://x.dk"]
)
def test_a_portal_base_url_that_is_not_scheme_and_host_is_refused(value):
    result = run_settings(PORTAL_BASE_URL=value)
    assert result.returncode != 0
    assert "PORTAL_BASE_URL" in result.stderr and "scheme and host only" in result.stderr


def test_a_portal_base_url_with_a_trailing_slash_is_accepted():
    assert run_settings(PORTAL_BASE_URL=f"{CONFIGURED}/").returncode == 0


def test_check_deploy_warns_without_portal_base_url():
    assert check_deploy(PORTAL_BASE_URL=CONFIGURED).returncode == 0
    result = check_deploy(PORTAL_BASE_URL=None)
    assert result.returncode != 0
    assert "portal.W002" in result.stdout + result.stderr
