#!/usr/bin/env bash
# 1012 purchased add-ons and the yearly invoice (issue 16): an organisation buys catalogue
# services that are add-ons, dated and priced a year; a priority-line add-on puts its requests
# first while it runs; one yearly invoice carries the maintenance and enhanced fees and the
# add-ons of the year, and no other invoice bills the same period again. Bad input is 4xx
# naming the field; another organisation's add-ons are 404.
. "$(dirname "$0")/lib.sh"

export SVCDESK_FAKE_NOW=2026-11-20T12:00:00Z # "today" is 2026-11-20

fixtures; ok $? "fixtures (Acme has a signed vendor-hosted maintenance agreement)"
start_server; ok $? "server starts"

api GET "/api/v1/catalog?hosting=vendor_hosted" "" "$AGENT"
is "$(json '[.items[]|select(.inclusion=="add_on")|.name]|@csv')" \
    '"System integration","API access","Live chat","Priority line","Solution monitoring"' \
    "the catalogue lists the add-ons to purchase"

addon() { # addon ORG BODY [TOKEN]: POST an add-on; sets STATUS, BODY, ID on 201
    api POST "/api/v1/organizations/$1/add-ons" "$2" "${3:-$AGENT}"
    ID=$(json .id)
}
addon 1 '{"service_id":11,"starts_on":"2026-11-01","currency":"EUR","annual_price":150000,"note":"for <b>ops</b>"}'
PRIO=$ID
is "$STATUS/$(json '[.service,.feature,.starts_on,.ends_on,.annual_price_text,.note]|@csv')" \
    '201/"Priority line","priority_line","2026-11-01",,"1500.00","for <b>ops</b>"' "an agent records a priority-line add-on"
api POST /api/v1/tickets '{"subject":"meter reads stop","organization_id":1}' "$AGENT"
is "$(json .priority)" true "while it runs, the customer's new requests are on the priority line"
T1=$(json .id)

bad() { # bad ORG BODY STATUS FIELD DESCRIPTION
    addon "$1" "$2"
    is "$STATUS/$(json .error.field)" "$3/$4" "$5"
}
n_before=$(api GET /api/v1/organizations/1/add-ons "" "$AGENT"; json '.items|length')
bad 1 '{"service_id":1,"starts_on":"2026-11-01","currency":"EUR","annual_price":1}' 422 service_id \
    "a service that is included is not an add-on"
bad 1 '{"service_id":999,"starts_on":"2026-11-01","currency":"EUR","annual_price":1}' 422 service_id \
    "a service that does not exist"
bad 1 '{"service_id":9,"starts_on":"2026-11-01","ends_on":"2026-10-01","currency":"EUR","annual_price":1}' 422 ends_on \
    "an end before the start"
bad 1 '{"service_id":9,"starts_on":"2026-11-01","currency":"QQQ","annual_price":1}' 422 currency \
    "a currency that is not ISO 4217"
bad 1 '{"service_id":9,"starts_on":"2026-11-01","currency":"EUR","annual_price":-1}' 422 annual_price \
    "a negative price"
bad 1 '{"service_id":9,"starts_on":"2026-13-01","currency":"EUR","annual_price":1}' 422 starts_on \
    "a date that is not one"
bad 1 '{"service_id":9,"starts_on":"2026-11-01","currency":"EUR"}' 422 annual_price "a price is needed"
bad 1 '{"service_id":9,"starts_on":"2026-11-01","currency":"EUR","annual_price":1,"colour":"red"}' 422 colour \
    "an unknown field"
addon 999 '{"service_id":9,"starts_on":"2026-11-01","currency":"EUR","annual_price":1}'
is "$STATUS" 404 "an organisation that does not exist is 404"
addon 1 '{"service_id":9,"starts_on":"2026-11-01","currency":"EUR","annual_price":1}' "$CA"
is "$STATUS" 403 "customers do not record add-ons"
is "$(api GET /api/v1/organizations/1/add-ons "" "$AGENT"; json '.items|length')" "$n_before" \
    "nothing refused was stored"

api GET /api/v1/organizations/1/add-ons "" "$CA"
is "$STATUS/$(json '[.items[].service]|@csv')" '200/"API access","Priority line"' \
    "a customer reads its organisation's add-ons (the fixtures' API access, given free, and this one)"
api GET /api/v1/organizations/1/add-ons "" "$CB"
is "$STATUS" 404 "another organisation's list is 404"
api GET "/api/v1/add-ons/$PRIO" "" "$CB"
is "$STATUS" 404 "and so is its add-on"
api GET "/api/v1/add-ons/$PRIO" "" "$CA"
is "$STATUS/$(json .id)" "200/$PRIO" "its own add-on"

api PATCH "/api/v1/add-ons/$PRIO" '{"ends_on":"2026-11-10"}' "$CA"
is "$STATUS" 403 "customers do not end add-ons"
api PATCH "/api/v1/add-ons/$PRIO" '{"ends_on":"2026-10-10"}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/ends_on "an end before the start is refused on PATCH too"
api PATCH "/api/v1/add-ons/$PRIO" '{"ends_on":"2026-11-10"}' "$AGENT"
is "$STATUS/$(json .ends_on)/$(json .annual_price)" 200/2026-11-10/150000 "an agent ends the add-on"
api GET "/api/v1/tickets/$T1" "" "$AGENT"
is "$(json .priority)" false "ended, its open requests leave the priority line"
api POST /api/v1/tickets '{"subject":"second","organization_id":1}' "$AGENT"
is "$(json .priority)" false "and new ones are not on it"

# ---- API access: customers take API tokens only with the add-on ----------------------------------
api POST /api/v1/organizations '{"name":"Gamma"}' "$ADMIN"
GAMMA=$(json .id)
api POST /api/v1/users "{\"email\":\"cg@gamma.test\",\"name\":\"Cg\",\"role\":\"customer\",\"organization_id\":$GAMMA,\"password\":\"gamma-password-1\"}" "$ADMIN"
api POST /api/v1/tokens '{"email":"cg@gamma.test","password":"gamma-password-1"}' ""
is "$STATUS/$(json .error.code)" 403/forbidden "a customer without the API-access add-on takes no API token"
like "$(json .error.message)" "API-access add-on" "and is told why"
addon "$GAMMA" '{"service_id":9,"starts_on":"2026-11-20","ends_on":"2026-11-20","currency":"EUR","annual_price":0}'
api POST /api/v1/tokens '{"email":"cg@gamma.test","password":"gamma-password-1"}' ""
is "$STATUS" 201 "with the add-on running today, it does"
api PATCH "/api/v1/add-ons/$ID" '{"ends_on":null}' "$AGENT"
is "$STATUS/$(json .ends_on)" 200/null "(ends_on null: it runs on)"

# ---- the yearly invoice ------------------------------------------------------------------------
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-04-01","currency":"EUR","hours":100,"rate":10000,"annual_fee":2400000}' "$ADMIN"
E=$(json .id)
accept "$E" "$CA"
api POST "/api/v1/agreements/$E/sign" "" "$ADMIN"
is "$STATUS" 200 "an enhanced agreement from 1 April, 24,000.00 a year, signed"
addon 1 '{"service_id":9,"starts_on":"2026-03-01","currency":"EUR","annual_price":150000}'
is "$STATUS" 201 "API access from 1 March, 1,500.00 a year"
# an advanced-services SOW of the same organisation bills on its own, never on the yearly one
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2027-01-01","ends_on":"2027-12-31","currency":"EUR","hours":50,"rate":12000,"invoicing":"monthly","services":["system_migrations"]}' "$ADMIN"
ADV=$(json .id)
accept "$ADV" "$CA"
api POST "/api/v1/agreements/$ADV/sign" "" "$ADMIN"
api POST "/api/v1/agreements/$ADV/time-entries" '{"minutes":120,"kind":"billable","on":"2027-02-10"}' "$AGENT"
is "$STATUS" 201 "an advanced-services SOW with two billable hours in February 2027"
api POST /api/v1/organizations/1/invoices/yearly '{"period_start":"2027-01-01","period_end":"2027-12-31"}' "$CA"
is "$STATUS" 403 "customers do not issue invoices"
api POST /api/v1/organizations/1/invoices/yearly '{"period_start":"2027-01-01","period_end":"2027-12-31"}' "$AGENT"
Y=$(json .id)
is "$STATUS/$(json .kind)/$(json .agreement_id)" 201/yearly/null "the yearly invoice of 2027"
is "$(json '[.lines[]|[.kind,.on,.amount]|join(":")]|join(" ")')" \
    "fee:2027-04-01:2400000 add_on:2027-03-01:150000" \
    "the enhanced fee and the add-on's year together (no fee on the maintenance agreement; the ended add-on bills nothing)"
is "$(json .total)/$(json .total_text)" "2550000/25500.00" "one total"
is "$(json "[.lines[]|select(.agreement_id == $ADV)]|length")" 0 "nothing of the advanced-services SOW"
api POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2027-02-01","period_end":"2027-02-28"}' "$AGENT"
is "$STATUS/$(json .kind)/$(json .agreement_id)/$(json .total)" "201/agreement/$ADV/24000" \
    "which invoices its month itself: 2 h x 120.00"
api GET "/api/v1/invoices/$Y" "" "$AGENT"
like "$(curl -s -H "Authorization: Bearer $CA" "$BASE/api/v1/invoices/$Y.html")" \
    "Add-on: API access, year 2027-03-01 to 2028-02-29" "the customer's printable invoice shows the add-on"
api POST /api/v1/organizations/1/invoices/yearly '{"period_start":"2027-06-01","period_end":"2028-05-31"}' "$AGENT"
is "$STATUS/$(json .error.field)" 409/period_start "a second yearly invoice over the same months is 409"
api POST "/api/v1/agreements/$E/invoices" '{"period_start":"2027-04-01","period_end":"2027-04-30"}' "$AGENT"
is "$STATUS" 409 "the enhanced agreement's own invoice for a month of it is 409"
like "$(json .error.message)" "overlaps invoice $(api GET "/api/v1/invoices/$Y" "" "$AGENT"; json .number)" \
    "naming the yearly invoice"
api POST "/api/v1/agreements/$E/invoices" '{"period_start":"2026-04-01","period_end":"2026-04-30"}' "$AGENT"
is "$STATUS" 201 "the agreement's own invoice of April 2026"
api POST /api/v1/organizations/1/invoices/yearly '{"period_start":"2026-01-01","period_end":"2026-12-31"}' "$AGENT"
is "$STATUS" 409 "then a yearly invoice of 2026 is 409 (April is billed)"
api POST /api/v1/organizations/2/invoices/yearly '{"period_start":"2027-01-01","period_end":"2027-12-31"}' "$AGENT"
is "$STATUS" 409 "an organisation with nothing to bill a year: 409"
addon 2 '{"service_id":10,"starts_on":"2027-01-01","currency":"DKK","annual_price":500000}'
is "$STATUS" 201 "Beta, without a maintenance agreement, buys live chat in DKK"
api POST /api/v1/organizations/2/invoices/yearly '{"period_start":"2026-01-01","period_end":"2026-12-31"}' "$AGENT"
is "$STATUS" 409 "(no year of it starts in 2026: nothing to bill)"
api POST /api/v1/agreements '{"organization_id":2,"kind":"maintenance","starts_on":"2027-01-01","currency":"DKK","hosting":"customer_hosted","sla_policy_id":1,"annual_fee":1200000}' "$ADMIN"
BM=$(json .id)
accept "$BM" "$CB"
api POST "/api/v1/agreements/$BM/sign" "" "$ADMIN"
is "$STATUS" 200 "Beta signs a customer-hosted maintenance agreement from 2027, 12,000.00 DKK a year"
addon 2 '{"service_id":7,"starts_on":"2027-01-01","currency":"DKK","annual_price":1}'
is "$STATUS/$(json .error.field)" 422/service_id "system integration is not offered to customer-hosted customers"
api POST /api/v1/organizations/2/invoices/yearly '{"period_start":"2027-01-01","period_end":"2027-12-31"}' "$AGENT"
is "$STATUS/$(json .currency)/$(json '[.lines[]|[.kind,.amount]|join(":")]|join(" ")')/$(json .total)" \
    "201/DKK/fee:1200000 add_on:500000/1700000" "its yearly invoice: the maintenance fee and the add-on"
api POST "/api/v1/agreements/$BM/invoices" '{"period_start":"2027-01-01","period_end":"2027-01-31"}' "$AGENT"
is "$STATUS" 409 "the maintenance agreement's own invoice of a month of it is 409"
addon 1 '{"service_id":10,"starts_on":"2028-01-01","currency":"DKK","annual_price":1}'
DKK=$ID
api POST /api/v1/organizations/1/invoices/yearly '{"period_start":"2028-01-01","period_end":"2028-12-31"}' "$AGENT"
is "$STATUS" 409 "an add-on in another currency than the agreements is 409"
like "$(json .error.message)" "add-on $DKK is in DKK, the invoice in EUR" "naming it"
api POST /api/v1/organizations/1/invoices/yearly '{"period_start":"2027-12-31","period_end":"2027-01-01"}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/period_end "a reversed period is 422"
api GET "/api/v1/invoices?organization_id=1" "" "$CA"
is "$(json '[.items[].kind]|unique|@csv')" '"agreement","yearly"' "the customer lists both kinds"

# ---- the pages ------------------------------------------------------------------------------------
passwords "2, 3"; ok $? "passwords"
sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
page agent GET "/desk/agreements?organization_id=2"
like "$BODY" "Live chat</td>" "the desk lists Beta's add-ons"
like "$BODY" 'action="/desk/organizations/2/add-ons"' "with the form to record one"
page agent POST /desk/organizations/2/add-ons --data-urlencode "service_id=11" \
    --data-urlencode "starts_on=2027-02-01" --data-urlencode "currency=DKK" \
    --data-urlencode "annual_price=1234.50" --data-urlencode "note=<i>form</i>" --data-urlencode "csrf=$(csrf)"
is "$STATUS/$(header Location)" "303//desk/agreements?organization_id=2&saved=add-on" "the form records an add-on"
page agent GET "$(header Location)"
like "$BODY" "The add-on is recorded." "and says so"
like "$BODY" "1,234.50 DKK" "the price as entered"
like "$BODY" "&lt;i&gt;form&lt;/i&gt;" "the note escaped"
page agent POST /desk/organizations/2/add-ons --data-urlencode "service_id=11" \
    --data-urlencode "starts_on=2027-02-01" --data-urlencode "currency=DKK" \
    --data-urlencode "annual_price=12,34,5" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 422 "a price that is not a number is 422"
page agent GET "/desk/agreements?organization_id=2"
page agent POST /desk/organizations/2/invoices/yearly --data-urlencode "period_start=2028-01-01" \
    --data-urlencode "period_end=2028-12-31" --data-urlencode "csrf=$(csrf)"
like "$(header Location)" "saved=2026-[0-9]{4}$" "the yearly invoice form issues one"
page agent GET "$(header Location)"
like "$BODY" "Yearly invoice 2026-[0-9]{4} is issued." "and names it"
page agent GET "/desk/agreements?organization_id=2&saved=<script>"
! has "<script>" && ! has "is issued"; ok $? "a made-up saved= shows nothing"
sign_in ca ca@acme.test; is "$STATUS" 303 "Acme's customer signs in"
page ca GET /portal/agreements
like "$BODY" "API access</td>" "the portal lists the organisation's add-ons"
! has "&lt;i&gt;form" && ! has "Record an add-on"; ok $? "not another organisation's, and no form"
page ca POST /desk/organizations/1/add-ons --data-urlencode "service_id=11" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 403 "a customer posting the desk's form: 403"
stop_server
done_testing
