#!/usr/bin/env bash
# 8003 two servers on one PostgreSQL database, as behind a load balancer: a token and a page
# session made on one work on the other, a CSRF token of one server's form is taken by the
# other, failed sign-ins count across both, a calendar changed on one is used by the other's
# next request, a burst of notices goes out once, the daily backup is written once; then one
# server is killed (SIGKILL) with mail in flight and the other takes its jobs over after the
# lease: every notice arrives, none twice but the one the dead server may have had at the
# relay (same Message-ID), and the survivor serves throughout. Each server runs no more HTTP
# threads than its pool has connections.
. "$(dirname "$0")/lib.sh"
require_postgres "several servers share one PostgreSQL database"
. "$(dirname "$0")/mail-lib.sh"

start_sink; ok $? "an SMTP server"
OPTS=(--smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from support@vendor.test --mail-retry-seconds 1
    --lease-seconds 3 --backup-dir "$T/backups" --backup-at "$(date -u +%H:%M)")
start_server "${OPTS[@]}"; ok $? "server A starts"
A=$BASE A_PID=$SERVER_PID
# the pool is 4 connections a core (4..32); more HTTP threads or workers would only wait
want=$(( $(nproc) * 4 )); [ "$want" -lt 4 ] && want=4; [ "$want" -gt 32 ] && want=32
grep -q "HTTP threads and workers limited to the database connections\" connections=$want http_threads=32 http_workers=64" \
    "$T/server.log"
ok $? "the HTTP threads and workers (32, 64 by default) are limited to the pool's $want connections"
EXTRA_PIDS+=("$A_PID")
start_server "${OPTS[@]}"; ok $? "server B starts on the same database"
B=$BASE
fixtures; ok $? "fixtures, made through B"

# ---- tokens, sessions, CSRF and sign-in limits, whichever server answers ----
BASE=$A api GET /api/v1/tickets "" "$CA"; is "$STATUS" 200 "a token works on A"
BASE=$B api GET /api/v1/tickets "" "$CA"; is "$STATUS" 200 "and on B"
passwords 3; ok $? "Carl gets a password"
BASE=$A sign_in ca ca@acme.test; is "$STATUS" 303 "Carl signs in on A"
BASE=$B page ca GET /portal/requests/new; is "$STATUS" 200 "his session works on B"
TOKEN=$(csrf)
BASE=$A page ca POST /portal/requests -F "csrf=$TOKEN" --form-string 'subject=Form of B, posted to A' \
    --form-string 'body=posted to the other server' -F severity=C -F type=error
is "$STATUS" 303 "a form served by B is taken by A (its CSRF token)" || echo "# $BODY" | head -3
BASE=$B page ca POST /portal/requests -F "csrf=wrong" --form-string 'subject=forged' -F severity=C \
    -F type=question
is "$STATUS" 403 "a wrong CSRF token is refused"
for i in 1 2 3; do BASE=$A sign_in x ca@acme.test "wrong-$i"; done
for i in 4 5; do BASE=$B sign_in x ca@acme.test "wrong-$i"; done
BASE=$A sign_in x ca@acme.test
like "$BODY" "too many failed sign-ins" "five failures split over A and B hold the account back on A"
BASE=$B sign_in x ca@acme.test
like "$BODY" "too many failed sign-ins" "and on B"

# ---- a calendar changed on A is used by B's next request ----
BASE=$B api POST /api/v1/tickets '{"subject":"before the change","severity":"A"}' "$CA"
is "$STATUS" 201 "a request on B"
BEFORE=$(json .sla.response_due_at)
BASE=$A api PATCH /api/v1/calendars/1 '{"timezone":"Pacific/Auckland"}' "$ADMIN"
is "$STATUS" 200 "the calendar's zone changed on A"
BASE=$B api POST /api/v1/tickets '{"subject":"after the change","severity":"A"}' "$CA"
AFTER=$(json .sla.response_due_at)
ok "$([ -n "$BEFORE" ] && [ -n "$AFTER" ] && [ "$BEFORE" != "$AFTER" ]; echo $?)" \
    "B's next request is due by the new calendar ($BEFORE, then $AFTER)"

# ---- jobs once: a burst of notices, the daily backup ----
for i in $(seq 1 10); do
    if [ $((i % 2)) = 0 ]; then BASE=$A; else BASE=$B; fi
    api POST /api/v1/tickets "{\"subject\":\"burst $i\"}" "$CA"
done
BASE=$B
wait_until 30 '[ "$(metric svcdesk_outbox_pending)" = 0 ]'
ok $? "the notices of both servers are delivered"
dups=$(grep -ih '^Message-Id:' "$T"/sink/*.eml | sort | uniq -d | wc -l)
is "$dups" 0 "no Message-ID arrived twice"
wait_until 30 '[ "$(ls "$T/backups" 2>/dev/null | grep -c "^svcdesk-.*\.db$")" -ge 1 ]'
ok $? "the daily backup is written" || grep -i backup "$T/server.log" | head -5 | sed 's/^/# /'
sleep 4
is "$(ls "$T/backups" | grep -c '^svcdesk-.*\.db$')" 1 "once, by one of the two servers"

# ---- A dies with mail in flight; B takes its jobs over after the lease ----
before=$(sunk)
for i in $(seq 1 12); do BASE=$A api POST /api/v1/tickets "{\"subject\":\"last words $i\"}" "$CA"; done
kill -9 "$A_PID"; wait "$A_PID" 2>/dev/null
EXTRA_PIDS=()
killed=$(date +%s)
BASE=$B api GET /api/v1/tickets "" "$CA"; is "$STATUS" 200 "B serves while A is gone"
wait_until 90 '[ "$(metric svcdesk_outbox_pending)" = 0 ]'
ok $? "every notice A left goes out from B"
echo "# delivered $(( $(date +%s) - killed )) s after the kill (leases: job 3 s, rows 3 + 36 s)"
ids=$(grep -ih '^Message-Id:' "$T"/sink/*.eml | sort | uniq -c | awk '$1 > 1' | wc -l)
ok "$([ "$ids" -le 1 ]; echo $?)" "none twice, but at most the one A had at the relay ($ids)"
is "$(( $(sunk) - before - ids ))" 12 "each of the 12 notices arrived"
kill -0 "$SERVER_PID"; ok $? "B is still up"
stop_server
done_testing
