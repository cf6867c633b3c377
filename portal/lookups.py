"""`field__in_ids=[…]`: `__in` for a list of ids, sent to PostgreSQL as one array.

Django writes `__in` with a placeholder per value, prepares each value through the field,
and psycopg then quotes every one into the query text: for the 100 ids of a page of the API
that was 0.4 ms a query, six times a page (issue #17). `= ANY(%s)` with the list as one
parameter finds the same rows (PostgreSQL's own rewrite of a short IN list is the same
`= ANY`), and uses the same indexes. Other databases get Django's `IN`.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class InIds(In):
    lookup_name = "in_ids"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        # Integers only: the one parameter is an array of them, not a value of the field.
        ids = sorted({int(value) for value in self.rhs if value is not None})
        if not ids:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, ids)


def register() -> None:
    Field.register_lookup(InIds)
    # A relation looks its lookups up only from ForeignObject down, not from Field.
    ForeignObject.register_lookup(InIds)
