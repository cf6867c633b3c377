"""The signed-in user is read on every request with the municipality, department and
association the pages name, in the one query that reloads the user: not a query more for
each (issue #17), whichever way the person signed in."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.organisations import new_person
from portal.models import Organisation

BACKENDS = {
    "password": "portal.backends.LocalPasswordBackend",
    "identity provider": "portal.backends.ProviderSessionBackend",
}
LONE_LOOKUP = re.compile(
    r'FROM "portal_(municipality|department|organisation)" WHERE "portal_\w+"\."id" = '
)


def queries_of(client, url: str) -> list[str]:
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


def assert_places_come_with_the_user(sql: list[str], *tables: str):
    user_query = next(q for q in sql if 'FROM "portal_user"' in q)
    for table in tables:
        assert f'JOIN "portal_{table}"' in user_query, table
    assert not [q for q in sql if LONE_LOOKUP.search(q)]


@pytest.mark.parametrize("backend", BACKENDS.values(), ids=BACKENDS)
def test_a_caseworkers_dashboard_names_department_and_municipality_from_the_user_query(
    client, caseworker, backend
):
    client.force_login(caseworker, backend=backend)
    sql = queries_of(client, reverse("mine:dashboard"))
    assert_places_come_with_the_user(sql, "municipality", "department")


def test_staff_pages_name_the_municipality_from_the_user_query(client, staff_user):
    client.force_login(staff_user, backend=BACKENDS["password"])
    assert_places_come_with_the_user(
        queries_of(client, reverse("sekretariat:home")), "municipality"
    )


def test_an_association_signed_in_by_mail_link_is_named_from_the_user_query(client, municipality):
    association = Organisation.objects.create(municipality=municipality, name="Foreningen")
    person = new_person(organisation=association, email="anna@example.dk", name="Anna Holm")
    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    sql = queries_of(client, reverse("mine:dashboard"))
    assert_places_come_with_the_user(sql, "organisation", "municipality")
