#!/usr/bin/env bash
# 1002 the admin API over a real socket: every admin route tried as admin, agent,
# customer of the owning organisation, customer of another one and anonymous; the
# sign-in limit (429 with Retry-After); holidays imported from an iCalendar file; calendar
# and policy changes recomputing the stored due times of the tickets that use them.
. "$(dirname "$0")/lib.sh"

TOKEN= # every call below names its token; "" is anonymous

start_server; ok $? "server starts"

api POST /api/v1/tokens "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" ""
is "$STATUS" 201 "the admin signs in"
ADMIN=$(json .token)

# ---- fixture: two organisations, a calendar, a policy, an agent and two customers

api POST /api/v1/organizations '{"name":"Acme","domains":["acme.test"]}' "$ADMIN"
is "$STATUS" 201 "create organisation Acme"
ACME=$(json .id)
api POST /api/v1/organizations '{"name":"Beta"}' "$ADMIN"
BETA=$(json .id)
for org in "$ACME" "$BETA"; do # API access, so that their customers may take API tokens
    api POST "/api/v1/organizations/$org/add-ons" '{"service_id":9,"starts_on":"2020-01-01","currency":"EUR","annual_price":0}' "$ADMIN"
    [ "$STATUS" = 201 ] || echo "# API access for $org: $STATUS $BODY" >&2
done
api POST /api/v1/calendars '{"name":"Support","timezone":"Europe/Copenhagen",
    "hours":{"mon":["08:00-16:00"],"tue":["08:00-16:00"],"wed":["08:00-16:00"],
             "thu":["08:00-16:00"],"fri":["08:00-14:30"]}}' "$ADMIN"
is "$STATUS" 201 "create a calendar"
CAL=$(json .id)
api POST /api/v1/sla-policies "{\"name\":\"Standard\",\"calendar_id\":$CAL,
    \"targets\":{\"A\":{\"response_hours\":1.5,\"resolution_hours\":24}}}" "$ADMIN"
is "$STATUS" 201 "create an SLA policy"
is "$(json '[.targets.A.response_hours,.targets.B.response_hours,.warn_at]|@csv')" "1.5,8,0.75" \
    "with decimal hours, defaults for the levels left out and warn_at 0.75"
POLICY=$(json .id)

# new_user EMAIL ROLE [ORG]: create a user with password secret-password-1, print its id
new_user() {
    local org=${3:+,\"organization_id\":$3}
    api POST /api/v1/users "{\"email\":\"$1\",\"name\":\"$1\",\"role\":\"$2\",\"password\":\"secret-password-1\"$org}" "$ADMIN"
    [ "$STATUS" = 201 ] || echo "# new_user $1: $STATUS $BODY" >&2
    json .id
}
# sign_in EMAIL: print a token (password secret-password-1)
sign_in() {
    api POST /api/v1/tokens "{\"email\":\"$1\",\"password\":\"secret-password-1\"}" ""
    json .token
}
new_user agent@example.test agent > /dev/null
CUST_ID=$(new_user contact@acme.test customer "$ACME")
new_user contact@beta.test customer "$BETA" > /dev/null
AGENT=$(sign_in agent@example.test)
CUST=$(sign_in contact@acme.test)
OTHER=$(sign_in contact@beta.test)
like "$AGENT$CUST$OTHER" "^[0-9a-f]{192}$" "the agent and both customers sign in"

# ---- the role x route matrix

cat > "$T/matrix.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//svcdesk//e2e//EN
BEGIN:VEVENT
UID:matrix@svcdesk
DTSTAMP:20250101T000000Z
DTSTART;VALUE=DATE:20300101
END:VEVENT
END:VCALENDAR
EOF

# send_ics PATH FILE TOKEN: POST an iCalendar body; sets STATUS and BODY
send_ics() {
    local args=(-s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: text/calendar'
        --data-binary @"$2")
    [ -n "$3" ] && args+=(-H "Authorization: Bearer $3")
    STATUS=$(curl "${args[@]}" "$BASE$1")
    BODY=$(cat "$T/body")
}

# matrix METHOD PATH BODY ADMIN AGENT CUSTOMER OTHER_CUSTOMER ANONYMOUS: the status each
# role gets; ROLE in BODY becomes the role's name (unique names); BODY @ics sends matrix.ics
matrix() {
    local method=$1 path=$2 body=$3 role tok
    shift 3
    for role in admin agent customer other anonymous; do
        case $role in
        admin) tok=$ADMIN ;; agent) tok=$AGENT ;; customer) tok=$CUST ;;
        other) tok=$OTHER ;; anonymous) tok= ;;
        esac
        if [ "$body" = @ics ]; then
            send_ics "$path" "$T/matrix.ics" "$tok"
        else
            api "$method" "$path" "${body//ROLE/$role}" "$tok"
        fi
        is "$STATUS" "$1" "$method $path as $role"
        shift
    done
}

matrix POST /api/v1/organizations '{"name":"Org ROLE"}'         201 403 403 403 401
matrix GET /api/v1/organizations ''                             200 200 200 200 401
matrix GET "/api/v1/organizations/$ACME" ''                     200 200 200 404 401
matrix PATCH "/api/v1/organizations/$ACME" '{"name":"Acme"}'    200 403 403 403 401
matrix POST /api/v1/users '{"email":"ROLE@new.test","name":"N","role":"agent","password":"secret-password-2"}' \
    201 403 403 403 401
matrix GET /api/v1/users ''                                     200 200 403 403 401
matrix GET "/api/v1/users/$CUST_ID" ''                          200 200 200 404 401
matrix PATCH "/api/v1/users/$CUST_ID" '{"notify":true}'         200 403 403 403 401
matrix POST /api/v1/me/password '{"old_password":"not-it-ROLE","new_password":"secret-password-3"}' \
    422 422 422 422 401
matrix POST /api/v1/calendars '{"name":"Cal ROLE","timezone":"UTC","hours":{"mon":["09:00-17:00"]}}' \
    201 403 403 403 401
matrix GET /api/v1/calendars ''                                 200 200 200 200 401
matrix GET "/api/v1/calendars/$CAL" ''                          200 200 200 200 401
matrix PATCH "/api/v1/calendars/$CAL" '{"name":"Support"}'      200 403 403 403 401
matrix POST "/api/v1/calendars/$CAL/holidays" @ics              200 403 403 403 401
matrix POST /api/v1/sla-policies "{\"name\":\"Pol ROLE\",\"calendar_id\":$CAL}" \
    201 403 403 403 401
matrix GET /api/v1/sla-policies ''                              200 200 200 200 401
matrix GET "/api/v1/sla-policies/$POLICY" ''                    200 200 200 200 401
matrix PATCH "/api/v1/sla-policies/$POLICY" '{"warn_at":0.8}'   200 403 403 403 401

api GET /api/v1/organizations "" "$CUST"
is "$(json '[.items[].name]|join(",")')" "Acme" "a customer lists only its own organisation"
api GET /api/v1/organizations/99 "" "$ADMIN"
is "$STATUS" 404 "a missing organisation is 404"
api GET /api/v1/users/x "" "$ADMIN"
is "$STATUS" 404 "a non-numeric id is 404"
api POST /api/v1/organizations '{"name":"ACME"}' "$ADMIN"
is "$STATUS:$(json .error.field)" "409:name" "an organisation name taken in another case is 409"
api POST /api/v1/organizations '{"name":"  \t "}' "$ADMIN"
is "$STATUS:$(json .error.field)" "422:name" "an organisation name of blanks and a tab is 422"
api POST /api/v1/users '{"email":"z@vendor.test","name":"Eve\u202e","role":"agent","password":"secret-password-1"}' "$ADMIN"
is "$STATUS:$(json .error.field)" "422:name" "a user name with a bidi override is 422"
api POST /api/v1/users '{"email":"CONTACT@acme.test","name":"X","role":"agent","password":"secret-password-1"}' "$ADMIN"
is "$STATUS:$(json .error.field)" "409:email" "an e-mail taken in another case is 409"
api POST /api/v1/users "{\"email\":\"x@acme.test\",\"name\":\"X\",\"role\":\"customer\",\"password\":\"secret-password-1\"}" "$ADMIN"
is "$STATUS:$(json .error.field)" "422:organization_id" "a customer without an organisation is 422"
api GET "/api/v1/users/$CUST_ID" "" "$ADMIN"
is "$(json 'has("password") or has("password_hash")')" false "a user is answered without its password"

# ---- password change

api POST /api/v1/me/password '{"old_password":"secret-password-1","new_password":"brand-new-pass"}' "$CUST"
is "$STATUS" 204 "a customer changes its password knowing the old one"
api POST /api/v1/tokens '{"email":"contact@acme.test","password":"brand-new-pass"}' ""
is "$STATUS" 201 "and signs in with the new one"

# ---- sign-in limit: 5 failures in 15 minutes, per account

new_user victim@example.test agent > /dev/null
for i in 1 2 3 4 5; do
    api POST /api/v1/tokens '{"email":"victim@example.test","password":"guess-guess"}' ""
    is "$STATUS" 401 "failed sign-in $i is 401"
done
api POST /api/v1/tokens '{"email":"victim@example.test","password":"secret-password-1"}' ""
is "$STATUS" 429 "the 6th attempt is 429, even with the right password"
is "$(json .error.code)" too_many_requests "with code too_many_requests"
retry=$(tr -d '\r' < "$T/headers" | sed -n 's/^Retry-After: *//Ip')
like "$retry" '^[0-9]+$' "with Retry-After in seconds"
[ "${retry:-0}" -ge 1 ] && [ "${retry:-0}" -le 900 ]; ok $? "Retry-After is within the 15-minute window ($retry)"
api POST /api/v1/tokens '{"email":"agent@example.test","password":"secret-password-1"}' ""
is "$STATUS" 201 "another account still signs in"

# ---- holidays from iCalendar: a yearly repeat with an exception, through the API

cat > "$T/holidays.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//svcdesk//e2e//EN
BEGIN:VEVENT
UID:xmas-eve@svcdesk
DTSTAMP:20250101T000000Z
SUMMARY:Christmas Eve
DTSTART;VALUE=DATE:20251224
RRULE:FREQ=YEARLY
EXDATE;VALUE=DATE:20261224
END:VEVENT
BEGIN:VEVENT
UID:founders@svcdesk
DTSTAMP:20250101T000000Z
SUMMARY:Founders' day
DTSTART;VALUE=DATE:20260605
END:VEVENT
END:VCALENDAR
EOF
send_ics "/api/v1/calendars/$CAL/holidays" "$T/holidays.ics" "$ADMIN"
is "$STATUS" 200 "an iCalendar import is 200"
added=$(json '.added|join(",")')
like "$added" '^2025-12-24,2026-06-05,2027-12-24,2028-12-24,' "it answers the dates added, in order"
case ",$added," in *,2026-12-24,*) ok 1 "the EXDATE is left out" ;; *) ok 0 "the EXDATE is left out" ;; esac
api GET "/api/v1/calendars/$CAL" "" "$CUST"
like "$(json '.holidays|join(",")')" '2025-12-24,2026-06-05,2027-12-24' "the calendar has them"
send_ics "/api/v1/calendars/$CAL/holidays" "$T/holidays.ics" "$ADMIN"
is "$BODY" '{"added":[]}' "importing again adds nothing"
api POST "/api/v1/calendars/$CAL/holidays" '{"holidays":[]}' "$ADMIN"
is "$STATUS" 422 "a JSON body is not an iCalendar: 422"
echo 'BEGIN:VCALENDAR' > "$T/bad.ics"
send_ics "/api/v1/calendars/$CAL/holidays" "$T/bad.ics" "$ADMIN"
is "$STATUS" 422 "a broken iCalendar is 422"

# ---- changes recompute the stored due times of the tickets that use them

api POST /api/v1/agreements "{\"organization_id\":$ACME,\"kind\":\"maintenance\",\"starts_on\":\"2020-01-01\",
    \"currency\":\"EUR\",\"hosting\":\"vendor_hosted\",\"sla_policy_id\":$POLICY}" "$ADMIN"
is "$STATUS" 201 "a maintenance agreement for Acme under the policy"
accept "$(json .id)" "$CUST"
api POST "/api/v1/agreements/$(json .id)/sign" "" "$ADMIN"
is "$STATUS" 200 "signed, it puts Acme under the policy"
# Fri 7 Mar 2025 14:00 CET: 30 min on Friday (08:00-14:30), 1 h on Monday from 08:00
api POST /api/v1/tickets "{\"subject\":\"down\",\"severity\":\"A\",\"organization_id\":$ACME,
    \"received_at\":\"2025-03-07T14:00:00+01:00\"}" "$ADMIN"
TICKET=$(json .id)
is "$(json .sla.response_due_at)" 2025-03-10T08:00:00Z "A with a 1.5 h target is due Monday 09:00"
# stored_due: the response due time the ticket answers, as RFC 3339; on SQLite also the one
# kept in the tickets table (which the queue sorts by and no interface reads), when they agree
stored_due() {
    local api_due file_due
    api_due=$(get "/api/v1/tickets/$TICKET" .sla.response_due_at)
    [ "$SVCDESK_TEST_DB" = sqlite ] || { echo "$api_due"; return; }
    file_due=$(sqlite_only_q "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', response_due_at, 'unixepoch')
        FROM tickets WHERE id = $TICKET")
    [ "$file_due" = "$api_due" ] && echo "$api_due" || echo "api $api_due, stored $file_due"
}
printf 'BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//svcdesk//e2e//EN\nBEGIN:VEVENT\nUID:m@svcdesk\nDTSTAMP:20250101T000000Z\nDTSTART;VALUE=DATE:20250310\nEND:VEVENT\nEND:VCALENDAR\n' > "$T/monday.ics"
send_ics "/api/v1/calendars/$CAL/holidays" "$T/monday.ics" "$ADMIN"
is "$(json '.added|join(",")')" 2025-03-10 "Monday 10 March 2025 becomes a holiday"
is "$(stored_due)" 2025-03-11T08:00:00Z "the stored due time moves to Tuesday 09:00"
api PATCH "/api/v1/sla-policies/$POLICY" '{"targets":{"A":{"response_hours":2.5}}}' "$ADMIN"
is "$STATUS" 200 "the policy's A target becomes 2.5 h"
is "$(stored_due)" 2025-03-11T09:00:00Z "the stored due time moves to Tuesday 10:00"
api PATCH "/api/v1/calendars/$CAL" '{"hours":{"mon":["08:00-16:00"],"tue":["12:00-16:00"],
    "wed":["08:00-16:00"],"thu":["08:00-16:00"],"fri":["08:00-14:30"]}}' "$ADMIN"
is "$STATUS" 200 "Tuesdays open at 12:00"
is "$(stored_due)" 2025-03-11T13:00:00Z "the stored due time moves to Tuesday 14:00"
api GET "/api/v1/tickets/$TICKET" "" "$ADMIN"
is "$(json .sla.response_due_at)" 2025-03-11T13:00:00Z "and the ticket answers it"

stop_server
done_testing
