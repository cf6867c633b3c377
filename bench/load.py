"""Drive HTTP load against the portal under gunicorn with wrk, page by page.

Two passes per data size, each with its own gunicorn (same command, same settings):

- "uncached": PUBLIC_CACHE_SECONDS=0, every request renders the page (all pages),
- "cached": the default public-page cache (only the public, non-streamed pages, which are
  the only ones the cache serves; staff, caseworker and streamed pages are never cached).

The bare view /bench/bare/ (bench/bench_urls.py, as large as the catalogue page) is measured
first in each pass: the framework's own limit on this machine.

Per page: one probe request (status, size, time; a failure is recorded, not retried), then
wrk with the Lua reporter. A page whose probe takes longer than --slow seconds is measured
with one connection per gunicorn worker (-t1 -c2) for longer, so that a few requests
complete and no queue of abandoned requests is left behind for the next page.

    python -m bench.load --pages bench/results/pages-1k.json --out bench/results/load-1k.json
"""

import argparse
import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_ENV, DB_NAME, ROOT

HOST, PORT = "127.0.0.1", 8400
BASE = f"http://{HOST}:{PORT}"
GUNICORN = [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-w", "2", "--bind", f"{HOST}:{PORT}"]
GUNICORN_TIMEOUT = 30  # gunicorn's default --timeout, which the command above keeps
LUA = str(ROOT / "bench/wrk_report.lua")
ERROR_MARKERS = ("Traceback", "WORKER TIMEOUT", "Internal Server Error", "[ERROR]", "CRITICAL")


def start_server(env: dict, log_path: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """gunicorn (this checkout's virtual environment) serving the code in `cwd`."""
    try:
        socket.create_connection((HOST, PORT), timeout=1).close()
    except OSError:
        pass
    else:
        raise SystemExit(f"Something already listens on {HOST}:{PORT}; stop it first.")
    log = log_path.open("ab")
    process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
        GUNICORN, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"{BASE}/bench/bare/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except (OSError, http.client.HTTPException):
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    """Quick shutdown (SIGINT) of the gunicorn master we started; its group if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def probe(path: str, cookie: str | None, timeout: float) -> dict:
    """One request read to the end: status, bytes, seconds, or how it failed."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    request = urllib.request.Request(f"{BASE}{path}", headers=headers)  # noqa: S310
    started = time.perf_counter()
    size = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
            while chunk := response.read(65536):
                size += len(chunk)
        return {"ok": status == 200, "status": status, "bytes": size, "seconds": _since(started)}
    except urllib.error.HTTPError as error:
        return {"ok": False, "status": error.code, "bytes": size, "seconds": _since(started)}
    except (OSError, http.client.HTTPException) as error:
        return {
            "ok": False,
            "status": None,
            "bytes": size,
            "seconds": _since(started),
            "error": f"{type(error).__name__}: {error}"[:200],
        }


def pair(path: str, cookie: str | None) -> dict:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: probe(path, cookie, GUNICORN_TIMEOUT + 60), range(2)))
    wall = time.perf_counter() - started
    done = [r for r in results if r["ok"]]
    return {
        "requests": results,
        "completed": len(done),
        "rps": round(len(done) / wall, 3),
        "wall_seconds": round(wall, 1),
    }


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def wrk(path: str, cookie: str | None, threads: int, connections: int, seconds: float) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:.0f}s",
        f"--timeout={GUNICORN_TIMEOUT}s",
        "-s",
        LUA,
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    command.append(f"{BASE}{path}")
    output = subprocess.run(  # noqa: S603 - fixed command, no shell
        command, capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result.update(threads=threads, connections=connections, duration=seconds)
    return result


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _busy_pids(master: int) -> list[int]:
    """The gunicorn workers we started and PostgreSQL's backends for the benchmark database
    (other databases on the same server, e.g. a test suite, are not ours to wait for)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text()
        workers = [int(x) for x in children.split()]
    except OSError:
        workers = []
    marker = f" {DB_NAME} ".encode()
    backends = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().replace(b"\0", b" "):
                    backends.append(int(entry.name))
            except OSError:
                continue
    return workers + backends


def _system_busy_ticks() -> int:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return user + nice + system + irq + softirq + steal


class CpuMeter:
    """CPU used during a measurement: by the server (gunicorn workers and the benchmark
    database's backends), by wrk, and by everything else on the machine ("foreign": another
    test suite, say), in cores. Foreign load makes the numbers worse than the machine can do."""

    def __init__(self, master: int):
        self.master = master

    def __enter__(self):
        self.pids = _busy_pids(self.master)
        self.started = time.monotonic()
        self.system = _system_busy_ticks()
        self.server = {pid: _ticks(pid) for pid in self.pids}
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.children = usage.ru_utime + usage.ru_stime
        return self

    def __exit__(self, *exc):
        seconds = time.monotonic() - self.started
        tick = os.sysconf("SC_CLK_TCK")
        system = (_system_busy_ticks() - self.system) / tick
        # A process that ended meanwhile (a database connection closed) is left out.
        alive = {pid: _ticks(pid) for pid in set(self.pids) | set(_busy_pids(self.master))}
        server = sum(t - self.server.get(pid, 0) for pid, t in alive.items() if t) / tick
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        client = usage.ru_utime + usage.ru_stime - self.children
        self.result = {
            "server_cores": round(server / seconds, 2),
            "wrk_cores": round(client / seconds, 2),
            "foreign_cores": round(max(system - server - client, 0) / seconds, 2),
        }
        return False


def wait_idle(master: int, limit: float = 120) -> float:
    """Wait until the gunicorn workers and PostgreSQL use (almost) no CPU: requests that wrk
    abandoned at the end of a run are still being served and must not overlap the next."""
    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < limit and quiet < 2:
        pids = _busy_pids(master)
        before = sum(_ticks(pid) for pid in pids)
        time.sleep(0.3)
        used = sum(_ticks(pid) for pid in pids) - before
        quiet = quiet + 1 if used <= 2 else 0
    return round(time.monotonic() - started, 1)


def new_errors(log_path: Path, offset: int) -> tuple[list[str], int]:
    text = log_path.read_bytes()
    lines = text[offset:].decode("utf-8", "replace").splitlines()
    return [line for line in lines if any(m in line for m in ERROR_MARKERS)], len(text)


def measure(path: str, cookie: str | None, timing: float, args, master: int) -> dict:
    """One measurement of a page that works, repeated (up to --retries times) while other
    work on the machine took more than --max-foreign cores of CPU during it; the least
    disturbed attempt is kept."""
    attempts: list[dict] = []
    for _ in range(1 + args.retries):
        wait_quiet(master, args)
        entry: dict = {}
        with CpuMeter(master) as cpu:
            if timing > args.slow_max / 2:
                # Too slow for wrk to complete a request in its run: two requests at once,
                # one per gunicorn worker, each read to the end (or until it fails).
                entry["pair"] = pair(path, cookie)
            elif timing <= args.slow:
                entry["wrk"] = wrk(path, cookie, args.threads, args.connections, args.duration)
            else:
                seconds = min(args.slow_max, max(args.duration, 4 * timing))
                entry["wrk"] = wrk(path, cookie, 1, 2, seconds)
                entry["slow_mode"] = True
        entry["cpu"] = cpu.result
        attempts.append(entry)
        wait_idle(master)
        if cpu.result["foreign_cores"] <= args.max_foreign:
            break
    best = min(attempts, key=lambda e: e["cpu"]["foreign_cores"])
    best["attempts"] = len(attempts)
    return best


def _foreign_cores(master: int, seconds: float = 1.0) -> float:
    """CPU used by processes other than ours (gunicorn, its database backends, this one)."""
    ours = _busy_pids(master) + [os.getpid()]
    tick = os.sysconf("SC_CLK_TCK")
    system, mine = _system_busy_ticks(), sum(_ticks(pid) for pid in ours)
    time.sleep(seconds)
    used = (_system_busy_ticks() - system) - (sum(_ticks(pid) for pid in ours) - mine)
    return max(used, 0) / tick / seconds


def wait_quiet(master: int, args) -> None:
    """Wait (within this pass's budget) until other work on the machine is quiet."""
    while args.quiet_budget > 0:
        started = time.monotonic()
        if _foreign_cores(master) <= args.max_foreign:
            return
        args.quiet_budget -= time.monotonic() - started


def run_pass(
    mode: str, pages: list[dict], cookies: dict, args, log_path: Path, uncached: dict
) -> dict:
    env = dict(os.environ)
    for key, value in BENCH_ENV.items():
        env.setdefault(key, value)
    env["PUBLIC_CACHE_SECONDS"] = "0" if mode == "uncached" else "300"
    env["BENCH_BARE_BYTES"] = str(args.bare_bytes)
    args.quiet_budget = args.wait_for_quiet
    log_path.write_bytes(b"")
    server = start_server(env, log_path)
    results = {}
    offset = 0
    try:
        for page in pages:
            name, path = page["name"], page["path"]
            cookie = cookies.get(page["session"]) if page["session"] else None
            if mode == "cached" and not page["measured"]["uncached"]["cacheable"]:
                continue
            entry = {"path": path}
            before = uncached.get(name, {}).get("probe", {})
            if mode == "cached" and before and not before["ok"]:
                # The miss renders exactly as the uncached probe did, which failed: the page
                # can never enter the cache.
                entry["probe"] = before | {"skipped": "the uncached request failed"}
                entry["server_error_lines"] = 0
                results[name] = entry
                print(f"  [{mode:8}] {name:38} skipped: {entry['probe']['skipped']}", flush=True)
                continue
            if page["measured"]["uncached"].get("skipped"):
                # The national downloads (bench/prepare.py --skip-streamed): far too slow for
                # wrk, so straight to two downloads at once, one per gunicorn worker.
                wait_quiet(server.pid, args)
                with CpuMeter(server.pid) as cpu:
                    entry["pair"] = pair(path, cookie)
                entry["cpu"] = cpu.result
                requests = entry["pair"]["requests"]
                entry["probe"] = next((r for r in requests if r["ok"]), requests[0])
                first, timing = {"ok": False}, 0.0
            else:
                first = probe(path, cookie, timeout=GUNICORN_TIMEOUT + 30)
                entry["probe"] = first
                timing = first["seconds"]
            wait_idle(server.pid)
            if first["ok"] and mode == "cached":
                # Fill the cache of both workers, then time a hit.
                wrk(path, cookie, args.threads, args.connections, 1)
                wait_idle(server.pid)
                timing = probe(path, cookie, timeout=GUNICORN_TIMEOUT + 30)["seconds"]
            if first["ok"]:
                entry.update(measure(path, cookie, timing, args, server.pid))
                if mode == "cached":
                    # The bare view at exactly this page's size, in the same pass: the
                    # framework's limit for this page (the shared one is catalogue-sized).
                    size = first["bytes"]
                    bare_entry = measure(f"/bench/bare/{size}/", None, 0.0, args, server.pid)
                    entry["bare_same_size"] = {"bytes": size, **bare_entry}
            else:
                wait_idle(server.pid)
            errors, offset = new_errors(log_path, offset)
            entry["server_errors"] = errors[:20]
            entry["server_error_lines"] = len(errors)
            results[name] = entry
            summary = _summary(entry)
            print(f"  [{mode:8}] {name:38} {summary}", flush=True)
    finally:
        stop_server(server)
    return results


def _summary(entry: dict) -> str:
    probe_ = entry["probe"]
    if not probe_["ok"] and "pair" not in entry:
        return (
            f"FAILED: HTTP {probe_['status']} after {probe_['seconds']} s, {probe_['bytes']} B "
            f"{probe_.get('error', '')} ({entry['server_error_lines']} server error lines)"
        )
    if "pair" in entry:
        p = entry["pair"]
        seconds = ", ".join(
            f"{r['seconds']:.1f} s" + ("" if r["ok"] else f" FAILED (HTTP {r['status']})")
            for r in p["requests"]
        )
        return f"2 requests at once: {p['completed']} completed ({seconds})"
    w = entry["wrk"]
    errors = sum(w[k] for k in w if k.startswith("errors_"))
    cpu = entry["cpu"]
    return (
        f"{w['rps']:8.1f} req/s  p50 {w['p50_ms']:8.1f} ms  p95 {w['p95_ms']:8.1f} ms  "
        f"(-c{w['connections']}, {w['requests']} requests, {errors} errors; cores: server "
        f"{cpu['server_cores']}, wrk {cpu['wrk_cores']}, foreign {cpu['foreign_cores']}; "
        f"attempts {entry.get('attempts', 1)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--slow", type=float, default=1.0, help="probe seconds for slow mode")
    parser.add_argument("--slow-max", type=float, default=20)
    parser.add_argument(
        "--max-foreign",
        type=float,
        default=0.25,
        help="cores other processes may use during a run before it is repeated",
    )
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument(
        "--wait-for-quiet", type=float, default=240, help="seconds per pass to wait for quiet"
    )
    args = parser.parse_args()
    prepared = json.loads(args.pages.read_text())
    pages = prepared["pages"]
    catalogue = next(p for p in pages if p["path"] == "/projekter/")
    args.bare_bytes = catalogue["measured"]["uncached"]["bytes"]
    result = {
        "applications": prepared["applications"],
        "bare_bytes": args.bare_bytes,
        "settings": {
            "gunicorn": " ".join(GUNICORN[1:]),
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration:.0f}s",
            "slow": f"probe > {args.slow} s: -t1 -c2, up to {args.slow_max:.0f} s",
        },
        "passes": {},
    }
    stem = args.out.stem
    for mode in ("uncached", "cached"):
        log_path = args.out.with_name(f"{stem}-gunicorn-{mode}.log")
        result["passes"][mode] = run_pass(
            mode, pages, prepared["cookies"], args, log_path, result["passes"].get("uncached", {})
        )
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
