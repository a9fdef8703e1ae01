#!/usr/bin/env bash
# 1041 installation changes that wait (issue 16): staff propose a change (proposed: true) and
# nothing changes until a customer of the organisation approves it (API or the portal's
# Changes page, CSRF); declined, it is never applied; who decided and when are recorded and
# audited; another organisation's change is 404, staff may not decide (403), a decided change
# is 409. A change dated later is scheduled and applied by the sweep when its time comes
# (two servers: once); an approved change dated later waits as approved. Listing shows the
# status. Bad input is 422 naming the field.
. "$(dirname "$0")/lib.sh"

T0=2027-05-03T08:00:00Z
at() { date -u -d "2027-05-03T08:00:00Z $1" +%Y-%m-%dT%H:%M:%SZ; } # at '+3 days'
export SVCDESK_FAKE_NOW=$T0
serve() { start_server --sweep-seconds 1; }

fixtures; ok $? "fixtures"
serve; ok $? "a server starts at $T0"
inst() { # inst ORG NAME HOSTING VERSION: an installation's id
    api POST /api/v1/installations "{\"organization_id\":$1,\"name\":\"$2\",\"hosting\":\"$3\",\"version\":\"$4\"}" "$AGENT"
    json .id
}
IA=$(inst 1 "Acme MDM" customer_hosted 5.1)
IB=$(inst 2 "Beta MDM" customer_hosted 5.1)
change() { # change INSTALLATION JSON [TOKEN]
    api POST "/api/v1/installations/$1/changes" "$2" "${3:-$AGENT}"
}
version_of() { api GET "/api/v1/installations/$1" "" "$AGENT"; json .version; }

# ---- input ----
change "$IA" '{"what":"x","proposed":"yes"}'
is "$STATUS|$(json .error.field)" "422|proposed" "proposed must be a boolean"
change "$IA" '{"what":"x","proposed":true,"version":"five"}'
is "$STATUS|$(json .error.field)" "422|version" "a version that is not one: 422"
change "$IA" '{"what":"x","proposed":true,"at":"soon"}'
is "$STATUS|$(json .error.field)" "422|at" "a time that does not parse: 422"
change "$IA" '{"what":"x","proposed":true}' "$CA"
is "$STATUS" 403 "a customer cannot propose"

# ---- today's behaviour: installed at once ----
change "$IA" '{"what":"Config tweak","version":"5.1.1"}'
is "$STATUS|$(json .status)|$(json .from_version)|$(json .to_version)" "201|installed|5.1|5.1.1" \
    "a change without proposed is installed at once"
is "$(version_of "$IA")" "5.1.1" "and the version set"

# ---- proposed, then approved by the customer (API) ----
change "$IA" '{"what":"Install the reporting module","documentation":"Adds reports.","version":"5.2","proposed":true}'
P1=$(json .id)
is "$STATUS|$(json .status)|$(json .from_version)|$(json .to_version)|$(json .decided_by)" \
    "201|proposed|null|5.2|null" "a proposed module installation"
is "$(version_of "$IA")" "5.1.1" "nothing is applied before approval"
api POST "/api/v1/installation-changes/$P1/approve" "" "$CB"
is "$STATUS" 404 "another organisation's customer: 404"
api POST "/api/v1/installation-changes/$P1/approve" "" "$AGENT"
is "$STATUS" 403 "staff cannot approve for the customer"
api POST "/api/v1/installation-changes/99999/approve" "" "$CA"
is "$STATUS" 404 "a missing change: 404"
api POST "/api/v1/installation-changes/$P1/approve" '{"reason":"x"}' "$CA"
is "$STATUS|$(json .error.field)" "422|reason" "approve takes no reason"
api POST "/api/v1/installation-changes/$P1/approve" "" "$CA"
is "$STATUS|$(json .status)|$(json .decided_by)|$(json .from_version)" "200|installed|3|5.1.1" \
    "Acme's customer approves: installed, by whom"
like "$(json .decided_at)" "^2027-05-03T08:" "and when"
is "$(version_of "$IA")" "5.2" "the version is set on approval"
api POST "/api/v1/installation-changes/$P1/decline" "" "$CA"
is "$STATUS|$(json .error.field)" "409|status" "a decided change: 409"
is "$(audit_q "entity=installation_change&entity_id=$P1" 'map(.action + ":" + (.actor_id|tostring))|join("\n")')" \
    "create:2
approve:3" "created and approved, audited with who"

# ---- proposed, declined with a reason ----
change "$IA" '{"what":"Upgrade to 6.0","version":"6.0","proposed":true}'
P2=$(json .id)
api POST "/api/v1/installation-changes/$P2/decline" "{\"reason\":\"$(printf 'x%.0s' {1..2001})\"}" "$CA"
is "$STATUS|$(json .error.field)" "422|reason" "a reason over 2000 characters: 422"
api POST "/api/v1/installation-changes/$P2/decline" '{"reason":"Not during our audit"}' "$CA"
is "$STATUS|$(json .status)|$(json .decline_reason)|$(json .decided_by)" "200|declined|Not during our audit|3" \
    "declined with a reason"
is "$(version_of "$IA")" "5.2" "a declined change is not applied"
api POST "/api/v1/installation-changes/$P2/approve" "" "$CA"
is "$STATUS" 409 "and cannot be approved afterwards"

# ---- the portal page ----
change "$IA" '{"what":"Install the audit module","version":"5.3","proposed":true}'
P3=$(json .id)
change "$IA" "{\"what\":\"Install the archive module\",\"proposed\":true,\"at\":\"$(at '+2 days')\"}"
P4=$(json .id)
change "$IB" '{"what":"Beta secret module","proposed":true}'
P5=$(json .id)
passwords 3,4 > /dev/null; sign_in ca ca@acme.test; sign_in cb cb@beta.test
page ca GET /portal/changes
is "$STATUS" 200 "the portal's Changes page"
has "Install the audit module" && has "Install the archive module" && ! has "Beta secret module" && \
    ! has "Install the reporting module"; ok $? "lists Acme's proposed changes only"
has "2027-05-05 08:00 UTC"; ok $? "with when"
TOK=$(csrf)
page ca POST "/portal/changes/$P3/approve"
is "$STATUS" 403 "a form without the CSRF token is refused"
page ca POST "/portal/changes/$P5/approve" --data-urlencode "csrf=$TOK"
is "$STATUS" 404 "another organisation's change: 404 page"
page ca POST "/portal/changes/$P3/approve" --data-urlencode "csrf=$TOK"
is "$STATUS|$(header Location)" "303|/portal/changes" "approved in the portal"
is "$(version_of "$IA")" "5.3" "applied at once"
page ca POST "/portal/changes/$P3/decline" --data-urlencode "csrf=$TOK"
is "$STATUS" 409 "deciding again: 409 page"
has "is installed, not proposed"; ok $? "saying why"
page ca POST "/portal/changes/$P4/approve" --data-urlencode "csrf=$TOK"
is "$STATUS" 303 "the archive module, planned two days ahead, approved"
api GET "/api/v1/installations/$IA/changes" "" "$CA"
is "$(json "[.items[] | select(.id == $P4)][0].status")" approved "it waits as approved for its date"
page cb GET /portal/changes
TOKB=$(csrf)
page cb POST "/portal/changes/$P5/decline" --data-urlencode "csrf=$TOKB" --data-urlencode "reason=No thanks"
is "$STATUS" 303 "Beta declines in the portal"
api GET "/api/v1/installations/$IB/changes" "" "$CB"
is "$(json '.items[0].status')|$(json '.items[0].decline_reason')" "declined|No thanks" "with its reason"
page ca GET /portal/changes
has "No change waits for your approval"; ok $? "nothing left to decide for Acme"

# ---- scheduled: applied by the sweep when due ----
change "$IA" "{\"what\":\"Nightly patch\",\"version\":\"5.3.1\",\"at\":\"$(at '+1 day')\"}"
S1=$(json .id)
is "$STATUS|$(json .status)|$(json .from_version)" "201|scheduled|null" "a change dated tomorrow is scheduled"
sleep 2
is "$(version_of "$IA")" "5.3" "and not applied before its time"
api GET "/api/v1/installations/$IA/changes" "" "$AGENT"
is "$(json '[.items[].status]|join(",")')" "installed,installed,declined,installed,approved,scheduled" \
    "listing shows each change's status"
stop_server

SVCDESK_FAKE_NOW=$(at '+1 day 1 minute') serve; ok $? "a day later"
SVCDESK_FAKE_NOW=$(at '+1 day 1 minute') "$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 \
    --sweep-seconds 1 > "$T/second.out" 2>> "$T/second.log" &
EXTRA_PIDS+=($!)
for _ in $(seq 50); do [ "$(version_of "$IA")" = 5.3.1 ] && break; sleep 0.2; done
is "$(version_of "$IA")" "5.3.1" "the sweep applied the scheduled change"
api GET "/api/v1/installations/$IA/changes" "" "$AGENT"
is "$(json "[.items[] | select(.id == $S1)][0] | .status + \"|\" + .from_version")" "installed|5.3" \
    "marked installed, from the version it replaced"
is "$(json "[.items[] | select(.id == $P4)][0].status")" approved "the approved change dated later still waits"
sleep 2
is "$(audit_q "entity=installation_change&entity_id=$S1" 'map(select(.action == "apply"))|length')" \
    1 "applied once, with two servers sweeping"
kill -TERM "${EXTRA_PIDS[0]}"; wait "${EXTRA_PIDS[0]}"; is "$?" 0 "the second server stops cleanly"
EXTRA_PIDS=()
stop_server

SVCDESK_FAKE_NOW=$(at '+2 days 1 minute') serve; ok $? "two days later"
for _ in $(seq 50); do
    api GET "/api/v1/installations/$IA/changes" "" "$AGENT"
    [ "$(json "[.items[] | select(.id == $P4)][0].status")" = installed ] && break; sleep 0.2
done
is "$(json "[.items[] | select(.id == $P4)][0].status")" installed "the approved change is applied at its date"
api GET "/api/v1/installations/$IA" "" "$AGENT"
is "$(json .version)" "5.3.1" "a change without a version leaves the version alone" || echo "# $STATUS $BODY"
stop_server
done_testing
