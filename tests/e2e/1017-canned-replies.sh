#!/usr/bin/env bash
# 1017 canned replies (issue 15): staff keep text snippets with placeholders; any other {{...}}
# is refused naming the body; filled in for a request on GET ?ticket_id=; every agent reads
# every one, its owner or an admin changes or deletes it; customers get 403. The desk's request
# page offers them: ?canned=ID fills the reply box (svcdesk.js inserts it at the cursor instead,
# through the API with the session: the browser test).
. "$(dirname "$0")/lib.sh"

fixtures; ok $? "fixtures"
start_server; ok $? "server starts"
api POST /api/v1/users '{"email":"bo@vendor.test","name":"Bo","role":"agent","password":"bo-password-1"}' "$ADMIN"
BO=$("$SVCDESK" token create --db "$DB" --email bo@vendor.test 2>> "$T/server.log")
api PATCH /api/v1/users/3 '{"name":"Carl <b>Acme</b>"}' "$ADMIN"

api POST /api/v1/canned-replies '{"title":"Received","body":"Dear {{requester_name}}, we have #{{ticket_id}} ({{subject}}) from {{organization}}; next due {{due}}. {{agent_name}}"}' "$AGENT"
C=$(json .id)
is "$STATUS/$(json .owner_id)" 201/2 "an agent adds a canned reply"
api POST /api/v1/canned-replies '{"title":"Bad","body":"Hi {{name}}"}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/body "an unknown placeholder is 422 naming the body"
like "$(json .error.message)" "'\{\{name\}\}' is not a placeholder" "and says which"
api POST /api/v1/canned-replies '{"title":"","body":"x"}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/title "a title is needed"
api POST /api/v1/canned-replies '{"title":"x","body":"x"}' "$CA"
is "$STATUS" 403 "customers do not keep canned replies"
api GET /api/v1/canned-replies "" "$BO"
is "$(json '[.items[].title]|@csv')" '"Received"' "every agent reads every one (nothing refused stored)"

api POST /api/v1/tickets '{"subject":"Meters stop","organization_id":1,"requester_id":3,"severity":"B"}' "$AGENT"
TK=$(json .id)
api GET "/api/v1/canned-replies/$C?ticket_id=$TK" "" "$BO"
like "$(json .text)" "^Dear Carl <b>Acme</b>, we have #$TK \(Meters stop\) from Acme; next due 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC\. Bo$" \
    "filled in for the request, signed by the agent inserting it"
api GET "/api/v1/canned-replies/$C?ticket_id=999999" "" "$BO"
is "$STATUS/$(json .error.field)" 404/ticket_id "a request that does not exist is 404"
api GET "/api/v1/canned-replies/$C?ticket=1" "" "$BO"
is "$STATUS" 400 "an unknown parameter is 400"

# ---- in the desk's request page ----
passwords "2" > /dev/null
sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
page agent GET "/desk/tickets/$TK"
has "<option value=\"$C\">Received</option>"; ok $? "the reply box offers the canned replies"
has 'data-canned-insert="reply-body"'; ok $? "(an insert form the script takes over)"
page agent GET "/desk/tickets/$TK?canned=$C"
like "$BODY" "<textarea id=\"reply-body\" name=\"body\" rows=\"6\">Dear Carl &lt;b&gt;Acme&lt;/b&gt;, we have #$TK" \
    "without script, ?canned= fills the reply box for the request, escaped"
has "<option value=\"$C\" selected>"; ok $? "with the reply chosen"
page agent GET "/desk/tickets/$TK?canned=999"
is "$STATUS" 200 "an unknown canned reply leaves the box empty"
page agent GET "/api/v1/canned-replies/$C?ticket_id=$TK"
is "$STATUS" 200 "the script's read works with the page session"
like "$(printf '%s' "$BODY" | jq -r .text)" "^Dear Carl" "filled in"

api PATCH "/api/v1/canned-replies/$C" '{"title":"Stolen"}' "$BO"
is "$STATUS" 403 "another agent may not change it"
api DELETE "/api/v1/canned-replies/$C" "" "$BO"
is "$STATUS" 403 "nor delete it"
api PATCH "/api/v1/canned-replies/$C" '{"body":"Hello {{requester_name}}"}' "$AGENT"
is "$STATUS/$(json .body)/$(json .title)" "200/Hello {{requester_name}}/Received" "its owner changes it"
api PATCH "/api/v1/canned-replies/$C" '{"body":"Hello {{nope}}"}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/body "not to an unknown placeholder"
api PATCH "/api/v1/canned-replies/$C" '{"title":"Admin edit"}' "$ADMIN"
is "$STATUS/$(json .title)" "200/Admin edit" "an admin changes any"
api GET "/api/v1/audit-log?entity=canned_reply&entity_id=$C" "" "$ADMIN"
is "$(json '[.items[].action]|@csv')" '"update","update","create"' "each change is audited"
api DELETE "/api/v1/canned-replies/$C" "" "$AGENT"
is "$STATUS" 204 "its owner deletes it"
api GET "/api/v1/canned-replies/$C" "" "$AGENT"
is "$STATUS" 404 "gone"
stop_server
done_testing
