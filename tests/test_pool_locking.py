"""An approval locks the pools it takes money from before it counts what they have left.

The race itself (eight approvals at once) is tests/test_concurrency.py, on PostgreSQL only.
This test runs on SQLite too: Django leaves FOR UPDATE out of SQLite's SQL, so it watches the
lock being asked for (`select_for_update()` on the pools) and where the locking read falls
among the queries; on PostgreSQL it also reads FOR UPDATE in the SQL."""

from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from grants.models import Allocation, ApplicationStatus, Pool
from tests.staff_support import decide, messages_of, status_of


def test_an_approval_locks_its_pools_before_it_counts_what_is_left(
    staff_client, pools, make_recommended, django_capture_on_commit_callbacks, monkeypatch
):
    application = make_recommended({2026: "100000", 2027: "50000"})
    locks = []  # (model, number of queries run before the lock was asked for)
    original = QuerySet.select_for_update

    with CaptureQueriesContext(connection) as queries:

        def watched(self, *args, **kwargs):
            locks.append((self.model, len(queries.captured_queries)))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(QuerySet, "select_for_update", watched)
        response = decide(
            staff_client,
            application,
            django_capture_on_commit_callbacks,
            amount_2026="100.000",
            amount_2027="50.000",
        )

    assert "Beslutningen er registreret. Ansøgeren har fået besked på e-mail." in messages_of(
        response
    )
    assert status_of(application) == ApplicationStatus.APPROVED
    assert Allocation.objects.filter(application=application).count() == 2

    sql = [query["sql"] for query in queries.captured_queries]
    pool_table = Pool._meta.db_table
    allocation_table = Allocation._meta.db_table
    pool_locks = [start for model, start in locks if model is Pool]
    assert pool_locks, "the approval never asked for a lock on its pools"
    # The locking read is the first query on the pools after the lock was asked for ...
    locking_read = next(
        n
        for n in range(pool_locks[0], len(sql))
        if sql[n].startswith("SELECT") and f'FROM "{pool_table}"' in sql[n]
    )
    # ... and it comes before the allocations are counted and written.
    first_insert = next(
        n for n, text in enumerate(sql) if f'INSERT INTO "{allocation_table}"' in text
    )
    counted = [
        n
        for n, text in enumerate(sql[:first_insert])
        if text.startswith("SELECT") and f'FROM "{allocation_table}"' in text
    ]
    assert locking_read < first_insert
    assert counted and locking_read < counted[-1], "what is left was counted before the lock"
    if connection.features.has_select_for_update:  # PostgreSQL: the lock is in the SQL
        assert "FOR UPDATE" in sql[locking_read]
