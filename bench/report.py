"""Turn the JSON results of one benchmark run into Markdown tables (bench/results/report.md).

python -m bench.report --results bench/results/<run>
"""

import argparse
import json
import sys
from pathlib import Path

SIZES = ("1k", "50k")
PUBLIC = (
    "catalogue",
    "catalogue search ?q=sprog",
    "catalogue search rare ?q=cricketklubben",
    "catalogue search prefix ?q=brobyg",
    "catalogue search compound part ?q=klubben",
    "catalogue search typo ?q=integrasion",
    "catalogue filter ?kommune&aar",
    "project page",
    "pool page",
    "barometer index",
    "barometer of a policy",
)
BARE = "bare view (reference)"


def load(path: Path):
    return json.loads(path.read_text()) if path.exists() else None


def fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


FOREIGN = 0.25  # cores used by other work during a run that mark it as disturbed


def cell(entry: dict | None, bare: float | None) -> list[str]:
    """req/s, p50, p95, % of bare for one pass of one page."""
    if entry is None:
        return ["", "", "", ""]
    values = _cell(entry, bare)
    if entry.get("cpu", {}).get("foreign_cores", 0) > FOREIGN:
        values[0] += f" ⁵ ({entry['cpu']['foreign_cores']:.1f})"
    return values


def _cell(entry: dict, bare: float | None) -> list[str]:
    if "pair" in entry:
        pair = entry["pair"]
        seconds = sorted(r["seconds"] for r in pair["requests"])
        failed = [r for r in pair["requests"] if not r["ok"]]
        note = f" ({len(failed)} of 2 **FAILED**)" if failed else ""
        ratio = f"{100 * pair['rps'] / bare:.2f} %" if bare else ""
        return [f"{pair['rps']:.2f}⁴{note}", fmt(1000 * seconds[0]), fmt(1000 * seconds[-1]), ratio]
    probe = entry["probe"]
    if "wrk" not in entry:
        if probe.get("skipped"):
            return ["never enters the cache¹", "", "", ""]
        how = f"HTTP {probe['status']}" if probe["status"] else "no response"
        return [f"**FAILED** ({how} after {probe['seconds']:.0f} s)", "", "", "0 %"]
    w = entry["wrk"]
    rps = w["rps"]
    mark = "²" if entry.get("slow_mode") else ""
    bad = sum(w[k] for k in w if k.startswith("errors_"))
    errors = f" ({bad} errors)" if bad else ""
    ratio = f"{100 * rps / bare:.1f} %" if bare else ""
    return [f"{fmt(rps)}{mark}{errors}", fmt(w["p50_ms"]), fmt(w["p95_ms"]), ratio]


def stream_mode(path: str) -> str:
    """The bench/memory.py measurement of a download the load pages skip."""
    return {".json": "json-stream", ".xlsx": "xlsx-stream"}.get(Path(path).suffix, "csv-stream")


def queries(page: dict, memory: dict | None) -> str:
    m = page["measured"]
    if m["uncached"].get("skipped"):
        mode = stream_mode(page["path"])
        found = [r for r in (memory or {}).get("results", []) if r.get("mode") == mode]
        return f"{found[0]['queries']}³" if found else "–"
    if m["uncached"]["cacheable"] and page["path"] != "/bench/bare/":
        return f"{m['uncached']['queries']} / {m['cached']['queries']}"
    return str(m["uncached"]["queries"])


def size_table(size: str, pages: dict, result: dict, memory: dict | None) -> list[str]:
    uncached, cached = result["passes"]["uncached"], result["passes"].get("cached", {})
    bare_u = uncached.get(BARE, {}).get("wrk", {}).get("rps")
    bare_c = cached.get(BARE, {}).get("wrk", {}).get("rps")
    lines = [
        f"### {result['applications']:,} applications",
        "",
        "| page | queries (miss / hit) | bytes | uncached req/s | p50 ms | p95 ms | % of bare "
        "| cached req/s | p50 ms | p95 ms | % of bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages["pages"]:
        name = page["name"]
        size_bytes = page["measured"]["uncached"].get("bytes")
        if page["path"] == "/bench/bare/":
            size_bytes = result["bare_bytes"]
        if size_bytes is None:
            size_bytes = next(
                (
                    r["bytes"]
                    for r in (memory or {}).get("results", [])
                    if r.get("mode") == stream_mode(page["path"])
                ),
                None,
            )
        row = [
            f"{name} `{page['path']}`",
            queries(page, memory),
            f"{size_bytes:,}" if size_bytes is not None else "–",
            *cell(uncached.get(name), bare_u),
            *(
                cell(cached.get(name), same_size_bare(cached.get(name)) or bare_c)
                if name in cached
                else ["never cached", "", "", ""]
            ),
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return lines


def same_size_bare(entry: dict | None) -> float | None:
    """The bare view's req/s at this page's own size (cached pass), when measured."""
    return ((entry or {}).get("bare_same_size") or {}).get("wrk", {}).get("rps")


def rps(result: dict, mode: str, name: str) -> float | None:
    return result["passes"].get(mode, {}).get(name, {}).get("wrk", {}).get("rps")


UNCACHED_P95_MS = 100  # every page at 50,000, uncached (issue #17)
SEARCH_P95_MS = 150  # a search, common or rare word
CACHED_SHARE = 80  # a cached page against a bare page of its own size, %


def is_search(path: str) -> bool:
    return "q=" in path.partition("?")[2]


def is_download(path: str) -> bool:
    """An open-data file (CSV, 360Giving JSON, Excel), streamed and never cached."""
    return path.startswith("/data/") and Path(path.partition("?")[0]).suffix in {
        ".csv",
        ".json",
        ".xlsx",
    }


def latency_targets(big: dict) -> list[str]:
    """Issue #17's targets over every page measured at 50,000: uncached p95 under
    UNCACHED_P95_MS (a search under SEARCH_P95_MS), and a cached page at CACHED_SHARE % of a
    bare page of its own size. The whole country's downloads (streamed, too slow for wrk,
    measured two at a time) and a municipality's are files, not pages: listed with their
    p95, not judged here (their own target is that they stream, in the memory table)."""
    uncached, cached = big["passes"]["uncached"], big["passes"].get("cached", {})
    lines, downloads, missed, worst = [], [], [], {}
    for name, entry in uncached.items():
        if name == BARE:
            continue
        if "pair" in entry or is_download(entry.get("path", "")):
            p95 = entry.get("wrk", {}).get("p95_ms")
            downloads.append(f"{name} (p95 {fmt(p95)} ms)" if p95 else name)
            continue
        kind = "search" if is_search(entry.get("path", "")) else "page"
        limit = SEARCH_P95_MS if kind == "search" else UNCACHED_P95_MS
        p95 = entry.get("wrk", {}).get("p95_ms")
        if p95 is None or p95 >= limit:
            missed.append(f"{name} ({'failed' if p95 is None else fmt(p95) + ' ms'})")
        if p95 is not None and p95 > worst.get(kind, (None, -1))[1]:
            worst[kind] = (name, p95)
    counted = len(uncached) - 1 - len(downloads)
    for kind, limit in (("page", UNCACHED_P95_MS), ("search", SEARCH_P95_MS)):
        if kind in worst:
            name, p95 = worst[kind]
            label = "every page" if kind == "page" else "every search"
            lines.append(
                f"| {label}: uncached p95 < {limit} ms at 50,000 | slowest: {name} | "
                f"p95 {fmt(p95)} ms | | {'met' if p95 < limit else '**missed**'} |"
            )
    lines.append(
        f"| uncached p95 targets, all {counted} pages and searches | "
        f"{'missed: ' + ', '.join(missed) if missed else 'none missed'} | | | "
        f"{'**missed**' if missed else 'met'} |"
    )
    shares = []
    for name, entry in cached.items():
        bare = same_size_bare(entry)
        if name != BARE and "wrk" in entry and bare:
            shares.append((100 * entry["wrk"]["rps"] / bare, name))
    if shares:
        share, name = min(shares)
        lines.append(
            f"| a cached page ≥ {CACHED_SHARE} % of a same-size bare view | lowest: {name} | "
            f"| {share:.1f} % (of {len(shares)} cached pages) | "
            f"{'met' if share >= CACHED_SHARE else '**missed**'} |"
        )
    if downloads:
        lines.append(
            f"| (files, not pages: the open-data downloads) | {', '.join(downloads)} | see the "
            f"memory table | | streamed |"
        )
    return lines


def targets(results: dict, concurrency: dict | None, scaling: dict | None = None) -> list[str]:
    big = results.get("50k")
    small = results.get("1k")
    lines = [
        "| target | page | measured (uncached) | measured (cached) | verdict |",
        "|---|---|---:|---:|---|",
    ]
    if big:
        for mode_name in PUBLIC:
            values = []
            verdicts = []
            for mode in ("uncached", "cached"):
                entry = big["passes"].get(mode, {}).get(mode_name, {})
                bare = same_size_bare(entry) or rps(big, mode, BARE)
                if "wrk" in entry and bare:
                    ratio = 100 * entry["wrk"]["rps"] / bare
                    p95 = entry["wrk"]["p95_ms"]
                    values.append(f"{ratio:.1f} %, p95 {fmt(p95)} ms")
                    verdicts.append(ratio >= 50 and p95 < 100)
                else:
                    values.append("failed" if entry else "–")
                    verdicts.append(False)
            verdict = {
                (True, True): "met",
                (False, True): "met with the cache only",
                (True, False): "met uncached only",
                (False, False): "**missed**",
            }[tuple(verdicts)]
            lines.append(
                f"| ≥ 50 % of bare and p95 < 100 ms at 50,000 | {mode_name} | {values[0]} | "
                f"{values[1]} | {verdict} |"
            )
    if big:
        lines += latency_targets(big)
    if big and small:
        values = []
        verdicts = []
        for mode in ("uncached", "cached"):
            a, b = rps(small, mode, "catalogue"), rps(big, mode, "catalogue")
            if scaling:  # measured side by side in rounds (bench.scaling): the passes'
                # two figures are 20 minutes apart on a machine whose speed moves
                a, b = scaling["median"][mode]["1k"], scaling["median"][mode]["50k"]
            if a and b:
                how = f", medians of {scaling['rounds']} rounds side by side" if scaling else ""
                values.append(f"{100 * b / a:.1f} % ({fmt(b)} / {fmt(a)} req/s{how})")
                verdicts.append(b / a >= 0.8)
            else:
                values.append("–")
                verdicts.append(False)
        verdict = (
            "met" if all(verdicts) else ("met with the cache only" if verdicts[1] else "**missed**")
        )
        lines.append(
            f"| catalogue at 50,000 ≥ 80 % of at 1,000 | catalogue | {values[0]} | {values[1]} "
            f"| {verdict} |"
        )
    if concurrency:
        ok = concurrency["passed"]
        lines.append(
            f"| {concurrency['threads']} concurrent approvals, no error, no over-allocation | "
            f"do_record_decision | {concurrency['approved']} approved, "
            f"{concurrency['refused_insufficient_funds']} refused (InsufficientFunds), "
            f"{concurrency['other_errors']} other errors | allocated {concurrency['allocated']} + "
            f"reserved {concurrency['reserved']} ≤ budget {concurrency['budget']}: "
            f"{concurrency['money_rule_holds']} | {'met' if ok else '**missed**'} |"
        )
    lines.append("")
    return lines


def memory_table(memory: dict) -> list[str]:
    lines = [
        f"Peak memory on {memory['applications']:,} applications"
        + f" ({memory['parallel']} processes at a time):",
        "",
        "| how | bytes | seconds | queries | peak RSS MiB | increase during export MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in memory["results"]:
        if "error" in r:
            lines.append(f"| {r['mode']} | FAILED | | | | |")
            continue
        size = f"{r['bytes']:,}"
        lines.append(
            f"| {r['mode']}: {r['what']} | {size} | {r['seconds']} | {r['queries']} | "
            f"{r['peak_rss_mib']} | {r['peak_increase_mib']} |"
        )
    lines.append("")
    return lines


def errors_section(results: dict) -> list[str]:
    lines = []
    for size, result in results.items():
        for mode, pages in result["passes"].items():
            for name, entry in pages.items():
                if entry.get("server_error_lines"):
                    lines.append(
                        f"- {size}, {mode}, {name}: {entry['server_error_lines']} error lines in "
                        f"the gunicorn log, e.g. `{entry['server_errors'][0].strip()[:200]}`"
                    )
    return lines or ["- none"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, type=Path)
    args = parser.parse_args()
    d = args.results
    machine = load(d / "machine.json") or {}
    # The downloads' memory at 50,000, or at 1,000 in a BENCH_SMALL run.
    memory_size = "50k" if (d / "memory-50k.json").exists() else "1k"
    memory = load(d / f"memory-{memory_size}.json")
    concurrency = load(d / "concurrency.json")
    results = {size: load(d / f"load-{size}.json") for size in SIZES}
    results = {k: v for k, v in results.items() if v}
    lines = ["# Benchmark results", ""]
    if machine:
        lines += [f"- {key}: {value}" for key, value in machine.items()] + [""]
    first = next(iter(results.values()), None)
    if first:
        lines += [
            f"gunicorn `{first['settings']['gunicorn']}`; wrk `{first['settings']['wrk']}` "
            f"(slow pages: {first['settings']['slow']}). The bare view row is as large as "
            f"the catalogue page; the uncached '% of bare' of every page is against it, the "
            f"cached '% of bare' against a bare page of exactly that page's size, measured "
            f"right after the page in the same pass.",
            "",
        ]
    for size in SIZES:
        if size in results:
            pages = load(d / f"pages-{size}.json")
            lines += size_table(size, pages, results[size], memory if size == memory_size else None)
    lines += [
        "¹ the uncached request failed, so the page can never enter the cache.  ",
        "² slow page: measured with one connection per gunicorn worker (-t1 -c2).  ",
        "³ counted by bench/memory.py while streaming the download through the test client.  ",
        "⁴ too slow for wrk: two requests at once (one per worker), each read to the end; "
        "p50/p95 columns show the faster and the slower of the two.  ",
        f"⁵ disturbed: other work on the machine used more than {FOREIGN} cores during the "
        "run (in brackets) even after waiting and repeating; the number is pessimistic.",
        "",
        "## Targets",
        "",
        *targets(results, concurrency, load(d / "scaling.json")),
    ]
    if memory:
        lines += ["## Memory of the open-data downloads", "", *memory_table(memory)]
    if concurrency:
        lines += [
            "## Concurrent approvals",
            "",
            "```json",
            json.dumps(concurrency, indent=2, ensure_ascii=False),
            "```",
            "",
        ]
    lines += ["## Errors in the server log during the load", "", *errors_section(results), ""]
    text = "\n".join(lines)
    (d / "report.md").write_text(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
