#!/usr/bin/env bash
# 1003 support requests over the API: roles and tenant isolation (a role x route matrix),
# bad input answered 4xx with nothing stored, the status machine, conversations, attachments.
. "$(dirname "$0")/lib.sh"

start_server --backup-dir "$T/backups"; ok $? "server starts"
fixtures; ok $? "fixtures"

api POST /api/v1/tickets '{"subject":"Meter reads stop","body":"since 06:00","severity":"B","organization_id":1,"requester_id":3}' "$AGENT"
is "$STATUS" 201 "an agent opens a request for Acme"
T1=$(json .id)
is "$(json '[.entitled,.billable,.status,.channel,.requester_id]|@csv')" 'true,false,"new","api",3' \
    "entitled, not billable, new, api, requester"
# the answer to the creation is the request as stored (its due times are computed before the
# INSERT, not read back): the same as reading it, the SLA clock aside (it moves with time)
read_back() { printf '%s' "$BODY" | jq -S -c 'del(.sla) + {due: (.sla | [.response_due_at,
    .update_due_at, .resolution_due_at])}'; }
created=$(read_back)
api GET "/api/v1/tickets/$T1" "" "$AGENT"
is "$(read_back)" "$created" "the created request reads back the same, field by field, due times too"
is "$(json '.sla.response_due_at != null')" true "with a response due time"
api GET "/api/v1/tickets?sort=due&limit=100" "" "$AGENT"
is "$(json "[.items[].id] | index($T1) != null")" true "and a stored one: it is in the queue by due time"
api POST /api/v1/tickets '{"subject":"How do I export?","type":"assistance"}' "$CB"
is "$STATUS" 201 "a customer of Beta opens a request"
T2=$(json .id)
is "$(json '[.organization_id,.requester_id,.severity,.entitled,.billable,.sla.state]|@csv')" \
    '2,4,"D",false,true,"none"' "own organisation, requester, D for assistance, not entitled: billable, no clock"
is "$(outbox_q "ticket_id=$T2" 'map(.kind + " " + (.recipients|tojson))|join("\n")')" \
        'received ["cb@beta.test"]' "the requester's receipt is queued in the same transaction"
printf 'log line\n' > "$T/log.txt"
code=$(curl -s -o "$T/att" -w '%{http_code}' -H "Authorization: Bearer $AGENT" \
    -H 'Content-Type: text/plain' --data-binary @"$T/log.txt" "$BASE/api/v1/tickets/$T1/attachments?filename=log.txt")
is "$code" 201 "an agent attaches a file to T1"
A1=$(jq -r .id "$T/att")

# ---- the matrix: route, then the expected status for admin agent ca cb anonymous ----
matrix() { # matrix METHOD PATH BODY WANT_ADMIN WANT_AGENT WANT_CA WANT_CB WANT_ANON
    local m=$1 p=$2 b=$3 who tok want got=""
    shift 3
    for who in ADMIN AGENT CA CB ANON; do
        want=$1; shift
        tok=${!who:-}
        [ "$who" = ANON ] && tok=""
        if [ "$m" = UPLOAD ]; then
            got=$(curl -s -o /dev/null -w '%{http_code}' ${tok:+-H "Authorization: Bearer $tok"} \
                -H 'Content-Type: text/plain' --data-binary 'x' "$BASE$p")
        else
            TOKEN=$tok api "$m" "$p" "$b" "$tok"
            got=$STATUS
        fi
        is "$got" "$want" "$m $p as $who"
    done
}
ANON=""
matrix GET /api/v1/tickets "" 200 200 200 200 401
matrix GET "/api/v1/tickets/$T1" "" 200 200 200 404 401
matrix GET "/api/v1/tickets/$T2" "" 200 200 404 200 401
matrix GET "/api/v1/tickets/$T1/sla" "" 200 200 200 404 401
matrix GET "/api/v1/tickets/$T1/messages" "" 200 200 200 404 401
matrix GET "/api/v1/tickets/$T1/attachments" "" 200 200 200 404 401
matrix GET "/api/v1/attachments/$A1" "" 200 200 200 404 401
matrix POST "/api/v1/tickets/$T1/messages" '{"body":"a note"}' 201 201 201 404 401
matrix UPLOAD "/api/v1/tickets/$T1/attachments?filename=x.txt" "" 201 201 201 404 401
matrix PATCH "/api/v1/tickets/$T1" '{"severity":"B"}' 200 200 403 404 401
matrix PATCH "/api/v1/tickets/$T1" '{"status":"resolved"}' 409 409 409 404 401
matrix POST "/api/v1/tickets/$T1/escalate" '{"reason":"production stopped"}' 200 200 200 404 401
matrix POST /api/v1/tickets '{"subject":"x","organization_id":1}' 201 201 201 422 401
matrix GET /api/v1/tickets/999999 "" 404 404 404 404 401
matrix GET /api/v1/tickets/abc "" 404 404 404 404 404

api GET "/api/v1/tickets?organization_id=1" "" "$CB"
is "$(json '.items|length')" 0 "a customer's filter naming another organisation gives an empty list"
api GET /api/v1/tickets "" "$CB"
is "$(json '[.items[].organization_id]|unique|@csv')" 2 "a customer lists only its organisation's requests"
is "$(json '.items[0].escalation_level')" 0 "(Beta's request was not escalated)"
api GET "/api/v1/tickets/$T1" "" "$CA"
is "$(json .escalation_level)" 3 "each escalation raised the level"

# ---- internal notes ----
api POST "/api/v1/tickets/$T1/messages" '{"body":"root cause: firmware 4.2","internal":true}' "$AGENT"
is "$STATUS" 201 "an agent writes an internal note"
api GET "/api/v1/tickets/$T1/messages" "" "$CA"
is "$(json '[.items[]|select(.internal)]|length')" 0 "customers never see internal notes"
like "$(json '[.items[].body]|join("|")')" "Escalated: production stopped" "the escalation reason is a public message"
api GET "/api/v1/tickets?q=firmware" "" "$CA"
is "$(json '.items|length')" 0 "nor find requests by their words"
api GET "/api/v1/tickets?q=FIRMWARE%20root" "" "$AGENT"
is "$(json '[.items[].id]|@csv')" "$T1" "agents search internal notes (every word, any case)"
# a term is a phrase of its words, on both backends: ERR_4711 is "err 4711", next to each other
# and in that order (FTS5 splits at the underscore; PostgreSQL indexes the pair of words too)
phrase_ids=
for body in "meter stops with ERR_4711 at night" "meter shows err 4711 again" \
    "4711 readings, then err" "err_ 17 and 4711"; do
    api POST /api/v1/tickets "{\"subject\":\"phrase\",\"body\":\"$body\",\"organization_id\":1}" "$AGENT"
    phrase_ids="$phrase_ids $(json .id)"
done
read -r P1 P2 _ _ <<< "$phrase_ids"
api GET "/api/v1/tickets?q=ERR_4711" "" "$AGENT"
is "$(json '[.items[].id]|sort|@csv')" "$P1,$P2" "a term of two words finds them side by side, in order"
api GET "/api/v1/tickets?q=4711%20err" "" "$AGENT"
is "$(json '[.items[].id]|length')" 4 "two terms find their words anywhere"
# ---- filters by type and channel; an unknown query parameter is refused ----
api POST /api/v1/tickets '{"subject":"a wish by phone","type":"enhancement","channel":"phone","organization_id":1}' "$AGENT"
is "$STATUS" 201 "an enhancement request taken by phone"
api GET "/api/v1/tickets?type=enhancement&limit=1000" "" "$AGENT"
is "$(json '[.items[].type] | unique | @csv')|$(json '.items | length > 0')" '"enhancement"|true' \
    "type=enhancement lists only enhancements"
api GET "/api/v1/tickets?channel=phone,portal&limit=1000" "" "$AGENT"
is "$(json '[.items[].channel] | unique | map(select(. != "phone" and . != "portal")) | length')|$(json '[.items[].channel] | index("phone") != null')" \
    "0|true" "channel=phone,portal lists only those channels"
api GET "/api/v1/tickets?type=error,enhancement&channel=phone" "" "$AGENT"
is "$(json '[.items[] | "\(.type) \(.channel)"] | unique | @csv')" '"enhancement phone"' "filters combine"
api GET "/api/v1/tickets?type=wish" "" "$AGENT"
is "$STATUS|$(json .error.field)" "400|type" "an unknown type is a 400 naming the field"
api GET "/api/v1/tickets?staus=new" "" "$AGENT"
is "$STATUS|$(json .error.field)" "400|staus" "an unknown query parameter is a 400 naming it"
api POST "/api/v1/tickets/$T1/messages" '{"body":"x","internal":true}' "$CA"
is "$STATUS" 403 "a customer may not write an internal note"
is "$(json .error.field)" internal "naming the field"

# ---- bad input: 4xx, the field named, nothing stored ----
before=$(api_count /api/v1/tickets)
bad() { # bad BODY STATUS FIELD DESCRIPTION [TOKEN]
    api POST /api/v1/tickets "$1" "${5:-$AGENT}"
    is "$STATUS|$(json '.error.field // ""')" "$2|$3" "$4"
}
bad '{}' 422 subject "missing subject"
bad '{"subject":"","organization_id":1}' 422 subject "empty subject"
bad "{\"subject\":\"$(head -c 301 /dev/zero | tr '\0' s)\",\"organization_id\":1}" 422 subject "subject of 301 characters"
bad '{"subject":5,"organization_id":1}' 422 subject "subject of the wrong type"
bad '{"subject":"x","organization_id":1,"severity":"E"}' 422 severity "unknown severity"
bad '{"subject":"x","organization_id":1,"type":"bug"}' 422 type "unknown type"
bad '{"subject":"x","organization_id":"1"}' 422 organization_id "organization_id as a string"
bad '{"subject":"x","organization_id":999}' 422 organization_id "an organisation that does not exist"
bad '{"subject":"x"}' 422 organization_id "staff must name the organisation"
bad '{"subject":"x","organization_id":1,"received_at":"yesterday"}' 422 received_at "received_at that is not a time"
bad '{"subject":"x","organization_id":1,"received_at":"2999-01-01T00:00:00Z"}' 422 received_at "received_at in the future"
bad '{"subject":"   ","organization_id":1}' 422 subject "a subject of only spaces"
bad '{"subject":"\u00a0\u200b ","organization_id":1}' 422 subject "a subject of invisible spaces"
bad '{"subject":"line\r\nBcc: x@example.test","organization_id":1}' 422 subject "a subject with CRLF"
bad '{"subject":"bell\u0007","organization_id":1}' 422 subject "a subject with a control character"
bad '{"subject":"invoice\u202egnp.exe","organization_id":1}' 422 subject "a subject with a bidi override"
bad '{"subject":"x","organization_id":1,"received_at":"0001-01-01T00:00:00Z"}' 422 received_at "received_at in year 0001"
bad '{"subject":"x","organization_id":1,"received_at":"2026-06-30T23:59:60Z"}' 422 received_at "received_at at second 60"
bad '{"subject":"x","organization_id":1,"requester_id":4}' 422 requester_id "a requester of another organisation"
bad '{"subject":"x","organization_id":1,"assignee_id":3}' 422 assignee_id "a customer as assignee"
bad '{"subject":"x","organization_id":1,"priority":"high"}' 422 priority "an unknown field"
bad "{\"subject\":\"x\",\"organization_id\":1,\"body\":\"$(head -c 270000 /dev/zero | tr '\0' b)\"}" 422 body "a body over 256 KiB"
bad '{"subject":"x","received_at":"2026-11-01T00:00:00Z"}' 403 received_at "a customer setting received_at" "$CA"
bad '{"subject":"x","channel":"phone"}' 403 channel "a customer setting channel" "$CA"
bad '{"subject":"x","requester_id":3}' 403 requester_id "a customer setting requester_id" "$CA"
bad '{"subject":"x","organization_id":2}' 422 organization_id "a customer naming another organisation" "$CA"
bad '[1,2]' 400 "" "a JSON array"
bad '{"subject":' 400 "" "malformed JSON"
bad "{\"subject\":\"$(printf '\xc3\x28')\",\"organization_id\":1}" 400 "" "invalid UTF-8"
is "$(api_count /api/v1/tickets)" "$before" "no bad request stored anything"
for q in "limit=0" "limit=1001" "limit=abc" "status=done" "severity=E" "sort=fast" "cursor=zzz" "organization_id=x"; do
    api GET "/api/v1/tickets?$q" "" "$AGENT"
    is "$STATUS" 400 "GET /api/v1/tickets?$q is 400"
done

# ---- status machine ----
api PATCH "/api/v1/tickets/$T2" '{"status":"done"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|status" "an unknown status is 422"
api PATCH "/api/v1/tickets/$T2" '{"status":"new"}' "$AGENT"
is "$STATUS" 200 "setting the current status is a no-op 200"
api PATCH "/api/v1/tickets/$T2" '{"status":"in_progress","assignee_id":2}' "$AGENT"
is "$(json '[.status,.assignee_id]|@csv')" '"in_progress",2' "new -> in_progress, assigned"
like "$(json .sla.handling_initiated_at)" "Z$" "in_progress initiates handling"
api PATCH "/api/v1/tickets/$T2" '{"status":"waiting_customer"}' "$AGENT"
is "$STATUS" 200 "in_progress -> waiting_customer"
api POST "/api/v1/tickets/$T2/messages" '{"body":"here is the export"}' "$CB"
is "$STATUS" 201 "the customer replies"
api GET "/api/v1/tickets/$T2" "" "$CB"
is "$(json .status)" in_progress "a customer's reply to a waiting request resumes it"
is "$(outbox_q "ticket_id=$T2&kind=reply" 'map(.recipients|tojson)|join("\n")')" \
        '["agent@vendor.test"]' "the customer's reply is queued for the assignee"
api PATCH "/api/v1/tickets/$T2" '{"status":"resolved"}' "$CB"
is "$STATUS" 403 "a customer may not resolve"
api PATCH "/api/v1/tickets/$T2" '{"status":"resolved"}' "$AGENT"
is "$(json .status)" resolved "the agent resolves"
api POST "/api/v1/tickets/$T2/escalate" '{"reason":"too late"}' "$CB"
is "$STATUS" 409 "escalating a resolved request is 409"
api POST "/api/v1/tickets/$T2/messages" '{"body":"it came back"}' "$CB"
api GET "/api/v1/tickets/$T2" "" "$CB"
is "$(json .status)" in_progress "a customer's reply inside the window reopens"
api PATCH "/api/v1/tickets/$T2" '{"status":"resolved"}' "$AGENT"
api PATCH "/api/v1/tickets/$T2" '{"status":"closed"}' "$CB"
is "$(json .status)" closed "the customer closes the resolved request"
api PATCH "/api/v1/tickets/$T2" '{"status":"in_progress"}' "$AGENT"
is "$STATUS" 409 "closed is final"
api POST "/api/v1/tickets/$T2/messages" '{"body":"one more"}' "$CB"
is "$STATUS" 409 "a message to a closed request is 409"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CB" \
    --data-binary 'x' "$BASE/api/v1/tickets/$T2/attachments?filename=late.txt")
is "$code" 409 "an attachment to a closed request is 409"

# ---- root cause and the release that fixes it ----
api PATCH "/api/v1/tickets/$T1" '{"root_cause":"firmware 4.2 drops readings"}' "$CA"
is "$STATUS|$(json .error.field)" "403|root_cause" "a customer may not set the root cause"
api POST /api/v1/releases '{"version":"5.9.4","kind":"patch","released_on":"2026-11-01","notes":"fix"}' "$AGENT"
REL=$(json .id)
api PATCH "/api/v1/tickets/$T1" "{\"root_cause\":\"firmware 4.2 drops readings\",\"release_id\":$REL}" "$AGENT"
is "$STATUS|$(json '[.root_cause,.release_id]|@csv')" "200|\"firmware 4.2 drops readings\",$REL" \
    "an agent records the root cause and the fixing release"
api PATCH "/api/v1/tickets/$T1" '{"release_id":999999}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|release_id" "a release that does not exist is 422"
api PATCH "/api/v1/tickets/$T1" '{"root_cause":null,"release_id":null}' "$AGENT"
is "$(json '[.root_cause,.release_id]|@csv')" "," "null clears both"

# ---- attachments ----
code=$(curl -s -D "$T/h" -o "$T/got" -w '%{http_code}' -H "Authorization: Bearer $CA" "$BASE/api/v1/attachments/$A1")
is "$code" 200 "the customer downloads the attachment"
cmp -s "$T/got" "$T/log.txt"; ok $? "byte for byte"
like "$(cat "$T/h")" "Content-Disposition: attachment; filename=\"log.txt\"" "as an attachment"
like "$(cat "$T/h")" "X-Content-Type-Options: nosniff" "with nosniff"
like "$(cat "$T/h")" "Content-Type: application/octet-stream" "as bytes, never the uploader's text/plain"
for q in "" "?filename=" "?filename=a%2Fb" "?filename=%00x"; do
    code=$(curl -s -o "$T/e" -w '%{http_code}' -H "Authorization: Bearer $CA" --data-binary 'x' \
        "$BASE/api/v1/tickets/$T1/attachments$q")
    is "$code|$(jq -r .error.field "$T/e")" "422|filename" "upload with filename '$q' is 422"
done
head -c $((26 * 1024 * 1024)) /dev/zero > "$T/huge"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CA" -H 'Expect: 100-continue' \
    --data-binary @"$T/huge" "$BASE/api/v1/tickets/$T1/attachments?filename=huge.bin")
is "$code" 413 "a 26 MiB upload is 413"
head -c $((3 * 1024 * 1024)) /dev/urandom > "$T/big"
code=$(curl -s -o "$T/att" -w '%{http_code}' -H "Authorization: Bearer $CA" \
    --data-binary @"$T/big" "$BASE/api/v1/tickets/$T1/attachments?filename=big.bin")
is "$code" 201 "a 3 MiB upload is stored (over the JSON limit, under the upload limit)"
curl -s -o "$T/big2" -H "Authorization: Bearer $CA" "$BASE/api/v1/attachments/$(jq -r .id "$T/att")"
cmp -s "$T/big" "$T/big2"; ok $? "and comes back whole"

# ---- paging: a keyset cursor that stays stable while rows are inserted ----
for i in 1 2 3 4 5; do api POST /api/v1/tickets "{\"subject\":\"page $i\",\"organization_id\":2}" "$AGENT"; done
api GET "/api/v1/tickets?organization_id=2&limit=2" "" "$AGENT"
first=$(json '[.items[].id]|@csv'); cur=$(json .next_cursor)
api POST /api/v1/tickets '{"subject":"inserted meanwhile","organization_id":2}' "$AGENT"
api GET "/api/v1/tickets?organization_id=2&limit=2&cursor=$cur" "" "$AGENT"
second=$(json '[.items[].id]|@csv')
is "$(( ${first##*,} - 1 )),$(( ${first##*,} - 2 ))" "$second" "the next page follows on, unaffected by the insert"
all=""; cur=""
while :; do
    api GET "/api/v1/tickets?limit=3&sort=due${cur:+&cursor=$cur}" "" "$AGENT"
    all="$all$(json '[.items[].id|tostring]|join(" ")') "
    cur=$(json '.next_cursor // ""')
    [ -n "$cur" ] || break
done
is "$(echo $all | tr ' ' '\n' | sort -n | uniq | wc -l)" "$(api_count /api/v1/tickets)" "sort=due pages through every request once"

[ "$(audit_q "entity=ticket" 'map(select(.action == "update"))|length')" -ge 5 ]
ok $? "every change left an audit row"

stop_server
done_testing
