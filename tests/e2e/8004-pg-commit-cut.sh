#!/usr/bin/env bash
# 8004 the connection to PostgreSQL cut exactly at a write's COMMIT (tests/e2e/pgcut.py, a
# proxy between the server and PostgreSQL): once before the COMMIT reaches PostgreSQL
# (nothing committed) and once after it committed but before its answer came back (committed,
# the answer lost). Both times the request answers 503 with Retry-After and is not run
# again (running it again could create the request twice), the log says the outcome is
# unknown, the server keeps running and the next write succeeds on a new connection; what
# is stored is what PostgreSQL committed: no request the first time, exactly one the second.
. "$(dirname "$0")/lib.sh"
require_postgres "cuts the connection to PostgreSQL at a COMMIT"
. "$(dirname "$0")/mail-lib.sh" # free_port

CONTROL=$T/cut
: > "$CONTROL"
rest=${DB#*@}                         # 127.0.0.1:PORT/NAME
PG_PORT_REAL=${rest#*:}; PG_PORT_REAL=${PG_PORT_REAL%%/*}
PROXY_PORT=$(free_port)
python3 "$(dirname "$0")/pgcut.py" "$PROXY_PORT" "$PG_PORT_REAL" "$CONTROL" > "$T/proxy.out" 2>&1 &
PROXY_PID=$!
trap 'kill "$PROXY_PID" 2> /dev/null; cleanup' EXIT
for _ in $(seq 1 100); do grep -q ready "$T/proxy.out" && break; sleep 0.05; done
grep -q ready "$T/proxy.out"; ok $? "a proxy in front of PostgreSQL"
DB=${DB/:$PG_PORT_REAL\//:$PROXY_PORT/}  # the server and the CLI go through it

start_server; ok $? "server starts, its database reached through the proxy"
fixtures; ok $? "fixtures"

# count SUBJECT: how many requests have this subject
count() {
    api GET "/api/v1/tickets?limit=200" "" "$AGENT"
    json "[.items[] | select(.subject == \"$1\")] | length"
}
# cut_at_commit MODE SUBJECT: a request whose COMMIT the proxy cuts as MODE says
cut_at_commit() {
    echo "$1 $2" > "$CONTROL"
    api POST /api/v1/tickets "{\"subject\":\"$2\",\"organization_id\":1,\"severity\":\"B\"}" "$AGENT"
    is "$STATUS" 503 "$1: the request answers 503"
    like "$(cat "$T/headers")" "Retry-After: [0-9]+" "$1: with Retry-After"
    is "$(grep -c "cut $1" "$CONTROL.log" 2> /dev/null)" 1 "$1: the proxy cut the connection at its COMMIT"
    kill -0 "$SERVER_PID" 2> /dev/null; ok $? "$1: the server keeps running"
}

cut_at_commit before "cut before commit"
is "$(count "cut before commit")" 0 "before: nothing was committed, and the write was not run again"
cut_at_commit after "cut after commit"
is "$(count "cut after commit")" 1 "after: PostgreSQL committed it, once: the write was not run again"
is "$(grep -c "broke during COMMIT: the write's outcome is unknown" "$T/server.log")" 2 \
    "the log says, each time, that the outcome is unknown"

api POST /api/v1/tickets '{"subject":"after the cuts","organization_id":1}' "$AGENT"
is "$STATUS" 201 "the next write succeeds, on a new connection"
AFTER=$(json .id)
is "$(count "after the cuts")" 1 "and is stored"
api GET /healthz
is "$STATUS|$(json .status)" "200|ok" "/healthz is ok"
for _ in 1 2 3 4 5 6 7 8; do api GET "/api/v1/tickets/$AFTER" "" "$AGENT"; echo "$STATUS"; done |
    sort -u > "$T/reads"
is "$(cat "$T/reads")" 200 "reads on every pooled connection succeed"

stop_server
done_testing
