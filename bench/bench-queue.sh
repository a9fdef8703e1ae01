#!/usr/bin/env bash
# bench-queue.sh - SPEC section 4 with 1,000,000 requests in the database, on each backend of
# BACKENDS (bench/lib.sh):
#   the queue (50 most urgent open requests, sort=due) <= 5 ms
#   server memory (RSS) <= 64 MB after serving it
# The requests are written straight into the database (one INSERT ... SELECT over
# generate_series, the same SQL on both), most of them closed, 5 % open with stored due times,
# as a year of a busy desk would leave them: the API would take hours.
set -eu
cd "$(dirname "$0")/.."
SVCDESK=${SVCDESK:-build/svcdesk}
N=${N:-1000000}
RUNS=${RUNS:-5}
T=$(mktemp -d)
. bench/lib.sh
trap bench_cleanup EXIT

for backend in $BACKENDS; do
    bench_db "$backend" bench_queue || continue
    start=$(date +%s)
    bench_sql "
INSERT INTO organizations (name, created_at) VALUES ('Bench', 0);
INSERT INTO tickets (organization_id, channel, type, severity, status, subject, body, received_at,
  billable, sort_due_at, response_due_at, created_at, updated_at)
SELECT 1, 'api', 'error', CASE value % 4 WHEN 0 THEN 'A' WHEN 1 THEN 'B' WHEN 2 THEN 'C' ELSE 'D' END,
  CASE WHEN value % 20 = 0 THEN 'new' ELSE 'closed' END,
  'request ' || value, 'body of request ' || value, 1700000000 + value * 30, 0,
  CASE WHEN value % 20 = 0 THEN 1800000000 + (value * 7919) % 10000000 END,
  CASE WHEN value % 20 = 0 THEN 1800000000 + (value * 7919) % 10000000 END, 0, 0
FROM generate_series(CAST(1 AS BIGINT), $N) AS value;
INSERT INTO ticket_status_log (ticket_id, at, status) SELECT id, received_at, 'new' FROM tickets;
ANALYZE;"
    echo "$backend: loaded $N requests in $(( $(date +%s) - start )) s"
    bench_serve
    TOKEN=$("$SVCDESK" token create --db "$DBURL" --email bench@example.test)
    url="$BASE/api/v1/tickets?sort=due&status=new,in_progress&limit=50"
    for i in $(seq 1 $((RUNS + 1))); do
        curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$url"
    done | tail -n "$RUNS" | sort -n | awk -v r="$RUNS" -v n="$N" 'NR == int((r + 1) / 2) {
        printf "  queue: 50 most urgent of %s requests   %.2f ms (median of %d, curl time_total)\n", n, $1 * 1000, r }'
    wrk -t2 -c8 -d3s -H "Authorization: Bearer $TOKEN" --latency "$url" |
        awk '/Requests\/sec/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
             END {printf "  queue under load: %.0f req/s, p50 %s, p99 %s (wrk -t2 -c8)\n", r, p50, p99}'
    echo "  server RSS after serving: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' /proc/$PID/status)" \
        "(peak $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' /proc/$PID/status))"
    bench_stop
done
