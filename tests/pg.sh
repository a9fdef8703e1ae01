# shellcheck shell=bash
# tests/pg.sh - sourced by tests that run against PostgreSQL: a PostgreSQL 15 server of the
# test's own, on loopback, for as long as the test runs.
#
#   pg_start DIR      initdb in DIR/data (user svcdesk, trust, UTF-8) and start a server on
#                     127.0.0.1 on a free port, TCP only, its log in DIR/log. Exports PG_BIN,
#                     PG_PORT, PG_DIR and SVCDESK_PG_URL (postgresql://svcdesk@127.0.0.1:PORT/
#                     postgres). Returns non-zero, with the log on stderr, when it cannot.
#   pg_createdb NAME  a fresh database NAME ([a-z0-9_], dropped first if it exists); prints
#                     its URL
#   pg_psql URL ARGS  psql on URL: no psqlrc, quiet, stops at the first error
#   pg_stop           stop the server (fast, else immediate). Idempotent and always returns 0,
#                     so that it can run from a trap: trap 'pg_stop; cleanup' EXIT
#
# The server refuses to run as root: as root, initdb and pg_ctl run as the postgres user, DIR
# is given to that user, and the folders above DIR that root owns inside the temporary folder
# (a mktemp -d is 0700) let it through (o+x, not o+r). As any other user they run as that
# user. Settings are for tests: max_connections = 200, fsync on, small shared buffers;
# PG_SETTINGS (lines of postgresql.conf, set beforehand) come after them, as the benchmarks'
# bigger buffers. PG_BIN may be set beforehand to use another installation.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=
PG_PORT=

# pg__as_owner CMD...: run a server program as the user that owns the data folder
pg__as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg__free_port: a port nothing listens on, below Linux's ephemeral range (32768-60999)
pg__free_port() {
    local p _
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 12000))
        (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null && continue
        echo "$p"
        return 0
    done
    return 1
}

# pg__reachable DIR: let the postgres user reach DIR (root only; see the top)
pg__reachable() {
    local dir=$1 tmp d
    tmp=$(cd "${TMPDIR:-/tmp}" && pwd -P)
    d=$(dirname "$dir")
    while [ "$d" != / ] && [ "$d" != "$tmp" ]; do
        case "$d" in "$tmp"/*) ;; *) break ;; esac
        [ "$(stat -c %u "$d")" = 0 ] && chmod o+x "$d"
        d=$(dirname "$d")
    done
    runuser -u postgres -- test -w "$dir" && return 0
    echo "pg_start: the postgres user cannot write to $dir (a folder above it is closed)" >&2
    return 1
}

pg_start() {
    local dir=${1:-} locale=--no-locale port try rc _
    [ -n "$dir" ] || { echo "pg_start: usage: pg_start DIR" >&2; return 1; }
    [ -x "$PG_BIN/postgres" ] || { echo "pg_start: no PostgreSQL in PG_BIN=$PG_BIN" >&2; return 1; }
    mkdir -p "$dir" && dir=$(cd "$dir" && pwd -P) || return 1
    if [ "$(id -u)" = 0 ]; then
        if ! id postgres > /dev/null 2>&1; then
            echo "pg_start: as root, needs a postgres user to run the server" >&2
            return 1
        fi
        chown postgres: "$dir" && chmod 700 "$dir" && pg__reachable "$dir" || return 1
    fi
    # UTF-8, and a locale that classifies non-ASCII letters (full-text search, citext)
    locale -a 2> /dev/null | grep -qix 'c\.utf-\?8' && locale=--locale=C.UTF-8
    if ! pg__as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U svcdesk -E UTF8 "$locale" \
        --no-sync > "$dir/initdb.log" 2>&1; then
        echo "pg_start: initdb failed:" >&2
        cat "$dir/initdb.log" >&2
        return 1
    fi
    cat >> "$dir/data/postgresql.conf" <<'EOF'

# tests/pg.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
shared_buffers = 32MB
fsync = on
EOF
    [ -n "${PG_SETTINGS:-}" ] && printf '%s\n' "$PG_SETTINGS" >> "$dir/data/postgresql.conf"
    PG_DIR=$dir
    for try in 1 2 3 4 5; do
        port=$(pg__free_port) || { echo "pg_start: no free port" >&2; return 1; }
        pg__as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -o "-p $port" -w -t 60 start \
            > /dev/null 2>&1
        rc=$?
        [ "$rc" = 0 ] && break
        # another process took the port between the probe and the bind: try another one
        grep -q 'could not bind\|Address already in use' "$dir/log" 2> /dev/null || break
        echo "pg_start: port $port was taken (try $try), trying another" >&2
    done
    if [ "$rc" != 0 ]; then
        echo "pg_start: the server did not start (pg_ctl: $rc); its log:" >&2
        cat "$dir/log" >&2
        pg_stop
        return 1
    fi
    for _ in $(seq 1 100); do # pg_ctl -w waited for "ready"; check that it answers, too
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U svcdesk -d postgres && break
        sleep 0.1
    done
    if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U svcdesk -d postgres; then
        echo "pg_start: the server does not answer on 127.0.0.1:$port; its log:" >&2
        cat "$dir/log" >&2
        pg_stop
        return 1
    fi
    PG_PORT=$port
    SVCDESK_PG_URL=postgresql://svcdesk@127.0.0.1:$port/postgres
    export PG_BIN PG_DIR PG_PORT SVCDESK_PG_URL
}

pg_psql() {
    local url=$1
    shift
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"
}

pg_createdb() {
    local name=${1:-}
    case "$name" in '' | *[!a-z0-9_]*)
        echo "pg_createdb: NAME must be made of a-z, 0-9 and _" >&2
        return 1
        ;;
    esac
    [ -n "$PG_PORT" ] || { echo "pg_createdb: no server (pg_start first)" >&2; return 1; }
    # two -c: DROP DATABASE cannot run inside a transaction block
    pg_psql "$SVCDESK_PG_URL" -c "SET client_min_messages = warning" \
        -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
        -c "CREATE DATABASE $name" > /dev/null || return 1
    echo "postgresql://svcdesk@127.0.0.1:$PG_PORT/$name"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop > /dev/null 2>&1 ||
            pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 10 stop \
                > /dev/null 2>&1
    fi
    PG_DIR=
    PG_PORT=
    return 0
}
