#!/usr/bin/env bash
# 1019 watchers and CC of a request (issue 15): staff add watchers (staff, or customers of the
# request's organisation), anyone who sees the request adds CC addresses; watchers hear of it
# as their side does (staff: the customer's messages; customers: the replies), CC addresses get
# the customer's notices; internal notes reach none of them; the desk's card does the same.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
api POST /api/v1/tickets '{"subject":"watched"}' "$CA"
TK=$(json .id)

api POST "/api/v1/tickets/$TK/watchers" '{"user_id":1}' "$AGENT"
is "$STATUS/$(json '[.watchers[]|.user_id]|@csv')" "200/1" "an agent adds the admin as a watcher"
api POST "/api/v1/tickets/$TK/watchers" '{"user_id":4}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/user_id "not another organisation's customer"
api POST "/api/v1/tickets/$TK/watchers" '{"user_id":3}' "$CA"
is "$STATUS" 403 "customers do not add watchers"
api POST "/api/v1/tickets/$TK/cc" '{"email":"Boss@Acme.test"}' "$CA"
is "$STATUS/$(json '.cc|@csv')" '200/"boss@acme.test"' "the customer copies a colleague (lower case)"
api POST "/api/v1/tickets/$TK/cc" '{"email":"not an address"}' "$CA"
is "$STATUS/$(json .error.field)" 422/email "an address that is none: 422 naming it"
api POST "/api/v1/tickets/$TK/cc" '{"email":"x@beta.test"}' "$CB"
is "$STATUS" 404 "another organisation's request: 404"
api GET "/api/v1/tickets/$TK/followers" "" "$CA"
is "$STATUS/$(json '.watchers|length')/$(json '.cc|length')" "200/1/1" "the customer reads who follows"

api POST "/api/v1/tickets/$TK/messages" '{"body":"We look into it"}' "$AGENT"
api POST "/api/v1/tickets/$TK/messages" '{"body":"staff only","internal":true}' "$AGENT"
api POST "/api/v1/tickets/$TK/messages" '{"body":"Thanks"}' "$CA"
is "$(outbox_q "ticket_id=$TK&kind=reply" 'map(.recipients[0])|sort|join(" ")')" \
    "admin@example.test boss@acme.test ca@acme.test" \
    "the agent's reply to the requester and the CC; the customer's to the watching admin; the note to nobody"

api DELETE "/api/v1/tickets/$TK/cc?email=BOSS@acme.test" "" "$CA"
is "$STATUS/$(json '.cc|length')" "200/0" "the CC taken off"
api DELETE "/api/v1/tickets/$TK/cc?address=x" "" "$CA"
is "$STATUS/$(json .error.field)" 400/address "an unknown parameter: 400"
api DELETE "/api/v1/tickets/$TK/watchers/1" "" "$AGENT"
is "$STATUS/$(json '.watchers|length')" "200/0" "the watcher removed"
api GET "/api/v1/audit-log?entity=ticket&entity_id=$TK" "" "$ADMIN"
is "$(json '[.items[]|select(.action == "follow" or .action == "unfollow")]|length')" 4 "each change audited"

# ---- the desk's card ----
passwords "2" > /dev/null
sign_in agent agent@vendor.test
page agent GET "/desk/tickets/$TK"; TOKEN=$(csrf)
has '<h2>Watchers and CC</h2>'; ok $? "the request page has the card"
page agent POST "/desk/tickets/$TK/watch" --data-urlencode "csrf=$TOKEN" -d on=1
is "$STATUS" 303 "the agent watches it"
page agent GET "/desk/tickets/$TK"
has 'Stop watching'; ok $? "and may stop"
has '<span class="tag">Agnes Agent</span>'; ok $? "named among the watchers"
page agent POST "/desk/tickets/$TK/cc" --data-urlencode "csrf=$TOKEN" --data-urlencode "email=ops@acme.test"
is "$STATUS" 303 "a CC from the desk"
page agent POST "/desk/tickets/$TK/cc" --data-urlencode "csrf=$TOKEN" --data-urlencode "email=<b>x"
is "$STATUS" 422 "not an address: 422 on the page"
has '&#39;&lt;b&gt;x&#39; is not an e-mail address'; ok $? "escaped"
page agent POST "/desk/tickets/$TK/cc" --data-urlencode "csrf=$TOKEN" --data-urlencode "email=ops@acme.test" -d remove=1
is "$STATUS/$(get "/api/v1/tickets/$TK/followers" '.cc|length')" "303/0" "and removed"
page agent POST "/desk/tickets/$TK/watch" -d on=0
is "$STATUS" 403 "without the token: 403"
stop_server
done_testing
