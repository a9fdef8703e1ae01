#!/usr/bin/env bash
# bench-api.sh - the HTTP figures of SPEC section 4 with wrk on loopback, on each backend of
# BACKENDS (bench/lib.sh; SQLite, then PostgreSQL on the same machine):
#   GET  /api/v1/tickets/{id}   SQLite >= 20,000 requests/s, p99 <= 10 ms (2 threads, 64
#                               connections); PostgreSQL >= 8,000/s, p99 <= 20 ms
#   POST /api/v1/tickets        SQLite >= 5,000 a second with synchronous=FULL (group commit);
#                               PostgreSQL >= 2,000 a second, durable (synchronous_commit on)
# next to GET /healthz from the same run. On PostgreSQL also two servers on the one database,
# each loaded by its own wrk (1 thread, 32 connections: the same 64 in all), against one, with
# the ratio, and where the machine's CPU went (svcdesk, postgres, wrk). Each figure is the
# median of RUNS runs. The desk is set up through the API, as on either backend.
set -eu
cd "$(dirname "$0")/.."
SVCDESK=${SVCDESK:-build/svcdesk}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5s}
T=$(mktemp -d)
. bench/lib.sh
trap bench_cleanup EXIT

# post PATH BODY: a POST as the admin that must answer 2xx
post() {
    local code
    code=$(curl -s -o "$T/resp" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' -d "$2" "$BASE$1")
    case "$code" in 2??) ;; *) echo "setup: POST $1 answered $code: $(cat "$T/resp")" >&2; return 1 ;; esac
}
# setup: an organisation, the Copenhagen support hours, a policy, a signed agreement, a request
setup() {
    TOKEN=$("$SVCDESK" token create --db "$DBURL" --email bench@example.test)
    post /api/v1/organizations '{"name":"Bench"}'
    post /api/v1/calendars "$(jq -c '{name: "cph"} + .' tests/data/sla-vectors/support-copenhagen.json)"
    post /api/v1/sla-policies '{"name":"std","calendar_id":1,"targets":{
        "A":{"response_hours":4,"resolution_hours":16},"B":{"response_hours":8},
        "C":{"response_hours":16},"D":{"response_hours":16}}}'
    post /api/v1/agreements '{"organization_id":1,"kind":"maintenance","starts_on":"2020-01-01",
        "currency":"EUR","hosting":"vendor_hosted","sla_policy_id":1}'
    post /api/v1/agreements/1/sign ''
    post /api/v1/tickets '{"subject":"Meter reading stops","severity":"B","organization_id":1}'
    cat > "$T/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"subject":"Concentrator offline","body":"no data since 06:00","severity":"B","organization_id":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
    cat > "$T/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
}

# wrk1 URL SCRIPT THREADS CONNS: "req/s p99-in-ms" of one wrk run
wrk1() {
    wrk -t"$3" -c"$4" -d"$DURATION" --latency ${2:+-s "$2"} "$1" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
                         if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { r = $2 } $1 == "99%" { p = ms($2) } END { printf "%.0f %.2f\n", r, p }'
}
# median NAME < "req/s p99" lines: the median run by req/s, printed; its req/s also in $T/rps
median() {
    sort -n | awk -v n="$1" -v r="$RUNS" -v f="$T/rps" 'NR == int((r + 1) / 2) {
        printf "  %-32s %8.0f req/s   p99 %6.2f ms\n", n, $1, $2; print $1 > f }'
}
# run NAME PATH [LUA]: the median of RUNS runs on the first server (2 threads, 64 connections)
run() {
    local i
    for i in $(seq 1 "$RUNS"); do wrk1 "${BASES[0]}$2" "${3:-}" 2 64; done | median "$1"
}
# run2 NAME PATH [LUA]: the same 64 connections split over both servers at once, 32 each; the
# req/s of a run is the sum of both, its p99 the larger
run2() {
    local i
    for i in $(seq 1 "$RUNS"); do
        wrk1 "${BASES[0]}$2" "${3:-}" 1 32 > "$T/w0" &
        wrk1 "${BASES[1]}$2" "${3:-}" 1 32 > "$T/w1"
        wait
        cat "$T/w0" "$T/w1" | awk '{ r += $1; if ($2 > p) p = $2 } END { printf "%d %.2f\n", r, p }'
    done | median "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }

echo "wrk for $DURATION, median of $RUNS runs (loopback, $(nproc) cores)"
for backend in $BACKENDS; do
    bench_db "$backend" bench_api || continue
    bench_serve
    BASES=("$BASE")
    setup
    echo "$backend: one server (wrk -t2 -c64)"
    run "GET /healthz" /healthz
    run "GET /api/v1/tickets/1" /api/v1/tickets/1 "$T/get.lua"
    get1=$(cat "$T/rps")
    run "POST /api/v1/tickets" /api/v1/tickets "$T/post.lua"
    post1=$(cat "$T/rps")
    m=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/metrics")
    commits=$(printf '%s\n' "$m" | awk '$1 == "svcdesk_db_commits_total" {print $2}')
    writes=$(printf '%s\n' "$m" | awk '$1 == "svcdesk_db_writes_total" {print $2}')
    curl -s -o "$T/last" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tickets?limit=1"
    echo "  requests stored: $(jq '.items[0].id' "$T/last"); $writes writes in $commits" \
        "transactions ($(awk -v w="$writes" -v c="$commits" 'BEGIN { printf "%.1f", w / c }') per commit)"
    if [ "$backend" = postgres ]; then
        echo "  GET, one more run:"
        bench_cpu wrk1 "$BASE/api/v1/tickets/1" "$T/get.lua" 2 64
        echo "  POST, one more run:"
        bench_cpu wrk1 "$BASE/api/v1/tickets" "$T/post.lua" 2 64
        bench_serve
        BASES+=("$BASE")
        echo "$backend: two servers on the one database (a wrk -t1 -c32 on each, at once)"
        bench_cpu run2 "GET /api/v1/tickets/1" /api/v1/tickets/1 "$T/get.lua"
        get2=$(cat "$T/rps")
        bench_cpu run2 "POST /api/v1/tickets" /api/v1/tickets "$T/post.lua"
        post2=$(cat "$T/rps")
        echo "  two servers against one: GET x$(ratio "$get1" "$get2"), POST x$(ratio "$post1" "$post2")"
    fi
    bench_stop
done
