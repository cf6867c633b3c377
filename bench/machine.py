"""What the benchmark ran on, as JSON (bench/run.sh writes it next to the results)."""

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django


def run(*command: str) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    except OSError:
        return "?"
    return (
        (result.stdout or result.stderr).strip().splitlines()[0]
        if result.stdout or result.stderr
        else "?"
    )


def main() -> None:
    setup_django()
    import django
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    meminfo = dict(
        line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    dirty = run("git", "status", "--porcelain", "--untracked-files=no")
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} × {cpu} (nproc {run('nproc')})",
        "memory": f"{int(meminfo['MemTotal'].split()[0]) / 1024 / 1024:.1f} GiB",
        "os": run("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "postgresql": f"{postgres} (shared_buffers {shared_buffers})",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": run(str(ROOT / ".venv/bin/gunicorn"), "--version"),
        "wrk": run("wrk", "--version").split(" [")[0],
        "application commit": run("git", "rev-parse", "--short", "HEAD")
        + (" (with uncommitted changes)" if dirty not in ("", "?") else ""),
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        + (
            f" ({settings.CACHES['default']['LOCATION']})"
            if "Redis" in settings.CACHES["default"]["BACKEND"]
            else " (per worker process)"
        ),
        "load average at start": Path("/proc/loadavg").read_text().split()[0],
    }
    print(json.dumps(info, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
