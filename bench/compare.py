"""The same pages under two versions of the code, side by side: is a change faster?

A benchmark run's absolute figures depend on the machine of the day (docs/performance.md,
"Machine": two runs on this virtual machine differed by 10-20 %, one day by a third). This
serves an earlier commit (checked out into a temporary work tree) and the current code in
turn, on the same database under the same harness as bench/load.py (gunicorn -w 2,
production settings, cache off, wrk -t2 -c8), several rounds in alternating order, and
prints the median throughput and p95 of each page for both.

    python -m bench.compare --base 16b8ca3 --pages bench/results/…/pages-50k.json \\
        [--rounds 4] [--duration 4] [--only catalogue,API]

Needs the benchmark database (bench/run.sh leaves it at 50,000 applications) and the
pages file `bench.prepare` wrote for it (its session cookies log in the staff user and the
caseworker). The base's static files are collected into its work tree first.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_ENV, ROOT
from bench.load import start_server, stop_server, wrk


def environment(tree: Path) -> dict:
    env = {**os.environ, **BENCH_ENV, "PUBLIC_CACHE_SECONDS": "0", "PYTHONPATH": str(tree)}
    env.pop("VIRTUAL_ENV", None)
    return env


GIT = shutil.which("git") or "git"


def collect_static(tree: Path) -> None:
    """Each tree's own manifest of static files: a page of a tree without one is an error."""
    subprocess.run(  # noqa: S603 - fixed command, no shell
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput"],
        cwd=tree,
        env=environment(tree),
        check=True,
        capture_output=True,
    )


def check_out(commit: str, into: Path) -> None:
    subprocess.run(  # noqa: S603 - fixed command, no shell
        [GIT, "-C", str(ROOT), "worktree", "add", "--detach", str(into), commit],
        check=True,
        capture_output=True,
    )
    collect_static(into)


def measure(tree: Path, pages: list[dict], cookies: dict, args, log: Path) -> dict:
    server = start_server(environment(tree), log, cwd=tree)
    try:
        found = {}
        for page in pages:
            cookie = cookies.get(page["session"]) if page["session"] else None
            wrk(page["path"], cookie, 1, 1, 1)  # warm up: the first request pays imports
            found[page["name"]] = wrk(
                page["path"], cookie, args.threads, args.connections, args.duration
            )
        return found
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the earlier commit")
    parser.add_argument("--pages", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated parts of page names")
    parser.add_argument("--out", type=Path, help="the figures as JSON")
    args = parser.parse_args()
    prepared = json.loads(args.pages.read_text())
    only = [part for part in args.only.split(",") if part]
    pages = [
        page
        for page in prepared["pages"]
        # The bare view and the downloads say nothing about a change to the pages.
        if not page["path"].startswith(("/bench/", "/data/"))
        and (not only or any(part in page["name"] for part in only))
    ]
    runs: dict[str, dict[str, list[dict]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "base"
        check_out(args.base, base)
        collect_static(ROOT)
        try:
            trees = [("before", base), ("after", ROOT)]
            for round_number in range(args.rounds):
                for label, tree in trees if round_number % 2 == 0 else trees[::-1]:
                    log = Path(scratch) / f"gunicorn-{label}.log"
                    found = measure(tree, pages, prepared["cookies"], args, log)
                    for name, result in found.items():
                        runs.setdefault(name, {}).setdefault(label, []).append(result)
        finally:
            subprocess.run(  # noqa: S603
                [GIT, "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False
            )
    print(f"Before: {args.base}; after: the working tree. Medians of {args.rounds} rounds.\n")
    print("| page | before req/s | after req/s | change | before p95 ms | after p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, by_label in runs.items():
        before, after = by_label["before"], by_label["after"]
        rps = [statistics.median(r["rps"] for r in rows) for rows in (before, after)]
        p95 = [statistics.median(r["p95_ms"] for r in rows) for rows in (before, after)]
        errors = sum(r["errors_status"] + r["errors_timeout"] for r in before + after)
        # Answers that were not 2xx: the figures of that page measure an error page.
        flag = f" (**{errors} errors**: not comparable)" if errors else ""
        print(
            f"| {name}{flag} | {rps[0]:.1f} | {rps[1]:.1f} | {100 * (rps[1] / rps[0] - 1):+.0f} % "
            f"| {p95[0]:.0f} | {p95[1]:.0f} |"
        )
    if args.out:
        args.out.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
