#!/usr/bin/env bash
# 2011 retiring a catalogue service (issue 15): POST /api/v1/catalog/{id}/retire and .../restore
# (admins, audited as retire and restore, each idempotent) and the button on /desk/admin/catalogue
# (POST /desk/admin/catalogue/{id}/retired). A retired service is left out of a customer's
# catalogue (API and portal) and of the desk's add-on form, and no new add-on may be bought of it,
# while the add-ons that name it stay; staff still see it, with retired_at.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3"; ok $? "passwords"
sign_in admin "$ADMIN_EMAIL"; is "$STATUS" 303 "the admin signs in"
sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in"

api POST /api/v1/catalog '{"name":"Meter <b>audit</b>","vendor_hosted":{"inclusion":"add_on","comment":"yearly"},"customer_hosted":{"inclusion":"add_on"}}' "$ADMIN"
S=$(json .id); is "$STATUS" 201 "a service offered as an add-on"
is "$(json .retired_at)" null "offered: retired_at null"
api POST /api/v1/organizations/1/add-ons "{\"service_id\":$S,\"starts_on\":\"2024-01-01\",\"currency\":\"EUR\",\"annual_price\":1000}" "$AGENT"
A1=$(json .id); is "$STATUS" 201 "bought while offered"
is "$(get /api/v1/catalog "[.items[]|select(.id==$S)]|length" "$CA")" 1 "the customer's catalogue lists it"

# ---- the API --------------------------------------------------------------------------------------
api POST "/api/v1/catalog/$S/retire" "" "$AGENT"
is "$STATUS" 403 "an agent may not retire: 403"
api POST "/api/v1/catalog/$S/retire" "" "$CA"
is "$STATUS" 403 "nor a customer"
api POST /api/v1/catalog/9999/retire "" "$ADMIN"
is "$STATUS" 404 "a missing service: 404"
api POST "/api/v1/catalog/$S/retire" "" "$ADMIN"
is "$STATUS" 200 "retired: 200"
AT=$(json .retired_at)
like "$AT" '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T' "with the time"
api POST "/api/v1/catalog/$S/retire" "" "$ADMIN"
is "$STATUS $(json .retired_at)" "200 $AT" "retired twice: 200, the first time kept"
api GET "/api/v1/audit-log?entity=catalogue_service&entity_id=$S" "" "$ADMIN"
is "$(json '[.items[]|select(.action=="retire")]|length')" 1 "audited once as retire"
is "$(get /api/v1/catalog "[.items[]|select(.id==$S)]|length" "$CA")" 0 "the customer's catalogue leaves it out"
is "$(get /api/v1/catalog "[.items[]|select(.id==$S)][0].retired_at")" "$AT" "staff still see it, retired"
api POST /api/v1/organizations/2/add-ons "{\"service_id\":$S,\"starts_on\":\"2024-01-01\",\"currency\":\"EUR\",\"annual_price\":1000}" "$AGENT"
is "$STATUS $(json .error.field)" "422 service_id" "a new add-on of it: 422 naming service_id"
like "$(json .error.message)" "retired" "saying it is retired"
is "$(get "/api/v1/organizations/1/add-ons" "[.items[]|select(.id==$A1)]|length")" 1 "the add-on bought before stays"
api PATCH "/api/v1/catalog/$S" '{"position":5}' "$ADMIN"
is "$STATUS $(json .retired_at)" "200 $AT" "a retired service may still be edited, and stays retired"

# ---- the portal and the desk's add-on form ---------------------------------------------------------
page ca GET /portal/catalogue
is "$STATUS" 200 "the portal's catalogue"
has 'Meter &lt;b&gt;audit&lt;/b&gt;'; ok $((! $?)) "without the retired service"
page agent GET "/desk/agreements?organization_id=1"
has '<option value="9">'; ok $? "the desk's add-on form offers the add-ons"
has "<option value=\"$S\">"; ok $((! $?)) "but not the retired one"

# ---- the admin's page ------------------------------------------------------------------------------
page admin GET /desk/admin/catalogue; TOKEN=$(csrf)
is "$STATUS" 200 "the catalogue page"
has "action=\"/desk/admin/catalogue/$S/retired\""; ok $? "a form to retire or offer again"
has 'Offer it again'; ok $? "the retired one offered again by a button"
has '>retired <time'; ok $? "and said to be retired"
page admin POST "/desk/admin/catalogue/$S/retired" -d retired=0
is "$STATUS" 403 "without the token: 403"
page agent POST "/desk/admin/catalogue/$S/retired" --data-urlencode "csrf=$TOKEN" -d retired=0
is "$STATUS" 403 "an agent: 403"
page admin POST /desk/admin/catalogue/9999/retired --data-urlencode "csrf=$TOKEN" -d retired=1
is "$STATUS" 404 "a missing service: 404"
page admin POST "/desk/admin/catalogue/$S/retired" --data-urlencode "csrf=$TOKEN" -d retired=0
is "$STATUS $(header Location)" "303 /desk/admin/catalogue" "offered again: 303"
is "$(get /api/v1/catalog "[.items[]|select(.id==$S)][0].retired_at")" null "stored"
is "$(get /api/v1/catalog "[.items[]|select(.id==$S)]|length" "$CA")" 1 "the customer sees it again"
page ca GET /portal/catalogue
has 'Meter &lt;b&gt;audit&lt;/b&gt;'; ok $? "in the portal too"
api POST /api/v1/organizations/2/add-ons "{\"service_id\":$S,\"starts_on\":\"2024-01-01\",\"currency\":\"EUR\",\"annual_price\":1000}" "$AGENT"
is "$STATUS" 201 "and it may be bought again"
page admin GET /desk/admin/catalogue
has 'Saved.'; ok $? "the page says saved"
page admin POST "/desk/admin/catalogue/$S/retired" --data-urlencode "csrf=$TOKEN" -d retired=1
is "$STATUS" 303 "retired by the button: 303"
is "$(get /api/v1/catalog "[.items[]|select(.id==$S)][0].retired_at|type")" string "stored retired"
api POST "/api/v1/catalog/$S/restore" "" "$ADMIN"
is "$STATUS $(json .retired_at)" "200 null" "restored through the API: 200"
api POST "/api/v1/catalog/$S/restore" "" "$ADMIN"
is "$STATUS" 200 "restored twice: 200"
api GET "/api/v1/audit-log?entity=catalogue_service&entity_id=$S" "" "$ADMIN"
is "$(json '[.items[]|.action]|map(select(.=="retire" or .=="restore"))|length')" 4 "two retires and two restores audited"

done_testing
