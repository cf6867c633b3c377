"""A fixed query over a list of ids, built and compiled by Django once per process.

The lists of the portal ask one plain query per relation for all their rows (a page of the
API asks six: goals, grants, amounts asked, …; grants.cards). Django builds such a queryset
anew on every call (`filter()`, `order_by()` and `values_list()` each copy the query, and
the relations are joined again) and compiles the same SQL each time: for the API's page of
100 projects 0.4–0.9 ms a query against 0.26–0.75 ms for PostgreSQL to answer it, about a
quarter of the page (issue #17). Here the queryset is built once with a stand-in id, its SQL
and its columns' converters kept, and each call runs that SQL with its own ids.

Only on PostgreSQL, where `in_ids` (portal.lookups) sends the ids as one array parameter, so
the SQL text is the same for every list; elsewhere (SQLite for `make run`) the queryset is
built each time. The query must have no parameter but the ids: a constant or a time in it
would be kept from the first call, so that raises instead.
"""

import threading
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# An id no row has; the compiled query's one parameter must be the list of it alone.
STAND_IN = -1_000_000_007


class IdsQuery:
    """`IdsQuery(lambda ids: Model.objects.filter(x__in_ids=ids).values_list(…))`; then
    `.rows(ids)` is `list(build(ids))` (the rows as tuples, converted as Django converts
    them) with the SQL written once."""

    # Every one made, for the test that each gives what its queryset gives.
    made: list["IdsQuery"] = []

    def __init__(self, build: Callable[[list[int]], QuerySet]):
        self.build = build
        IdsQuery.made.append(self)
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def rows(self, ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        # As `in_ids` sends them: each id once, in order (the SQL's result does not depend
        # on it, PostgreSQL's plan cache may).
        ids = sorted({int(pk) for pk in ids if pk is not None})
        if not ids:
            return []
        connection = connections[using]
        if connection.vendor != "postgresql":
            return list(self.build(ids).using(using))
        sql, expressions, converters, width = self._compiled_for(using)
        with connection.cursor() as cursor:
            cursor.execute(sql, (ids,))
            found = cursor.fetchall()
        if width is not None:  # columns the SQL selects only to order by
            found = [row[:width] for row in found]
        if not converters:
            return found
        converted = []
        for row in found:
            row = list(row)
            for position, functions in converters:
                value = row[position]
                for convert in functions:
                    value = convert(value, expressions[position], connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def _compiled_for(self, using: str) -> tuple:
        compiled = self._compiled.get(using)
        if compiled is not None:
            return compiled
        with self._lock:
            if using not in self._compiled:
                self._compiled[using] = self._compile(using)
            return self._compiled[using]

    def _compile(self, using: str) -> tuple:
        queryset = self.build([STAND_IN]).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if [list(param) if isinstance(param, list | tuple) else param for param in params] != [
            [STAND_IN]
        ]:
            raise ValueError(
                "An IdsQuery may have no parameter but its ids (a value in it would be kept "
                f"from the first call): {params!r}"
            )
        expressions = [column[0] for column in compiler.select[: compiler.col_count]]
        # compiler.get_converters: {position: ([converter, …], expression)}.
        converters = [
            (position, functions)
            for position, (functions, _expression) in sorted(
                compiler.get_converters(expressions).items()
            )
        ]
        width = compiler.col_count if compiler.has_extra_select else None
        return sql, expressions, converters, width


class IdsInstances:
    """The rows of `model` with given ids as instances, through one `IdsQuery`: for the
    relations a list of many rows names (a page of the API's 100 projects names a few
    municipalities, pools and committees). Django's `prefetch_related` builds, compiles and
    runs a queryset per relation on every call, a fifth of that page (issue #17).
    `fields`: the columns to load (the others are deferred, as with `only()`); all by
    default."""

    def __init__(self, model, fields: Iterable[str] | None = None):
        self.model = model
        wanted = (
            None if fields is None else {model._meta.get_field(name).attname for name in fields}
        )
        # In the model's column order: Model.from_db takes a subset's values in that order.
        self.attnames = [
            field.attname
            for field in model._meta.concrete_fields
            if wanted is None or field.primary_key or field.attname in wanted
        ]
        self.query = IdsQuery(
            lambda ids: (
                model._base_manager.filter(pk__in_ids=ids).order_by().values_list(*self.attnames)
            )
        )

    def by_id(self, ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> dict[int, object]:
        position = self.attnames.index(self.model._meta.pk.attname)
        return {
            row[position]: self.model.from_db(using, self.attnames, row)
            for row in self.query.rows(ids, using)
        }


def attach_related(objects: list, name: str, instances: IdsInstances) -> None:
    """Each of `objects` gets its foreign key `name` as `select_related` would have set it
    (None where it has none), from one query for all of them."""
    if not objects:
        return
    field = type(objects[0])._meta.get_field(name)
    found = instances.by_id(getattr(obj, field.attname) for obj in objects)
    for obj in objects:
        field.set_cached_value(obj, found.get(getattr(obj, field.attname)))
