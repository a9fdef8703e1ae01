#!/usr/bin/env bash
# 1010 agreements and money through the API: life cycle, priority line, SLA recompute, the
# hours bank and its warnings, change orders, the 90-day cancellation, bookings, time,
# expenses, invoices (JSON, HTML, PDF, CSV), the catalogue and RASCI matrices; bad input
# answered 4xx naming the field with nothing stored; tenant isolation.
. "$(dirname "$0")/lib.sh"

export SVCDESK_FAKE_NOW=2026-11-20T12:00:00Z # a Friday; "today" is 2026-11-20

start_server; ok $? "server starts"
api POST /api/v1/tokens "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" ""
TOKEN=$(json .token)
ADMIN=$TOKEN # for the helpers of lib.sh
is "$STATUS" 201 "admin signs in"

# pending: notices queued and not sent (no --smtp here, so every notice stays queued)
pending() { metric svcdesk_outbox_pending; }

# ---- fixtures, through the API --------------------------------------------------------------
fixture() { # fixture PATH BODY WANT_ID
    api POST "$1" "$2"
    [ "$STATUS" = 201 ] && [ "$(json .id)" = "$3" ] || { echo "# $1: $STATUS $BODY"; return 1; }
}
OFFICE='{"name":"office","timezone":"UTC","hours":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]}}'
{
    fixture /api/v1/organizations '{"name":"Acme Utilities"}' 1 &&
        fixture /api/v1/organizations '{"name":"Other Corp"}' 2 &&
        fixture /api/v1/users '{"email":"ann@acme.test","name":"Ann","role":"customer","organization_id":1,"password":"ann-password-1"}' 2 &&
        fixture /api/v1/users '{"email":"bob@other.test","name":"Bob","role":"customer","organization_id":2,"password":"bob-password-1"}' 3 &&
        fixture /api/v1/users '{"email":"tech@vendor.test","name":"Tech","role":"agent","password":"tech-password-1"}' 4 &&
        fixture /api/v1/calendars "$OFFICE" 1 &&
        fixture /api/v1/sla-policies '{"name":"standard","calendar_id":1,"targets":{"A":{"response_hours":4},"B":{"response_hours":8},"C":{"response_hours":16},"D":{"response_hours":16}}}' 1 &&
        fixture /api/v1/sla-policies '{"name":"fast","calendar_id":1,"targets":{"A":{"response_hours":2},"B":{"response_hours":4},"C":{"response_hours":8},"D":{"response_hours":8}}}' 2
}
ok $? "fixtures: two organisations, their contacts, an agent, a calendar, two policies"
ANN=$("$SVCDESK" token create --db "$DB" --email ann@acme.test 2>> "$T/server.log")
BOB=$("$SVCDESK" token create --db "$DB" --email bob@other.test 2>> "$T/server.log")
like "$ANN$BOB" '^[0-9a-f]{128}$' "customer tokens for both organisations"

# ---- creating agreements, and bad input -----------------------------------------------------
MAINT='{"organization_id":1,"kind":"maintenance","starts_on":"2026-01-01","currency":"EUR","hosting":"vendor_hosted","sla_policy_id":1,"annual_fee":1200000}'
api POST /api/v1/agreements "$MAINT"
is "$STATUS" 201 "POST /agreements (maintenance) is 201"
M=$(json .id)
is "$(json '[.status,.active,.quote_overdue,.hosting]|@csv')" '"requested",false,false,"vendor_hosted"' \
    "requested, not active"

agreements=$(api_count /api/v1/agreements "$TOKEN")
bad() { # bad BODY FIELD STATUS DESCRIPTION [TOKEN]
    api POST /api/v1/agreements "$1" "${5:-$TOKEN}"
    is "$STATUS/$(json .error.field)" "$3/$2" "$4"
}
bad '{"organization_id":1,"kind":"maintenance","starts_on":"2026-01-01","currency":"EUR","hosting":"vendor_hosted","sla_policy_id":1,"annual_fee":-5}' \
    annual_fee 422 "a negative annual_fee is 422 naming it"
bad '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","rate":120.5}' \
    rate 422 "a fractional rate is 422 naming it"
bad '{"organization_id":1,"kind":"gold","starts_on":"2026-01-01","currency":"EUR"}' \
    kind 422 "an unknown kind is 422"
bad '{"organization_id":1,"kind":"enhanced","starts_on":"2026-06-01","ends_on":"2026-05-31","currency":"EUR"}' \
    ends_on 422 "a reversed term is 422 naming ends_on"
bad '{"organization_id":1,"kind":"maintenance","starts_on":"2026-01-01","currency":"EUR","sla_policy_id":1}' \
    hosting 422 "maintenance without hosting is 422"
bad '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"XXX"}' \
    currency 422 "an unknown currency is 422"
bad '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","extras":["gold_line"]}' \
    extras 422 "an unknown extra is 422"
bad '{"organization_id":1,"kind":"advanced","starts_on":"2026-01-01","ends_on":"2026-06-30","currency":"EUR","invoicing":"weekly"}' \
    invoicing 422 "unknown invoicing terms are 422"
bad '{"organization_id":1,"kind":"enhanced","starts_on":"2026-02-30","currency":"EUR"}' \
    starts_on 422 "a date that does not exist is 422"
bad '{"organization_id":99,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR"}' \
    organization_id 422 "an unknown organisation is 422"
bad '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","colour":"red"}' \
    colour 422 "an unknown field is 422"
api POST /api/v1/agreements "$MAINT" "$ANN"
is "$STATUS" 403 "a customer may not create agreements"
is "$(api_count /api/v1/agreements "$TOKEN")" "$agreements" "and nothing was stored"

# ---- reading, tenant isolation -----------------------------------------------------------------
api GET "/api/v1/agreements/$M" "" "$ANN"
is "$STATUS" 200 "the customer reads its agreement"
api GET "/api/v1/agreements/$M" "" "$BOB"
is "$STATUS" 404 "another organisation's customer gets 404"
api GET /api/v1/agreements "" "$BOB"
is "$(json '.items|length')" 0 "and lists none of them"
api GET "/api/v1/agreements?limit=0"
is "$STATUS" 400 "limit=0 is 400"

# ---- quote, sign, quote_overdue --------------------------------------------------------------
api POST "/api/v1/agreements/$M/quote" '{"amount":1200000,"valid_until":"2026-12-31"}'
is "$STATUS/$(json .status)/$(json .quote.amount)" "200/quoted/1200000" "a quote moves it to quoted"
api POST "/api/v1/agreements/$M/quote" '{"amount":1.5,"valid_until":"2026-12-31"}'
is "$STATUS/$(json .error.field)" "422/amount" "a fractional quote is 422"
accept "$M" "$ANN"
api POST "/api/v1/agreements/$M/sign"
is "$STATUS/$(json .status)/$(json .active)" "200/signed/true" "signing makes it signed and active"
accept "$M" "$ANN"
api POST "/api/v1/agreements/$M/sign"
is "$STATUS" 409 "a second signing is 409"
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2026-12-01","ends_on":"2027-03-31","currency":"EUR","hours":40,"rate":10000,"invoicing":"end"}'
OLD=$(json .id)
is "$(json .quote_overdue)" false "a new request without a quote is not overdue"
stop_server # and eight days later
SVCDESK_FAKE_NOW=2026-11-28T12:00:00Z start_server; ok $? "the server starts eight days later"
api GET "/api/v1/agreements/$OLD"
is "$(json .quote_overdue)" true "a request without a quote after 7 days is quote_overdue"
stop_server # and back to "today"
start_server; ok $? "the server starts again on 2026-11-20"

# ---- the priority line and the SLA clocks --------------------------------------------------------
api POST /api/v1/tickets '{"subject":"meters silent","organization_id":1,"received_at":"2026-11-20T12:00:00Z"}'
TK=$(json .id)
is "$(json .entitled)/$(json .priority)" "true/false" "a request under the signed maintenance agreement"
is "$(json .sla.response_due_at)" 2026-11-24T12:00:00Z "16 working hours from Friday noon"
api PATCH "/api/v1/agreements/$M" '{"sla_policy_id":2}'
is "$STATUS" 200 "PATCH the agreement's SLA policy"
api GET "/api/v1/tickets/$TK"
is "$(json .sla.response_due_at)" 2026-11-23T12:00:00Z "its open request is recomputed (8 working hours)"
on_sqlite "the stored due time the queue sorts by (the API answers the computed one)" &&
    is "$(sqlite_only_q "SELECT response_due_at FROM tickets WHERE id = $TK")" \
        "$(date -u -d 2026-11-23T12:00:00Z +%s)" "in the stored due time the queue is ordered by"
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","hours":100,"annual_fee":2400000,"rate":12000,"per_diem_rate":25000,"extras":["priority_line","live_chat"],"services":["operator_training","annual_health_checks"]}'
E=$(json .id)
is "$(get "/api/v1/tickets/$TK" .priority "$TOKEN")" false "an unsigned priority_line does nothing"
accept "$E" "$ANN"
api POST "/api/v1/agreements/$E/sign"
on_sqlite "organizations.priority_line has no read interface (the requests' priority shows it)" &&
    is "$(sqlite_only_q 'SELECT priority_line FROM organizations WHERE id = 1')" 1 \
        "signing sets organizations.priority_line"
api GET "/api/v1/tickets/$TK"
is "$(json .priority)" true "and the organisation's open requests go first"
api PATCH "/api/v1/agreements/$E" '{"extras":["live_chat"]}'
is "$(get "/api/v1/tickets/$TK" .priority "$TOKEN")" false "dropping the extra clears the priority again"
on_sqlite "organizations.priority_line has no read interface (the requests' priority shows it)" &&
    is "$(sqlite_only_q 'SELECT priority_line FROM organizations WHERE id = 1')" 0 "and the organisation's flag"
api PATCH "/api/v1/agreements/$E" '{"extras":["live_chat","priority_line"]}'
api PATCH "/api/v1/agreements/$E" '{"hours":200}'
is "$STATUS/$(json .error.field)" "409/hours" "a signed agreement's hours change only by change order"

# ---- time entries and the hours bank ----------------------------------------------------------
api POST "/api/v1/tickets/$TK/time-entries" '{"minutes":4500,"kind":"included","on":"2026-03-02","note":"upgrade"}'
is "$STATUS/$(json .agreement_id)" "201/$E" "included time without agreement_id draws the active enhanced agreement"
api POST "/api/v1/tickets/$TK/time-entries" '{"minutes":30,"kind":"billable"}' "$ANN"
is "$STATUS" 403 "customers may not record time"
api POST "/api/v1/tickets/$TK/time-entries" "{\"minutes\":30,\"kind\":\"included\",\"agreement_id\":$M}"
is "$STATUS/$(json .error.field)" "422/agreement_id" "a maintenance agreement is 422"
api POST "/api/v1/tickets/$TK/time-entries" '{"minutes":0,"kind":"included"}'
is "$STATUS/$(json .error.field)" "422/minutes" "0 minutes is 422"
api POST "/api/v1/tickets/$TK/time-entries" '{"minutes":100001,"kind":"included"}'
is "$STATUS/$(json .error.field)" "422/minutes" "more than 100,000 minutes is 422"
api POST "/api/v1/tickets/$TK/time-entries" '{"minutes":60,"kind":"internal","note":"team talk"}'
api GET "/api/v1/agreements/$E/balance?on=2026-06-30" "" "$ANN"
is "$(json '[.purchased_hours,.used_hours,.balance_hours,.balance_minutes,.year_starts_on,.year_ends_on]|@csv')" \
    '100,75,25,1500,"2026-01-01","2026-12-31"' "balance: 100 h bought, 75 h used, 25 h left"
Q0=$(pending) # the quote notice of agreement $M (1014 reads those)
is "$Q0" 1 "75 % used: no warning (only the quote's notice)"
api POST "/api/v1/agreements/$E/time-entries" '{"minutes":301,"kind":"included","on":"2026-04-01"}'
is "$(($(pending) - Q0))" 1 "at 80 % a warning is queued"
if on_sqlite "queued notices (the outbox) have no read interface"; then
    is "$(sqlite_only_q "SELECT count(*) FROM outbox WHERE kind = 'hours_warning'")" 1 "an hours warning"
    is "$(sqlite_only_q "SELECT recipients FROM outbox WHERE kind = 'hours_warning'")" '["ann@acme.test"]' "to the organisation's contacts"
fi
api POST "/api/v1/agreements/$E/time-entries" '{"minutes":10,"kind":"included","on":"2026-04-02"}'
is "$(($(pending) - Q0))" 1 "once"
api POST "/api/v1/agreements/$E/time-entries" '{"minutes":1200,"kind":"included","on":"2026-05-01"}'
is "$(($(pending) - Q0))" 2 "and at 100 % once more"
on_sqlite "the warnings given (hour_bank_notices) have no read interface" &&
    is "$(sqlite_only_q 'SELECT count(*) FROM hour_bank_notices')" 2 "each warning given recorded once"
api GET "/api/v1/agreements/$E/balance?on=2026-05-01"
is "$(json .balance_minutes)/$(json .balance_hours)" "-11/-0.18" "the bank may go negative"
api GET "/api/v1/agreements/$E/balance?on=2027-01-01"
is "$(json '[.used_minutes,.balance_minutes,.year_starts_on]|@csv')" '0,6000,"2027-01-01"' \
    "use it or lose it: the next year starts afresh"
api GET "/api/v1/agreements/$M/balance"
is "$STATUS" 422 "a maintenance agreement has no balance"
api GET "/api/v1/agreements/$E/balance?on=yesterday"
is "$STATUS" 400 "an ?on= that does not parse is 400"
api GET "/api/v1/tickets/$TK/time-entries" "" "$ANN"
is "$(json '[.items[].kind]|join(",")')" included "customers do not see internal time"

# ---- change orders -------------------------------------------------------------------------------
api POST "/api/v1/agreements/$E/change-orders" '{"hours":-10,"reason":"fewer"}'
is "$STATUS/$(json .error.field)" "422/hours" "enhanced: a removal for the current year is 422"
api POST "/api/v1/agreements/$E/change-orders" '{"hours":-20,"reason":"fewer from next year","applies_to":"following_years"}'
is "$STATUS/$(json .status)" 201/proposed "a removal for the following years is proposed"
CO=$(json .id)
co_accept "$E" "$CO" "$ANN"
api POST "/api/v1/agreements/$E/change-orders/$CO/sign"
is "$STATUS/$(json .status)" 200/signed "signing applies it"
api GET "/api/v1/agreements/$E/balance?on=2027-03-01"
is "$(json .change_order_hours)/$(json .balance_hours)" "-20/80" "from the next agreement year"
api POST "/api/v1/agreements/$M/change-orders" '{"hours":5,"reason":"x"}'
is "$STATUS" 422 "no change orders on maintenance"
api POST "/api/v1/agreements/$OLD/change-orders" '{"hours":5,"reason":"x"}'
api POST "/api/v1/agreements/$OLD/change-orders/$(json .id)/sign"
is "$STATUS" 409 "signing needs the agreement signed"

# ---- cancellation ----------------------------------------------------------------------------------
api POST "/api/v1/agreements/$E/cancel" '{"notice_given_on":"2026-10-02"}'
is "$STATUS/$(json .ends_on)/$(json .status)" "200/2026-12-31/signed" \
    "notice exactly 90 days before the year's end: it ends then"
api POST "/api/v1/agreements/$E/cancel" '{"notice_given_on":"2026-10-02"}'
is "$STATUS" 409 "a second notice is 409"
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","hours":10}'
E2=$(json .id)
accept "$E2" "$ANN"
api POST "/api/v1/agreements/$E2/sign"
api POST "/api/v1/agreements/$E2/cancel" '{"notice_given_on":"2026-10-03"}'
is "$(json .ends_on)" 2027-12-31 "89 days: the end of the following year"
api POST "/api/v1/agreements/$E2/cancel" '{"notice_given_on":"2026-12-01"}'
is "$STATUS" 409 "(a second notice again 409)"
api POST "/api/v1/agreements/$OLD/cancel" '{"notice_given_on":"2026-11-20"}'
is "$STATUS/$(json .status)" 200/cancelled "an unsigned agreement is cancelled at once"
api POST "/api/v1/agreements/$E2/cancel" '{"notice_given_on":"2026-11-21"}'
is "$STATUS" 409 "(notice on a noticed agreement)"

# ---- an advanced project: bookings, expenses, monthly invoices -----------------------------------
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2026-10-01","ends_on":"2027-03-31","currency":"EUR","hours":100,"rate":12345,"per_diem_rate":25000,"invoicing":"monthly","services":["system_migrations"]}'
ADV=$(json .id)
is "$STATUS" 201 "an advanced project, invoiced monthly"
api POST "/api/v1/agreements/$ADV/bookings" '{"user_id":4,"starts_on":"2026-12-01","ends_on":"2026-12-03"}'
is "$STATUS/$(json .status)" 201/tentative "a booking before signing is tentative"
BK=$(json .id)
api POST "/api/v1/agreements/$ADV/bookings" '{"user_id":2,"starts_on":"2026-12-01","ends_on":"2026-12-03"}'
is "$STATUS/$(json .error.field)" 422/user_id "a customer cannot be booked"
accept "$ADV" "$ANN"
api POST "/api/v1/agreements/$ADV/sign"
api GET "/api/v1/agreements/$ADV/bookings" "" "$ANN"
is "$(json '.items[0].status')" confirmed "signing confirms it"
expenses=$(api_count "/api/v1/agreements/$ADV/expenses" "$TOKEN")
api POST "/api/v1/agreements/$ADV/bookings/$BK/reschedule" '{"starts_on":"2026-12-08","ends_on":"2026-12-10","costs":[{"amount":-100,"note":"x"}]}'
is "$STATUS/$(json .error.field)/$(api_count "/api/v1/agreements/$ADV/expenses" "$TOKEN")" "422/costs[0].amount/$expenses" "a negative cost is 422, nothing stored"
api POST "/api/v1/agreements/$ADV/bookings/$BK/reschedule" '{"starts_on":"2026-12-08","ends_on":"2026-12-10","costs":[{"amount":8900,"note":"flight change fee"}]}'
is "$STATUS/$(json .starts_on)/$(api_count "/api/v1/agreements/$ADV/expenses" "$TOKEN")" "200/2026-12-08/$((expenses + 1))" \
    "rescheduling moves it and records its cost as an expense"
api POST "/api/v1/agreements/$ADV/expenses" '{"kind":"per_diem","days":2,"note":"on site","on":"2026-11-10"}'
is "$STATUS/$(json .amount)" 201/50000 "per diem: 2 days x 250.00"
api POST "/api/v1/agreements/$ADV/expenses" '{"kind":"actual","amount":150.5,"note":"taxi"}'
is "$STATUS/$(json .error.field)" 422/amount "a fractional amount is 422"
api POST "/api/v1/agreements/$ADV/expenses" '{"kind":"per_diem","days":2,"amount":5,"note":"x"}'
is "$STATUS/$(json .error.field)" 422/amount "per diem takes days, not an amount"
api POST "/api/v1/agreements/$ADV/time-entries" '{"minutes":90,"kind":"included","on":"2026-11-05","note":"analysis <b>&"}'
api POST "/api/v1/agreements/$ADV/time-entries" '{"minutes":50,"kind":"included","on":"2026-11-06"}'
api POST "/api/v1/agreements/$ADV/time-entries" '{"minutes":30,"kind":"billable","on":"2026-11-07","note":"<script>alert(\"x\")</script>"}'
api POST "/api/v1/agreements/$ADV/change-orders" '{"hours":-200,"reason":"too much"}'
is "$STATUS/$(json .error.field)" 422/hours "advanced: a removal larger than the balance is 422"
api POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2026-11-01","period_end":"2026-11-30"}'
is "$STATUS/$(json .number)" 201/2026-0001 "the first invoice of 2026 is 2026-0001"
INV=$(json .id)
# 90 min 18,517.5 -> 18,518; 50 min 10,287.5 -> 10,288; 30 min 6,172.5 -> 6,173; 500.00 per diem
# work 90 min 18,517.5 -> 18,518; work 50 min 10,287.5 -> 10,288; time 30 min 6,172.5 -> 6,173;
# per diem 500.00; the rescheduling cost 89.00
is "$(json '[.lines[].amount]|@csv')" 18518,10288,6173,50000,8900 "lines rounded half up one by one"
is "$(json .total)/$(json '[.lines[].amount]|add')/$(json .total_text)" 93879/93879/938.79 \
    "the total is the sum of the lines"
api POST "/api/v1/agreements/$ADV/time-entries" '{"minutes":60,"kind":"included","on":"2026-12-02"}'
api POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2026-12-01","period_end":"2026-12-31"}'
is "$(json .number)/$(json '[.lines[]|[.kind,.amount]|join(":")]|join(",")')" 2026-0002/work:12345 \
    "the next month bills its own work only: nothing twice"
api POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2026-11-15","period_end":"2026-12-15"}'
is "$STATUS" 409 "an overlapping period is 409"
api POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2027-01-01","period_end":"2026-12-31"}'
is "$STATUS/$(json .error.field)" 422/period_end "a reversed period is 422"
api POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2027-01-01","period_end":"2027-01-31"}'
is "$STATUS" 409 "nothing to bill is 409"

# ---- invoice forms -----------------------------------------------------------------------------------
api GET "/api/v1/invoices/$INV" "" "$ANN"
is "$STATUS/$(json .number)" 200/2026-0001 "the customer reads its invoice"
api GET "/api/v1/invoices/$INV" "" "$BOB"
is "$STATUS" 404 "another organisation's customer gets 404"
code=$(curl -s -o "$T/inv.html" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $ANN" "$BASE/api/v1/invoices/$INV.html")
is "$code" "200 text/html; charset=utf-8" "GET /invoices/{id}.html"
grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$T/inv.html" && ! grep -q '<script>' "$T/inv.html"
ok $? "the page escapes a hostile note"
grep -q 'analysis &lt;b&gt;&amp;' "$T/inv.html"; ok $? "and every other value"
code=$(curl -s -o "$T/inv.pdf" -w '%{http_code}' -H "Authorization: Bearer $ANN" "$BASE/api/v1/invoices/$INV.pdf")
is "$code/$(head -c 5 "$T/inv.pdf")" "200/%PDF-" "GET /invoices/{id}.pdf is a PDF"
if command -v pdftotext > /dev/null; then
    like "$(pdftotext "$T/inv.pdf" -)" "938\.79" "whose text shows the total"
fi
code=$(curl -s -o "$T/inv.csv" -w '%{http_code}' -H "Authorization: Bearer $ANN" "$BASE/api/v1/invoices/$INV.csv")
is "$code/$(wc -l < "$T/inv.csv")" 200/7 "GET /invoices/{id}.csv: a header, 5 lines, a total"
is "$(sed -n 2p "$T/inv.csv" | cut -d, -f1-3,8-10)" $'2026-0001,1,work,123.45,185.18,EUR\r' "one CSV line"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BOB" "$BASE/api/v1/invoices/$INV.pdf")
is "$code" 404 "another organisation's PDF is 404"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ANN" "$BASE/api/v1/invoices/$INV.doc")
is "$code" 404 "an unknown form is 404"

# ---- billable time without agreement --------------------------------------------------------------------
api PUT /api/v1/settings/billing '{"default_rate":9000,"currency":"JPY"}' "$ANN"
is "$STATUS" 403 "customers may not set the default rate"
api PUT /api/v1/settings/billing '{"default_rate":9001,"currency":"JPY"}'
is "$STATUS/$(json .default_rate)" 200/9001 "admins set it (9,001 yen an hour)"
api POST /api/v1/tickets '{"subject":"help","organization_id":2}'
TK2=$(json .id)
api POST "/api/v1/tickets/$TK2/time-entries" '{"minutes":90,"kind":"included"}'
is "$STATUS/$(json .error.field)" 422/agreement_id "included time needs an active bank"
api POST "/api/v1/tickets/$TK2/time-entries" "{\"minutes\":90,\"kind\":\"billable\",\"agreement_id\":$E}"
is "$STATUS/$(json .error.field)" 422/agreement_id "another organisation's agreement is 422"
api POST "/api/v1/tickets/$TK2/time-entries" '{"minutes":90,"kind":"billable","on":"2026-11-19"}'
is "$STATUS/$(json .agreement_id)" 201/null "billable time without agreement"
api POST /api/v1/organizations/2/invoices '{"period_start":"2026-11-01","period_end":"2026-11-30"}'
is "$STATUS/$(json .currency)/$(json .total)" 201/JPY/13502 "is invoiced at the default rate (13,501.5 -> 13,502 yen)"
api GET /api/v1/invoices "" "$ANN"
is "$(json '[.items[].organization_id]|unique|@csv')" 1 "customers list their own invoices only"
# a support request's time never joins an unrelated statement of work (issue 16)
api POST /api/v1/agreements '{"organization_id":2,"kind":"advanced","starts_on":"2026-10-01","ends_on":"2027-03-31","currency":"EUR","hours":20,"rate":10000,"invoicing":"end"}'
SOW2=$(json .id)
accept "$SOW2" "$BOB"
api POST "/api/v1/agreements/$SOW2/sign"
is "$STATUS" 200 "organization 2 signs an advanced project"
api POST "/api/v1/tickets/$TK2/time-entries" '{"minutes":15,"kind":"billable","on":"2026-11-20"}'
is "$STATUS/$(json .agreement_id)" 201/null "billable time on a support request stays time and materials beside a SOW"
api POST "/api/v1/tickets/$TK2/time-entries" '{"minutes":15,"kind":"included","on":"2026-11-20"}'
is "$STATUS/$(json .error.field)" 422/agreement_id "included time does not draw a SOW's hours"
api POST "/api/v1/tickets/$TK2/time-entries" "{\"minutes\":15,\"kind\":\"included\",\"on\":\"2026-11-20\",\"agreement_id\":$SOW2}"
is "$STATUS/$(json .agreement_id)" "201/$SOW2" "time names the SOW to be recorded on it"

# ---- phases: reached by PATCH, invoiced in their period ----------------------------------------------------
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2026-09-01","ends_on":"2027-02-28","currency":"EUR","hours":50,"rate":10000,"invoicing":"phases","phases":[{"name":"Design","amount":500000},{"name":"Go-live","amount":250000}]}'
PH=$(json .id)
is "$STATUS/$(json '.phases|length')" 201/2 "an advanced project invoiced by phases"
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2026-09-01","ends_on":"2027-02-28","currency":"EUR","hours":50,"rate":10000,"invoicing":"end","phases":[{"name":"Design","amount":5}]}'
is "$STATUS/$(json .error.field)" 422/phases "phases need invoicing by phases"
accept "$PH" "$ANN"
api POST "/api/v1/agreements/$PH/sign"
api PATCH "/api/v1/agreements/$PH" '{"phases":[{"name":"Design","amount":500000,"reached_on":"2026-11-02"},{"name":"Go-live","amount":250000}]}'
is "$STATUS/$(json '.phases[0].reached_on')" 200/2026-11-02 "PATCH marks a phase reached"
api PATCH "/api/v1/agreements/$PH" '{"phases":[{"name":"Design","amount":600000,"reached_on":"2026-11-02"},{"name":"Go-live","amount":250000}]}'
is "$STATUS/$(json .error.field)" 409/phases "a signed phase's amount is fixed"
api POST "/api/v1/agreements/$PH/invoices" '{"period_start":"2026-11-01","period_end":"2026-11-30"}'
is "$STATUS/$(json '[.lines[]|[.kind,.amount]|join(":")]|join(",")')/$(json .total)" \
    "201/phase:500000/500000" "the phase reached in the period is invoiced"

# ---- the catalogue ----------------------------------------------------------------------------------------
api GET "/api/v1/catalog?hosting=customer_hosted" "" "$ANN"
is "$(json .hosting)" vendor_hosted "customers get their own hosting model"
is "$(json '[.items[]|select(.name=="System integration")|.inclusion]|@csv')" '"add_on"' \
    "vendor-hosted: system integration is an add-on"
is "$(json '[.agreements[].services[]]|sort|@csv')" \
    '"annual_health_checks","operator_training","system_migrations"' "with what their agreements add"
api GET "/api/v1/catalog?hosting=customer_hosted"
is "$(json '[.items[]|select(.inclusion=="included")]|length')" 4 "customer-hosted: the first four included"
api GET "/api/v1/catalog?hosting=cloud"
is "$STATUS" 400 "an unknown hosting model is 400"
api GET /api/v1/catalog "" "$BOB"
is "$(json '.items|length')/$(json .hosting)" 0/null "no active maintenance agreement: no catalogue"
api PATCH /api/v1/catalog/7 '{"customer_hosted":{"inclusion":"add_on","comment":"API access"}}'
is "$STATUS/$(json .customer_hosted.inclusion)/$(json .name)" "200/add_on/System integration" "admins edit the catalogue"
api PATCH /api/v1/catalog/7 '{"customer_hosted":{"inclusion":"maybe"}}'
is "$STATUS/$(json .error.field)" 422/customer_hosted "an unknown inclusion is 422"
TOKEN_SAVE=$TOKEN
TOKEN=$("$SVCDESK" token create --db "$DB" --email tech@vendor.test 2>> "$T/server.log")
api PATCH /api/v1/catalog/7 '{"name":"x"}'
is "$STATUS" 403 "agents may not edit the catalogue"
api POST /api/v1/rasci-matrices '{"name":"By an agent","parties":["Customer","Vendor"],"rows":[{"activity":"Backups","cells":{"Customer":"I","Vendor":"A/R"}}]}'
is "$STATUS" 201 "agents create RASCI matrices"
TOKEN=$TOKEN_SAVE

# ---- RASCI ------------------------------------------------------------------------------------------------
matrices=$(api_count /api/v1/rasci-matrices "$TOKEN")
api POST /api/v1/rasci-matrices '{"name":"Hosting","parties":["Customer","Vendor","Telecom"],"rows":[{"activity":"Meters","cells":{"Customer":"a,r","vendor":["s"],"Telecom":"I"}},{"activity":"Network","cells":{"Customer":"I","Vendor":"A/R","Telecom":"A"}}]}'
is "$STATUS/$(json .error.field)" "422/rows[1].cells" "two accountable parties: 422 naming rows[1].cells"
like "$(json .error.message)" "Network" "and the activity"
api POST /api/v1/rasci-matrices '{"name":"Hosting","parties":["Customer","Vendor"],"rows":[{"activity":"Meters","cells":{"Customer":"A/X"}}]}'
is "$STATUS/$(json .error.field)" "422/rows[0].cells" "a letter outside RASCI is 422"
api POST /api/v1/rasci-matrices '{"name":"Hosting","parties":["Customer","Vendor"],"rows":[{"activity":"Meters","cells":{"Customer":"A","Nobody":"R"}}]}'
is "$STATUS/$(json .error.field)" "422/rows[0].cells" "an unknown party is 422"
is "$(api_count /api/v1/rasci-matrices "$TOKEN")" "$matrices" "nothing stored"
api POST /api/v1/rasci-matrices '{"name":"Hosting","parties":["Customer","Vendor","Telecom"],"rows":[{"activity":"Meters","cells":{"Customer":"r;a","vendor":["s","c"],"Telecom":"i"}}]}'
is "$STATUS/$(json '.rows[0].cells|[.Customer,.Vendor,.Telecom]|@csv')" '201/"A/R","C/S","I"' "cells are stored as A/R"
RM=$(json .id)
api GET "/api/v1/rasci-matrices/$RM" "" "$ANN"
is "$STATUS" 404 "a matrix not attached to the customer's agreements is 404"
api PATCH "/api/v1/agreements/$ADV" "{\"rasci_matrix_id\":$RM}"
api GET "/api/v1/rasci-matrices/$RM" "" "$ANN"
is "$STATUS" 200 "attached to its agreement, the customer reads it"
api GET "/api/v1/rasci-matrices/$RM" "" "$BOB"
is "$STATUS" 404 "another organisation does not"
api GET /api/v1/rasci-matrices "" "$BOB"
is "$(json '[.items[]|.default]|@csv')" true "everyone reads the default matrix"

# ---- cancelling the advanced project ---------------------------------------------------------------------
api POST "/api/v1/agreements/$ADV/cancel" '{"notice_given_on":"2026-11-20"}'
is "$STATUS/$(json .ends_on)" 200/2026-11-20 "advanced: it ends on the notice date"
api GET "/api/v1/agreements/$ADV/change-orders"
is "$(json '.items[-1]|[.status,.minutes]|@csv')" '"signed",-5860' "a signed change order removes the remaining hours"
api GET "/api/v1/agreements/$ADV/balance"
is "$(json .balance_minutes)" 0 "nothing is left"

# ---- every write is audited -------------------------------------------------------------------------------
if on_sqlite "the audit log has no read interface"; then
    is "$(sqlite_only_q "SELECT count(*) FROM audit_log WHERE entity = 'agreement' AND action = 'cancel'")" 4 \
        "each cancellation has its audit row"
    is "$(sqlite_only_q "SELECT count(*) FROM audit_log WHERE entity = 'invoice'")" 4 "each invoice too"
fi

stop_server
done_testing
