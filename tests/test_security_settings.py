"""Production settings pass Django's deployment checklist; headers protect every page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "integration.kommune.dk",
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # not connected to by the checks
    "PORTAL_BASE_URL": "https://integration.kommune.dk",
}


def check_deploy(**changes) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SECURE_")
        and key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")  # browser tests; this machine
    }
    env |= PRODUCTION_ENV | {"DJANGO_SETTINGS_MODULE": "portal.settings"}
    env |= changes
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_workers_would_not_share_the_public_cache():
    result = check_deploy(REDIS_URL=None)
    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr
    assert "REDIS_URL" in result.stdout + result.stderr
    assert check_deploy(REDIS_URL=None, PUBLIC_CACHE_SECONDS="0").returncode == 0


@pytest.mark.parametrize("path", ["/", "/projekter/", "/login/"])
def test_security_headers_on_every_page(client, db, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]  # attack round 14
    assert "Access-Control-Allow-Origin" not in response  # only the open API and data


def test_the_open_api_may_be_read_from_any_web_page(client, db):
    """Attack round 14: the open-data files allowed it, the read API did not."""
    response = client.get("/api/v1/")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_every_script_tag_carries_the_requests_nonce(client, db):
    response = client.get(reverse("home"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert html.count("<script") == html.count(f'nonce="{nonce}"') > 0


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_not_stored(client, caseworker, staff_user):
    """Attack finding: /mine/ pages had no Cache-Control; on a shared computer the back
    button could show another person's application."""
    for user, url in ((caseworker, "/mine/"), (staff_user, "/sekretariat/")):
        client.force_login(user)
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
    client.logout()
    assert "no-store" not in client.get("/").get("Cache-Control", "")
