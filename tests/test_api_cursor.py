"""Every list of the API refuses a cursor (»efter«) it did not make with a JSON 400 that says
so. A made-up `p=abc` went on to the database and answered an HTML 500 (attack round 7)."""

import base64
import json

import pytest
from django.urls import URLPattern

from web.api import urls as api_urls


def list_paths() -> list[str]:
    """The API's addresses whose view pages its rows (found, not listed by hand)."""
    return sorted(
        "/api/v1/" + str(entry.pattern)
        for entry in api_urls.urlpatterns
        if isinstance(entry, URLPattern)
        and getattr(getattr(entry.callback, "view_class", None), "pagination_class", None)
    )


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


BROKEN = [
    b64("p=abc"),
    b64("p=1e999"),
    b64("p=%00"),
    b64("p="),
    b64("p=-1"),
    b64("p=1.5"),
    b64("p=%EF%BC%91"),  # a full-width 1
    b64("p=99999999999999999999"),
    b64("o=3&p=1"),
    b64("o=abc"),
    b64("r=abc"),
    "!!!",
    "cD1hYmM",  # base64 without its padding
    "%FF%FE",
]


def test_the_lists_are_found():
    assert list_paths() == [
        "/api/v1/indikatorer/",
        "/api/v1/politikker/",
        "/api/v1/projekter/",
        "/api/v1/puljer/",
    ]


@pytest.mark.parametrize("path", list_paths())
def test_every_list_refuses_a_made_up_cursor_with_a_json_400(client, demo, path):
    for cursor in BROKEN:
        response = client.get(f"{path}?efter={cursor}")
        assert response.status_code == 400, (path, cursor, response.status_code)
        assert response["Content-Type"] == "application/json", (path, cursor)
        assert "Ugyldig »efter«" in str(json.loads(response.content)["efter"]), (path, cursor)
    twice = client.get(f"{path}?efter={b64('p=1')}&efter={b64('p=2')}")
    assert twice.status_code == 400
    # The cursor the API hands out still leads on.
    first = json.loads(client.get(f"{path}?antal=1").content)
    if first["next"]:
        assert client.get(first["next"]).status_code == 200
