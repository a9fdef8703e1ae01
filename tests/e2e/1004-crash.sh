#!/usr/bin/env bash
# 1004 crash safety: clients create requests while the server is killed with SIGKILL; after a
# restart every request whose creation was acknowledged with 201 is there, and the database
# is sound.
. "$(dirname "$0")/lib.sh"

start_server --backup-dir "$T/backups"; ok $? "server starts"
fixtures; ok $? "fixtures"

client() { # client N: create requests until killed; record each acknowledged id
    local n=$1 code
    while :; do
        code=$(curl -s -o "$T/resp.$n" -w '%{http_code}' -H "Authorization: Bearer $AGENT" \
            -H 'Content-Type: application/json' \
            -d '{"subject":"crash test","organization_id":1,"severity":"B"}' "$BASE/api/v1/tickets")
        [ "$code" = 201 ] && jq -r .id "$T/resp.$n" >> "$T/acked.$n"
    done
}
pids=()
for n in 1 2 3 4; do client $n & pids+=($!); done
# kill once more than 20 creations were acknowledged (a busy machine takes longer), 30 s at most
for _ in $(seq 1 300); do
    [ "$(cat "$T"/acked.* 2>/dev/null | wc -l)" -gt 20 ] && break
    sleep 0.1
done
sleep 0.3 # and while writes are in flight
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
kill "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
cat "$T"/acked.* 2>/dev/null | sort -n > "$T/acked"
acked=$(wc -l < "$T/acked")
[ "$acked" -gt 20 ]; ok $? "clients had $acked creations acknowledged before the kill"

start_server --backup-dir "$T/backups"; ok $? "the server starts again on the same database"
api_ids /api/v1/tickets | sort -n > "$T/stored"; ok $? "the requests list answers"
missing=$(comm -23 "$T/acked" "$T/stored" | wc -l)
is "$missing" 0 "every acknowledged request survived the kill"
is "$(curl -s "$BASE/healthz" | jq -r .status)" ok "the server finds the database sound"
on_sqlite "PRAGMA integrity_check reads the file" &&
    is "$(sqlite_only_q 'PRAGMA integrity_check')" ok "the database file is sound"
last=$(tail -n 1 "$T/acked")
api GET "/api/v1/tickets/$last" "" "$AGENT"
is "$STATUS|$(json .subject)" "200|crash test" "and the API serves them"

stop_server
done_testing
