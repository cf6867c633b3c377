"""Attack round 6 (H): `aar=1e999` gave two messages (»≤ 2100« and »≤ 1e+50«), `aar=2027.5`
was accepted; a forged submit of a withdrawn application said »allerede indsendt«."""

import json

import pytest
from django.urls import reverse

from grants.models import ApplicationStatus
from tests.form_pages import parse_forms
from tests.test_caseworker_forms import cw, draft  # noqa: F401 (fixtures)


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/api/v1/projekter/", "/api/v1/puljer/"])
@pytest.mark.parametrize("year", ["1e999", "2027.5", "2027,5", "-1", "99999"])
def test_a_year_is_a_whole_number_with_one_message(client, address, year):
    response = client.get(address, {"aar": year})
    assert response.status_code == 400, (address, year)
    body = json.loads(response.content)
    text = json.dumps(body, ensure_ascii=False)
    assert "1e+50" not in text and "1e50" not in text
    messages = body.get("aar") or body.get("detail", {}).get("aar") or []
    assert len(messages) == 1, body


@pytest.mark.django_db
def test_the_catalogue_refuses_a_fractional_year(client):
    response = client.get(reverse("public:catalogue"), {"aar": "2027.5"})
    html = response.content.decode()
    assert "1e+50" not in html
    assert "Skriv et årstal" in html or response.status_code == 400


@pytest.mark.django_db
def test_a_withdrawn_application_says_so_when_submitted_again(cw, draft):  # noqa: F811
    submit = reverse("mine:submit", args=[draft.pk])
    withdraw = reverse("mine:withdraw", args=[draft.pk])
    page = cw.get(withdraw).content.decode()
    [form] = [f for f in parse_forms(page) if f.action in ("", withdraw)][-1:]
    cw.post(withdraw, form.data())
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN

    response = cw.post(submit, follow=True)  # the form is no longer shown: forged
    html = response.content.decode()
    assert "trukket tilbage og kan ikke længere indsendes" in html
    assert "allerede indsendt" not in html
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN
