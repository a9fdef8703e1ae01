#!/usr/bin/env bash
# 1015 the supplemental services that maintenance does not cover, listed to customers with a
# "request a quote" action that opens an advanced-services request (issue 16): by API and in
# the portal; services an active agreement covers say so; bad input is 4xx naming the field;
# a customer's request is its own organisation's.
. "$(dirname "$0")/lib.sh"

fixtures; ok $? "fixtures"
start_server; ok $? "server starts"
passwords "3, 4"; ok $? "passwords"

api GET /api/v1/supplemental-services "" "$CA"
is "$STATUS/$(json '.items|length')/$(json '[.items[]|select(.covered)]|length')" 200/8/0 \
    "eight supplemental services, none covered for Acme yet"
is "$(json '.items[3]|[.name,.label]|@csv')" '"system_migrations","System migrations"' "named in words"
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2020-01-01","currency":"EUR","hours":10,"services":["annual_health_checks"]}' "$ADMIN"
E=$(json .id)
accept "$E" "$CA"
api POST "/api/v1/agreements/$E/sign" "" "$ADMIN"
api GET /api/v1/supplemental-services "" "$CA"
is "$(json '[.items[]|select(.covered)|.name]|@csv')" '"annual_health_checks"' "what an active enhanced agreement includes is covered"
api GET "/api/v1/supplemental-services?organization_id=1" "" "$AGENT"
is "$(json '[.items[]|select(.covered)|.name]|@csv')" '"annual_health_checks"' "staff ask for an organisation"
api GET /api/v1/supplemental-services "" "$CB"
is "$(json '[.items[]|select(.covered)]|length')" 0 "Beta's view is its own"

n_before=$(api_count /api/v1/tickets "$ADMIN")
api POST /api/v1/quote-requests '{"service":"teleportation"}' "$CA"
is "$STATUS/$(json .error.field)" 422/service "an unknown service is 422 naming it"
api POST /api/v1/quote-requests '{}' "$CA"
is "$STATUS/$(json .error.field)" 422/service "a service is needed"
api POST /api/v1/quote-requests '{"service":"system_migrations","organization_id":2}' "$CA"
is "$STATUS" 404 "a customer asking for another organisation: 404"
api POST /api/v1/quote-requests '{"service":"system_migrations"}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/organization_id "staff name the organisation"
is "$(api_count /api/v1/tickets "$ADMIN")" "$n_before" "nothing refused was stored"
api POST /api/v1/quote-requests '{"service":"system_migrations","note":"Move <b>meters</b> to the new DB"}' "$CA"
Q=$(json .id)
is "$STATUS/$(json '[.type,.subject,.organization_id,.requester_id,.channel]|@csv')" \
    '201/"service","Quote request: System migrations",1,3,"api"' "a customer's quote request is an advanced-services request"
like "$(json .body)" "Move <b>meters</b> to the new DB" "with the customer's note"
api GET "/api/v1/tickets/$Q" "" "$CB"
is "$STATUS" 404 "another organisation does not see it"

sign_in ca ca@acme.test; is "$STATUS" 303 "Acme's customer signs in"
page ca GET /portal/catalogue
like "$BODY" "Supplemental services" "the portal catalogue lists the supplemental services"
like "$BODY" "Annual health checks</td><td data-label=\"For you\">covered by your agreement" "what is covered says so"
like "$BODY" 'name="service" value="database_migrations"' "the others have a Request a quote form"
page ca POST /portal/quote-requests --data-urlencode "service=database_migrations" --data-urlencode "note=two databases" \
    --data-urlencode "csrf=$(csrf)"
is "$STATUS" 303 "the form opens the request"
like "$(header Location)" "^/portal/requests/[0-9]+$" "and goes to its page"
page ca GET "$(header Location)"
like "$BODY" "Quote request: Database migrations" "which shows it"
page ca GET /portal/catalogue
page ca POST /portal/quote-requests --data-urlencode "service=teleportation" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 422 "an unknown service in the form is 422"
page ca POST /portal/quote-requests --data-urlencode "service=system_migrations"
is "$STATUS" 403 "without the CSRF token 403"
stop_server
done_testing
