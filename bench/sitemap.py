"""CPU per sitemap file, in-process and uncached (issue #17: every page under 100 ms).

Asks /sitemap.xml; when it is an index, every file it lists. Prints, per file (per section
with --by-section), the median `time.process_time()` over --repeat requests, the size and the
number of addresses. Read-only: GET requests with the public-page cache off.

    eval "$(.venv/bin/python bench/common.py)" && .venv/bin/python -m bench.sitemap
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--by-section", action="store_true", help="one line per section")
    args = parser.parse_args()
    setup_django()
    from django.test import Client, override_settings

    client = Client()

    def timed(address: str) -> tuple[float, bytes]:
        times = []
        for _ in range(args.repeat):
            start = time.process_time()
            response = client.get(address)
            times.append(time.process_time() - start)
            assert response.status_code == 200, (address, response.status_code)
        return statistics.median(times) * 1000, response.content

    with override_settings(PUBLIC_CACHE_SECONDS=0):
        ms, content = timed("/sitemap.xml")
        rows = [("/sitemap.xml", ms, content)]
        if b"<sitemapindex" in content:
            for loc in re.findall(r"<loc>([^<]+)</loc>", content.decode()):
                parts = urlsplit(loc)
                address = parts.path + (f"?{parts.query}" if parts.query else "")
                rows.append((address, *timed(address)))
    if args.by_section:
        sections = {}
        for address, ms, content in rows:
            sections.setdefault(address.split("?")[0], []).append((ms, content))
        for path, files in sections.items():
            times = [ms for ms, _content in files]
            count = sum(content.count(b"<loc>") for _ms, content in files)
            print(
                f"{path:28} {len(files):4} files  median {statistics.median(times):5.1f} ms"
                f"  max {max(times):5.1f} ms  {count:6} <loc>"
            )
    else:
        for address, ms, content in rows:
            count = content.count(b"<loc>")
            print(f"{address:40} {ms:7.1f} ms  {len(content) / 1000:7.1f} KB  {count:6} <loc>")
    print(f"{len(rows)} files; slowest {max(ms for _a, ms, _c in rows):.1f} ms")


if __name__ == "__main__":
    main()
