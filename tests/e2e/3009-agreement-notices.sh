#!/usr/bin/env bash
# 3009 the notices of statements of work where someone must act (issue 16), through a real SMTP
# server: a quote asks the customer's contacts to accept it in the portal; the customer's
# acceptance asks the agreement's representative to sign; a proposed change order asks the
# contacts to accept it; a year's requirements task tells its representative. Each arrives
# once, to those people only, saying what to do.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"

count() { mails | grep -c -F -- "$1"; }
serve() { start_server --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from support@vendor.test \
    --mail-retry-seconds 1 --sweep-seconds 1 --backup-dir "$T/backups"; }

start_sink; ok $? "an SMTP server listens"
fixtures; ok $? "fixtures"
serve; ok $? "a server with --smtp starts"

api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","hours":40,"annual_fee":1200000,"representative_id":2}' "$AGENT"
is "$STATUS" 201 "an enhanced agreement of Acme, represented by the agent"
E=$(json .id)
api POST "/api/v1/agreements/$E/quote" "{\"amount\":1200000,\"valid_until\":\"$(date -u -d '+30 days' +%Y-%m-%d)\"}" "$AGENT"
is "$STATUS" 200 "quoted"
wait_until 10 '[ "$(count "Quote for agreement #$E")" -ge 1 ]'; ok $? "the quote arrives by mail"
is "$(mails | grep -F "Quote for agreement #$E")" "ca@acme.test|Quote for agreement #$E: 12,000.00 EUR" \
    "to Acme's contact, with the amount"
like "$(body_of "Quote for agreement #$E" | tr '\n' ' ')" "accept it in the portal under Agreements" \
    "saying where to accept it"

accept "$E" "$CA"
is "$STATUS" 200 "the customer accepts it"
wait_until 10 '[ "$(count "to sign: agreement #$E")" -ge 1 ]'; ok $? "the representative is told to sign"
is "$(mails | grep -F "to sign: agreement #$E")" "agent@vendor.test|Accepted by the customer, to sign: agreement #$E" \
    "to the representative only"
like "$(body_of "to sign: agreement #$E")" "Carl Acme accepted agreement #$E" "naming who accepted"
api POST "/api/v1/agreements/$E/sign" "" "$AGENT"
is "$STATUS/$(json .status)" 200/signed "the vendor signs: in effect"

api POST "/api/v1/agreements/$E/change-orders" '{"hours":10,"reason":"Ten more hours for the migration","applies_to":"current_year"}' "$AGENT"
is "$STATUS" 201 "a change order is proposed"
CO=$(json .id)
wait_until 10 '[ "$(count "Change order #$CO of agreement #$E")" -ge 1 ]'; ok $? "its customer is told by mail"
is "$(mails | grep -F "Change order #$CO")" "ca@acme.test|Change order #$CO of agreement #$E: plus 10.00 h" \
    "to Acme's contact, with the hours"
like "$(body_of "Change order #$CO" | tr '\n' ' ')" "Ten more hours for the migration.*accept it in the portal" \
    "with its reason and where to accept it"
# the next year of an enhanced agreement begins within the 60 days' lead: its task opens
START=$(date -u -d '-330 days' +%Y-%m-%d)
api POST /api/v1/agreements "{\"organization_id\":1,\"kind\":\"enhanced\",\"starts_on\":\"$START\",\"currency\":\"EUR\",\"hours\":20,\"representative_id\":2}" "$AGENT"
E2=$(json .id)
accept "$E2" "$CA"; api POST "/api/v1/agreements/$E2/sign" "" "$AGENT"
is "$STATUS" 200 "an enhanced agreement in its first year, five weeks before the next"
NEXT=$(date -u -d "$START +1 year" +%Y-%m-%d) # its title: "Requirements for 2027" from 1 January
TITLE="Requirements for the year from $NEXT"; [ "${NEXT#*-}" = 01-01 ] && TITLE="Requirements for ${NEXT%%-*}"
wait_until 15 '[ "$(count "(agreement #$E2)")" -ge 1 ]'; ok $? "its requirements task is mailed"
is "$(mails | grep -F "(agreement #$E2)" | grep -v -F "Quote")" \
    "agent@vendor.test|$TITLE (agreement #$E2)" "to its representative"
like "$(body_of "(agreement #$E2)" | tr '\n' ' ')" "scope, assumptions, schedule and roles" "saying what to do"
sleep 2
is "$(count "$TITLE (agreement #$E2)")" 1 "once"
is "$(count "Quote for agreement #$E")|$(count "to sign: agreement #$E")|$(count "Change order #$CO")" "1|1|1" \
    "each once"
stop_server
done_testing
