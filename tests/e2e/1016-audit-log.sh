#!/usr/bin/env bash
# 1016 the audit trail (issue 15): GET /api/v1/audit-log for staff, newest first, filtered by
# entity, entity_id, actor_id and time, paged; customers get 403; bad filters are 400 naming
# the parameter; no password ever appears; the admins' page shows it with the same filters.
# The outbox likewise: GET /api/v1/outbox and /desk/admin/outbox for admins only, filtered by
# request, kind and state; a password reset's one-time link withheld.
. "$(dirname "$0")/lib.sh"

fixtures; ok $? "fixtures"
start_server; ok $? "server starts"
api POST /api/v1/tickets '{"subject":"audited <b>request</b>","organization_id":1}' "$AGENT"
TK=$(json .id)
api PATCH "/api/v1/tickets/$TK" '{"status":"in_progress"}' "$AGENT"
api PATCH /api/v1/users/3 '{"password":"a-secret-password-9"}' "$ADMIN"
api PATCH /api/v1/organizations/1 '{"name":"Acme <b>Utilities</b>"}' "$ADMIN"

api GET "/api/v1/audit-log?entity=ticket&entity_id=$TK" "" "$AGENT"
is "$STATUS/$(json '[.items[].action]|@csv')" '200/"update","create"' "an agent reads a request's trail, newest first"
is "$(json '.items[0]|[.actor_id,.actor_name,.entity,.entity_id]|@csv')" '2,"Agnes Agent","ticket",'"$TK" "who, what"
like "$(json '.items[0].at')" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "when, RFC 3339"
like "$(json '.items[1].after|tostring')" '"status":"new"' "with the values as JSON"
api GET "/api/v1/audit-log?actor_id=1&entity=user" "" "$ADMIN"
is "$(json '[.items[]|.actor_id]|unique|@csv')" "1" "filtered by who"
! printf '%s' "$BODY" | grep -q "a-secret-password-9"; ok $? "a password never appears"
api GET "/api/v1/audit-log?limit=1" "" "$ADMIN"
first=$(json '.items[0].id'); cur=$(json .next_cursor)
api GET "/api/v1/audit-log?limit=1&cursor=$cur" "" "$ADMIN"
[ "$(json '.items[0].id')" -lt "$first" ]; ok $? "paged, older after"
api GET "/api/v1/audit-log?from=2000-01-01&to=2000-12-31" "" "$ADMIN"
is "$STATUS/$(json '.items|length')" 200/0 "a time range with nothing in it"
api GET "/api/v1/audit-log?from=$(date -u +%Y-%m-%d)" "" "$ADMIN"
[ "$(json '.items|length')" -gt 3 ]; ok $? "today's, from a date"
api GET "/api/v1/audit-log?from=yesterday" "" "$ADMIN"
is "$STATUS/$(json .error.field)" 400/from "a time that is not one is 400 naming it"
api GET "/api/v1/audit-log?entity=Ticket%3B" "" "$ADMIN"
is "$STATUS/$(json .error.field)" 400/entity "an entity that is not a name is 400"
api GET "/api/v1/audit-log?who=1" "" "$ADMIN"
is "$STATUS/$(json .error.field)" 400/who "an unknown parameter is 400"
api GET /api/v1/audit-log "" "$CB"
is "$STATUS" 403 "customers may not read it"
api GET /api/v1/audit-log "" ""
is "$STATUS" 401 "nor anyone without a token"

# ---- the outbox ----
api POST /api/v1/tickets '{"subject":"mailed <b>request</b>"}' "$CB"
TM=$(json .id)
api POST /api/v1/password-resets '{"email":"ca@acme.test"}'
is "$STATUS" 202 "(a password reset is queued)"
api GET "/api/v1/outbox?ticket_id=$TM" "" "$ADMIN"
is "$STATUS/$(json '[.items[]|.kind]|@csv')/$(json '.items[0].recipients|@csv')" \
    '200/"received"/"cb@beta.test"' "the admin reads a request's mail: its receipt, to the requester"
is "$(json '.items[0]|[.state, .attempts, (.message_id|length > 0), (.created_at|test("Z$"))]|@csv')" \
    '"pending",0,true,true' "waiting (no relay here), never tried, with its Message-ID and time"
api GET "/api/v1/outbox?kind=password_reset" "" "$ADMIN"
is "$(json '.items|length')" 1 "filtered by kind"
like "$(json '.items[0].body')" "withheld" "a reset's body is withheld"
! printf '%s' "$BODY" | grep -q "/reset/"; ok $? "its one-time link never appears"
api GET "/api/v1/outbox?state=sent" "" "$ADMIN"
is "$STATUS/$(json '.items|length')" 200/0 "nothing sent without a relay"
api GET "/api/v1/outbox?limit=1" "" "$ADMIN"
first=$(json '.items[0].id'); cur=$(json .next_cursor)
api GET "/api/v1/outbox?limit=1&cursor=$cur" "" "$ADMIN"
[ "$(json '.items[0].id')" -lt "$first" ]; ok $? "paged, older after"
api GET "/api/v1/outbox?state=lost" "" "$ADMIN"
is "$STATUS/$(json .error.field)" 400/state "a state that is not one is 400 naming it"
api GET "/api/v1/outbox?kind=Reply%27" "" "$ADMIN"
is "$STATUS/$(json .error.field)" 400/kind "a kind that is not a name is 400"
api GET "/api/v1/outbox?to=x" "" "$ADMIN"
is "$STATUS/$(json .error.field)" 400/to "an unknown parameter is 400"
api GET /api/v1/outbox "" "$AGENT"
is "$STATUS" 403 "agents may not read the mail queue"
api GET /api/v1/outbox "" "$CB"
is "$STATUS" 403 "nor customers"

passwords "2" > /dev/null
sign_in admin "$ADMIN_EMAIL" "$ADMIN_PASSWORD"; is "$STATUS" 303 "the admin signs in"
page admin GET "/desk/admin/audit?entity=organization&entity_id=1"
is "$STATUS" 200 "the audit page"
like "$BODY" "Acme &lt;b&gt;Utilities&lt;/b&gt;" "shows the values as text"
! has "<b>Utilities"; ok $? "never as HTML"
like "$BODY" 'name="entity" value="organization"' "keeps the filters in the form"
page admin GET "/desk/admin/audit?limit=2"
like "$BODY" 'href="/desk/admin/audit\?cursor=[0-9]+"' "links the older entries"
page admin GET "/desk/admin/audit?from=soon"
is "$STATUS" 400 "a bad filter in the page is 400"
page admin GET "/desk/admin/outbox?ticket_id=$TM"
is "$STATUS" 200 "the mail queue page"
like "$BODY" "cb@beta.test" "shows the recipients"
like "$BODY" "mailed &lt;b&gt;request&lt;/b&gt;" "and the subject as text"
! has "<b>request"; ok $? "never as HTML"
page admin GET "/desk/admin/outbox?state=pending"
like "$BODY" '<option value="pending" selected>' "keeps the state chosen"
page admin GET "/desk/admin/outbox?limit=1"
like "$BODY" 'href="/desk/admin/outbox\?cursor=[0-9]+"' "links the older mail"
page admin GET "/desk/admin/outbox?state=lost"
is "$STATUS" 400 "a bad filter in the page is 400"
sign_in agent agent@vendor.test; page agent GET /desk/admin/audit
is "$STATUS" 403 "the page is for admins"
page agent GET /desk/admin/outbox
is "$STATUS" 403 "the mail queue too"
stop_server
done_testing
