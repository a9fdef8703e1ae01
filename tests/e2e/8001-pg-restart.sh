#!/usr/bin/env bash
# 8001 the server survives the database: PostgreSQL restarted, stopped and started, and its
# sessions terminated under a running svcdesk. Requests get 503 with Retry-After while it
# is down (API and pages), /healthz says why, the server reconnects by itself (the first
# requests once it is back succeed), no acknowledged write is lost and none is half done.
# The PostgreSQL server is the script's own (tests/pg.sh), so restarting it disturbs nobody.
E2E_OWN_PG=1
. "$(dirname "$0")/lib.sh"
require_postgres "restarts a PostgreSQL server of its own"
. "$(dirname "$0")/../pg.sh"
trap 'pg_stop; cleanup' EXIT

pg_start "$T/pg" || { echo "Bail out! cannot start PostgreSQL"; exit 1; }
DB=$(pg_createdb svcdesk_restart) || { echo "Bail out! cannot create a database"; exit 1; }
# trust authentication ignores the password: it is here to be kept out of every message
PG_SECRET=s3cret-pw-8001
DB=${DB/svcdesk@/svcdesk:$PG_SECRET@}

pg_down() { pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop > /dev/null; }
pg_up() {
    pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -o "-p $PG_PORT" -w -t 60 \
        start > /dev/null
}
pg_restart() {
    pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -o "-p $PG_PORT" -m fast \
        -w -t 60 restart > /dev/null
}
alive() { kill -0 "$SERVER_PID" 2> /dev/null; }
log_count() { grep -c "$1" "$T/server.log" || true; }
# burst N PATH: N requests at once (admin), so that the pool holds several connections;
# prints their statuses sorted and counted, e.g. "8 200"
burst() {
    local i
    for i in $(seq 1 "$1"); do
        curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $ADMIN" "$BASE$2" &
    done > "$T/burst"
    wait $(jobs -p | grep -v "^$SERVER_PID$") 2> /dev/null
    sort "$T/burst" | uniq -c | awk '{print $1, $2}' | paste -sd' '
}
# subjects: every ticket's subject, one a line
subjects() { api GET "/api/v1/tickets?limit=1000" "" "$ADMIN" && json '.items[].subject'; }

start_server; ok $? "server starts on PostgreSQL"
ADMIN=$("$SVCDESK" token create --db "$DB" --email "$ADMIN_EMAIL")
api POST /api/v1/organizations '{"name":"Acme"}' "$ADMIN"
is "$STATUS" 201 "an organisation"
ORG=$(json .id)
new_ticket() { # new_ticket SUBJECT: POST a ticket with a first message; sets STATUS, BODY
    api POST /api/v1/tickets "{\"subject\":\"$1\",\"body\":\"text of $1\",\"organization_id\":$ORG}" \
        "$ADMIN"
}
BEFORE=()
for i in 1 2 3 4 5; do
    new_ticket "before $i"
    [ "$STATUS" = 201 ] && BEFORE+=("$(json .id)")
done
is "${#BEFORE[@]}" 5 "five tickets created"
sign_in desk "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
page desk GET /desk/
is "$STATUS" 200 "the desk page, signed in"

# ---- a restart: the pooled sessions are gone, and nobody notices --------------------------
is "$(burst 8 /api/v1/tickets)" "8 200" "eight requests at once (several pooled connections)"
pg_restart; ok $? "PostgreSQL restarted (pg_ctl restart -m fast)"
codes=
for i in 1 2 3 4 5 6; do
    api GET "/api/v1/tickets/${BEFORE[0]}" "" "$ADMIN"
    codes="$codes $STATUS"
done
is "$codes" " 200 200 200 200 200 200" "the very first reads after the restart succeed (no 503)"
is "$(burst 8 /api/v1/tickets)" "8 200" "and so do eight at once (each pooled connection reconnects)"
new_ticket "after restart"
is "$STATUS" 201 "the first write after the restart succeeds"
page desk GET /desk/
is "$STATUS" 200 "and a page"
alive; ok $? "the server is alive"

# ---- stopped: 503 with Retry-After, and /healthz says why ---------------------------------
LOST0=$(log_count 'database lost') BACK0=$(log_count 'database back')
pg_down; ok $? "PostgreSQL stopped"
api GET /api/v1/tickets "" "$ADMIN"
is "$STATUS" 503 "a read while it is stopped is 503 (not 401: the token is not at fault)"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
is "$(json .error.code)" unavailable "and code unavailable"
new_ticket "while stopped"
is "$STATUS" 503 "a write while it is stopped is 503"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
page desk GET /desk/
is "$STATUS" 503 "a page while it is stopped is 503 (not the login page)"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
api GET /healthz "" ""
is "$STATUS" 503 "/healthz is 503"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
like "$(json .error.message)" '^the database does not answer: .*[Cc]onnection refused' \
    "and says why (libpq's message)"
case "$BODY$(cat "$T/server.log")" in *"$PG_SECRET"*) ok 1 "no password in /healthz or the log" ;;
*) ok 0 "no password in /healthz or the log" ;; esac
grep -n "$PG_SECRET" "$T/server.log" | head -3 | sed 's/^/# /'
for i in 1 2 3 4 5; do api GET /api/v1/tickets "" "$ADMIN"; done
is "$(($(log_count 'database lost') - LOST0))" 1 "one log line for the lost database, not one per request"
alive; ok $? "the server is alive"

pg_up; ok $? "PostgreSQL started again"
api GET /healthz "" ""
is "$STATUS" 200 "/healthz is 200 at once"
api GET /api/v1/tickets "" "$ADMIN"
is "$STATUS" 200 "the first request once it is back succeeds"
is "$(($(log_count 'database back') - BACK0))" 1 "one log line for the database back"
have=$(subjects)
for i in 1 2 3 4 5; do
    api GET "/api/v1/tickets/${BEFORE[$((i - 1))]}" "" "$ADMIN"
    is "$STATUS $(json .subject)" "200 before $i" "ticket 'before $i' is there"
done
is "$(printf '%s\n' "$have" | grep -c '^after restart$')" 1 "the write after the restart is there"
is "$(printf '%s\n' "$have" | grep -c '^while stopped$')" 0 "the write refused while stopped is not"

# ---- writes while it stops and starts: none acknowledged is lost, none is half done -------
(
    i=0
    while [ ! -f "$T/stop-loop" ] && [ "$i" -lt 2000 ]; do
        i=$((i + 1))
        code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
            -H 'Content-Type: application/json' \
            --data-binary "{\"subject\":\"loop $i\",\"body\":\"text of loop $i\",\"organization_id\":$ORG}" \
            "$BASE/api/v1/tickets")
        echo "$i $code" >> "$T/loop"
    done
) &
LOOP=$!
sleep 1
pg_down
sleep 1.5
pg_up
sleep 1
touch "$T/stop-loop"
wait "$LOOP"
alive; ok $? "the server is alive after writes through a stop and a start"
n201=$(awk '$2 == 201' "$T/loop" | wc -l)
n503=$(awk '$2 == 503' "$T/loop" | wc -l)
other=$(awk '$2 != 201 && $2 != 503 {print $2}' "$T/loop" | sort | uniq -c | paste -sd' ')
is "$other" "" "every write answered 201 or 503"
[ "$n503" -gt 0 ]; ok $? "some writes met the stopped database (503: $n503)"
[ "$n201" -gt 0 ] && [ "$(tail -1 "$T/loop" | cut -d' ' -f2)" = 201 ]
ok $? "writes succeeded ($n201), the last one after the start"
have=$(subjects)
lost=0 twice=0 refused_there=0
while read -r i code; do
    n=$(printf '%s\n' "$have" | grep -c "^loop $i\$")
    if [ "$code" = 201 ]; then
        [ "$n" = 1 ] || { lost=$((lost + 1)); echo "# loop $i: 201, $n tickets"; }
    else
        [ "$n" -le 1 ] || { twice=$((twice + 1)); echo "# loop $i: $code, $n tickets"; }
        [ "$n" = 0 ] || refused_there=$((refused_there + 1))
    fi
done < "$T/loop"
is "$lost" 0 "every write that got 201 exists, once"
is "$twice" 0 "no write that got 503 exists twice"
# a 503 whose COMMIT broke may have committed (its outcome is unknown): then it is whole
if [ "$refused_there" -gt 0 ]; then echo "# $refused_there refused writes committed anyway"; fi
# the rows a new ticket writes besides itself: its status history and its audit row (read
# with psql: no interface lists tickets that lack them, which is the point)
half=$(pg_psql "$DB" -At -c "SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM \
    ticket_status_log l WHERE l.ticket_id = t.id) OR NOT EXISTS (SELECT 1 FROM audit_log a \
    WHERE a.entity = 'ticket' AND a.action = 'create' AND a.entity_id = t.id)")
is "$half" 0 "no ticket is half written (each has its status history and audit row)"

# ---- sessions terminated from PostgreSQL's side --------------------------------------------
is "$(burst 8 /api/v1/tickets)" "8 200" "eight requests at once"
killed=$(pg_psql "$SVCDESK_PG_URL" -At -c "SELECT count(pg_terminate_backend(pid)) FROM \
    pg_stat_activity WHERE application_name = 'svcdesk serve'")
[ "${killed:-0}" -ge 2 ]; ok $? "PostgreSQL terminated the server's sessions ($killed)"
new_ticket "after terminate"
is "$STATUS" 201 "the next write succeeds"
codes=
for i in 1 2 3; do
    api GET "/api/v1/tickets/${BEFORE[1]}" "" "$ADMIN"
    codes="$codes $STATUS"
done
is "$codes" " 200 200 200" "the next reads succeed"
is "$(burst 8 /api/v1/tickets)" "8 200" "and eight at once"
page desk GET /desk/
is "$STATUS" 200 "and a page"
api GET /healthz "" ""
is "$STATUS" 200 "/healthz is 200"
like "$(grep 'database lost' "$T/server.log" | tail -1)" 'error="connection to server' \
    "the lost line says why"

stop_server
done_testing
