"""An ordinary refusal (403) logs one line without a traceback; a server error (500) still
logs its traceback."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from portal import views
from portal.models import Department, Municipality, Role, User


@pytest.fixture
def caseworker_client(db):
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    department = Department.objects.create(municipality=municipality, name="Jobcenter")
    user = User.objects.create_user(
        username="sagsbehandler",
        password="x",
        role=Role.CASEWORKER,
        municipality=municipality,
        department=department,
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def request_records(caplog):
    return [r for r in caplog.records if r.name.startswith(("django.request", "django.security"))]


def test_a_refused_page_logs_one_line_without_traceback(caseworker_client, caplog):
    with caplog.at_level(logging.INFO):
        response = caseworker_client.get(reverse("sekretariat:home"))  # staff only
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING
    assert "Forbidden" in record.getMessage()
    assert record.exc_info is None
    assert "Traceback" not in logging.Formatter().format(record)


def test_a_bad_host_logs_without_traceback(db, caplog):
    with caplog.at_level(logging.INFO):
        response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400
    records = request_records(caplog)
    assert records
    assert all(record.exc_info is None for record in records)


def test_a_server_error_keeps_its_traceback(caseworker_client, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.AccessibilityView, "get", broken)
    with caplog.at_level(logging.INFO):
        response = caseworker_client.get(reverse("accessibility"))
    assert response.status_code == 500
    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert "RuntimeError: a bug" in logging.Formatter().format(record)
