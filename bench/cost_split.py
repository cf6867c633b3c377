"""Where an uncached page's time goes: the portal's own code or the framework under it.

For each page of a `bench.prepare` file (cache off, test client, in-process): the CPU time
and the wall time of a request (median of `--requests`, no profiler), and, from a cProfile
run of the same requests, the functions' own time summed by where they live: Django's ORM,
its template engine, its forms, the rest of Django, crispy-forms, psycopg (with the time
spent waiting for PostgreSQL), other libraries, the standard library, and the portal's own
code. cProfile slows many small calls more than few long ones, so the shares are
approximate; the milliseconds in the first columns are measured without it.

    python -m bench.cost_split --pages bench/results/…/pages-50k.json --out cost-split-50k.md
"""

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django

GROUPS = [
    ("Django ORM", ("/django/db/",)),
    ("Django templates", ("/django/template/", "/django/templatetags/")),
    ("Django forms", ("/django/forms/",)),
    ("crispy-forms", ("/crispy_forms/", "/crispy_bootstrap5/")),
    ("psycopg + waiting for PostgreSQL", ("/psycopg/", "/psycopg_binary/", "/psycopg_c/")),
    ("rest of Django", ("/django/",)),
    ("other libraries", ("/site-packages/",)),
]
OWN = "the portal's code"
STDLIB = "Python's standard library"
COLUMNS = [name for name, _parts in GROUPS[:5]] + [OWN, "rest of Django", "other"]


def group_of(filename: str, function: str) -> str:
    where = function if filename == "~" else filename  # a C function: "<built-in method …>"
    for name, parts in GROUPS:
        if any(part in where or part.strip("/") + "." in where for part in parts):
            return name
    if filename.startswith(str(ROOT)) and "/.venv/" not in filename:
        return OWN
    return STDLIB


def split(stats: pstats.Stats) -> dict[str, float]:
    """Own time (seconds) per group."""
    totals: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        group = group_of(filename, function)
        totals[group] = totals.get(group, 0.0) + tottime
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.test.utils import override_settings

    prepared = json.loads(args.pages.read_text())
    headers = {"host": "127.0.0.1"}
    lines = [
        "| page | CPU ms | wall ms | " + " | ".join(COLUMNS) + " |",
        "|---|---:|---:|" + "---:|" * len(COLUMNS),
    ]
    for page in prepared["pages"]:
        path = page["path"]
        if path.startswith(("/bench/", "/data/")) and not path.endswith(".jsonld"):
            continue  # the bare view, and the downloads (linear in the data by nature)
        client = Client()
        if page["session"]:
            client.cookies["sessionid"] = prepared["cookies"][page["session"]]
        with override_settings(PUBLIC_CACHE_SECONDS=0):
            for _ in range(3):
                client.get(path, headers=headers)
            cpu, wall = [], []
            for _ in range(args.requests):
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(path, headers=headers)
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(path, headers=headers)
            profile.disable()
        totals = split(pstats.Stats(profile))
        whole = sum(totals.values()) or 1.0
        other = totals.get("other libraries", 0.0) + totals.get(STDLIB, 0.0)
        shares = [totals.get(name, 0.0) for name in COLUMNS[:-1]] + [other]
        lines.append(
            f"| {page['name']} `{path}` | {statistics.median(cpu) * 1000:.1f} "
            f"| {statistics.median(wall) * 1000:.1f} | "
            + " | ".join(f"{share / whole:.0%}" for share in shares)
            + " |"
        )
        print(lines[-1])
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
