"""`IdsQuery` (portal.id_queries): the rows its queryset gives, with the SQL written once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from identity.models import ExternalIdentity, IdentityProvider
from portal.id_queries import IdsQuery

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL is kept on PostgreSQL only"
)


def every_id_query() -> list[IdsQuery]:
    # Every view's module imported, and the queries they make.
    assert get_resolver().url_patterns
    return list(IdsQuery.made)


def test_the_portal_has_its_queries():
    # The lists' relations (grants.cards) and the API's goals and measurements.
    assert len(every_id_query()) >= 10


def test_every_query_gives_what_its_queryset_gives(demo):
    # Ids from 1 up reach the first rows of every table the demo data fills; an id no row
    # has, a repeat and None are left out as `in_ids` leaves them out.
    ids = [*range(300, 0, -1), 7, 10**9, None]
    found_any = 0
    for query in every_id_query():
        expected = list(query.build([pk for pk in ids if pk is not None]))
        for _ in range(2):  # the first call compiles, the second uses what it kept
            rows = query.rows(ids)
            assert rows == expected
            assert all(type(row) is tuple for row in rows)
        found_any += bool(expected)
    # Not a comparison of empty lists: nearly every query finds rows in the demo data.
    assert found_any >= len(every_id_query()) - 2


def test_no_ids_no_query(db):
    query = every_id_query()[0]
    with CaptureQueriesContext(connection) as captured:
        assert query.rows([]) == []
        assert query.rows([None]) == []
    assert len(captured) == 0


def test_a_column_django_converts_is_converted(municipality):
    # A JSON column comes from PostgreSQL as text and is decoded by the field's converter.
    provider = IdentityProvider.objects.create(
        municipality=municipality, slug="test", label="Testudbyder"
    )
    made = ExternalIdentity.objects.create(
        provider=provider, issuer="https://idp", subject="a", claims={"navn": "Åse", "n": 2}
    )
    query = IdsQuery(
        lambda ids: ExternalIdentity.objects.filter(pk__in_ids=ids).values_list("pk", "claims")
    )
    try:
        assert query.rows([made.pk]) == [(made.pk, {"navn": "Åse", "n": 2})]
        assert query.rows([made.pk]) == [(made.pk, {"navn": "Åse", "n": 2})]
    finally:
        IdsQuery.made.remove(query)


@on_postgresql
def test_the_queryset_is_built_once(demo):
    built = []

    def build(ids):
        built.append(ids)
        return every_id_query()[0].build(ids)

    query = IdsQuery(build)
    try:
        with CaptureQueriesContext(connection) as captured:
            for n in range(1, 4):
                query.rows(range(1, 10 * n))
        assert len(built) == 1
        assert len(captured) == 3
        assert all(" = ANY(" in run["sql"] for run in captured)
    finally:
        IdsQuery.made.remove(query)


@on_postgresql
def test_a_value_besides_the_ids_is_refused(db):
    # It would be kept from the first call: a status, a time, a user.
    query = IdsQuery(
        lambda ids: ExternalIdentity.objects.filter(pk__in_ids=ids, subject="a").values_list("pk")
    )
    try:
        with pytest.raises(ValueError, match="no parameter but its ids"):
            query.rows([1])
    finally:
        IdsQuery.made.remove(query)


def test_a_column_selected_only_to_order_by_is_not_returned(demo):
    # DISTINCT with an order by a column not asked for: Django selects that column too.
    from grants.models import Allocation

    query = IdsQuery(
        lambda ids: (
            Allocation.objects.filter(application__in_ids=ids)
            .order_by("pool__year")
            .distinct()
            .values_list("application_id")
        )
    )
    try:
        ids = range(1, 300)
        expected = list(query.build(list(ids)))
        assert expected and all(len(row) == 1 for row in expected)
        assert query.rows(ids) == expected
    finally:
        IdsQuery.made.remove(query)


def test_related_instances_are_what_select_related_gives(demo):
    """`attach_related` (the API's projects' municipality, pool, committee, department and
    organisation) sets each foreign key as `select_related` would, with the same field
    values, deferred fields left deferred and None where a project has none."""
    from grants.models import Application, Pool
    from portal.id_queries import IdsInstances, attach_related
    from portal.models import Committee, Department, Organisation

    names = {
        "pool": IdsInstances(Pool, ["year", "title"]),
        "committee": IdsInstances(Committee),
        "department": IdsInstances(Department),
        "organisation": IdsInstances(Organisation),
    }
    try:
        projects = list(Application.objects.order_by("pk"))
        assert any(p.department_id is None for p in projects)
        assert any(p.organisation_id is None for p in projects)
        expected = {p.pk: p for p in Application.objects.select_related(*names).order_by("pk")}
        for name, instances in names.items():
            for _ in range(2):  # compiled, then kept
                attach_related(projects, name, instances)
                with CaptureQueriesContext(connection) as captured:
                    for project in projects:
                        mine = getattr(project, name)
                        theirs = getattr(expected[project.pk], name)
                        if theirs is None:
                            assert mine is None
                            continue
                        assert type(mine) is type(theirs) and mine.pk == theirs.pk
                        assert not mine._state.adding
                        loaded = instances.attnames
                        assert {f: getattr(mine, f) for f in loaded} == {
                            f: getattr(theirs, f) for f in loaded
                        }
                assert len(captured) == 0, name  # nothing read lazily
        pool = projects[0].pool
        assert pool.get_deferred_fields() >= {"description", "status"}
    finally:
        for instances in names.values():
            IdsQuery.made.remove(instances.query)
