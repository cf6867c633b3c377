#!/usr/bin/env bash
# Performance benchmark of the portal (docs/performance.md). One command:
#
#     bench/run.sh
#
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, no password) and root for apt-get
# (wrk). Creates the database portal_bench afresh, so never point it at real data.
# Takes about 25 minutes on 2 cores. Results: bench/results/<date-time>/ (report.md).
#
# Environment (optional): BENCH_DURATION (seconds per wrk run, default 6),
# BENCH_CONNECTIONS (default 8), BENCH_THREADS (default 2), BENCH_OUT (results directory),
# BENCH_DB (database name), BENCH_ONLY (comma-separated parts of page names, e.g. "API,open
# data": measure only those pages; the 1,000 step is then skipped), BENCH_SMALL=1 (only the
# 1,000 step, with the downloads' memory there: proves the harness in a few minutes; its
# figures say nothing about national scale).
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=127.0.0.1
PGPORT=5432
PGUSER=postgres
export BENCH_DB="${BENCH_DB:-portal_bench}"
OUT="${BENCH_OUT:-bench/results/$(date +%Y%m%d-%H%M%S)}"
DURATION="${BENCH_DURATION:-6}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
THREADS="${BENCH_THREADS:-2}"
started=$SECONDS

step() { printf '\n== %s (%ds)\n' "$*" "$((SECONDS - started))"; }
fail() { echo "FATAL: $*" >&2; exit 1; }

step "Checking PostgreSQL at $PGHOST:$PGPORT as $PGUSER"
command -v pg_isready >/dev/null || fail "the PostgreSQL client tools are missing (apt-get install postgresql-client)"
pg_isready -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -q \
  || fail "PostgreSQL is not reachable at $PGHOST:$PGPORT; start it (e.g. pg_ctlcluster 15 main start)"
psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -w -tAc "SELECT 1" postgres >/dev/null \
  || fail "cannot log in to PostgreSQL as $PGUSER without a password"

step "Checking wrk"
if ! command -v wrk >/dev/null; then
  echo "wrk is missing: installing the Debian package"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
    || fail "could not install wrk (apt-get install wrk, as root)"
fi

step "Virtual environment"
make venv
# The profiler is for the benchmark only: installed into the venv here, not a project dependency.
.venv/bin/python -c "import pyinstrument" 2>/dev/null \
  || .venv/bin/python -m pip install --quiet pyinstrument \
  || echo "pyinstrument could not be installed; the profiles will use cProfile"
eval "$(.venv/bin/python bench/common.py)"   # DATABASE_URL, SECRET_KEY, DEBUG=0, ...
PY=.venv/bin/python
mkdir -p "$OUT"
echo "Results: $OUT"
read -r load1 _ < /proc/loadavg
echo "Load average now: $load1 (other work on this machine makes the numbers worse)"

step "Fresh database $BENCH_DB"
dropdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists --force "$BENCH_DB"
createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$BENCH_DB"
$PY -m bench.machine > "$OUT/machine.json"   # reads the server's settings: after createdb
$PY manage.py migrate --noinput >/dev/null
$PY manage.py collectstatic --noinput >/dev/null
if [ -n "${REDIS_URL:-}" ]; then
  echo "Cache: Redis at $REDIS_URL (emptied now, so no page of an earlier run is served)"
  $PY -c "from bench.common import setup_django; setup_django(); from django.core.cache import cache; cache.clear()"
else
  echo "Cache: no Redis reachable: each gunicorn worker keeps its own local-memory cache"
fi

# VACUUM as well as ANALYZE, as autovacuum leaves a production database after a bulk load:
# analysed only, no page of a new table is marked all-visible, and every index-only scan
# reads the table's rows too (20,000 heap fetches for the year filter's 3,000 ids).
analyze() { vacuumdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --analyze --quiet "$BENCH_DB"; }
load() {
  $PY -m bench.load --pages "$OUT/pages-$1.json" --out "$OUT/load-$1.json" \
    --duration "$DURATION" --connections "$CONNECTIONS" --threads "$THREADS" --slow-max 12
}

ONLY="${BENCH_ONLY:-}"
SMALL="${BENCH_SMALL:-}"
step "1,000 applications: 2 municipalities × 10 years × 50"
$PY manage.py generate_scale_data --municipalities 2 --years 10 --per-year 50
if [ -z "$ONLY" ] || [ -n "$SMALL" ]; then
  analyze
  step "Queries per request (test client), 1,000"
  $PY -m bench.prepare --only "$ONLY" --out "$OUT/pages-1k.json"
  step "Load (gunicorn + wrk), 1,000"
  load 1k
  # Kept for bench.scaling: the catalogue at both sizes side by side at the end.
  dropdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists --force "${BENCH_DB}_1k"
  createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -T "$BENCH_DB" "${BENCH_DB}_1k"
fi
if [ -n "$SMALL" ]; then
  status=0
  step "Memory of the open-data downloads, 1,000"
  $PY -m bench.memory --out "$OUT/memory-1k.json" || { echo "FAILED"; status=1; }
  step "Report"
  $PY -m bench.report --results "$OUT" >/dev/null
  echo "Done in $((SECONDS - started)) s (BENCH_SMALL: 1,000 applications only): $OUT/report.md"
  exit $status
fi

step "50,000 applications: 98 more municipalities × 10 years × 50"
$PY manage.py generate_scale_data --municipalities 98 --years 10 --per-year 50
analyze
step "Queries per request (test client), 50,000"
$PY -m bench.prepare --skip-streamed --only "$ONLY" --out "$OUT/pages-50k.json"
step "Load (gunicorn + wrk), 50,000"
load 50k

# The remaining steps are independent: one that fails is reported and the others still run.
status=0
if [ -n "$ONLY" ]; then
  # Only the chosen pages: of the downloads' memory just the Excel file's (the others are
  # unchanged by a page-level run), no EXPLAIN, profiles or concurrency.
  step "Memory of the Excel download, 50,000"
  $PY -m bench.memory --modes xlsx-stream --out "$OUT/memory-50k.json" \
    || { echo "FAILED"; status=1; }
else
  step "EXPLAIN of the catalogue search, 50,000"
  if $PY -m bench.explain --out "$OUT/explain-50k.txt" >/dev/null; then
    grep -E "^(## |Matches|Execution Time)|Index Scan on application_search_danish" \
      "$OUT/explain-50k.txt" | cut -c1-140
  else echo "FAILED"; status=1; fi
  step "Memory of the open-data downloads, 50,000"
  $PY -m bench.memory --out "$OUT/memory-50k.json" || { echo "FAILED"; status=1; }
  step "Profiles, 50,000"
  $PY -m bench.profile_pages --pages "$OUT/pages-50k.json" --out "$OUT/profile-50k" \
    || { echo "FAILED"; status=1; }
  step "Where the time goes: the portal's code or the framework, 50,000"
  $PY -m bench.cost_split --pages "$OUT/pages-50k.json" --out "$OUT/cost-split-50k.md" \
    >/dev/null || { echo "FAILED"; status=1; }
  step "The catalogue at 50,000 against at 1,000, side by side"
  $PY -m bench.scaling --db-1k "${BENCH_DB}_1k" --db-50k "$BENCH_DB" \
    --pages "$OUT/pages-50k.json" --out "$OUT/scaling.json" --duration "$DURATION" \
    --connections "$CONNECTIONS" --threads "$THREADS" || { echo "FAILED"; status=1; }
  dropdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists --force "${BENCH_DB}_1k"
  step "50 concurrent approvals"
  if $PY -m bench.concurrency --out "$OUT/concurrency.json" >/dev/null; then echo "passed"
  else echo "FAILED (see $OUT/concurrency.json)"; status=1; fi
fi

step "Report"
$PY -m bench.report --results "$OUT" >/dev/null
echo "Done in $((SECONDS - started)) s: $OUT/report.md"
exit $status
