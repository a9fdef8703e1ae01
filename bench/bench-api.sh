#!/usr/bin/env bash
# bench-api.sh - the HTTP figures of SPEC section 4 with wrk on loopback:
#   GET  /api/v1/tickets/{id}   >= 20,000 requests/s, p99 <= 10 ms (2 threads, 64 connections)
#   POST /api/v1/tickets        >= 5,000 a second on SQLite with synchronous=FULL (group commit)
# next to GET /healthz from the same run. Each is run RUNS times; the median is printed.
# sqlite-only: its organisation and agents are written into the SQLite file, and the requests
# made are counted there (the figures are the SQLite backend's)
set -eu
cd "$(dirname "$0")/.."
SVCDESK=${SVCDESK:-build/svcdesk}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5s}
T=$(mktemp -d)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$T"' EXIT

"$SVCDESK" init --db "$T/b.db" --admin-email bench@example.test --admin-password bench-password \
    > /dev/null 2>&1
CAL=$(jq -c . tests/data/sla-vectors/support-copenhagen.json)
sqlite3 "$T/b.db" "INSERT INTO organizations (name, created_at) VALUES ('Bench', 0);
INSERT INTO calendars (name, definition, created_at, updated_at) VALUES ('cph', '$CAL', 0, 0);
INSERT INTO sla_policies (name, calendar_id, created_at, updated_at) VALUES ('std', 1, 0, 0);
INSERT INTO sla_targets VALUES (1, 'A', 14400, NULL, 57600), (1, 'B', 28800, NULL, NULL),
  (1, 'C', 57600, NULL, NULL), (1, 'D', 57600, NULL, NULL);
INSERT INTO agreements (organization_id, kind, status, starts_on, hosting, sla_policy_id,
  created_at, updated_at) VALUES (1, 'maintenance', 'signed', '2020-01-01', 'vendor_hosted', 1, 0, 0);"
"$SVCDESK" serve --db "$T/b.db" --listen 127.0.0.1:0 --backup-dir "$T/bk" --log-level warn \
    > "$T/out" 2> "$T/log" &
PID=$!
for _ in $(seq 1 100); do grep -q listening "$T/out" && break; sleep 0.05; done
BASE="http://$(sed -n 's/^listening on //p' "$T/out")"
TOKEN=$("$SVCDESK" token create --db "$T/b.db" --email bench@example.test)
curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tickets" \
    -d '{"subject":"Meter reading stops","severity":"B","organization_id":1}' > /dev/null

cat > "$T/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"subject":"Concentrator offline","body":"no data since 06:00","severity":"B","organization_id":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
cat > "$T/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

# run NAME URL [LUA]: print "NAME req/s p99" as the median of RUNS runs
run() {
    local name=$1 url=$2 script=${3:-} i out rps p99
    : > "$T/runs"
    for i in $(seq 1 "$RUNS"); do
        out=$(wrk -t2 -c64 -d"$DURATION" --latency ${script:+-s "$script"} "$url")
        rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
        p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
        echo "$rps $p99" >> "$T/runs"
    done
    sort -n "$T/runs" | awk -v n="$name" -v r="$RUNS" 'NR == int((r + 1) / 2) {
        printf "%-34s %10.0f req/s   p99 %s\n", n, $1, $2 }'
}

echo "wrk -t2 -c64 -d$DURATION, median of $RUNS runs (loopback, $(nproc) cores)"
run "GET /healthz" "$BASE/healthz"
run "GET /api/v1/tickets/1" "$BASE/api/v1/tickets/1" "$T/get.lua"
run "POST /api/v1/tickets" "$BASE/api/v1/tickets" "$T/post.lua"
n=$(sqlite3 "$T/b.db" 'SELECT count(*) FROM tickets')
m=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/metrics")
commits=$(printf '%s\n' "$m" | awk '$1 == "svcdesk_db_commits_total" {print $2}')
writes=$(printf '%s\n' "$m" | awk '$1 == "svcdesk_db_writes_total" {print $2}')
echo "tickets stored: $n; group commit: $writes writes in $commits transactions" \
    "($(awk -v w="$writes" -v c="$commits" 'BEGIN { printf "%.1f", w / c }') per commit)"
