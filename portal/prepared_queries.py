"""A queryset of plain parameters, built and compiled by Django once per process.

A signed-in page asks a handful of queries whose shape never changes: the caseworker's
dashboard asks for the department's applications, its agreements to sign, its open requests,
its open pools… Django builds each queryset anew on every request (every `filter()`,
`annotate()` and `values_list()` copies the query and resolves its lookups again) and
compiles the same SQL each time: 7 ms of the dashboard's 17.5 ms of CPU for six queries,
against 2–3 ms for PostgreSQL to answer them (issue #17). Here the queryset is built twice
with stand-in values, its SQL and its compiler kept, and each call runs that SQL with its own
values through Django's own iterables (model instances, `select_related`, annotations and
`values_list` rows as Django makes them).

`PreparedQuery(build, municipality_id=int, now=datetime, organisations=FIXED)`: `build` is a
pure function of those keyword arguments that returns a queryset. A kind (`int`, `str`,
`date`, `datetime`) is a value sent as a parameter of the SQL; `FIXED` is a value that
changes the SQL's shape (a branch of a rule), passed to `build` as it is and part of the key
of the compiled SQL. A call may pass any subset of the names (`**scope` of the access rules);
each subset is compiled apart.

Safe by construction where it can be checked: the two builds must give the same SQL, and each
of the SQL's parameters must be a stand-in in the same place in both or a constant that is
neither a date nor a time (which would be kept from the first call: pass "now" or "this
year" as a parameter; `constant_times=(NEVER,)` names a date that is the code's, not the
day's). A value of another kind, or None (`IS NULL` is another SQL), is not sent through the
compiled SQL: the queryset is built as usual then. With `PREPARED_QUERIES_VERIFY` (on in the
tests) every call also builds the queryset and checks that its SQL and parameters are those
sent. The queryset returned can only be evaluated (iterated, `len`, `bool`, `list`); changing
it (`filter`, `count`, slicing) raises. Only on PostgreSQL, as `IdsQuery`; elsewhere (SQLite
for `make run`) the queryset is built each time.
"""

import copy
import datetime
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

FIXED = object()  # a value that shapes the SQL: part of the compiled query's key

KINDS = (int, str, datetime.date, datetime.datetime)


def _stand_in(kind, position: int, side: int):
    """A value of `kind`, different for each parameter and each side. In the range of every
    integer field (Django drops a comparison with a value out of a field's range, as always
    true or false); a real value that equals one does no harm: a parameter is recognised
    only by both sides' stand-ins in the same place."""
    number = 32_000 + 2 * position + side
    if kind is int:
        return number
    if kind is str:
        return f"\ufffestand-in-{number}"
    if kind is datetime.datetime:
        return datetime.datetime(1000 + 2 * position + side, 1, 1, tzinfo=datetime.UTC)
    if kind is datetime.date:
        return datetime.date(1000 + 2 * position + side, 1, 1)
    raise TypeError(f"PreparedQuery: no stand-in for {kind!r}")


def _of_kind(value, kind) -> bool:
    if kind is int:
        return type(value) is int
    if kind is datetime.datetime:
        return type(value) is datetime.datetime and value.tzinfo is not None
    return type(value) is kind


class PreparedError(TypeError):
    pass


class _PreparedQuery:
    """What a `PreparedQuery`'s queryset has for a query: Django's iterables ask it only for
    a compiler (and, for named rows, the names of the columns)."""

    READABLE = frozenset(
        {"selected", "extra_select", "values_select", "annotation_select", "model"}
    )

    def __init__(self, query, compiler, sql: str, params: tuple):
        self._query, self._compiler, self._sql, self._params = query, compiler, sql, params

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = copy.copy(self._compiler)
        # This thread's connection: the kept compiler has the one of the thread that
        # compiled it, which Django refuses to use in another (a threaded server's).
        compiler.connection = connection or connections[using or DEFAULT_DB_ALIAS]
        sql, params = self._sql, self._params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler

    def __getattr__(self, name):
        if name.startswith("__"):  # Python's protocols (copy, hasattr) ask, and take "no"
            raise AttributeError(name)
        if name in self.READABLE:
            return getattr(self._query, name)
        raise PreparedError(
            f"A prepared query can only be evaluated, not changed or counted ({name}): "
            "build what else is needed with the ORM"
        )


class PreparedQuery:
    # Every one made, for the test that each gives what its queryset gives.
    made: list["PreparedQuery"] = []

    def __init__(self, build: Callable[..., QuerySet], *, constant_times=(), **kinds):
        for name, kind in kinds.items():
            if kind is not FIXED and kind not in KINDS:
                raise TypeError(f"PreparedQuery: {name} is of no kind it can send: {kind!r}")
        self.build = build
        self.kinds = kinds
        # Dates or times in the SQL that are fixed by the code, not by the day (a "never").
        self.constant_times = tuple(constant_times)
        self._compiled: dict[tuple, tuple] = {}
        self._lock = threading.Lock()
        PreparedQuery.made.append(self)

    def __call__(self, using: str = DEFAULT_DB_ALIAS, **values) -> QuerySet:
        unknown = set(values) - set(self.kinds)
        if unknown:
            raise TypeError(f"PreparedQuery: unknown parameters {sorted(unknown)}")
        sent = {name: value for name, value in values.items() if self.kinds[name] is not FIXED}
        if connections[using].vendor != "postgresql" or not all(
            _of_kind(value, self.kinds[name]) for name, value in sent.items()
        ):
            return self.build(**values).using(using)
        fixed = tuple(sorted((name, value) for name, value in values.items() if name not in sent))
        key = (using, tuple(sorted(sent)), fixed)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                if key not in self._compiled:
                    self._compiled[key] = self._compile(using, sorted(sent), dict(fixed))
                compiled = self._compiled[key]
        template, query, compiler, sql, recipe = compiled
        params = tuple(
            item if name is None else (values[name] if item is None else item(values[name]))
            for name, item in recipe
        )
        if getattr(settings, "PREPARED_QUERIES_VERIFY", False):
            self._verify(using, values, sql, params)
        queryset = QuerySet.__new__(type(template))
        # The template's state as it is (its iterable class: rows, tuples or values); not
        # through the `query` setter, which would make a values_list's rows dicts.
        queryset.__dict__ = {
            **template.__dict__,
            "_query": _PreparedQuery(query, compiler, sql, params),
            "_result_cache": None,
            "_prefetch_done": False,
        }
        return queryset

    def _compile(self, using: str, names: list[str], fixed: dict) -> tuple:
        sides = []
        for side in (0, 1):
            stand_ins = {
                name: _stand_in(self.kinds[name], position, side)
                for position, name in enumerate(names)
            }
            queryset = self.build(**stand_ins, **fixed).using(using)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            sides.append((stand_ins, queryset, compiler, sql, tuple(params)))
        (first, template, compiler, sql, params), (second, _q, _c, other_sql, other_params) = sides
        if sql != other_sql or len(params) != len(other_params):
            raise PreparedError(f"PreparedQuery: the SQL depends on the values: {sql}")
        recipe = []
        for value, other in zip(params, other_params, strict=True):
            name = next(
                (
                    name
                    for name in names
                    if value == first[name]
                    and other == second[name]
                    and isinstance(value, type(first[name]))
                ),
                None,
            )
            if name is not None:
                # Django's PostgreSQL backend sends an integer as psycopg's Int2, Int4 or
                # Int8 for its field: the call's value is wrapped the same way.
                wrap = type(value) if type(value) is not type(first[name]) else None
                recipe.append((name, wrap))
            elif value == other and (
                not isinstance(value, datetime.date) or value in self.constant_times
            ):
                recipe.append((None, value))
            else:
                raise PreparedError(
                    "PreparedQuery: a parameter of the SQL is neither a value passed as it is "
                    f"nor a constant without a date or time ({value!r}): {sql}"
                )
        used = {name for name, _item in recipe if name is not None}
        if used != set(names):
            raise PreparedError(
                f"PreparedQuery: {sorted(set(names) - used)} not sent as they were given: {sql}"
            )
        return template, template.query, compiler, sql, tuple(recipe)

    def _verify(self, using: str, values: dict, sql: str, params: tuple) -> None:
        fresh_sql, fresh_params = (
            self.build(**values).using(using).query.get_compiler(using=using).as_sql()
        )
        if (fresh_sql, tuple(fresh_params)) != (sql, params):
            raise PreparedError(
                "PreparedQuery: the compiled SQL is not what the queryset gives now "
                f"(a value in it that is not a parameter?):\n{sql} {params!r}\n"
                f"{fresh_sql} {tuple(fresh_params)!r}"
            )
