#!/usr/bin/env bash
# 8002 `svcdesk copy`: an installation made through the API on SQLite (users with passwords,
# a token, requests with messages and an attachment, a KB article) is copied into the
# empty PostgreSQL database $DB, and a server on $DB answers the same: ids and contents,
# the old password and token, search, new ids above the copied ones, the audit log. Then
# the refusals: a target that is not empty (nothing changes), bad options; and a target
# that alters a row on the way in (a trigger put there on purpose) fails verification and
# is left empty.
. "$(dirname "$0")/lib.sh"
require_postgres "svcdesk copy needs a PostgreSQL target"
export PGCLIENTENCODING=UTF8

PG=$DB
SRC=$T/src.db
pgq() { psql -qXAt "${2:-$PG}" -c "$1"; }

# ---- the source: SQLite, filled through the API ----
DB=$SRC
PG_SAVED=$PG_DBNAME
PG_DBNAME= # start_server's db_initialised: the source is a file (cleanup still drops $PG)
start_server; ok $? "serve on the SQLite source"
PG_DBNAME=$PG_SAVED
fixtures; ok $? "fixtures on the source"
api POST /api/v1/tickets '{"subject":"Pumpstation telemetry lost","body":"since the storm","severity":"B","organization_id":1,"requester_id":3}' "$AGENT"
is "$STATUS" 201 "a request"
T1=$(json .id)
api POST /api/v1/tickets '{"subject":"Invoice question","type":"assistance"}' "$CB"
T2=$(json .id)
api POST "/api/v1/tickets/$T1/messages" '{"body":"rebooted the gateway, zebrafish"}' "$AGENT"
is "$STATUS" 201 "a public message"
api POST "/api/v1/tickets/$T1/messages" '{"body":"root cause: firmware 4.2","internal":true}' "$AGENT"
is "$STATUS" 201 "an internal note"
head -c 70000 /dev/urandom > "$T/blob.bin"
code=$(curl -s -o "$T/att" -w '%{http_code}' -H "Authorization: Bearer $AGENT" \
    -H 'Content-Type: application/octet-stream' --data-binary @"$T/blob.bin" \
    "$BASE/api/v1/tickets/$T1/attachments?filename=trace.bin")
is "$code" 201 "a binary attachment"
A1=$(jq -r .id "$T/att")
api POST /api/v1/kb/articles '{"title":"Gateway watchdog","body":"reset the quokka relay","tags":["gateway"],"visibility":"internal"}' "$AGENT"
is "$STATUS" 201 "a KB article"
api POST /api/v1/users '{"email":"dora@vendor.test","name":"Dora","role":"agent","password":"dora-password-1"}' "$ADMIN"
is "$STATUS" 201 "a user with a password"
api POST /api/v1/tokens '{"email":"dora@vendor.test","password":"dora-password-1"}' ""
is "$STATUS" 201 "who signs in: an API token"
DORA=$(json .token)
api GET "/api/v1/tickets/$T1/messages" "" "$AGENT"
MSGS_BEFORE=$(json '[.items[]|"\(.id):\(.internal):\(.body)"]|join("|")')
TICKETS_BEFORE=$(api_ids /api/v1/tickets | sort -n | tr '\n' ,)
USERS_BEFORE=$(api_ids /api/v1/users | sort -n | tr '\n' ,)
AUDIT_BEFORE=$(sqlite3 "$SRC" "SELECT count(*) || ':' || max(id) FROM audit_log")
kill -TERM "$SERVER_PID" && wait "$SERVER_PID"
SERVER_PID=
DB=$PG

# ---- options ----
run_cli copy --from "$SRC" --to "mysql://x/y"
is "$RC" 2 "a --to that is not PostgreSQL: a usage error"
like "$ERR" "--to 'mysql://x/y' must be a PostgreSQL URL" "naming the option"
run_cli copy --from "$T/nothing.db" --to "$PG"
is "$RC" 2 "a --from that does not exist"
like "$ERR" "--from '$T/nothing.db'" "naming the option"
run_cli copy --from "$PG" --to "$PG"
like "$ERR" "--from .* must be the path of a SQLite file" "a URL as --from"
: > "$T/empty.db"
run_cli copy --from "$T/empty.db" --to "$PG"
is "$RC" 1 "an uninitialised SQLite file is refused"
like "$ERR" "not initialised" "and said so"
is "$(pgq "SELECT to_regclass('tickets') IS NULL")" t "nothing was made in the target by those"

# ---- the copy ----
run_cli copy --from "$SRC" --to "$PG"
is "$RC" 0 "copy exits 0"
like "$OUT" "all verified" "and says every table was verified"
like "$(printf '%s\n' "$OUT" | grep '^attachments ')" "^attachments +1 +[0-9a-f]{64} +ok$" \
    "the attachments' row with its checksum"
like "$(printf '%s\n' "$OUT" | grep '^ticket_search ')" "^ticket_search +2 " \
    "the search index filled by the target's triggers"
is "$(printf '%s\n' "$OUT" | grep -c ' DIFFERS')" 0 "no table differs"

# ---- a server on the copy ----
start_server; ok $? "serve on the PostgreSQL copy"
is "$(api_ids /api/v1/tickets | sort -n | tr '\n' ,)" "$TICKETS_BEFORE" "the same request ids"
is "$(api_ids /api/v1/users | sort -n | tr '\n' ,)" "$USERS_BEFORE" "the same user ids"
api GET "/api/v1/tickets/$T1" "" "$AGENT"
is "$(json '[.subject,.body,.severity]|join("/")')" "Pumpstation telemetry lost/since the storm/B" \
    "a request's contents (and the old API token of the agent works)"
api GET "/api/v1/tickets/$T1/messages" "" "$AGENT"
is "$(json '[.items[]|"\(.id):\(.internal):\(.body)"]|join("|")')" "$MSGS_BEFORE" \
    "its messages and notes, with their ids"
curl -s -o "$T/got.bin" -H "Authorization: Bearer $AGENT" "$BASE/api/v1/attachments/$A1"
is "$(sha256sum < "$T/got.bin")" "$(sha256sum < "$T/blob.bin")" "the attachment, byte for byte"
api GET /api/v1/tickets "" "$DORA"
is "$STATUS" 200 "the token made on SQLite works"
api POST /api/v1/tokens '{"email":"dora@vendor.test","password":"dora-password-1"}' ""
is "$STATUS" 201 "the password set on SQLite signs in"
api POST /api/v1/tokens '{"email":"dora@vendor.test","password":"wrong-password-1"}' ""
is "$STATUS" 401 "and a wrong one does not"
api GET "/api/v1/tickets?q=zebrafish" "" "$AGENT"
is "$(json '[.items[].id]|join(",")')" "$T1" "search finds the request by a message's word"
api GET "/api/v1/tickets?q=firmware" "" "$CA"
is "$(json '.items|length')" 0 "a customer does not find it by an internal note's word"
api GET "/api/v1/kb/articles?q=quokka" "" "$AGENT"
is "$(json '.items|length')" 1 "KB search finds the article"
api POST /api/v1/tickets '{"subject":"After the move","body":"new","severity":"C","organization_id":1,"requester_id":3}' "$AGENT"
is "$STATUS" 201 "a new request"
NEW=$(json .id)
ok "$([ "$NEW" -gt "$T2" ] && echo 0 || echo 1)" "gets an id above the copied ones ($NEW > $T2)"
api POST /api/v1/users '{"email":"eve@vendor.test","name":"Eve","role":"agent","password":"eve-password-12"}' "$ADMIN"
is "$STATUS" 201 "a new user (no id taken twice)"
like "$(pgq "SELECT count(*) || ':' || min(id) FROM audit_log WHERE id <= ${AUDIT_BEFORE#*:}")" \
    "^${AUDIT_BEFORE%%:*}:" "the audit log came along ($AUDIT_BEFORE)"
stop_server

# ---- a second copy into the target, now not empty ----
BEFORE=$(pgq "SELECT (SELECT count(*) FROM tickets) || '/' || (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM audit_log)")
run_cli copy --from "$SRC" --to "$PG"
is "$RC" 1 "a second copy is refused"
like "$ERR" "the target database is not empty: table [a-z_]+ has [0-9]+ rows" "because the target is not empty"
is "$(pgq "SELECT (SELECT count(*) FROM tickets) || '/' || (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM audit_log)")" \
    "$BEFORE" "and nothing changed"

# ---- a target that alters what it is given: the verification fails, nothing stays ----
PG2_NAME=${PG_DBNAME}_2
psql -qX "$SVCDESK_TEST_PG_URL" -c "CREATE DATABASE $PG2_NAME TEMPLATE template0" > /dev/null
PG2=${SVCDESK_TEST_PG_URL%/*}/$PG2_NAME
"$SVCDESK" init --db "$PG2" --admin-email x@example.test --admin-password xx-password-1 \
    $INIT_OPTS > /dev/null 2>&1
pgq "DELETE FROM audit_log; DELETE FROM users" "$PG2"
pgq "CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.subject := NEW.subject || '!'; RETURN NEW; END \$\$; CREATE TRIGGER tamper BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION tamper()" "$PG2"
run_cli copy --from "$SRC" --to "$PG2"
is "$RC" 1 "a copy altered on the way in fails"
like "$ERR" "verification failed: table 'tickets' differs" "naming the table"
like "$(printf '%s\n' "$OUT" | grep '^tickets ')" "DIFFERS" "the report marks it"
like "$(printf '%s\n' "$OUT" | grep '^messages ')" " ok$" "and only it"
is "$(pgq "SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM users) + (SELECT count(*) FROM messages)" "$PG2")" 0 \
    "the target is left empty (one transaction)"
psql -qX "$SVCDESK_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $PG2_NAME WITH (FORCE)" > /dev/null 2>&1

done_testing
