#!/usr/bin/env bash
# A production-like local stack of the portal, for manual and helper ("fresh eyes") journeys:
# PostgreSQL with the demo data, gunicorn with DEBUG off on 8100 (REQUIRE_STAFF_2FA=0) and
# 8101 (REQUIRE_STAFF_2FA=1), the background worker, an SMTP sink on 2525 and the OpenID
# Connect provider of the tests on 9401 (Frederiksberg's staff) and 9402 (MitID Erhverv).
# See tests/stack/README.md.
#
#   tests/stack/run.sh [STACK_DIR]            # default: $STACK_DIR, else /tmp/stack
#
# Runs in the foreground until Ctrl-C or kill (TERM); then stops everything it started.
# Environment: STACK_DIR, STACK_DB (default portal_stack: dropped and made again),
# STACK_PG (the PostgreSQL server, default postgres://postgres@127.0.0.1:5432),
# STACK_REDIS (auto: a private redis-server on 6390 when one is installed; 0: none),
# STACK_WORKERS (gunicorn workers per app server, default 2).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_DIR=$(mkdir -p "${1:-${STACK_DIR:-/tmp/stack}}" && cd "${1:-${STACK_DIR:-/tmp/stack}}" && pwd)
STACK_DB=${STACK_DB:-portal_stack}
STACK_PG=${STACK_PG:-postgres://postgres@127.0.0.1:5432}
STACK_PG=${STACK_PG%/}
STACK_REDIS=${STACK_REDIS:-auto}
STACK_WORKERS=${STACK_WORKERS:-2}
WEB_PORT=8100
WEB_2FA_PORT=8101
SMTP_PORT=2525
OIDC_PORTS=(9401 9402)
REDIS_PORT=6390
ADDRESS=http://127.0.0.1:$WEB_PORT
ADDRESS_2FA=http://127.0.0.1:$WEB_2FA_PORT
VENV=$REPO/.venv
PY=$VENV/bin/python
LOGS=$STACK_DIR/logs
MAIL=$STACK_DIR/mail
ENV_FILE=$STACK_DIR/env.sh
READY_FILE=$STACK_DIR/ready.txt
TWO_FACTOR_USER=frb-sekretariat-2fa

say() { printf '[stack %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { say "ERROR: $*" >&2; exit 1; }

# --- What it needs -------------------------------------------------------------------------
[[ -x $PY && -x $VENV/bin/gunicorn ]] || die "$VENV is missing: run 'make venv' first"
command -v node >/dev/null || die "node is missing (the OpenID Connect provider needs Node 20+)"
[[ $STACK_DB =~ ^[a-z0-9_]+$ && $STACK_DB == *stack* ]] ||
    die "STACK_DB=$STACK_DB: give a name of lower-case letters, digits and _ with 'stack' in it (it is dropped)"
if [[ ! -d $REPO/tests/oidc/node_modules/oidc-provider ]]; then
    command -v npm >/dev/null || die "tests/oidc/node_modules is missing and npm is not installed"
    say "installing the provider's node packages (npm ci in tests/oidc)"
    (cd "$REPO/tests/oidc" && npm ci --no-audit --no-fund --loglevel=error)
fi

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORTS=("$WEB_PORT" "$WEB_2FA_PORT" "$SMTP_PORT" "${OIDC_PORTS[@]}")
REDIS_SERVER=$(command -v redis-server || true)
[[ $STACK_REDIS == auto && -n $REDIS_SERVER ]] && PORTS+=("$REDIS_PORT")
for port in "${PORTS[@]}"; do
    ! listening "$port" || die "port $port is taken: is a stack already running? (see $READY_FILE)"
done

# --- Stopping: every process started here, on any exit -------------------------------------
PIDS=()
NAMES=()
any_alive() {
    local pid
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
    return 1
}
stop_all() {
    trap - EXIT INT TERM
    rm -f "$READY_FILE"
    ((${#PIDS[@]})) || return 0
    say "stopping: ${NAMES[*]}"
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
        any_alive || break
        sleep 0.2
    done
    kill -KILL "${PIDS[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    say "stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # start NAME COMMAND...: in the background, output to $LOGS/NAME.log
    local name=$1
    shift
    "$@" >"$LOGS/$name.log" 2>&1 &
    PIDS+=("$!")
    NAMES+=("$name")
}

wait_for_port() { # wait_for_port NAME PORT
    for _ in $(seq 300); do
        listening "$2" && return 0
        kill -0 "${PIDS[-1]}" 2>/dev/null || break
        sleep 0.2
    done
    tail -n 20 "$LOGS/$1.log" >&2 || true
    die "$1 did not start on port $2 (log: $LOGS/$1.log)"
}

# --- Working directory and environment -----------------------------------------------------
rm -rf "$LOGS" "$MAIL" "${STACK_DIR:?}/media" "$STACK_DIR/opendata" "$STACK_DIR/redis" "$STACK_DIR/oidc.json"
mkdir -p "$LOGS" "$MAIL" "$STACK_DIR/media" "$STACK_DIR/opendata" "$STACK_DIR/redis"
random() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))'; }

{
    echo "# The local stack's environment (tests/stack/run.sh, $(date -Iseconds))."
    echo "# source it, then e.g.: python manage.py shell   (the same database as the stack)"
    printf 'export %s=%q\n' \
        REPO "$REPO" \
        PATH "$VENV/bin:$PATH" \
        DJANGO_SETTINGS_MODULE portal.settings \
        DEBUG 0 \
        DEV_TOOLS 0 \
        SECRET_KEY "$(random)" \
        ALLOWED_HOSTS 127.0.0.1,localhost \
        DATABASE_URL "$STACK_PG/$STACK_DB" \
        PORTAL_BASE_URL "$ADDRESS" \
        SECURE_COOKIES 0 \
        SECURE_SSL_REDIRECT 0 \
        SECURE_HSTS_SECONDS 0 \
        SECURE_HSTS_PRELOAD 0 \
        BEHIND_PROXY 0 \
        TRUSTED_PROXY_COUNT 0 \
        EMAIL_HOST 127.0.0.1 \
        EMAIL_PORT "$SMTP_PORT" \
        DEFAULT_FROM_EMAIL "Integrationsportalen <integrationspulje@example.org>" \
        MEDIA_ROOT "$STACK_DIR/media" \
        OPEN_DATA_FILES_DIR "$STACK_DIR/opendata" \
        LOCAL_PASSWORD_LOGIN 1 \
        REQUIRE_STAFF_2FA 0 \
        LOG_LEVEL INFO \
        OIDC_TEST_FREDERIKSBERG_SECRET "$(random)" \
        OIDC_TEST_ERHVERV_SECRET "$(random)" \
        STACK_DIR "$STACK_DIR" \
        STACK_DB "$STACK_DB" \
        STACK_ADDRESSES "$ADDRESS $ADDRESS_2FA"
    if [[ $STACK_REDIS == auto && -n $REDIS_SERVER ]]; then
        printf 'export %s=%q\n' REDIS_URL "redis://127.0.0.1:$REDIS_PORT/0"
    else
        echo "# No Redis: each process caches on its own, so public pages are not cached at all"
        echo "# (else a change made through one process would not be seen by the others for minutes)."
        printf 'export %s=%q\n' PUBLIC_CACHE_SECONDS 0
        echo "unset REDIS_URL"
    fi
} >"$ENV_FILE"
unset REDIS_URL PUBLIC_CACHE_SECONDS
# shellcheck source=/dev/null
source "$ENV_FILE"
cd "$REPO"

# --- The services that need no database ----------------------------------------------------
say "SMTP sink on 127.0.0.1:$SMTP_PORT, mail in $MAIL"
start smtp "$PY" tests/stack/smtp_sink.py "$MAIL" --port "$SMTP_PORT"
wait_for_port smtp "$SMTP_PORT"

say "OpenID Connect provider on ${OIDC_PORTS[*]}"
"$PY" tests/stack/sso.py provider-config "$STACK_DIR/oidc.json"
# shellcheck disable=SC2016 # $1 is the inner shell's argument
start oidc bash -c 'cd tests/oidc && exec node provider.mjs "$1"' oidc "$STACK_DIR/oidc.json"
for port in "${OIDC_PORTS[@]}"; do wait_for_port oidc "$port"; done

if [[ -n ${REDIS_URL:-} ]]; then
    say "Redis (the shared cache) on 127.0.0.1:$REDIS_PORT"
    start redis "$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
        --appendonly no --dir "$STACK_DIR/redis"
    wait_for_port redis "$REDIS_PORT"
else
    say "no redis-server (or STACK_REDIS=0): PUBLIC_CACHE_SECONDS=0"
fi

# --- A fresh database with the demo data ---------------------------------------------------
say "database $STACK_DB on $STACK_PG: dropped and made again"
"$PY" - "$STACK_PG/postgres" "$STACK_DB" <<'PYTHON'
import sys

import psycopg
from psycopg import sql

with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    name = sql.Identifier(sys.argv[2])
    connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
PYTHON
setup() { # setup TITLE COMMAND...: output to setup.log, shown on failure
    say "$1"
    shift
    echo "### $*" >>"$LOGS/setup.log"
    "$@" >>"$LOGS/setup.log" 2>&1 || { tail -n 30 "$LOGS/setup.log" >&2; die "failed: $*"; }
}
setup "migrate" "$PY" manage.py migrate --noinput
say "load_demo"
DEV_TOOLS=1 "$PY" manage.py load_demo --force --address "$ADDRESS/" >"$LOGS/load_demo.log" 2>&1 ||
    { cat "$LOGS/load_demo.log" >&2; die "load_demo failed"; }
setup "collectstatic (into $REPO/staticfiles)" "$PY" manage.py collectstatic --noinput
setup "identity providers and role mappings" "$PY" tests/stack/sso.py configure
say "user $TWO_FACTOR_USER with an authenticator app"
TWO_FACTOR_LINE=$("$PY" tests/stack/user.py "$TWO_FACTOR_USER" --like frb-sekretariat --totp \
    --full-name "Demo Totrin" 2>>"$LOGS/setup.log") || { tail -n 30 "$LOGS/setup.log" >&2; die "user.py failed"; }
echo "### manage.py check --deploy (for information)" >>"$LOGS/setup.log"
"$PY" manage.py check --deploy >>"$LOGS/setup.log" 2>&1 || true

# --- The app servers and the worker --------------------------------------------------------
gunicorn() { # gunicorn PORT BASE_ADDRESS REQUIRE_STAFF_2FA
    exec env PORTAL_BASE_URL="$2" REQUIRE_STAFF_2FA="$3" DATABASE_STATEMENT_TIMEOUT=25000 \
        "$VENV/bin/gunicorn" portal.wsgi --bind "127.0.0.1:$1" --workers "$STACK_WORKERS" \
        --timeout 60 --graceful-timeout 5 --access-logfile - \
        --control-socket "$STACK_DIR/gunicorn-$1.ctl"
}
say "gunicorn on $WEB_PORT (REQUIRE_STAFF_2FA=0) and $WEB_2FA_PORT (REQUIRE_STAFF_2FA=1)"
start "web-$WEB_PORT" gunicorn "$WEB_PORT" "$ADDRESS" 0
start "web-$WEB_2FA_PORT" gunicorn "$WEB_2FA_PORT" "$ADDRESS_2FA" 1
say "worker (manage.py run_worker)"
start worker "$PY" manage.py run_worker --no-reload
for port in "$WEB_PORT" "$WEB_2FA_PORT"; do
    wait_for_port "web-$port" "$port"
    "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=60).close()' \
        "http://127.0.0.1:$port/" || die "http://127.0.0.1:$port/ does not answer 200 (log: $LOGS/web-$port.log)"
done

# --- READY ---------------------------------------------------------------------------------
read -r _user _password TWO_FACTOR_KEY <<<"$TWO_FACTOR_LINE"
{
    echo "==================================================================== READY"
    echo "Portal (DEBUG off, gunicorn, PostgreSQL database $STACK_DB):"
    echo "  $ADDRESS/   REQUIRE_STAFF_2FA=0"
    echo "  $ADDRESS_2FA/   REQUIRE_STAFF_2FA=1 (committee staff and admins need a second factor)"
    echo "  (cookies do not tell ports apart: use a separate browser context per address)"
    echo
    sed -n '/^Demo logins/,$p' "$LOGS/load_demo.log"
    echo "  $TWO_FACTOR_USER  Sekretariat, frederiksberg, authenticator app key $TWO_FACTOR_KEY"
    echo "                       (shot.py ... totp=$TWO_FACTOR_KEY; password as the demo users)"
    echo
    echo "Sign-in at the OpenID Connect provider (\"Log ind med Frederiksberg Kommune\" /"
    echo "\"Log ind med MitID Erhverv\" on the login page; type the login, no password):"
    "$PY" tests/stack/sso.py logins
    echo
    echo "Mail (SMTP 127.0.0.1:$SMTP_PORT): $MAIL/*.eml   read: python tests/stack/mail.py [--links]"
    echo "Logs: $LOGS/ (web-$WEB_PORT, web-$WEB_2FA_PORT, worker, oidc, smtp, setup, load_demo)"
    echo "Environment: source $ENV_FILE   (then: python manage.py shell; python tests/stack/user.py)"
    echo "Stop: kill $$  (or Ctrl-C)"
    echo "=========================================================================="
} | tee "$READY_FILE.tmp"
mv "$READY_FILE.tmp" "$READY_FILE"

# --- Until stopped, or until one of them ends ----------------------------------------------
while true; do
    status=0
    wait -n "${PIDS[@]}" || status=$?
    for i in "${!PIDS[@]}"; do
        if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
            tail -n 20 "$LOGS/${NAMES[$i]}.log" >&2 || true
            die "${NAMES[$i]} ended (exit $status; log: $LOGS/${NAMES[$i]}.log)"
        fi
    done
done
