"""Profile pages in-process (uncached), to see what limits them.

Uses pyinstrument when it is installed (bench/run.sh installs it into the venv only for the
benchmark; it is no project dependency), cProfile otherwise. Each page is requested once to
warm up (unless it takes long) and once under the profiler, with the public-page cache off.
The 360Giving export is profiled on its first 3,000 projects (per-project cost; the whole
export is measured by bench/memory.py).

    python -m bench.profile_pages --pages bench/results/pages-50k.json \
        --out bench/results/profile-50k
"""

import argparse
import cProfile
import io
import itertools
import json
import pstats
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

SKIP_SECONDS = 10  # pages slower than this are explained by bench/explain.py instead
EXPORT_SAMPLE = 3000


class Profiler:
    def __init__(self):
        try:
            import pyinstrument
        except ImportError:
            self.pyinstrument = None
        else:
            self.pyinstrument = pyinstrument
        self.name = "pyinstrument" if self.pyinstrument else "cProfile"

    def run(self, function) -> str:
        if self.pyinstrument:
            profiler = self.pyinstrument.Profiler(interval=0.001)
            profiler.start()
            function()
            profiler.stop()
            tree = profiler.output_text(unicode=False, color=False, show_all=False)
            flat = profiler.output_text(unicode=False, color=False, flat=True)
            top = "\n".join(flat.splitlines()[:45])
            return f"{tree}\n\nSelf time by function (top 45):\n{top}\n"
        profile = cProfile.Profile()
        profile.runcall(function)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
        return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path, help="directory for the reports")
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.test.utils import override_settings

    from grants.opendata import giving_stream

    prepared = json.loads(args.pages.read_text())
    args.out.mkdir(parents=True, exist_ok=True)
    profiler = Profiler()
    headers = {"host": "127.0.0.1"}
    for page in prepared["pages"]:
        measured = page["measured"]["uncached"]
        if page["path"].startswith(("/bench/", "/data/")) or measured.get("skipped"):
            continue
        if measured["seconds"] > SKIP_SECONDS:
            print(f"  {page['name']:38} skipped ({measured['seconds']:.0f} s; see explain.py)")
            continue
        client = Client()
        if page["session"]:
            client.cookies["sessionid"] = prepared["cookies"][page["session"]]
        with override_settings(PUBLIC_CACHE_SECONDS=0):
            client.get(page["path"], headers=headers)  # warm-up
            started = time.perf_counter()
            report = profiler.run(lambda: client.get(page["path"], headers=headers))  # noqa: B023
        name = "".join(c if c.isalnum() else "-" for c in page["name"]).strip("-")
        (args.out / f"{name}.txt").write_text(f"{page['path']}\n\n{report}")
        print(f"  {page['name']:38} {time.perf_counter() - started:6.2f} s -> {name}.txt")

    def export_sample():
        for _ in itertools.islice(giving_stream(), EXPORT_SAMPLE):
            pass

    started = time.perf_counter()
    report = profiler.run(export_sample)
    (args.out / "giving-json-export.txt").write_text(
        f"giving_stream(), first {EXPORT_SAMPLE} pieces\n\n{report}"
    )
    print(f"  {'360Giving export, sample':38} {time.perf_counter() - started:6.2f} s")
    print(f"  ({profiler.name}; reports in {args.out})")


if __name__ == "__main__":
    main()
