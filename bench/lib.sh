# shellcheck shell=bash
# bench/lib.sh - sourced by the benchmarks that run on both backends: which backends, a fresh
# database on each, SQL written straight into it, servers on it, and where the CPU went.
#
#   BACKENDS              the backends to run on, in this order (default "sqlite postgres");
#                         PostgreSQL is skipped, with a line saying why, when it cannot start
#   bench_db BACKEND NAME a fresh database initialised by svcdesk init (admin
#                         bench@example.test): sets DBURL. SQLite: the file $T/NAME.db.
#                         PostgreSQL: the database NAME on a server of the benchmark's own
#                         (tests/pg.sh, in $T/pg, started at the first call, with the
#                         settings below); fails when there is none
#   bench_sql SQL         run SQL on DBURL (sqlite3 without fsync while loading; psql)
#   bench_serve [ARGS]    start svcdesk serve on DBURL on a free port (the first one: and wait
#                         for its backup at start): sets PID and BASE of the server just started; PIDS holds
#                         every server started
#   bench_stop            stop every server (SIGTERM, then wait)
#   bench_cpu CMD...      run CMD (its output as it prints it), then where the machine's CPU
#                         went meanwhile: svcdesk, postgres and the rest (the load generator),
#                         as % of all cores
#   bench_cleanup         for the EXIT trap: servers and PostgreSQL stopped, $T removed
#
# The caller sets T (a mktemp -d) and SVCDESK first.

BACKENDS=${BACKENDS:-sqlite postgres}
PIDS=()
PID=
BASE=
DBURL=
BACKEND=
BENCH_PG=      # "up" once a server runs, "no" when it could not start

# The PostgreSQL the benchmarks run on: docs/operations.md, "PostgreSQL settings" (the same
# on 24 GiB: a quarter of the memory as shared buffers would be 6 GB; 2 GB holds every
# table of these benchmarks). fsync and synchronous_commit stay on: POST figures are durable.
BENCH_PG_SETTINGS="shared_buffers = 2GB
effective_cache_size = 8GB
work_mem = 16MB
maintenance_work_mem = 512MB
max_wal_size = 8GB
checkpoint_timeout = 15min
random_page_cost = 1.1
synchronous_commit = on"

bench__pg() {
    [ "$BENCH_PG" = up ] && return 0
    [ "$BENCH_PG" = no ] && return 1
    # shellcheck source=../tests/pg.sh
    . "$(dirname "${BASH_SOURCE[0]}")/../tests/pg.sh"
    if PG_SETTINGS=$BENCH_PG_SETTINGS pg_start "$T/pg" 2> "$T/pg-start.log"; then
        BENCH_PG=up
        return 0
    fi
    BENCH_PG=no
    echo "postgresql: skipped, the server did not start: $(head -c 300 "$T/pg-start.log")"
    return 1
}

bench_db() {
    BACKEND=$1
    case "$1" in
        sqlite) DBURL=$T/$2.db ;;
        postgres) bench__pg || return 1; DBURL=$(pg_createdb "$2") || return 1 ;;
        *) echo "bench_db: unknown backend $1 (sqlite or postgres)" >&2; return 1 ;;
    esac
    "$SVCDESK" init --db "$DBURL" --admin-email bench@example.test \
        --admin-password bench-password --no-default-policy > "$T/init.log" 2>&1 ||
        { echo "bench_db: svcdesk init failed: $(cat "$T/init.log")" >&2; return 1; }
}

bench_sql() {
    case "$BACKEND" in
        sqlite) sqlite3 "$DBURL" "PRAGMA synchronous=OFF; $1" ;;
        postgres) pg_psql "$DBURL" -c "SET client_min_messages = warning" -c "$1" > /dev/null ;;
    esac
}

bench_serve() {
    local n=${#PIDS[@]} _
    "$SVCDESK" serve --db "$DBURL" --listen 127.0.0.1:0 --backup-dir "$T/bk$n" \
        --backup-at 23:59 --log-level warn "$@" > "$T/out$n" 2> "$T/log$n" &
    PID=$!
    PIDS+=("$PID")
    for _ in $(seq 1 400); do grep -q listening "$T/out$n" && break; sleep 0.05; done
    grep -q listening "$T/out$n" || { echo "bench_serve: no server: $(cat "$T/log$n")" >&2; return 1; }
    BASE="http://$(sed -n 's/^listening on //p' "$T/out$n")"
    # the first server on a database without today's backup makes one at start (on
    # PostgreSQL pg_dump, and a restore into a scratch database to verify it): not while
    # the figures are taken (a second server leaves the job to the first, which holds it)
    [ "$n" = 0 ] || return 0
    for _ in $(seq 1 600); do ls "$T/bk$n"/*.db > /dev/null 2>&1 && break; sleep 0.1; done
    sleep 0.5
}

bench_stop() {
    [ "${#PIDS[@]}" -gt 0 ] || return 0
    kill "${PIDS[@]}" 2> /dev/null
    wait "${PIDS[@]}" 2> /dev/null
    PIDS=()
    PID=
}

# bench__ticks PID...: CPU clock ticks (user + system) of the processes
bench__ticks() {
    local p sum=0 t
    for p in "$@"; do
        t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2> /dev/null) || continue
        sum=$((sum + ${t:-0}))
    done
    echo "$sum"
}
# bench__pg_pids: the postmaster and its children
bench__pg_pids() {
    local pm
    [ "$BENCH_PG" = up ] || return 0
    pm=$(head -1 "$PG_DIR/data/postmaster.pid" 2> /dev/null) || return 0
    echo "$pm" $(pgrep -P "$pm")
}
# bench__busy: busy and total ticks of the machine (/proc/stat)
bench__busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

bench_cpu() {
    local s0 p0 b0 t0 s1 p1 b1 t1 pg
    pg=$(bench__pg_pids)
    s0=$(bench__ticks "${PIDS[@]}")
    # shellcheck disable=SC2086
    p0=$(bench__ticks $pg)
    read -r b0 t0 < <(bench__busy)
    "$@"
    s1=$(bench__ticks "${PIDS[@]}")
    # shellcheck disable=SC2086
    p1=$(bench__ticks $(bench__pg_pids))
    read -r b1 t1 < <(bench__busy)
    awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v b=$((b1 - b0)) -v t=$((t1 - t0)) 'BEGIN {
        if (t <= 0) t = 1
        o = b - s - p; if (o < 0) o = 0
        printf "  CPU of %d cores: svcdesk %.0f %%, postgres %.0f %%, the rest (wrk) %.0f %%, idle %.0f %%\n",
            '"$(nproc)"', 100 * s / t, 100 * p / t, 100 * o / t, 100 * (t - b) / t }'
}

bench_cleanup() {
    bench_stop
    [ "$BENCH_PG" = up ] && pg_stop
    rm -rf "$T"
}
