#!/usr/bin/env bash
# 1011 the rules between people and agreements: no double booking of a person (409 naming the
# other booking, or forced with a reason kept on the booking and in the audit trail); an
# enhanced agreement needs a maintenance agreement of its organisation (to exist to be created,
# signed to be signed); the default support hours and severity policy of `svcdesk init`; the
# account executive of an organisation and the representative of an agreement, in the API and
# in the customers' portal ("Your contacts").
. "$(dirname "$0")/lib.sh"

export SVCDESK_FAKE_NOW=2026-11-20T12:00:00Z

# q SQL: one value from the database under test, on either backend
q() {
    if [ -n "$PG_DBNAME" ]; then psql -qXAt "$DB" -c "$1"; else sqlite_only_q "$1"; fi
}

start_server; ok $? "server starts"
fixtures; ok $? "fixtures (Acme 1 with signed maintenance agreement 1, Beta 2, agent 2)"

# ---- 1. no double booking ------------------------------------------------------------------
api POST /api/v1/agreements/1/bookings '{"user_id":2,"starts_on":"2026-12-01","ends_on":"2026-12-03"}' "$ADMIN"
is "$STATUS/$(json .id)/$(json .overlap_reason)" "201/1/null" "a first booking of the agent"
api POST /api/v1/agreements '{"organization_id":2,"kind":"advanced","starts_on":"2026-10-01","ends_on":"2027-03-31","currency":"EUR","hours":40,"rate":10000,"invoicing":"end"}' "$ADMIN"
is "$STATUS/$(json .id)" 201/2 "an advanced agreement of Beta"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2026-12-03","ends_on":"2026-12-05"}' "$ADMIN"
is "$STATUS/$(json .error.field)" 409/starts_on "sharing the last day of another booking is 409 naming starts_on"
like "$(json .error.message)" "booking 1 of agreement 1" "the message names the other booking and its agreement"
is "$(api_count /api/v1/agreements/2/bookings "$ADMIN")" 0 "and nothing is stored"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2026-11-25","ends_on":"2026-12-10"}' "$ADMIN"
is "$STATUS" 409 "a booking holding the other one is 409 too"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2026-12-03","ends_on":"2026-12-05","force":true}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/reason "force without a reason is 422 naming reason"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2026-12-03","ends_on":"2026-12-05","force":true,"reason":""}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/reason "an empty reason is 422 naming reason"
api POST /api/v1/agreements/2/bookings "{\"user_id\":2,\"starts_on\":\"2026-12-03\",\"ends_on\":\"2026-12-05\",\"force\":true,\"reason\":\"$(printf 'x%.0s' $(seq 501))\"}" "$ADMIN"
is "$STATUS/$(json .error.field)" 422/reason "a reason over 500 characters is 422"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2026-12-03","ends_on":"2026-12-05","force":"yes","reason":"x"}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/force "a force that is not a boolean is 422"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2026-12-03","ends_on":"2026-12-05","force":true,"reason":"half days on each"}' "$ADMIN"
is "$STATUS/$(json .overlap_reason)" "201/half days on each" "forced with a reason: stored, the reason on the booking"
B2=$(json .id)
is "$(q "SELECT after FROM audit_log WHERE entity = 'booking' AND entity_id = $B2 AND action = 'create'" | jq -r .overlap_reason)" \
    "half days on each" "and in the audit trail"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2026-12-06","ends_on":"2026-12-06"}' "$ADMIN"
is "$STATUS/$(json .overlap_reason)" 201/null "the next free day needs no force"
B3=$(json .id)
api POST /api/v1/agreements/2/bookings '{"user_id":1,"starts_on":"2026-12-01","ends_on":"2026-12-06"}' "$ADMIN"
is "$STATUS" 201 "another person on the same days is no double booking"
api POST "/api/v1/agreements/2/bookings/$B3/reschedule" '{"starts_on":"2026-12-05","ends_on":"2026-12-07"}' "$ADMIN"
is "$STATUS/$(json .error.field)" 409/starts_on "moving onto another booking is 409"
like "$(json .error.message)" "booking $B2 of agreement 2" "naming it"
is "$(get /api/v1/agreements/2/bookings "[.items[]|select(.id == $B3)|.starts_on]|.[0]" "$ADMIN")" 2026-12-06 "and the booking stays"
api POST "/api/v1/agreements/2/bookings/$B3/reschedule" '{"starts_on":"2026-12-05","ends_on":"2026-12-07","force":true}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/reason "a forced move without a reason is 422"
api POST "/api/v1/agreements/2/bookings/$B3/reschedule" '{"starts_on":"2026-12-05","ends_on":"2026-12-07","force":true,"reason":"overlap agreed"}' "$ADMIN"
is "$STATUS/$(json .starts_on)/$(json .overlap_reason)" "200/2026-12-05/overlap agreed" "a forced move keeps its reason"
api POST "/api/v1/agreements/2/bookings/$B3/reschedule" '{"starts_on":"2026-12-07","ends_on":"2026-12-08"}' "$ADMIN"
is "$STATUS/$(json .overlap_reason)" 200/null "moving onto its own days and free ones is no overlap, the reason goes"
api POST /api/v1/agreements '{"organization_id":2,"kind":"advanced","starts_on":"2026-10-01","ends_on":"2027-03-31","currency":"EUR","hours":40,"rate":10000,"invoicing":"end"}' "$ADMIN"
C=$(json .id)
api POST "/api/v1/agreements/$C/bookings" '{"user_id":2,"starts_on":"2027-01-04","ends_on":"2027-01-05"}' "$ADMIN"
api POST "/api/v1/agreements/$C/cancel" '{"notice_given_on":"2026-11-20"}' "$ADMIN"
api POST /api/v1/agreements/2/bookings '{"user_id":2,"starts_on":"2027-01-04","ends_on":"2027-01-04"}' "$ADMIN"
is "$STATUS" 201 "bookings of a cancelled agreement do not count"

# the desk's booking form: the same rule, forced by a reason typed in
passwords 2; ok $? "the agent gets a password"
sign_in agent agent@vendor.test
page agent GET /desk/agreements/2; TOKEN_AG=$(csrf)
has 'name="overlap_reason"'; ok $? "the desk's booking form asks for a reason to double book"
page agent POST /desk/agreements/2/bookings --data-urlencode "csrf=$TOKEN_AG" -d user_id=2 \
    -d starts_on=2026-12-02 -d ends_on=2026-12-02
is "$STATUS" 409 "the desk refuses a double booking (409)"
has "booking 1 of agreement 1"; ok $? "and says which booking is in the way"
page agent POST /desk/agreements/2/bookings --data-urlencode "csrf=$TOKEN_AG" -d user_id=2 \
    -d starts_on=2026-12-02 -d ends_on=2026-12-02 --data-urlencode "overlap_reason=<b>short visit</b>"
is "$STATUS" 303 "with a reason it books"
page agent GET /desk/agreements/2
has "double booked: &lt;b&gt;short visit&lt;/b&gt;"; ok $? "the page shows the reason, escaped"

# ---- 2. an enhanced agreement stands on a maintenance agreement -------------------------------
ENH2='{"organization_id":2,"kind":"enhanced","starts_on":"2027-01-01","currency":"EUR","hours":20}'
agreements=$(api_count "/api/v1/agreements?limit=100" "$ADMIN")
api POST /api/v1/agreements "$ENH2" "$ADMIN"
is "$STATUS/$(json .error.field)" 409/organization_id "an enhanced agreement of Beta, which has no maintenance agreement, is 409"
like "$(json .error.message)" "^organization 2 has no maintenance agreement" "naming the organisation"
is "$(api_count "/api/v1/agreements?limit=100" "$ADMIN")" "$agreements" "and nothing is stored"
api POST /api/v1/agreements '{"organization_id":2,"kind":"enhanced","starts_on":"2027-01-01","currency":"XXX"}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/currency "bad terms are still 422 first"
api POST /api/v1/agreements '{"organization_id":2,"kind":"maintenance","starts_on":"2027-01-01","currency":"EUR","hosting":"customer_hosted","sla_policy_id":1}' "$ADMIN"
is "$STATUS/$(json .status)" 201/requested "Beta requests a maintenance agreement"
M2=$(json .id)
api POST /api/v1/agreements "$ENH2" "$ADMIN"
is "$STATUS/$(json .status)" 201/requested "now the enhanced agreement may be requested with it"
E2=$(json .id)
accept "$E2" "$CB"
api POST "/api/v1/agreements/$E2/sign" "" "$ADMIN"
is "$STATUS/$(json .error.field)/$(json .error.message)" \
    "409/organization_id/organization 2 has no signed maintenance agreement" \
    "signing it before the maintenance agreement is 409"
is "$(get "/api/v1/agreements/$E2" .status "$ADMIN")" requested "and leaves it unsigned"
accept "$M2" "$CB"
api POST "/api/v1/agreements/$M2/sign" "" "$ADMIN"
is "$STATUS" 200 "the maintenance agreement is signed"
accept "$E2" "$CB"
api POST "/api/v1/agreements/$E2/sign" "" "$ADMIN"
is "$STATUS/$(json .status)" 200/signed "then the enhanced one may be"
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","hours":10}' "$ADMIN"
is "$STATUS" 201 "Acme, with its signed maintenance agreement, may have one straight away"

# ---- 3. the default support hours and severity policy of `svcdesk init` -------------------------
stop_server
MAIN_DB=$DB
if [ -n "$PG_DBNAME" ]; then
    psql -qX "$SVCDESK_TEST_PG_URL" -c "CREATE DATABASE ${PG_DBNAME}_d TEMPLATE template0" > /dev/null
    DB=${SVCDESK_TEST_PG_URL%/*}/${PG_DBNAME}_d
else
    DB=$T/defaults.db
fi
run_cli init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD"
is "$RC" 0 "init on a new database"
like "$OUT" "default support hours 'Support hours' \(calendar 1\) and SLA policy 'Severity levels A-D' \(policy 1\) created" \
    "creates the default support hours and SLA policy"
run_cli init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD"
is "$RC/$(printf '%s' "$OUT" | grep -c 'SLA policy')" 0/0 "a second init creates no second default"
start_server; ok $? "a server on it"
api POST /api/v1/tokens "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" ""
DTOKEN=$(json .token)
api GET /api/v1/calendars "" "$DTOKEN"
is "$(json '.items|length')/$(json '.items[0].name')/$(json '.items[0].timezone')" "1/Support hours/Europe/Copenhagen" \
    "one calendar, in Copenhagen"
is "$(json '.items[0].hours|to_entries|map("\(.key)=\(.value|join(","))")|join(" ")')" \
    "mon=08:00-16:00 tue=08:00-16:00 wed=08:00-16:00 thu=08:00-16:00 fri=08:00-14:30" \
    "Mon-Thu 08:00-16:00, Fri 08:00-14:30"
api GET /api/v1/sla-policies "" "$DTOKEN"
is "$(json '.items|length')/$(json '.items[0].name')/$(json '.items[0].calendar_id')" "1/Severity levels A-D/1" \
    "one policy on that calendar"
is "$(json '[.items[0].targets|(.A,.B,.C,.D)|.response_hours]|join(",")')" 4,8,16,16 \
    "A-D: 4, 8, 16 and 16 working hours"
api PATCH /api/v1/sla-policies/1 '{"targets":{"A":{"response_hours":2}}}' "$DTOKEN"
is "$STATUS/$(json .targets.A.response_hours)" 200/2 "the default is editable"
api POST /api/v1/organizations '{"name":"Gamma"}' "$DTOKEN"
api POST /api/v1/agreements '{"organization_id":1,"kind":"maintenance","starts_on":"2026-01-01","currency":"EUR","hosting":"vendor_hosted"}' "$DTOKEN"
is "$STATUS/$(json .sla_policy_id)" 201/1 "a maintenance agreement without sla_policy_id takes the default policy"
api POST /api/v1/agreements '{"organization_id":1,"kind":"maintenance","starts_on":"2026-01-01","currency":"EUR","hosting":"vendor_hosted","sla_policy_id":1}' "$DTOKEN"
is "$STATUS/$(json .sla_policy_id)" 201/1 "(one naming it is as before)"
stop_server
if [ -n "$PG_DBNAME" ]; then
    psql -qX "$SVCDESK_TEST_PG_URL" -c "DROP DATABASE ${PG_DBNAME}_d" > /dev/null
fi
DB=$MAIN_DB
start_server; ok $? "back on the first database (made with --no-default-policy)"
api GET /api/v1/calendars "" "$ADMIN"
is "$(json '.items|length')/$(json '.items[0].name')" "1/Support hours" "only the fixtures' calendar there"
api POST /api/v1/agreements '{"organization_id":1,"kind":"maintenance","starts_on":"2026-01-01","currency":"EUR","hosting":"vendor_hosted"}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/sla_policy_id "without a default policy sla_policy_id stays required"

# ---- 4. the account executive of an organisation, the representative of an agreement -------------
api PATCH /api/v1/organizations/1 '{"account_executive_id":2}' "$ADMIN"
is "$STATUS/$(json .account_executive_id)" 200/2 "PATCH an organisation's account executive (the agent)"
api PATCH /api/v1/organizations/1 '{"account_executive_id":3}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/account_executive_id "a customer is 422 naming account_executive_id"
like "$(json .error.message)" "user 3 is not an agent or admin" "saying why"
api PATCH /api/v1/organizations/1 '{"account_executive_id":999}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/account_executive_id "an unknown user is 422"
api PATCH /api/v1/organizations/1 '{"account_executive_id":"bo"}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/account_executive_id "a non-id is 422"
is "$(get /api/v1/organizations/1 .account_executive_id "$ADMIN")" 2 "and none of them changed it"
api PATCH /api/v1/organizations/1 '{"account_executive_id":2}' "$AGENT"
is "$STATUS" 403 "agents do not change organisations"
api POST /api/v1/organizations '{"name":"Delta","account_executive_id":1}' "$ADMIN"
is "$STATUS/$(json .account_executive_id)" 201/1 "set on create"
DELTA=$(json .id)
api POST /api/v1/organizations '{"name":"Epsilon","account_executive_id":4}' "$ADMIN"
is "$STATUS/$(json .error.field)" 422/account_executive_id "a customer on create is 422"
api PATCH "/api/v1/organizations/$DELTA" '{"account_executive_id":null}' "$ADMIN"
is "$STATUS/$(json .account_executive_id)" 200/null "null clears it"
api POST /api/v1/organizations '{"name":"Zeta"}' "$ADMIN"
is "$(json .account_executive_id)" null "none by default"

api PATCH /api/v1/agreements/1 '{"representative_id":1}' "$ADMIN"
is "$STATUS/$(json .representative_id)" 200/1 "PATCH a signed agreement's representative (the admin)"
api PATCH /api/v1/agreements/1 '{"representative_id":4}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/representative_id "a customer as representative is 422 naming it"
api PATCH /api/v1/agreements/1 '{"representative_id":0}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/representative_id "0 is no id: 422"
is "$(get /api/v1/agreements/1 .representative_id "$CA")" 1 "the customer reads it in the API"
api POST /api/v1/agreements '{"organization_id":2,"kind":"advanced","starts_on":"2026-12-01","ends_on":"2027-03-31","currency":"EUR","hours":40,"rate":10000,"invoicing":"end","representative_id":2}' "$AGENT"
is "$STATUS/$(json .representative_id)" 201/2 "set on create"
BETA_AGR=$(json .id)
api PATCH "/api/v1/agreements/$BETA_AGR" '{"representative_id":null}' "$AGENT"
is "$STATUS/$(json .representative_id)" 200/null "null clears it"
api PATCH "/api/v1/agreements/$BETA_AGR" '{"representative_id":2}' "$AGENT"
api POST /api/v1/agreements '{"organization_id":2,"kind":"advanced","starts_on":"2026-12-01","ends_on":"2027-03-31","currency":"EUR","hours":40,"rate":10000,"invoicing":"end","representative_id":3}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/representative_id "a customer on create is 422"

# the customers' portal: "Your contacts", name and e-mail only, their own organisation's
passwords "3, 4"; ok $? "the customers get passwords"
ADMIN_NAME=$(get /api/v1/users/1 .name "$ADMIN")
sign_in ca ca@acme.test
page ca GET /portal/agreements
has "Your contacts"; ok $? "Acme's portal shows Your contacts"
has "Agnes Agent</span> &lt;<a href=\"mailto:agent@vendor.test\">agent@vendor.test</a>&gt; — account executive"
ok $? "the account executive with name and e-mail"
has "$ADMIN_NAME</span> &lt;<a href=\"mailto:$ADMIN_EMAIL\">$ADMIN_EMAIL</a>&gt; — representative, Software Maintenance Agreement #1"
ok $? "the representative of its agreement"
has "representative, Advanced Services #$BETA_AGR"; is $? 1 "not Beta's representative"
page ca GET /portal/agreements/1
like "$(tr -d '\n' <<< "$BODY")" '<h2>Bookings</h2>.*<td data-label="From">2026-12-01</td><td data-label="To">2026-12-03</td><td data-label="Technical resource">Agnes Agent</td><td data-label="Status">confirmed</td>' \
    "the customer sees the booking's technical resource and dates"
sign_in cb cb@beta.test
page cb GET /portal/agreements
has "agent@vendor.test</a>&gt; — representative, Advanced Services #$BETA_AGR"; ok $? "Beta sees its own representative"
has "account executive"; is $? 1 "and no account executive (Beta has none)"
has "$ADMIN_EMAIL"; is $? 1 "nor Acme's representative"
api PATCH /api/v1/organizations/1 '{"account_executive_id":null}' "$ADMIN"
page ca GET /portal/agreements
has "account executive"; is $? 1 "a cleared account executive leaves the portal"

# the desk: the organisation's account executive and the agreement's representative by name
api PATCH /api/v1/organizations/1 '{"account_executive_id":2}' "$ADMIN"
sign_in admin "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
page admin GET /desk/admin/organizations
has '<option value="2" selected>Agnes Agent</option>'; ok $? "the desk's organisations list the account executive (chosen in its select)"
page agent GET /desk/agreements/1
has "representative <span class=\"representative\">$ADMIN_NAME</span>"; ok $? "the desk's agreement names its representative"

stop_server
done_testing
