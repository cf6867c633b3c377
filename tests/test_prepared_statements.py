"""On PostgreSQL a page's queries are prepared statements once its connection has run them a
few times (server-side binding, DATABASE_PREPARE_THRESHOLD): PostgreSQL then neither parses
nor plans them again on every request (issue #17). A pooler that cannot keep them turns them
off with DATABASE_PREPARE_THRESHOLD=off."""

import os
import subprocess

import pytest
from django.db import connection
from django.urls import reverse

from tests.settings_probe import setting_with

POSTGRES = "postgres://postgres@127.0.0.1:5432/any"


def options_with(**env) -> dict:
    return setting_with(
        "settings.DATABASES['default'].get('OPTIONS', {})",
        without=("DATABASE_PREPARE_THRESHOLD",),
        **env,
    )


def test_postgresql_prepares_statements_unless_turned_off():
    assert options_with(DATABASE_URL=POSTGRES) | {"options": None} == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": None,
    }
    assert (
        options_with(DATABASE_URL=POSTGRES, DATABASE_PREPARE_THRESHOLD="0")["prepare_threshold"]
        == 0
    )
    for off in ("off", "none", "OFF"):
        found = options_with(DATABASE_URL=POSTGRES, DATABASE_PREPARE_THRESHOLD=off)
        assert "server_side_binding" not in found and "prepare_threshold" not in found
    # A typo is named at start-up, not left to int()'s message.
    with pytest.raises(subprocess.CalledProcessError) as refused:
        options_with(DATABASE_URL=POSTGRES, DATABASE_PREPARE_THRESHOLD="five")
    assert "DATABASE_PREPARE_THRESHOLD must be a whole number or 'off'" in refused.value.stderr
    # SQLite has no such thing: nothing is passed to it.
    found = options_with(DATABASE_URL="sqlite:////tmp/none.sqlite3")
    assert "server_side_binding" not in found and "prepare_threshold" not in found


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


def deallocate_all() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    # psycopg's own record of what it prepared must forget them too.
    connection.connection._prepared.clear()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in {"postgres", "postgresql"},
    reason="prepared statements are PostgreSQL's",
)
@pytest.mark.parametrize("threshold", [5, None])
def test_a_page_s_queries_become_prepared_statements(client, caseworker, threshold):
    client.force_login(caseworker)
    dashboard = reverse("mine:dashboard")
    client.get(dashboard)  # the connection is open
    deallocate_all()
    connection.connection.prepare_threshold = threshold
    try:
        for _ in range(6):
            assert client.get(dashboard).status_code == 200
        prepared = prepared_statements()
    finally:
        connection.connection.prepare_threshold = 5
    lists = [sql for sql in prepared if 'FROM "grants_application"' in sql]
    if threshold is None:
        assert prepared == []
    else:
        # The department's list, with its parameters apart ($1…), not written into the text.
        assert lists and all("$1" in sql for sql in lists)
