#!/usr/bin/env bash
# 1051 live chat (issue 16): a customer whose organisation has live chat (the add-on, or a
# signed agreement with the live_chat extra) opens a chat (403 "not entitled" naming the
# add-on without); it is a request of channel chat whose conversation is the transcript;
# staff list waiting chats, accept one (the agent joins, the request becomes theirs), both
# sides write, either closes it (answered with the request's id); a held GET /api/v1/events
# wakes on a chat line; another organisation's customer gets 404 everywhere; bad input is
# 422 naming the field; an idle chat is closed by the scheduler; the pages work without
# JavaScript (portal: the request form; desk: accept, reply, close forms).
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
last_id() { sed -n 's/^id: //p' "$1" | tail -1; }

# ---- entitlement: the live-chat add-on ----
api POST /api/v1/chats '{"subject":"Meter question","body":"hello?"}' "$CA"
is "$STATUS" 403 "no live chat for Acme yet: 403"
like "$(json .error.message)" '^not entitled: .*live-chat add-on \(live_chat\)' \
    "not entitled, naming the add-on"
api GET /api/v1/catalog "" "$ADMIN"
LIVE=$(json '.items[] | select(.name == "Live chat") | .id')
api POST /api/v1/organizations/1/add-ons "{\"service_id\":$LIVE,\"starts_on\":\"2020-01-01\",\"currency\":\"EUR\",\"annual_price\":120000}" "$ADMIN"
is "$STATUS" 201 "Acme buys the live-chat add-on"

# ---- bad input: 422 naming the field; only customers open ----
bad() { # bad BODY FIELD DESCRIPTION
    api POST /api/v1/chats "$1" "$CA"
    is "$STATUS|$(json .error.field)" "422|$2" "$3"
}
bad '{"body":"hi"}' subject "a missing subject: 422 subject"
bad '{"subject":"   ","body":"hi"}' subject "a blank subject: 422 subject"
bad '{"subject":"Q","body":" \n\t "}' body "a blank first line: 422 body"
bad '{"subject":"Q","body":""}' body "an empty first line: 422 body"
bad "{\"subject\":\"Q\",\"body\":\"$(head -c 4001 /dev/zero | tr '\0' x)\"}" body \
    "a first line over 4000 characters: 422 body"
bad "{\"subject\":\"$(head -c 301 /dev/zero | tr '\0' s)\",\"body\":\"hi\"}" subject \
    "a subject over 300 characters: 422 subject"
bad '{"subject":"Q","body":"hi","severity":"A"}' severity "an unknown field: 422 naming it"
api POST /api/v1/chats '{"subject":"Q","body":"hi"}' "$AGENT"
is "$STATUS" 403 "staff do not open chats: 403"
api POST /api/v1/chats 'not json' "$CA"
is "$STATUS" 400 "a body that is not JSON: 400"

# ---- a chat opens as a request of channel chat, waiting ----
api POST /api/v1/chats '{"subject":"Readings missing since 06:00","body":"Hi, our <b>meter</b> readings stopped."}' "$CA"
is "$STATUS|$(json '[.status, .customer.id, .agent]|@csv')" '201|"waiting",3,' \
    "Carl opens a chat (201): waiting, no agent yet"
C1=$(json .id)
T1=$(json .ticket_id)
like "$(header Location)" "/api/v1/chats/$C1\$" "Location names the chat"
api GET "/api/v1/tickets/$T1" "" "$AGENT"
is "$(json '[.channel, .organization_id, .requester_id, .subject]|@csv')" \
    '"chat",1,3,"Readings missing since 06:00"' "its request: channel chat, Acme's, by Carl"
is "$(json .body)" "Hi, our <b>meter</b> readings stopped." "the first line is its description"

# ---- another organisation: 404 as a missing chat ----
for route in "GET /api/v1/chats/$C1" "GET /api/v1/chats/$C1/messages" \
    "POST /api/v1/chats/$C1/messages" "POST /api/v1/chats/$C1/close"; do
    body=
    case "$route" in POST*messages) body='{"body":"peek"}' ;; esac
    api ${route% *} "${route#* }" "$body" "$CB"
    is "$STATUS" 404 "Beta's customer: $route is 404"
done
api GET /api/v1/chats/999999 "" "$CA"
is "$STATUS" 404 "a missing chat: 404 too"
api GET /api/v1/chats "" "$CB"
is "$STATUS|$(json '.items | length')" "200|0" "Beta's list has none of Acme's"

# ---- staff: the waiting list, accept ----
api GET '/api/v1/chats?status=waiting' "" "$AGENT"
is "$(json "[.items[] | select(.id == $C1)] | length")" 1 "the chat is in the waiting list"
is "$(json ".items[] | select(.id == $C1) | .organization_name")" Acme "with its organisation"
api GET '/api/v1/chats?status=open' "" "$AGENT"
is "$STATUS|$(json .error.field)" "422|status" "an unknown status: 422 status"
api GET '/api/v1/chats?sort=id' "" "$AGENT"
is "$STATUS" 400 "an unknown parameter: 400"
api POST "/api/v1/chats/$C1/messages" '{"body":"Hello"}' "$AGENT"
is "$STATUS" 409 "an agent's line before accepting: 409"
api POST "/api/v1/chats/$C1/accept" "" "$CA"
is "$STATUS" 403 "a customer cannot accept: 403"
api POST "/api/v1/chats/$C1/accept" "" "$AGENT"
is "$STATUS|$(json '[.status, .agent.id, .agent.name]|@csv')" '200|"active",2,"Agnes Agent"' \
    "Agnes accepts: active, she joined"
api POST "/api/v1/chats/$C1/accept" "" "$ADMIN"
is "$STATUS|$(json .error.field)" "409|id" "a second accept: 409"
api GET "/api/v1/tickets/$T1" "" "$AGENT"
is "$(json .assignee_id)" 2 "the request is now Agnes's"
api GET '/api/v1/chats?status=waiting' "" "$AGENT"
is "$(json "[.items[] | select(.id == $C1)] | length")" 0 "no longer waiting"
api GET '/api/v1/chats?status=active' "" "$AGENT"
is "$(json "[.items[] | select(.id == $C1)] | length")" 1 "active"

# ---- a held events request wakes on a chat line ----
api GET /api/v1/events?after=0 "" "$CA"
HEAD=$(last_id "$T/body")
( curl -s -o "$T/wait.ev" -w '%{http_code}' -H "Authorization: Bearer $CA" \
    -H "Last-Event-ID: $HEAD" --max-time 30 "$BASE/api/v1/events" > "$T/wait.code" ) &
W=$!
sleep 1.5
t0=$(date +%s%N)
api POST "/api/v1/chats/$C1/messages" '{"body":"Hello Carl, which meters?"}' "$AGENT"
is "$STATUS|$(json '[.staff, .author_name, .chat_id]|@csv')" "201|true,\"Agnes Agent\",$C1" \
    "Agnes writes (201)"
M1=$(json .id)
wait $W
ms=$((($(date +%s%N) - t0) / 1000000))
is "$(cat "$T/wait.code")" 200 "Carl's held events request is answered"
ok "$([ "$ms" -lt 2500 ] && echo 0 || echo 1)" "within 2.5 s of the line ($ms ms)"
like "$(grep -A1 '^event: chat$' "$T/wait.ev")" "\"ticket_id\":$T1,.*\"message_id\":$M1,\"by\":\"staff\"" \
    "with event: chat naming the request and the line, by staff"

api POST "/api/v1/chats/$C1/messages" '{"body":"All of site 4"}' "$CA"
is "$STATUS|$(json .staff)" "201|false" "Carl answers (201)"
api POST "/api/v1/chats/$C1/messages" '{"body":"   "}' "$CA"
is "$STATUS|$(json .error.field)" "422|body" "a blank line: 422 body"
api POST "/api/v1/chats/$C1/messages" '{}' "$CA"
is "$STATUS|$(json .error.field)" "422|body" "no body: 422 body"
api POST "/api/v1/chats/$C1/messages" "{\"body\":\"$(head -c 4001 /dev/zero | tr '\0' y)\"}" "$CA"
is "$STATUS|$(json .error.field)" "422|body" "a line over 4000 characters: 422 body"
api POST "/api/v1/tickets/$T1/messages" '{"body":"check the head-end first","internal":true}' "$AGENT"
api GET "/api/v1/chats/$C1/messages" "" "$AGENT"
is "$(json '[.items[] | "\(.staff):\(.body)"] | join("|")')" \
    "true:Hello Carl, which meters?|false:All of site 4" \
    "the transcript in order, with its authors (an internal note is no part of it)"
api GET "/api/v1/chats/$C1/messages" "" "$CA"
is "$(json '[.items[].author_name] | join(",")')" "Agnes Agent,Carl Acme" "Carl reads the same"

# ---- close: answered with the request; the transcript is its conversation ----
api POST "/api/v1/chats/$C1/close" "" "$CA"
is "$STATUS|$(json '[.status, .ticket_id, .closed_by]|@csv')" "200|\"closed\",$T1,3" \
    "Carl closes it: answered with its request's id"
api POST "/api/v1/chats/$C1/messages" '{"body":"one more thing"}' "$CA"
is "$STATUS" 409 "a line after closing: 409"
api POST "/api/v1/chats/$C1/close" "" "$AGENT"
is "$STATUS" 409 "closing twice: 409"
api GET "/api/v1/tickets/$T1/messages" "" "$CA"
is "$(json '[.items[] | "\(.author_id):\(.body)"] | join("|")')" \
    "2:Hello Carl, which meters?|3:All of site 4" \
    "the request's conversation is the chat's lines, in order, with their authors"
is "$(json '[.items[] | .created_at != null] | all')" true "and their times"
api GET '/api/v1/chats?status=closed' "" "$AGENT"
is "$(json "[.items[] | select(.id == $C1)] | length")" 1 "in the closed list"
api GET "/api/v1/audit-log?entity=chat&entity_id=$C1" "" "$ADMIN"
is "$(json '[.items[].action] | reverse | join(",")')" "create,accept,close" \
    "audit rows: create, accept, close"
api GET "/api/v1/events?after=$HEAD" "" "$AGENT"
like "$(grep -A1 '^event: chat$' "$T/body" | grep -c '"action":"close"')" '^1$' \
    "the close is an event: chat of the request"

# ---- entitled by a signed agreement's live_chat extra ----
api POST /api/v1/agreements '{"organization_id":2,"kind":"maintenance","starts_on":"2020-01-01","currency":"EUR","hosting":"vendor_hosted","sla_policy_id":1,"extras":["live_chat"]}' "$ADMIN"
AG=$(json .id)
api POST /api/v1/chats '{"subject":"Q","body":"hi"}' "$CB"
is "$STATUS" 403 "Beta with an unsigned agreement: 403"
accept "$AG" "$CB" "Carl Beta" # the customer's signature, then the vendor's: in effect
api POST "/api/v1/agreements/$AG/sign" "" "$ADMIN"
api POST /api/v1/chats '{"subject":"Export question","body":"hi there"}' "$CB"
is "$STATUS" 201 "Beta's signed agreement with the live_chat extra: 201"
C2=$(json .id)
api GET "/api/v1/chats/$C2" "" "$CA"
is "$STATUS" 404 "Acme's customer: Beta's chat is 404"

# ---- the pages without JavaScript ----
passwords "2, 3, 4"
sign_in ca ca@acme.test
page ca GET /portal/chat
is "$STATUS" 200 "portal: /portal/chat"
has 'action="/portal/requests"' && has 'data-chat' && has '<noscript>'
ok $? "a request form for browsers without script, the chat for those with it"
page ca POST /portal/chat --data-urlencode "csrf=$(csrf)" --data-urlencode "subject=Page chat" \
    --data-urlencode "body=typed in the portal"
is "$STATUS" 303 "opening a chat by the form: 303"
like "$(header Location)" '^/portal/chat\?chat=[0-9]+$' "to the chat"
C3=$(header Location | sed 's/.*=//')
page ca GET "/portal/chat?chat=$C3"
has "typed in the portal"
ok $? "the chat page shows its first line"
page ca GET /portal/chat
has "href=\"/portal/chat?chat=$C3\""
ok $? "the chat page links the organisation's open chats"
page ca GET "/portal/chat?chat=abc"
is "$STATUS" 404 "a chat id that is not a number: 404"
page ca POST "/portal/chat/$C3/messages" --data-urlencode "csrf=$(csrf)" --data-urlencode "body=   "
is "$STATUS" 422 "a blank line by the form: 422"
page ca GET "/portal/chat?chat=$C3"
page ca POST "/portal/chat/$C3/messages" --data-urlencode "csrf=$(csrf)" --data-urlencode "body=a second line"
is "$STATUS" 303 "a line by the form: 303"
page ca GET "/portal/chat?chat=$C2"
is "$STATUS" 404 "Beta's chat on Acme's portal: 404"
page ca POST "/portal/chat/$C3/messages" --data-urlencode "body=no token"
is "$STATUS" 403 "a form without its CSRF token: 403"

sign_in cb cb@beta.test
page cb GET /portal/chat
is "$STATUS" 200 "Beta's portal chat page"
sign_in ag agent@vendor.test
page ag GET /desk/chats
is "$STATUS" 200 "desk: /desk/chats"
has "Page chat" && has "action=\"/desk/chats/$C3/accept\""
ok $? "the waiting chat with an accept form"
page ag POST "/desk/chats/$C3/accept" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 303 "accept by the form: 303"
page ag GET /desk/chats
has "a second line" && has "action=\"/desk/chats/$C3/messages\"" && has "action=\"/desk/chats/$C3/close\""
ok $? "the active chat: its transcript, a reply form and a close form"
page ag POST "/desk/chats/$C3/messages" --data-urlencode "csrf=$(csrf)" --data-urlencode "body=answered on the desk"
is "$STATUS" 303 "reply by the form: 303"
page ag GET /desk/chats
page ag POST "/desk/chats/$C3/messages" --data-urlencode "csrf=$(csrf)" --data-urlencode "body="
is "$STATUS" 422 "an empty reply by the form: 422"
page ag GET /desk/chats
page ag POST "/desk/chats/$C3/close" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 303 "close by the form: 303"
is "$(header Location)" "/desk/tickets/$(get /api/v1/chats/$C3 .ticket_id)" "to its request"
page ca GET "/portal/chat?chat=$C3"
has "answered on the desk" && has "closed"
ok $? "the customer's page shows the answer and that it closed"
api POST /api/v1/chats '{"subject":"Short one","body":"never mind"}' "$CA"
C5=$(json .id)
page ca GET "/portal/chat?chat=$C5"
page ca POST "/portal/chat/$C5/close" --data-urlencode "csrf=$(csrf)"
is "$STATUS|$(header Location)" "303|/portal/chat?chat=$C5" "the customer ends a chat by the form: 303"
is "$(get "/api/v1/chats/$C5" .status "$CA")" closed "it is closed"
page ca GET "/portal/chat?chat=$C5"
page ca POST "/portal/chat/$C5/close" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 409 "ending it again: the page with 409"
page ag GET /desk/chats/999999
is "$STATUS" 404 "no such desk page: 404"
page ca GET /desk/chats
is "$STATUS" 403 "the desk refuses customers (403)"
stop_server

# ---- an idle chat is closed by the scheduler ----
start_server --chat-idle-seconds 5 --sweep-seconds 1; ok $? "server with chats idle after 5 s"
api POST /api/v1/chats '{"subject":"Quiet","body":"anyone?"}' "$CA"
C4=$(json .id)
for _ in $(seq 1 40); do
    api GET "/api/v1/chats/$C4" "" "$CA"
    [ "$(json .status)" = closed ] && break
    sleep 0.5
done
is "$(json '[.status, .closed_by]|@csv')" '"closed",' "the idle chat closed by the scheduler (no person)"
api GET "/api/v1/audit-log?entity=chat&entity_id=$C4" "" "$ADMIN"
is "$(json '.items[0] | [.action, .actor_id, .after.reason]|@csv')" '"close",,"idle"' \
    "its audit row: closed by the system, for idleness"
stop_server
done_testing
