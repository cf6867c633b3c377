"""Peak memory of the open-data downloads, streamed versus built whole in memory.

Each measurement runs in its own Python process (so one's peak cannot hide another's) and
reports the process's peak resident memory (getrusage ru_maxrss) against its resident
memory just before the export started, with the bytes produced, the time taken and the
number of database queries:

- json-stream / csv-stream: GET /data/360giving.json and /data/projekter.csv through
  Django's test client, consumed chunk by chunk and thrown away, as a client downloading
  them would (the view streams grants.opendata.giving_stream() / csv_stream()),
- json-whole / csv-whole: the same generators joined into one string, as a view that builds
  the whole response before sending it would,
- json-municipality-stream / csv-municipality-stream: one municipality's own files
  (/data/<kommune>/360giving.json and projekter.csv), streamed the same way.

    python -m bench.memory --out bench/results/memory-50k.json
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django
from bench.prepare import MUNICIPALITY

MODES = {
    "json-stream": "GET /data/360giving.json via the test client, consumed chunk by chunk",
    "csv-stream": "GET /data/projekter.csv via the test client, consumed chunk by chunk",
    "json-whole": "''.join(giving_stream()): the whole 360Giving JSON in memory",
    "csv-whole": "''.join(csv_stream()): the whole CSV in memory",
    "xlsx-stream": "GET /data/projekter.xlsx via the test client: written to a temporary file "
    "in openpyxl's write-only mode, then read in blocks",
    "json-municipality-stream": f"GET /data/{MUNICIPALITY}/360giving.json via the test client, "
    "consumed chunk by chunk",
    "csv-municipality-stream": f"GET /data/{MUNICIPALITY}/projekter.csv via the test client, "
    "consumed chunk by chunk",
}
PATHS = {
    "json-stream": "/data/360giving.json",
    "csv-stream": "/data/projekter.csv",
    "xlsx-stream": "/data/projekter.xlsx",
    "json-municipality-stream": f"/data/{MUNICIPALITY}/360giving.json",
    "csv-municipality-stream": f"/data/{MUNICIPALITY}/projekter.csv",
}


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child(mode: str) -> dict:
    setup_django()
    from django.db import connection
    from django.test import Client

    from grants.opendata import csv_stream, giving_stream

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    client = Client()
    client.get("/bench/bare/", headers={"host": "127.0.0.1"})  # load the URL conf and apps
    connection.ensure_connection()
    before = rss_kib()
    started = time.perf_counter()
    size = chunks = biggest = 0
    with connection.execute_wrapper(count):
        if mode.endswith("-stream"):
            response = client.get(PATHS[mode], headers={"host": "127.0.0.1"})
            assert response.status_code == 200 and response.streaming  # noqa: S101
            for chunk in response.streaming_content:
                size += len(chunk)
                chunks += 1
                biggest = max(biggest, len(chunk))
        else:
            stream = giving_stream() if mode == "json-whole" else csv_stream()
            whole = "".join(stream).encode()
            size, chunks, biggest = len(whole), 1, len(whole)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "mode": mode,
        "what": MODES[mode],
        "bytes": size,
        "chunks": chunks,
        "largest_chunk": biggest,
        "seconds": round(seconds, 1),
        "queries": queries,
        "rss_before_mib": round(before / 1024, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "peak_increase_mib": round((peak - before) / 1024, 1),
    }


def run_child(mode: str) -> dict:
    output = subprocess.run(  # noqa: S603 - our own script, no shell
        [sys.executable, "-m", "bench.memory", "--child", mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        return {"mode": mode, "error": output.stderr[-2000:]}
    return json.loads(output.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=MODES)
    parser.add_argument(
        "--parallel", type=int, default=2, help="processes at a time (times then overlap)"
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    setup_django()
    from grants.models import Application

    applications = Application.objects.count()
    with ThreadPoolExecutor(max_workers=args.parallel) as pool:
        results = list(pool.map(run_child, args.modes))
    for result in results:
        if "error" in result:
            print(f"  {result['mode']:24} FAILED\n{result['error']}")
            continue
        print(
            f"  {result['mode']:24} {result['bytes'] / 1e6:8.1f} MB in {result['seconds']:6.1f} s, "
            f"{result['queries']:4} queries, {result['chunks']:7} chunks; peak RSS "
            f"{result['peak_rss_mib']:7.1f} MiB (+{result['peak_increase_mib']:.1f} MiB "
            f"over {result['rss_before_mib']:.1f} MiB before the export)",
            flush=True,
        )
    if args.out:
        args.out.write_text(
            json.dumps(
                {"applications": applications, "parallel": args.parallel, "results": results},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
