#!/usr/bin/env bash
# 3007 notices of installation changes (issue 16), through a real SMTP server: a proposed
# change mails the organisation's customer contacts (nothing is applied until approved);
# publishing a release with update_at later than now schedules the update of vendor-hosted
# installations on an older version and tells their contacts when ("will be installed for
# you on ..."), then, when the sweep applies it, that it was ("We updated the installations
# we host for you"), once, across restarts and with two servers on one database; customer-
# hosted customers get the release notes as today; publishing without update_at updates at
# once with today's text. The clock is moved by restarting with SVCDESK_FAKE_NOW.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"

T0=2027-06-01T08:00:00Z
at() { date -u -d "2027-06-01T08:00:00Z $1" +%Y-%m-%dT%H:%M:%SZ; } # at '+3 days'
export SVCDESK_FAKE_NOW=$T0

count() { mails | grep -c -F -- "$1"; }
serve() { start_server --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from support@vendor.test \
    --mail-retry-seconds 1 --sweep-seconds 1 --backup-dir "$T/backups"; }
version_of() { api GET "/api/v1/installations/$1" "" "$AGENT"; json .version; }

start_sink; ok $? "an SMTP server listens"
fixtures; ok $? "fixtures"
serve; ok $? "a server with --smtp starts at $T0"
api POST /api/v1/users '{"email":"cc@acme.test","name":"Cleo Acme","role":"customer","organization_id":1,"password":"cleo-password-1"}' "$ADMIN"
is "$STATUS" 201 "a second contact of Acme"
inst() { # inst ORG NAME HOSTING: an installation's id
    api POST /api/v1/installations "{\"organization_id\":$1,\"name\":\"$2\",\"hosting\":\"$3\",\"version\":\"5.1\"}" "$AGENT"
    json .id
}
IAV=$(inst 1 "Acme Hosted" vendor_hosted)
IAC=$(inst 1 "Acme On-Prem" customer_hosted)
IBV=$(inst 2 "Beta Hosted" vendor_hosted)

# ---- a proposed change: the contacts are asked ----
api POST "/api/v1/installations/$IAC/changes" "{\"what\":\"Install the reporting module\",\"documentation\":\"Adds monthly reports.\",\"version\":\"5.1.5\",\"proposed\":true,\"at\":\"$(at '+5 days')\"}" "$AGENT"
P1=$(json .id)
is "$STATUS|$(json .status)" "201|proposed" "a module installation proposed to Acme"
wait_until 10 '[ "$(sunk)" -ge 1 ]'; ok $? "the proposal is mailed"
is "$(mails)" "ca@acme.test,cc@acme.test|Your approval: a change to Acme On-Prem" \
    "to Acme's contacts"
b=$(body_of "Your approval")
like "$b" "Install the reporting module" "it says what"
like "$b" "Version: 5.1 to 5.1.5" "the versions"
like "$b" "Planned for: 2027-06-06 08:00 UTC" "when"
like "$b" "Adds monthly reports" "the documentation"
like "$b" "/portal/changes" "and where to decide"
is "$(version_of "$IAC")" 5.1 "nothing applied yet"

# ---- publishing with a later update time ----
api POST /api/v1/releases '{"version":"5.2","kind":"minor","notes":"Faster meter reads."}' "$AGENT"
R1=$(json .id)
api POST "/api/v1/releases/$R1/publish" '{"update_at":"tomorrow"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|update_at" "an update time that does not parse: 422"
api POST "/api/v1/releases/$R1/publish" '{"update_on":"x"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|update_on" "an unknown field: 422"
api GET "/api/v1/releases/$R1" "" "$AGENT"
is "$(json .published_at)" null "a refused publish publishes nothing"
api POST "/api/v1/releases/$R1/publish" "{\"update_at\":\"$(at '+2 days')\"}" "$AGENT"
is "$STATUS|$(json .installations_updated)|$(json .installations_scheduled)|$(json .update_at)" \
    "200|0|2|$(at '+2 days')" "published: two vendor-hosted updates scheduled"
is "$(version_of "$IAV")|$(version_of "$IBV")" "5.1|5.1" "not updated yet"
api GET "/api/v1/installations/$IAV/changes" "" "$CA"
is "$(json '.items[0].status')|$(json '.items[0].at')|$(json '.items[0].to_version')" \
    "scheduled|$(at '+2 days')|5.2" "the customer sees the scheduled update"
wait_until 10 '[ "$(sunk)" -ge 3 ]'; ok $? "the release notices arrive"
sleep 1.5
is "$(mails | tail -n +2)" "ca@acme.test,cc@acme.test|Release 5.2: to be installed for you on 2027-06-03 08:00 UTC, available for your own installations
cb@beta.test|Release 5.2 will be installed for you on 2027-06-03 08:00 UTC" \
    "each organisation is told once, with when"
b=$(body_of "Release 5.2 will be installed")
like "$b" "We will update the installations we host for you on 2027-06-03 08:00 UTC:" "Beta: will be updated on"
like "$b" "Beta Hosted \(5.1 to 5.2\)" "naming the installation"
like "$b" "Faster meter reads" "with the release notes"
b=$(body_of "Release 5.2: to be installed")
like "$b" "Acme On-Prem \(5.1\)" "Acme: its own installation to update"
stop_server

# ---- the day after: not yet ----
SVCDESK_FAKE_NOW=$(at '+1 day') serve; ok $? "a day later"
sleep 3
is "$(sunk)" 3 "no notice before the update time"
is "$(version_of "$IAV")" 5.1 "and no update"
stop_server

# ---- at the update time, two servers: updated, told once ----
SVCDESK_FAKE_NOW=$(at '+2 days 1 minute') serve; ok $? "two days later"
SVCDESK_FAKE_NOW=$(at '+2 days 1 minute') "$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 \
    --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from support@vendor.test --sweep-seconds 1 \
    --backup-dir "$T/backups" > "$T/second.out" 2>> "$T/second.log" &
EXTRA_PIDS+=($!)
wait_until 10 '[ "$(count "Release 5.2 was installed for you")" -ge 2 ]'
ok $? "the was-updated notices arrive"
sleep 3
is "$(mails | grep -F "was installed" | sort)" "ca@acme.test,cc@acme.test|Release 5.2 was installed for you
cb@beta.test|Release 5.2 was installed for you" "once to each organisation, with two servers sweeping"
like "$(body_of "Release 5.2 was installed")" "We updated the installations we host for you:" \
    "saying it was updated"
is "$(version_of "$IAV")|$(version_of "$IBV")|$(version_of "$IAC")" "5.2|5.2|5.1" \
    "the vendor-hosted installations run 5.2; the customer-hosted one is left alone"
api GET "/api/v1/installations/$IAV/changes" "" "$AGENT"
is "$(json '.items[0].status')|$(json '.items[0].from_version')" "installed|5.1" "the update is logged as installed"
kill -TERM "${EXTRA_PIDS[0]}"; wait "${EXTRA_PIDS[0]}"; is "$?" 0 "the second server stops cleanly"
EXTRA_PIDS=()
stop_server

# ---- a restart sends nothing again; publishing without update_at: at once, as today ----
SVCDESK_FAKE_NOW=$(at '+3 days') serve; ok $? "a day after the update"
n=$(sunk)
api POST /api/v1/releases '{"version":"5.3","kind":"minor","notes":"Even faster."}' "$AGENT"
R2=$(json .id)
api POST "/api/v1/releases/$R2/publish" "" "$AGENT"
is "$STATUS|$(json .installations_updated)|$(json .installations_scheduled)" "200|2|0" \
    "a release published without update_at updates at once"
is "$(version_of "$IAV")" 5.3 "the version is set at once"
wait_until 10 '[ "$(sunk)" -ge $((n + 2)) ]'; ok $? "its notices arrive"
sleep 1.5
is "$(count "Release 5.2 was installed")" 2 "the earlier notices are not sent again"
is "$(count "Release 5.3 was installed for you")" 1 "Beta: installed for you"
like "$(body_of "Release 5.3 was installed")" "We updated the installations we host for you:" \
    "with today's text"
stop_server
done_testing
