#!/usr/bin/env bash
# 5002 `svcdesk demo`: loads once, every printed sign-in works, each customer sees only its
# own organisation, agreements of every kind, requests in every state.
. "$(dirname "$0")/lib.sh"

run_cli demo --db "$DB"
is "$RC" 0 "demo loads"
like "$OUT" "password 'svcdesk-demo'" "and prints the demo password"
run_cli demo --db "$DB"
is "$RC" 0 "demo on a database that holds it"
like "$OUT" "already" "does nothing"
is "$(sqlite3 "$DB" 'SELECT count(*) FROM users')" 6 "no second copy of anyone"
is "$(sqlite3 "$DB" 'SELECT group_concat(DISTINCT status) FROM (SELECT status FROM tickets ORDER BY status)')" \
    "closed,in_progress,new,resolved,waiting_customer" "requests in every state"
is "$(sqlite3 "$DB" "SELECT group_concat(kind || ':' || status) FROM (SELECT * FROM agreements ORDER BY id)")" \
    "maintenance:signed,enhanced:signed,maintenance:signed,advanced:signed,enhanced:requested" \
    "agreements of every kind"
is "$(sqlite3 "$DB" "SELECT name FROM organizations WHERE priority_line = 1")" "Nordvand Forsyning" \
    "the customer with the priority_line extra"
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "the database is sound"

start_server --backup-dir "$T/backups"; ok $? "serve on the demo database"
for who in admin@vendor.demo agnes@vendor.demo mette@nordvand.demo lars@fjordby.demo sofie@lillea.demo; do
    api POST /api/v1/tokens "{\"email\":\"$who\",\"password\":\"svcdesk-demo\"}" ""
    is "$STATUS" 201 "$who signs in with the demo password"
    eval "TOK_${who%%@*}=$(json .token)"
done
api GET /api/v1/tickets "" "$TOK_mette"
is "$(json '[.items[].organization_id]|unique|length')" 1 "a customer sees its own organisation's requests only"
api GET "/api/v1/tickets?sort=priority&status=new,in_progress" "" "$TOK_agnes"
is "$(json '.items[0].priority')" true "the desk's priority order puts the priority_line customer first"
api GET "/api/v1/agreements/2/balance" "" "$TOK_mette"
is "$STATUS" 200 "the enhanced agreement has an hours bank"
like "$(json .used_hours)" "^[1-9]" "with time booked"
stop_server
done_testing
