#!/usr/bin/env bash
# 6005 a damaged database: bytes overwritten in the middle of a copy of the file. `serve`
# still starts, its start-up check (quick_check) finds the damage, /healthz answers 503
# "degraded" with the reason (and Retry-After), the API answers what it can and 503 for the
# rest, never 500, and the process keeps running.
# sqlite-only: the damage is made by overwriting pages of the SQLite file, and its 400 bulk
# rows are written into the file directly (400 API calls would only slow it down)
. "$(dirname "$0")/lib.sh"
require_sqlite "pages of the SQLite file are overwritten"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
sqlite_only_q "INSERT INTO tickets (organization_id, channel, type, severity, status, subject, body,
     received_at, billable, created_at, updated_at)
   WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 400)
   SELECT 1, 'api', 'error', 'B', 'new', 'bulk ' || x, hex(randomblob(600)), x, 0, x, x FROM n"
ok $? "400 requests, so that most of the file is the tickets table"
stop_server

# the copy: everything in the main file, then 8 KiB of garbage at its middle (page-aligned)
cp "$DB" "$T/bad.db"
sqlite_only_q 'PRAGMA wal_checkpoint(TRUNCATE)' "$T/bad.db" > /dev/null
pages=$(( $(stat -c %s "$T/bad.db") / 4096 ))
dd if=/dev/urandom of="$T/bad.db" bs=4096 seek=$((pages / 2)) count=2 conv=notrunc 2> /dev/null
ok $? "overwrote pages $((pages / 2))-$((pages / 2 + 1)) of $pages"
DB=$T/bad.db

"$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 > "$T/server.out" 2>> "$T/server.log" &
SERVER_PID=$!
for _ in $(seq 1 200); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/server.out" 2> /dev/null)
    [ -n "$PORT" ] && break
    sleep 0.05
done
BASE=http://127.0.0.1:${PORT:-0}
[ -n "${PORT:-}" ]; ok $? "serve starts on the damaged file"
like "$(cat "$T/server.log")" 'database damaged: serving degraded.*quick_check' \
    "the start-up check logs the damage"

api GET /healthz
is "$STATUS|$(json .status)" "503|degraded" "/healthz answers 503 degraded"
like "$(json .reason)" "quick_check" "saying why"
like "$(cat "$T/headers")" "Retry-After: 2" "with Retry-After"

# every answer is 2xx or 503 (the damaged pages), never 500 or a dropped connection
codes=
probe() { api "$@"; codes="$codes $STATUS"; }
probe GET "/api/v1/tickets?limit=1000" "" "$AGENT"
probe GET "/api/v1/tickets?sort=due&limit=1000" "" "$AGENT"
probe GET "/api/v1/tickets?q=bulk" "" "$AGENT"
for id in 1 50 100 150 200 250 300 350 400; do
    probe GET "/api/v1/tickets/$id" "" "$AGENT"
    probe GET "/api/v1/tickets/$id/messages" "" "$AGENT"
done
probe GET /api/v1/me "" "$AGENT"
probe GET /api/v1/organizations "" "$ADMIN"
probe POST /api/v1/tickets '{"subject":"after the damage","organization_id":1}' "$AGENT"
probe PATCH /api/v1/tickets/200 '{"status":"in_progress"}' "$AGENT"
probe POST /api/v1/tickets/300/messages '{"body":"a reply"}' "$AGENT"
echo "# answers:$codes"
like "$codes" " 503" "reads that meet the damaged pages answer 503"
like "$codes" " 200" "and the rest is still served"
unlike=$(printf '%s\n' $codes | grep -Ev '^(2[0-9][0-9]|404|503)$' | sort -u | tr '\n' ' ')
is "$unlike" "" "no 500 and no other failure among them"
api GET /metrics "" "$ADMIN"
like "$BODY" "svcdesk_db_degraded 1" "/metrics shows svcdesk_db_degraded 1"
kill -0 "$SERVER_PID"; ok $? "the server keeps running"
api GET /healthz
is "$STATUS|$(json .status)" "503|degraded" "and stays degraded"

stop_server
done_testing
