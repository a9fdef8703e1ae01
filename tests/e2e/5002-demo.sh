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
if on_sqlite "PRAGMA integrity_check reads the file"; then
    is "$(sqlite_only_q 'PRAGMA integrity_check')" ok "the database file is sound"
fi
start_server --backup-dir "$T/backups"; ok $? "serve on the demo database"
for who in admin@vendor.demo agnes@vendor.demo mette@nordvand.demo; do
    api POST /api/v1/tokens "{\"email\":\"$who\",\"password\":\"svcdesk-demo\"}" ""
    is "$STATUS" 201 "$who signs in with the demo password"
    eval "TOK_${who%%@*}=$(json .token)"
done
for who in lars@fjordby.demo sofie@lillea.demo; do
    api POST /api/v1/tokens "{\"email\":\"$who\",\"password\":\"svcdesk-demo\"}" ""
    is "$STATUS/$(json .error.code)" 403/forbidden "$who takes no API token: no API-access add-on"
done
is "$(curl -s "$BASE/healthz" | jq -r .status)" ok "the server finds the database sound"
is "$(api_count /api/v1/users "$TOK_admin")" 6 "no second copy of anyone"
api GET "/api/v1/tickets?limit=1000" "" "$TOK_admin"
is "$(json '[.items[].status]|unique|join(",")')" \
    "closed,in_progress,new,resolved,waiting_customer" "requests in every state"
api GET "/api/v1/agreements?limit=1000" "" "$TOK_admin"
is "$(json '[.items|sort_by(.id)[]|"\(.kind):\(.status)"]|join(",")')" \
    "maintenance:signed,enhanced:signed,maintenance:signed,advanced:signed,maintenance:requested,enhanced:requested" \
    "agreements of every kind"
PRIO_ORG=$(json '[.items[]|select(.status == "signed" and (.extras // [] | index("priority_line")))|.organization_id]|unique|join(",")')
api GET "/api/v1/organizations/$PRIO_ORG" "" "$TOK_admin"
is "$(json .name)" "Nordvand Forsyning" "the customer with the priority_line extra"
api GET /api/v1/tickets "" "$TOK_mette"
is "$(json '[.items[].organization_id]|unique|length')" 1 "a customer sees its own organisation's requests only"
api GET "/api/v1/tickets?sort=priority&status=new,in_progress" "" "$TOK_agnes"
is "$(json '.items[0].priority')" true "the desk's priority order puts the priority_line customer first"
api GET "/api/v1/agreements/2/balance" "" "$TOK_mette"
is "$STATUS" 200 "the enhanced agreement has an hours bank"
like "$(json .used_hours)" "^[1-9]" "with time booked"
api GET "/api/v1/organizations/$PRIO_ORG/add-ons" "" "$TOK_mette"
is "$STATUS/$(json '[.items[]|.service+":"+.feature]|@csv')" '200/"API access:api_access"' \
    "Nordvand has bought the API-access add-on"
api GET '/api/v1/chats?status=closed' "" "$TOK_agnes"
CHAT_T=$(json '.items[0].ticket_id')
api GET "/api/v1/tickets/$CHAT_T/messages" "" "$TOK_mette"
is "$(json '[.items[].staff] | map(if . then "A" else "M" end) | join("")')" AMAMA \
    "a live chat's transcript is its request's conversation (Agnes and Mette in turn)"
api GET "/api/v1/agreements?kind=advanced" "" "$TOK_admin"
is "$(json '.items[0]|[.status,.signatures.customer.name,.signatures.vendor.name,(.quote != null)]|@csv')" \
    '"signed","Lars Holm","Agnes Andersen",true' "a statement of work quoted and signed by both sides"
api GET "/api/v1/organizations/$PRIO_ORG" "" "$TOK_admin"
AE=$(json .account_executive_id)
api GET "/api/v1/users/$AE" "" "$TOK_admin"
is "$(json .role)" agent "Nordvand has an account executive, one of the staff"
api GET /api/v1/maintenance-windows "" "$TOK_mette"
is "$(json '[.items[]|select((.starts_at|fromdate) > now)]|length > 0')" true \
    "a maintenance window is scheduled ahead, and Nordvand's customers see it"
api GET /api/v1/alerts "" "$TOK_agnes"
is "$(json '[.items[]|select(.count > 1)]|length')/$(json '.items[0].ticket.id != null')" "1/true" \
    "a monitoring alert posted several times folded into one request"
stop_server
done_testing
