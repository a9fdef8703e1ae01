#!/usr/bin/env bash
# bench-queue.sh - SPEC section 4 with 1,000,000 requests in the database:
#   the queue (50 most urgent open requests, sort=due) <= 5 ms
#   server memory (RSS) <= 64 MB after serving it
# The requests are written straight into a SQLite file (a recursive CTE), most of them
# closed, 5 % open with stored due times, as a year of a busy desk would leave them.
# sqlite-only: the million requests are written straight into the SQLite file (the API would
# take hours)
set -eu
cd "$(dirname "$0")/.."
SVCDESK=${SVCDESK:-build/svcdesk}
N=${N:-1000000}
RUNS=${RUNS:-5}
T=$(mktemp -d)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$T"' EXIT

"$SVCDESK" init --db "$T/q.db" --admin-email bench@example.test --admin-password bench-password \
    > /dev/null 2>&1
start=$(date +%s)
sqlite3 "$T/q.db" "
INSERT INTO organizations (id, name, created_at) VALUES (1, 'Bench', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO tickets (organization_id, channel, type, severity, status, subject, body, received_at,
  billable, sort_due_at, response_due_at, created_at, updated_at)
SELECT 1, 'api', 'error', substr('ABCD', 1 + i % 4, 1),
  CASE WHEN i % 20 = 0 THEN 'new' ELSE 'closed' END,
  'request ' || i, 'body of request ' || i, 1700000000 + i * 30, 0,
  CASE WHEN i % 20 = 0 THEN 1800000000 + (i * 7919) % 10000000 END,
  CASE WHEN i % 20 = 0 THEN 1800000000 + (i * 7919) % 10000000 END, 0, 0 FROM n;
INSERT INTO ticket_status_log (ticket_id, at, status) SELECT id, received_at, 'new' FROM tickets;
ANALYZE;"
echo "loaded $N requests in $(( $(date +%s) - start )) s"
"$SVCDESK" serve --db "$T/q.db" --listen 127.0.0.1:0 --backup-dir "$T/bk" --backup-at 23:59 \
    --log-level warn > "$T/out" 2> "$T/log" &
PID=$!
for _ in $(seq 1 200); do grep -q listening "$T/out" && break; sleep 0.05; done
BASE="http://$(sed -n 's/^listening on //p' "$T/out")"
TOKEN=$("$SVCDESK" token create --db "$T/q.db" --email bench@example.test)
url="$BASE/api/v1/tickets?sort=due&status=new,in_progress&limit=50"
for i in $(seq 1 $((RUNS + 1))); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$url"
done | tail -n "$RUNS" | sort -n | awk -v r="$RUNS" 'NR == int((r + 1) / 2) {
    printf "queue: 50 most urgent of %s requests   %.2f ms (median of %d, curl time_total)\n", "'"$N"'", $1 * 1000, r }'
wrk -t2 -c8 -d3s -H "Authorization: Bearer $TOKEN" --latency "$url" |
    awk '/Requests\/sec/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
         END {printf "queue under load: %.0f req/s, p50 %s, p99 %s (wrk -t2 -c8)\n", r, p50, p99}'
echo "server RSS after serving: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' /proc/$PID/status)" \
    "(peak $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' /proc/$PID/status))"
