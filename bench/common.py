"""Shared set-up of the benchmark scripts: the environment the benchmark runs with.

Production-like settings (DEBUG off) without HTTPS redirects, secure cookies, proxy headers
or two-factor login, against the benchmark database on the local PostgreSQL. bench/run.sh
exports the same values; the defaults here let a script run on its own afterwards.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
DB_NAME = os.environ.get("BENCH_DB", "portal_bench")

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "BEHIND_PROXY": "0",
    "REQUIRE_STAFF_2FA": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    # As docs/deployment.md recommends for the web servers: below gunicorn's 30 s timeout.
    "DATABASE_STATEMENT_TIMEOUT": "25000",
    # wrk sends everything from one address: the API's rate limit would answer 429.
    "API_RATE": "100000000/min",
}


def _redis_url() -> str | None:
    """The shared cache production uses (REDIS_URL), when this machine has Redis; the
    benchmark's own database number, which run.sh empties first."""
    import socket

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
    except OSError:
        return None
    return url


if redis_url := _redis_url():
    BENCH_ENV["REDIS_URL"] = redis_url


def setup_django() -> None:
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


if __name__ == "__main__":
    # `eval "$(python bench/common.py)"` gives a shell the same environment.
    import shlex

    for key, value in BENCH_ENV.items():
        print(f"export {key}={shlex.quote(os.environ.get(key, value))}")
