#!/usr/bin/env bash
# 1018 merging a duplicate request and linking related ones (issue 15): the duplicate's
# messages follow (marked), its files and time move, both get a note, it points at the other
# and is closed; links are stored both ways; staff only; customers see links among their own
# requests; bad input is 4xx naming the field.
. "$(dirname "$0")/lib.sh"

fixtures; ok $? "fixtures"
start_server; ok $? "server starts"
ticket() { api POST /api/v1/tickets "{\"subject\":\"$1\",\"organization_id\":${2:-1},\"requester_id\":${3:-3}}" "$AGENT"; json .id; }
A=$(ticket "Meter reads stop")
B=$(ticket "Meter reads stopped again")
C=$(ticket "Beta's own" 2 4)
api POST "/api/v1/tickets/$B/messages" '{"body":"since 06:00 on collector 7"}' "$CA"
api POST "/api/v1/tickets/$B/messages" '{"body":"firmware 4.2 suspected","internal":true}' "$AGENT"
curl -s -o /dev/null -H "Authorization: Bearer $CA" --data-binary 'log line' "$BASE/api/v1/tickets/$B/attachments?filename=b.log"
api POST "/api/v1/tickets/$B/time-entries" '{"minutes":30,"kind":"internal","note":"triage"}' "$AGENT"

api POST "/api/v1/tickets/$B/merge" "{\"into_id\":$B}" "$AGENT"
is "$STATUS/$(json .error.field)" 422/into_id "not into itself"
api POST "/api/v1/tickets/$B/merge" "{\"into_id\":$C}" "$AGENT"
is "$STATUS/$(json .error.field)" 422/into_id "not into another organisation's"
api POST "/api/v1/tickets/$B/merge" '{"into_id":999999}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/into_id "not into one that does not exist"
api POST "/api/v1/tickets/$B/merge" "{\"into_id\":$A}" "$CA"
is "$STATUS" 403 "customers do not merge"
api POST "/api/v1/tickets/$B/merge" "{\"into_id\":$A}" "$AGENT"
is "$STATUS/$(json .id)" "200/$A" "an agent merges the duplicate"
api GET "/api/v1/tickets/$B" "" "$CA"
is "$(json '[.status,.merged_into_id]|@csv')" "\"closed\",$A" "the duplicate is closed and points at the other"
api GET "/api/v1/tickets/$A/messages" "" "$AGENT"
like "$(json '[.items[].body]|join("|")|gsub("\n";" ")')" "From request #$B \(Carl Acme, [0-9T:-]+Z\): +since 06:00 on collector 7" "its messages follow, marked"
like "$(json '[.items[].body]|join("|")|gsub("\n";" ")')" "Request #$B, as it was opened: Meter reads stopped again" "its description too"
like "$(json '[.items[].body]|join("|")')" "Request #$B \(Meter reads stopped again\) was merged into this one" "with a note"
api GET "/api/v1/tickets/$A/messages" "" "$CA"
! printf '%s' "$BODY" | grep -q "firmware 4.2"; ok $? "an internal note stays internal"
api GET "/api/v1/tickets/$A/attachments" "" "$CA"
is "$(json '[.items[].filename]|@csv')" '"b.log"' "its files move"
api GET "/api/v1/tickets/$A/time-entries" "" "$AGENT"
is "$(json '[.items[].note]|@csv')" '"triage"' "its time moves"
api POST "/api/v1/tickets/$B/merge" "{\"into_id\":$A}" "$AGENT"
is "$STATUS" 409 "merging again is 409"

D=$(ticket "Collector firmware")
api POST "/api/v1/tickets/$A/links" "{\"ticket_id\":$D,\"kind\":\"parent\"}" "$AGENT"
is "$STATUS/$(json '[.items[]|"\(.ticket_id):\(.kind)"]|join(",")')" "201/$D:parent" "an agent links a parent"
api GET "/api/v1/tickets/$D/links" "" "$CA"
is "$(json '[.items[]|"\(.ticket_id):\(.kind)"]|join(",")')" "$A:child" "the parent sees its child (a customer, its own)"
api POST "/api/v1/tickets/$A/links" "{\"ticket_id\":$C,\"kind\":\"related\"}" "$AGENT"
is "$STATUS" 201 "staff may relate requests of two organisations"
api GET "/api/v1/tickets/$A/links" "" "$CA"
! printf '%s' "$BODY" | grep -q "Beta's own"; ok $? "a customer never sees another organisation's linked request"
api GET "/api/v1/tickets/$C/links" "" "$CA"
is "$STATUS" 404 "nor its links"
api POST "/api/v1/tickets/$A/links" "{\"ticket_id\":$D,\"kind\":\"cousin\"}" "$AGENT"
is "$STATUS/$(json .error.field)" 422/kind "an unknown kind is 422"
api POST "/api/v1/tickets/$A/links" "{\"ticket_id\":$A,\"kind\":\"related\"}" "$AGENT"
is "$STATUS/$(json .error.field)" 422/ticket_id "not to itself"
api POST "/api/v1/tickets/$A/links" "{\"ticket_id\":$D,\"kind\":\"related\"}" "$CA"
is "$STATUS" 403 "customers do not link"

# ---- the desk's forms ----
passwords "2" > /dev/null
sign_in agent agent@vendor.test
E=$(ticket "Readings late"); F=$(ticket "Readings late, again")
page agent GET "/desk/tickets/$E"; TOKEN=$(csrf)
page agent POST "/desk/tickets/$E/links" --data-urlencode "csrf=$TOKEN" -d "ticket_id=$A" -d kind=parent
is "$STATUS" 303 "the desk links a parent"
page agent GET "/desk/tickets/$E"
has "parent: <a href=\"/desk/tickets/$A\">#$A Meter reads stop</a>"; ok $? "shown on the request"
page agent POST "/desk/tickets/$E/links" --data-urlencode "csrf=$TOKEN" -d "ticket_id=$E" -d kind=related
is "$STATUS" 422 "not to itself, on the page"
page agent POST "/desk/tickets/$E/links" --data-urlencode "csrf=$TOKEN" -d "ticket_id=$A" -d kind=cousin
is "$STATUS" 422 "an unknown kind, on the page"
page agent POST "/desk/tickets/$F/merge" --data-urlencode "csrf=$TOKEN" -d "into_id=$E"
is "$STATUS|$(header Location)" "303|/desk/tickets/$E" "the desk merges a duplicate, and shows where it went"
is "$(get "/api/v1/tickets/$F" .merged_into_id)" "$E" "merged"
page agent GET "/desk/tickets/$F"
has "This request was merged into <a href=\"/desk/tickets/$E\">#$E</a>"; ok $? "the merged one points there"
has "action=\"/desk/tickets/$F/merge\""; ok $((! $?)) "and offers no second merge"
page agent POST "/desk/tickets/$E/merge" --data-urlencode "csrf=$TOKEN" -d "into_id=$C"
is "$STATUS" 422 "not into another organisation's request"
page agent POST "/desk/tickets/$E/merge" -d "into_id=$A"
is "$STATUS" 403 "without its token: 403"
stop_server
done_testing
