"""The catalogue at 50,000 applications against at 1,000, in alternating rounds.

The target "catalogue at 50,000 ≥ 80 % of its throughput at 1,000" compares two load passes
of a run, measured 15–20 minutes apart, on a machine whose speed moves by 10–20 % within
the hour (docs/performance.md, "Machine"): session 34's reference run gave 74.6 % where
three pairs of runs measured side by side minutes later gave 89–97 %. bench/run.sh keeps a
copy of the database at 1,000 applications; this serves the catalogue from each database in
turn, under the same harness as bench/load.py (gunicorn -w 2, production settings, wrk
-t2 -c8), uncached and cached, and reports the medians of the rounds.

    python -m bench.scaling --db-1k portal_bench_1k --db-50k portal_bench \\
        --pages bench/results/…/pages-50k.json --out bench/results/…/scaling.json
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_ENV, PG, ROOT, setup_django
from bench.load import start_server, stop_server, wrk

MODES = {"uncached": "0", "cached": "300"}


def serve_and_measure(db: str, mode: str, path: str, args, log: Path) -> dict:
    env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": f"{PG}/{db}",
        "PUBLIC_CACHE_SECONDS": MODES[mode],
    }
    env.pop("VIRTUAL_ENV", None)
    # Both databases share the benchmark's cache: a page cached from the other one would be
    # served as this one's.
    from django.core.cache import cache

    cache.clear()
    server = start_server(env, log, cwd=ROOT)
    try:
        wrk(path, None, 1, 1, 1)  # warm up: imports, and in the cached mode the first miss
        return wrk(path, None, args.threads, args.connections, args.duration)
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-1k", required=True)
    parser.add_argument("--db-50k", required=True)
    parser.add_argument("--pages", required=True, type=Path, help="for the catalogue's path")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=6)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    pages = json.loads(args.pages.read_text())["pages"]
    path = next(page["path"] for page in pages if page["name"] == "catalogue")
    log = args.out.with_name("scaling-gunicorn.log")
    found = {mode: {"1k": [], "50k": []} for mode in MODES}
    for number in range(args.rounds):
        # Alternating which size goes first, so neither always follows the other.
        sizes = [("1k", args.db_1k), ("50k", args.db_50k)]
        if number % 2:
            sizes.reverse()
        for mode in MODES:
            for size, db in sizes:
                result = serve_and_measure(db, mode, path, args, log)
                found[mode][size].append(result["rps"])
                print(
                    f"  round {number + 1} {mode:8} {size:>3}: {result['rps']:.1f} req/s, "
                    f"p95 {result['p95_ms']:.1f} ms",
                    flush=True,
                )
    summary = {
        "path": path,
        "rounds": args.rounds,
        "rps": found,
        "median": {
            mode: {size: statistics.median(values) for size, values in sizes.items()}
            for mode, sizes in found.items()
        },
    }
    for mode, medians in summary["median"].items():
        print(f"  {mode}: 50,000 at {100 * medians['50k'] / medians['1k']:.1f} % of 1,000")
    args.out.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
