#!/usr/bin/env bash
# 3005 maintenance windows of vendor-hosted installations (issue 16): a window is announced to
# its organisation's customer contacts maintenance-announce-hours ahead (at once when planned
# later), recalled maintenance-reminder-hours ahead, told again when rescheduled, and given an
# all-clear when it ends or when staff mark it completed; each mail arrives once through a
# real SMTP server, across restarts and with two servers on one database. The clock is moved
# by restarting the server with SVCDESK_FAKE_NOW days later. Only vendor-hosted installations
# have windows (422 naming the field); customers read their own organisation's windows (API
# and portal page) and get 404 for another's; bad input is 422 naming the field.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"

T0=2027-03-01T08:00:00Z
at() { date -u -d "2027-03-01T08:00:00Z $1" +%Y-%m-%dT%H:%M:%SZ; } # at '+3 days'
export SVCDESK_FAKE_NOW=$T0

count() { mails | grep -c -F -- "$1"; }
serve() { start_server --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from support@vendor.test \
    --mail-retry-seconds 1 --sweep-seconds 1 --backup-dir "$T/backups"; }

start_sink; ok $? "an SMTP server listens"
fixtures; ok $? "fixtures"
serve; ok $? "a server with --smtp starts at $T0"
api POST /api/v1/users '{"email":"cc@acme.test","name":"Cleo Acme","role":"customer","organization_id":1,"password":"cleo-password-1"}' "$ADMIN"
is "$STATUS" 201 "a second contact of Acme"
inst() { # inst ORG NAME HOSTING: an installation's id
    api POST /api/v1/installations "{\"organization_id\":$1,\"name\":\"$2\",\"hosting\":\"$3\",\"version\":\"5.1\"}" "$AGENT"
    json .id
}
IV=$(inst 1 "Acme Hosted" vendor_hosted)
IC=$(inst 1 "Acme On-Prem" customer_hosted)

# ---- input and the vendor-hosted rule ----
window() { # window JSON [TOKEN]
    api POST /api/v1/maintenance-windows "$1" "${2:-$AGENT}"
}
window "{\"installation_id\":$IC,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 2 hours')\",\"summary\":\"x\"}"
is "$STATUS|$(json .error.field)" "422|installation_id" "a customer-hosted installation: 422 naming installation_id"
window "{\"organization_id\":2,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 2 hours')\",\"summary\":\"x\"}"
is "$STATUS|$(json .error.field)" "422|organization_id" "an organisation without a vendor-hosted installation: 422"
window "{\"installation_id\":$IV,\"organization_id\":2,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 2 hours')\",\"summary\":\"x\"}"
is "$STATUS|$(json .error.field)" "422|organization_id" "an installation of another organisation: 422"
window "{\"installation_id\":$IV,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+2 days')\",\"summary\":\"x\"}"
is "$STATUS|$(json .error.field)" "422|ends_at" "ends before it starts: 422 naming ends_at"
window "{\"installation_id\":$IV,\"starts_at\":\"$(at '-3 days')\",\"ends_at\":\"$(at '-2 days')\",\"summary\":\"x\"}"
is "$STATUS|$(json .error.field)" "422|ends_at" "over already: 422"
window "{\"installation_id\":$IV,\"starts_at\":\"soon\",\"ends_at\":\"$(at '+2 days')\",\"summary\":\"x\"}"
is "$STATUS|$(json .error.field)" "422|starts_at" "a time that does not parse: 422"
window "{\"installation_id\":$IV,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 1 hour')\"}"
is "$STATUS|$(json .error.field)" "422|summary" "summary is required"
window "{\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 1 hour')\",\"summary\":\"x\"}"
is "$STATUS|$(json .error.field)" "422|installation_id" "an installation or an organisation is required"
window "{\"installation_id\":$IV,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 1 hour')\",\"summary\":\"x\",\"color\":1}"
is "$STATUS|$(json .error.field)" "422|color" "an unknown field: 422"
window "{\"installation_id\":$IV,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 1 hour')\",\"summary\":\"x\"}" "$CA"
is "$STATUS" 403 "a customer cannot plan one"
is "$(sunk)" 0 "nothing refused sent mail"

# ---- planned: announced at once when inside the lead ----
window "{\"installation_id\":$IV,\"starts_at\":\"$(at '+3 days')\",\"ends_at\":\"$(at '+3 days 2 hours')\",\"summary\":\"Database upgrade\",\"details\":\"Expect the portal to be read-only.\"}"
W1=$(json .id)
is "$STATUS|$(json .status)|$(json .organization_id)|$(json .installation_name)" "201|scheduled|1|Acme Hosted" \
    "a window on the vendor-hosted installation, three days ahead"
like "$(json .announced_at)" "^2027-03-01T08:0" "announced at once (inside the 120-hour lead)"
window "{\"installation_id\":$IV,\"starts_at\":\"$(at '+10 days')\",\"ends_at\":\"$(at '+10 days 1 hour')\",\"summary\":\"Far ahead\"}"
W2=$(json .id)
is "$(json .announced_at)" null "a window ten days ahead is not announced yet"
IB=$(inst 2 "Beta Hosted" vendor_hosted)
window "{\"organization_id\":2,\"starts_at\":\"$(at '+4 days 1 hour')\",\"ends_at\":\"$(at '+4 days 5 hours')\",\"summary\":\"Network move\"}"
W3=$(json .id)
is "$STATUS|$(json .installation_id)" "201|null" "a window on all of Beta's vendor-hosted installations"
wait_until 10 '[ "$(sunk)" -ge 2 ]'; ok $? "the announcements arrive"
sleep 1.5
is "$(mails)" "ca@acme.test,cc@acme.test|Planned maintenance: Database upgrade
cb@beta.test|Planned maintenance: Network move" "each to its organisation's contacts, once"
b=$(body_of "Database upgrade")
like "$b" "installation 'Acme Hosted'" "the text names the installation"
like "$b" "2027-03-04 08:00 UTC to 2027-03-04 10:00 UTC" "and the times"
like "$b" "read-only" "and the details"
like "$(body_of "Network move")" "the installations we host for you" "an organisation's window names its hosted installations"

# ---- who sees what ----
api GET "/api/v1/maintenance-windows/$W1" "" "$CA"
is "$STATUS|$(json .summary)" "200|Database upgrade" "Acme's contact reads Acme's window"
api GET "/api/v1/maintenance-windows/$W3" "" "$CA"
is "$STATUS" 404 "and not Beta's (404)"
api GET "/api/v1/maintenance-windows/$W1" "" "$CB"
is "$STATUS" 404 "Beta's contact: Acme's window is 404"
api GET /api/v1/maintenance-windows "" "$CA"
is "$(json '[.items[].id]|@csv')" "$W2,$W1" "Acme's list: its own windows, newest first"
api GET "/api/v1/maintenance-windows?organization_id=2" "" "$CA"
is "$(json '.items|length')" 0 "a filter naming another organisation: empty"
api GET /api/v1/maintenance-windows "" "$AGENT"
is "$(json '.items|length')" 3 "staff see every window"
api GET "/api/v1/maintenance-windows?limit=1" "" "$AGENT"
c=$(json .next_cursor)
api GET "/api/v1/maintenance-windows?limit=1&cursor=$c" "" "$AGENT"
is "$(json '.items[0].id')" "$W2" "paged by cursor"
api GET "/api/v1/maintenance-windows?cursor=zz" "" "$AGENT"
is "$STATUS|$(json .error.field)" "400|cursor" "a cursor that does not parse: 400"
api PATCH "/api/v1/maintenance-windows/$W1" '{"summary":"mine"}' "$CA"
is "$STATUS" 403 "a customer cannot change one"
passwords 3 > /dev/null; sign_in ca ca@acme.test
page ca GET /portal/maintenance
is "$STATUS" 200 "the portal's maintenance page"
has "Database upgrade" && has "Far ahead" && ! has "Network move"; ok $? "lists Acme's windows only"
has "2027-03-04 08:00"; ok $? "with when"
stop_server

# ---- two days later, two servers: the reminder, once ----
SVCDESK_FAKE_NOW=$(at '+2 days 9 hours') serve; ok $? "the server starts again 2 days 9 hours later"
SVCDESK_FAKE_NOW=$(at '+2 days 9 hours') "$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 \
    --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from support@vendor.test --sweep-seconds 1 \
    --backup-dir "$T/backups" > "$T/second.out" 2>> "$T/second.log" &
EXTRA_PIDS+=($!)
wait_until 10 '[ "$(count "Reminder: planned maintenance: Database upgrade")" -ge 1 ]'
ok $? "the reminder arrives (the window starts within 24 hours)"
sleep 3
is "$(count "Reminder: planned maintenance: Database upgrade")" 1 "once, with two servers sweeping"
is "$(count "Planned maintenance: Database upgrade")" 1 "the announcement is not sent again"
is "$(count "Far ahead")" 0 "the far window is not announced yet"
kill -TERM "${EXTRA_PIDS[0]}"; wait "${EXTRA_PIDS[0]}"; is "$?" 0 "the second server stops cleanly"
EXTRA_PIDS=()

# ---- rescheduled: an updated notice at once, a reminder again for the new time ----
api PATCH "/api/v1/maintenance-windows/$W1" "{\"starts_at\":\"$(at '+4 days')\",\"ends_at\":\"$(at '+4 days 2 hours')\"}" "$AGENT"
is "$STATUS|$(json .starts_at)|$(json .reminded_at)" "200|$(at '+4 days')|null" "rescheduled a day later"
wait_until 10 '[ "$(count "Rescheduled maintenance: Database upgrade")" -ge 1 ]'
ok $? "the updated notice arrives"
like "$(body_of "Rescheduled")" "now runs from 2027-03-05 08:00 UTC to 2027-03-05 10:00 UTC" "with the new times"
n=$(sunk)
api PATCH "/api/v1/maintenance-windows/$W1" '{"details":"Expect the portal to be read-only for an hour."}' "$AGENT"
is "$STATUS" 200 "new details"
api PATCH "/api/v1/maintenance-windows/$W1" "{\"ends_at\":\"$(at '+3 days')\"}" "$AGENT"
is "$STATUS|$(json .error.field)" "422|ends_at" "an end before the start: 422"
sleep 2
is "$(sunk)" "$n" "neither sends mail"
stop_server

SVCDESK_FAKE_NOW=$(at '+3 days 9 hours') serve; ok $? "a day later"
wait_until 10 '[ "$(count "Reminder: planned maintenance: Database upgrade")" -ge 2 ]'
ok $? "the reminder for the new time arrives"
wait_until 10 '[ "$(count "Reminder: planned maintenance: Network move")" -ge 1 ]'
ok $? "and Beta's reminder"
stop_server

# ---- over: the all-clear at the end, or when staff complete it ----
SVCDESK_FAKE_NOW=$(at '+4 days 3 hours') serve; ok $? "after the rescheduled window's end"
wait_until 10 '[ "$(count "Maintenance completed: Database upgrade")" -ge 1 ]'
ok $? "its all-clear arrives"
like "$(mails | grep "Maintenance completed: Database upgrade")" "^ca@acme.test,cc@acme.test\|" "to Acme's contacts"
like "$(body_of "Maintenance completed: Database upgrade")" "is over" "saying it is over"
api GET "/api/v1/maintenance-windows/$W3" "" "$CB"
is "$(json .status)|$(json .cleared_at)" "scheduled|null" "Beta's window is still running"
api POST "/api/v1/maintenance-windows/$W3/complete" "" "$AGENT"
is "$STATUS|$(json .status)" "200|completed" "staff mark it completed"
wait_until 10 '[ "$(count "Maintenance completed: Network move")" -ge 1 ]'
ok $? "its all-clear arrives"
api POST "/api/v1/maintenance-windows/$W3/complete" "" "$AGENT"
is "$STATUS" 409 "completing twice: 409"
api PATCH "/api/v1/maintenance-windows/$W3" '{"summary":"again"}' "$AGENT"
is "$STATUS" 409 "a completed window does not change"
api POST "/api/v1/maintenance-windows/$W2/complete" "" "$AGENT"
is "$STATUS" 200 "the never-announced window completed"
sleep 2
is "$(count "Far ahead")" 0 "sends no all-clear for what was never announced"
api GET "/api/v1/maintenance-windows/999999" "" "$AGENT"
is "$STATUS" 404 "an unknown window: 404"
is "$(grep -ih '^Message-Id:' "$T"/sink/*.eml | sort | uniq -d | wc -l)" 0 "no Message-ID arrived twice"
is "$(sunk)" 8 "eight mails in all: 2 announcements, 3 reminders, 1 update, 2 all-clears"
stop_server
done_testing
