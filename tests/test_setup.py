"""The set-up contract: the configured database is really used, settings come from env."""

import os
import subprocess
import sys

import pytest
from django.db import connection


def test_the_database_is_the_one_configured():
    expected = os.environ.get("EXPECT_DATABASE_VENDOR")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        expected = expected or "postgresql"
    assert connection.vendor == (expected or "sqlite")


@pytest.mark.parametrize(
    ("env", "message"),
    [({"DEBUG": "0", "SECRET_KEY": ""}, "Set SECRET_KEY")],
)
def test_production_refuses_to_start_without_a_secret_key(env, message):
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_load_demo_is_refused_without_debug(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo")
