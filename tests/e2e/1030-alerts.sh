#!/usr/bin/env bash
# 1030 solution monitoring (POST/GET /api/v1/alerts): an alert opens a request (channel
# monitoring, severity mapped, entitlement and SLA as for any request), alerts of the same
# fingerprint fold into it (a storm of 10,000 is one request of count 10000, in well under a
# minute; alerts at once open one request), a resolved alert adds one internal note and
# leaves the request open, a firing one after the request was resolved opens a new one;
# bad input is 4xx naming the field, a customer posts for its own organisation only.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"

# alert FINGERPRINT SEVERITY [STATUS] [ORG] [TOKEN]: POST an alert (summary "Alert FINGERPRINT")
alert() {
    api POST /api/v1/alerts "$(jq -nc --arg f "$1" --arg s "$2" --arg st "${3:-firing}" \
        --argjson o "${4:-1}" '{fingerprint:$f, summary:("Alert " + $f), severity:$s,
        status:$st, organization_id:$o}')" "${5:-$AGENT}"
}
# requests_titled SUBJECT: how many monitoring requests have that subject (as admin)
requests_titled() {
    api GET "/api/v1/tickets?channel=monitoring&limit=1000" "" "$ADMIN"
    json "[.items[] | select(.subject == \"$1\")] | length"
}
# notes TICKET [TOKEN]: the bodies of a request's messages that mention a resolution, one a line
notes() {
    api GET "/api/v1/tickets/$1/messages" "" "${2:-$AGENT}"
    json '.items[] | select(.body | contains("resolved at")) | "\(.internal) \(.body)"'
}

# ---- a first alert opens a request, the next ones fold into it ----
alert disk-full:meter-db-1 critical
is "$STATUS|$(json '[.count, .status, .severity, .ticket.severity, .ticket.status]|@csv')" \
    '201|1,"firing","critical","A","new"' "a first alert opens a request (201): critical is A"
T1=$(json .ticket.id)
like "$(header Location)" "/api/v1/tickets/$T1\$" "Location names the request"
FIRST=$(json .first_seen_at)
api GET "/api/v1/tickets/$T1" "" "$AGENT"
is "$(json '[.channel, .type, .severity, .subject, .entitled, .billable, .organization_id]|@csv')" \
    '"monitoring","error","A","Alert disk-full:meter-db-1",true,false,1' \
    "the request: channel monitoring, an error, subject the summary, entitled as any of Acme's"
is "$(json '.sla.response_due_at != null')" true "the SLA of its level applies (a response due time)"
like "$(json .body)" "alert 'disk-full:meter-db-1' \\(severity critical\\)" "its body names the alert"
sleep 1
alert disk-full:meter-db-1 critical
is "$STATUS|$(json '[.count, .ticket.id]|@csv')" "200|2,$T1" "the same fingerprint folds (200): count 2"
is "$(json '[.first_seen_at == "'"$FIRST"'", .last_seen_at > .first_seen_at]|@csv')" 'true,true' \
    "first seen stays, last seen moves"
alert disk-full:meter-db-1 warning
is "$STATUS|$(json '[.count, .severity, .ticket.severity]|@csv')" '200|3,"warning","A"' \
    "a later severity is recorded; the request's stays (an agent decides)"
is "$(requests_titled "Alert disk-full:meter-db-1")" 1 "three alerts, one request"
api GET "/api/v1/tickets/$T1/messages" "" "$AGENT"
is "$(json '.items | length')" 0 "folding adds no message"

# the mapping, and the fingerprint is per organisation
alert disk-full:meter-db-1 major open 2
is "$STATUS" 422 "status must be firing or resolved"
is "$(json .error.field)" status "naming the field"
alert disk-full:meter-db-1 major firing 2
is "$STATUS|$(json '[.ticket.severity, .count, .organization_id]|@csv')" '201|"B",1,2' \
    "the same fingerprint in another organisation is another request; major is B"
T2=$(json .ticket.id)
api GET "/api/v1/tickets/$T2" "" "$ADMIN"
is "$(json '[.entitled, .billable]|@csv')" 'false,true' "Beta has no agreement: not entitled, billable"
for pair in minor:C info:D D:D; do
    alert "map-${pair%%:*}" "${pair%%:*}"
    is "$STATUS|$(json .ticket.severity)" "201|${pair##*:}" "${pair%%:*} is ${pair##*:}"
done

# ---- a storm: 10,000 alerts over one keep-alive connection make one request ----
printf '%s' '{"fingerprint":"storm:head-end-7","summary":"Head-end 7 unreachable","severity":"critical","organization_id":1}' > "$T/storm.json"
{
    for _ in $(seq 1 10000); do printf 'url = "%s/api/v1/alerts"\noutput = "/dev/null"\n' "$BASE"; done
} > "$T/storm.cfg"
start=$(date +%s)
curl -s -K "$T/storm.cfg" -H "Authorization: Bearer $AGENT" -H 'Content-Type: application/json' \
    --data-binary @"$T/storm.json" -w '%{http_code}\n' > "$T/storm.codes"
took=$(($(date +%s) - start))
echo "# 10000 alerts took ${took}s"
is "$(sort "$T/storm.codes" | uniq -c | awk '{print $2 ":" $1}' | paste -sd, -)" "200:9999,201:1" \
    "10,000 alerts: one opened the request (201), 9,999 folded (200)"
ok "$([ "$took" -lt 60 ] && echo 0 || echo 1)" "the storm took under a minute (${took}s)"
is "$(requests_titled "Head-end 7 unreachable")" 1 "exactly one request"
api GET "/api/v1/alerts?organization_id=1&limit=1000" "" "$AGENT"
is "$(json '[.items[] | select(.fingerprint == "storm:head-end-7") | .count]|@csv')" 10000 \
    "its alert counts 10000"
TS=$(json '.items[] | select(.fingerprint == "storm:head-end-7") | .ticket.id')
api GET "/api/v1/tickets/$TS/messages" "" "$AGENT"
is "$(json '.items | length')" 0 "and the request has no message of them"

# ---- alerts at once: one request ----
printf '%s' '{"fingerprint":"burst:1","summary":"Burst one","severity":"minor","organization_id":1}' > "$T/burst.json"
for _ in $(seq 1 16); do printf 'url = "%s/api/v1/alerts"\noutput = "/dev/null"\n' "$BASE"; done > "$T/burst.cfg"
curl -s -Z --parallel-max 16 -K "$T/burst.cfg" -H "Authorization: Bearer $AGENT" \
    -H 'Content-Type: application/json' --data-binary @"$T/burst.json" -w '%{http_code}\n' \
    > "$T/burst.codes" 2> /dev/null
is "$(sort "$T/burst.codes" | uniq -c | awk '{print $2 ":" $1}' | paste -sd, -)" "200:15,201:1" \
    "16 alerts at once: one 201, fifteen 200"
is "$(requests_titled "Burst one")" 1 "and one request"
api GET "/api/v1/alerts?organization_id=1&limit=1000" "" "$AGENT"
is "$(json '[.items[] | select(.fingerprint == "burst:1") | .count]|@csv')" 16 "counting 16"

# ---- resolved: an internal note, the request stays open ----
alert disk-full:meter-db-1 critical resolved
is "$STATUS|$(json '[.status, .count, .resolved_at != null, .ticket.id, .ticket.status]|@csv')" \
    "200|\"resolved\",4,true,$T1,\"new\"" "a resolved alert folds; the request stays new"
is "$(notes "$T1" | grep -c '^true Monitoring: alert .disk-full:meter-db-1. resolved')" 1 \
    "and adds one internal note"
alert disk-full:meter-db-1 critical resolved
is "$STATUS|$(json .count)|$(notes "$T1" | grep -c .)" "200|5|1" "resolved again: counted, no second note"
is "$(notes "$T1" "$CA" | grep -c .)" 0 "the customer does not see the note"
alert disk-full:meter-db-1 critical
is "$STATUS|$(json '[.status, .ticket.id]|@csv')" "200|\"firing\",$T1" \
    "firing again on the open request folds into it"
api PATCH "/api/v1/tickets/$T1" '{"status":"in_progress"}' "$AGENT"
api PATCH "/api/v1/tickets/$T1" '{"status":"resolved"}' "$AGENT"
is "$STATUS|$(json .status)" "200|resolved" "an agent resolves the request"
alert disk-full:meter-db-1 critical resolved
is "$STATUS|$(json .ticket.id)|$(notes "$T1" | grep -c .)" "200|$T1|1" \
    "resolved after that: recorded on the finished request, no note"
alert disk-full:meter-db-1 critical
is "$STATUS|$(json .count)" "201|1" "firing after the request was resolved opens a new request"
T3=$(json .ticket.id)
ok "$([ "$T3" != "$T1" ] && echo 0 || echo 1)" "another request ($T3, not $T1)"
api GET "/api/v1/alerts?organization_id=1&limit=1000" "" "$AGENT"
is "$(json '[.items[] | select(.fingerprint == "disk-full:meter-db-1") | "\(.ticket.id):\(.count)"]|@csv')" \
    "\"$T1:7\",\"$T3:1\"" "the list keeps both: the old request's alert and the new one"
alert never-fired critical resolved
is "$STATUS|$(json .error.field)" "404|fingerprint" "resolving what never fired is 404 naming the fingerprint"

# ---- bad input: 4xx naming the field, nothing stored ----
bad() { # bad BODY WANT_STATUS WANT_FIELD DESCRIPTION
    api POST /api/v1/alerts "$1" "$AGENT"
    is "$STATUS|$(json .error.field)" "$2|$3" "$4"
}
long=$(printf 'x%.0s' $(seq 1 201))
bad '{"fingerprint":"f","summary":"s","severity":"A","organization_id":1,"colour":"red"}' 422 colour "an unknown field"
bad '{"summary":"s","severity":"A","organization_id":1}' 422 fingerprint "no fingerprint"
bad '{"fingerprint":"","summary":"s","severity":"A","organization_id":1}' 422 fingerprint "an empty fingerprint"
bad "{\"fingerprint\":\"$long\",\"summary\":\"s\",\"severity\":\"A\",\"organization_id\":1}" 422 fingerprint "a fingerprint of 201 characters"
bad "{\"fingerprint\":\"f\",\"summary\":\"$long$long\",\"severity\":\"A\",\"organization_id\":1}" 422 summary "a summary of 402 characters"
bad '{"fingerprint":"f","summary":"two\nlines","severity":"A","organization_id":1}' 422 summary "a summary of two lines"
bad '{"fingerprint":"f","summary":"s","severity":"fatal","organization_id":1}' 422 severity "an unknown severity"
bad '{"fingerprint":"f","summary":"s","severity":"Critical","organization_id":1}' 422 severity "severities are exact"
bad '{"fingerprint":"f","summary":"s","organization_id":1}' 422 severity "no severity"
bad '{"fingerprint":"f","summary":"s","severity":"A"}' 422 organization_id "staff must name the organisation"
bad '{"fingerprint":"f","summary":"s","severity":"A","organization_id":"1"}' 422 organization_id "an organisation id that is a string"
bad '{"fingerprint":"f","summary":"s","severity":"A","organization_id":999}' 404 organization_id "an organisation that does not exist"
bad '{"fingerprint":' 400 null "a body that is not JSON"
is "$(requests_titled "s")" 0 "none of them opened a request"

# ---- who may post and read ----
api POST /api/v1/alerts '{"fingerprint":"cpu:acme","summary":"CPU hot","severity":"minor"}' "$CA"
is "$STATUS|$(json .error.code)" "403|forbidden" \
    "a customer's own monitoring needs solution monitoring (an add-on or an enhanced extra)"
for org in 1 2; do
    api POST "/api/v1/organizations/$org/add-ons" '{"service_id":12,"starts_on":"2020-01-01","currency":"EUR","annual_price":0}' "$ADMIN"
    [ "$STATUS" = 201 ] || echo "# solution monitoring for $org: $STATUS $BODY"
done
api POST /api/v1/alerts '{"fingerprint":"cpu:acme","summary":"CPU hot","severity":"minor"}' "$CA"
is "$STATUS|$(json '[.organization_id, .ticket.severity]|@csv')" '201|1,"C"' \
    "a customer's token posts for its own organisation (the default)"
TC=$(json .ticket.id)
api GET "/api/v1/tickets/$TC" "" "$CA"
is "$STATUS|$(json '[.requester_id, .channel]|@csv')" '200|3,"monitoring"' "its request is the customer's"
api GET "/api/v1/tickets/$TC" "" "$CB"
is "$STATUS" 404 "another organisation's customer does not see it"
alert cpu:beta minor firing 2 "$CA"
is "$STATUS|$(json .error.field)" "404|organization_id" "a customer posting for another organisation: 404"
alert cpu:acme minor firing 2 "$CB"
is "$STATUS" 201 "the same fingerprint by Beta's customer is Beta's own request"
alert cpu:acme minor firing 999 "$CA"
is "$STATUS" 404 "a customer naming a missing organisation: 404 as well"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$T/burst.json" "$BASE/api/v1/alerts")" 401 "no token: 401"
api GET /api/v1/alerts "" "$CA"
is "$STATUS" 403 "customers do not list alerts"
api GET "/api/v1/alerts?organization_id=2" "" "$ADMIN"
is "$(json '[.items[].organization_id] | unique | @csv')" 2 "the list filters by organisation"
api GET "/api/v1/alerts?organization_id=x" "" "$ADMIN"
is "$STATUS|$(json .error.field)" "400|organization_id" "a bad organisation filter is 400"
api GET "/api/v1/alerts?fingerprint=x" "" "$ADMIN"
is "$STATUS|$(json .error.field)" "400|fingerprint" "an unknown query parameter is 400"
api GET "/api/v1/alerts?limit=2" "" "$ADMIN"
last=$(json '.items[-1].id')
api GET "/api/v1/alerts?limit=2&cursor=$(json .next_cursor)" "" "$ADMIN"
is "$STATUS|$(json "(.items | length) == 2 and all(.items[]; .id > $last)")" "200|true" \
    "paging: the next page follows the first"

# ---- the desk's request page shows the alert ----
passwords 2 > /dev/null
sign_in agent agent@vendor.test
page agent GET "/desk/tickets/$TS"
is "$STATUS" 200 "the desk shows the storm's request"
like "$BODY" "Monitoring alert</dt><dd>storm:head-end-7 · firing · 10000 alerts, last <time" \
    "with its alert: fingerprint, status, count and last seen"
page agent GET "/desk/tickets/$T2"
like "$BODY" "Monitoring alert</dt><dd>disk-full:meter-db-1 · firing · 1 alerts" "each request its own alert"

stop_server
done_testing
