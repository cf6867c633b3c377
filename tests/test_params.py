"""Ids from addresses and forms: digits that Python calls digits but the database refuses
("²", "٣") must never reach a query (found by the fuzz test on PostgreSQL: a 500 on
/projekter/?maal=²)."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from portal.params import id_param

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ["portal", "grants", "policies", "indicators", "web", "transfer"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (" 12 ", 12),
        ("²", None),
        ("٣", None),
        ("1e3", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("9" * 10, None),
        (["7"], None),
    ],
)
def test_id_param(value, expected):
    assert id_param(value) == expected


def test_no_production_code_trusts_str_isdigit():
    """The class: every id read from a request goes through portal.params.id_param."""
    offenders = []
    for app in PRODUCTION:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "params.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and node.attr in {
                    "isdigit",
                    "isdecimal",
                    "isnumeric",
                }:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "use portal.params.id_param: " + ", ".join(offenders)


@pytest.mark.django_db
@pytest.mark.parametrize("parameter", ["maal", "udvalg"])
@pytest.mark.parametrize("value", ["²", "٣", "9" * 30])
def test_catalogue_survives_odd_digits(client, demo, parameter, value):
    assert client.get(reverse("public:catalogue"), {parameter: value}).status_code == 200


@pytest.mark.django_db
def test_pool_create_prefill_survives_odd_digits(client, demo):
    from portal.models import User

    client.force_login(User.objects.get(username="frb-sekretariat"))
    response = client.get(
        reverse("sekretariat:pool-create"), {"aar": "²", "politik": "٣", "handleplan": "9" * 30}
    )
    assert response.status_code == 200
