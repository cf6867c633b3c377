"""The demo data, loaded through the services once per test session and copied into each test
that asks for it (the `demo` fixture in tests/conftest.py).

`take()` runs `load_demo()` inside a transaction, reads every row it wrote (with the audit
trail and the many-to-many rows) and rolls back, so the database is as empty as before.
`restore()` writes those rows again with their ids, in bulk and without signals (no new audit
rows, no mail), inside the test's own transaction, which pytest-django rolls back after the
test as it always did; a transactional test's tables are emptied after it as before. Rows that
existed before the demo was loaded (the SDGs from a data migration) are copied too, added only
where missing: a transactional test's flush removes them.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.core.management.color import no_style
from django.db import connection, transaction

from demo.loader import LoadResult, load_demo
from policies.models import SDG
from portal.public_cache import invalidate_public_pages

DEMO_APPS = ("portal", "policies", "grants", "indicators")
# Written by PostgreSQL triggers from the rows above, as the search document is (the
# catalogue counts: migration 0022).
DERIVED = {"grants.SearchWord", "grants.CatalogueCount"}


@dataclass
class Table:
    model: type
    attnames: list[str]
    reference_rows: list[tuple] = field(default_factory=list)  # there before the demo
    demo_rows: list[tuple] = field(default_factory=list)  # written by load_demo()

    def instances(self, rows):
        return [self.model(**dict(zip(self.attnames, row, strict=True))) for row in rows]


@dataclass
class Snapshot:
    result: LoadResult
    tables: list[Table]


class _Rollback(Exception):
    pass


def _models():
    for app in DEMO_APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            if model._meta.label not in DERIVED:
                yield model


def _attnames(model) -> list[str]:
    # The search document is written by a PostgreSQL trigger on insert; it is left out.
    return [f.attname for f in model._meta.concrete_fields if not isinstance(f, SearchVectorField)]


def _rows(model, attnames):
    return list(model._base_manager.order_by("pk").values_list(*attnames))


def take() -> Snapshot:
    tables = [Table(model, _attnames(model)) for model in _models()]
    try:
        with transaction.atomic():
            # The SDGs come from a data migration; a transactional test's flush removes them.
            SDG.objects.bulk_create([SDG(number=n) for n in range(1, 18)], ignore_conflicts=True)
            for table in tables:
                table.reference_rows = _rows(table.model, table.attnames)
            result = load_demo()
            for table in tables:
                before = set(table.reference_rows)
                table.demo_rows = [
                    row for row in _rows(table.model, table.attnames) if row not in before
                ]
            raise _Rollback
    except _Rollback:
        pass
    return Snapshot(result, [t for t in tables if t.reference_rows or t.demo_rows])


def restore(snapshot: Snapshot) -> LoadResult:
    """The demo rows, as load_demo() wrote them; the real load_demo() if any of its tables
    already has rows (a test that made its own rows before asking for the demo)."""
    if any(t.demo_rows and t.model._base_manager.exists() for t in snapshot.tables):
        return load_demo()
    with transaction.atomic():
        for table in snapshot.tables:
            if table.reference_rows:
                table.model._base_manager.bulk_create(
                    table.instances(table.reference_rows), ignore_conflicts=True
                )
        for table in snapshot.tables:
            if table.demo_rows:
                table.model._base_manager.bulk_create(table.instances(table.demo_rows))
        # PostgreSQL: rows written with their ids do not move the id sequences on.
        models = [t.model for t in snapshot.tables]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        invalidate_public_pages()
    return snapshot.result
