#!/usr/bin/env bash
# 3006 "use it or lose it" (issue 16): lapse-notice-days (60,14) days before an enhanced
# agreement's year ends, its customer contacts and its representative are told by mail how
# many hours of the bank remain unused, which services could use them and that nothing
# carries over; once per agreement, year and threshold through a real SMTP server, across
# restarts and with two servers; thresholds due together send one mail; nothing is sent when
# no hours remain. The clock is moved by restarting the server with SVCDESK_FAKE_NOW.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"

export SVCDESK_FAKE_NOW=2027-01-20T09:00:00Z
count() { mails | grep -c -F -- "$1"; }
lapses() { count "unused hours lapse"; } # the lapse notices received (not the 80/100 % warnings)
serve() { start_server --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from support@vendor.test \
    --mail-retry-seconds 1 --sweep-seconds 1 --backup-dir "$T/backups" "$@"; }
enhanced() { # enhanced JSON: create and sign; sets E
    api POST /api/v1/agreements "$1" "$AGENT"
    E=$(json .id)
    accept "$E" "$CA"
    api POST "/api/v1/agreements/$E/sign" "" "$AGENT"
    [ "$STATUS" = 200 ]
}
used() { # used AGREEMENT MINUTES DATE: included time on it
    api POST "/api/v1/agreements/$1/time-entries" "{\"minutes\":$2,\"kind\":\"included\",\"on\":\"$3\"}" "$AGENT"
    [ "$STATUS" = 201 ]
}

start_sink; ok $? "an SMTP server listens"
fixtures; ok $? "fixtures"
"$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 --lapse-notice-days 30,30 > /dev/null 2> "$T/bad.err"
is "$?" 2 "a repeated threshold in lapse-notice-days stops the server (exit 2)"
like "$(cat "$T/bad.err")" "lapse-notice-days" "naming the setting"
serve; ok $? "a server with --smtp starts on $SVCDESK_FAKE_NOW"
api POST /api/v1/users '{"email":"cc@acme.test","name":"Cleo Acme","role":"customer","organization_id":1,"password":"cleo-password-1"}' "$ADMIN"
is "$STATUS" 201 "a second contact of Acme"

# E1: the year 2026-04-01 .. 2027-03-31, 40 hours, 10 used, agent 2 represents it
enhanced '{"organization_id":1,"kind":"enhanced","starts_on":"2026-04-01","currency":"EUR","hours":40,"representative_id":2,"services":["operator_training","annual_health_checks"]}'
ok $? "an enhanced agreement from 2026-04-01"; E1=$E
used "$E1" 600 2026-06-01; ok $? "10 hours used"
# E2: the year 2026-02-15 .. 2027-02-14, 5 hours, all used
enhanced '{"organization_id":1,"kind":"enhanced","starts_on":"2026-02-15","currency":"EUR","hours":5}'
ok $? "an enhanced agreement from 2026-02-15"; E2=$E
used "$E2" 300 2026-03-01; ok $? "all of its 5 hours used"
sleep 3
is "$(lapses)" 0 "71 days before E1's year ends, nothing; E2's 60-day notice finds no hours left"
stop_server

# ---- 2027-02-01: 59 days left of E1's year: one notice, with two servers ----
export SVCDESK_FAKE_NOW=2027-02-01T09:00:00Z
serve; ok $? "restarted on 2027-02-01"
"$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 --smtp "smtp://127.0.0.1:$SMTP_PORT" \
    --mail-from support@vendor.test --sweep-seconds 1 --backup-dir "$T/backups" \
    > "$T/second.out" 2>> "$T/second.log" &
EXTRA_PIDS+=($!)
wait_until 10 '[ "$(lapses)" -ge 1 ]'; ok $? "the notice arrives"
sleep 3
is "$(mails | grep "unused hours")" "agent@vendor.test,ca@acme.test,cc@acme.test|Agreement #$E1: 30.00 unused hours lapse after 2027-03-31" \
    "once, to Acme's contacts and the representative, with two servers sweeping"
b=$(body_of "Agreement #$E1")
like "$b" "30.00 hours of the hours bank of the agreement year from 2026-04-01 to 2027-03-31" "the text: the hours left in the year"
like "$b" "nothing carries over" "that nothing carries over"
like "$b" "- operator training" "the agreement's services"
like "$b" "- annual health checks" "each of them"
ok "$(case "$b" in *"database migrations"*) echo 1 ;; *) echo 0 ;; esac)" "and only those"
kill -TERM "${EXTRA_PIDS[0]}"; wait "${EXTRA_PIDS[0]}"; is "$?" 0 "the second server stops cleanly"
EXTRA_PIDS=()
is "$(count "Agreement #$E2")" 0 "E2's 14-day notice is due too, but no hours remain: nothing"
stop_server

SVCDESK_FAKE_NOW=2027-02-20T09:00:00Z serve; ok $? "restarted on 2027-02-20"
used "$E1" 1200 2027-02-20; ok $? "20 more hours used"
sleep 3
is "$(lapses)" 1 "a restart sends the 60-day notice no second time"
stop_server

# ---- 2027-03-20: 12 days left: the 14-day notice; a late agreement gets one for both ----
export SVCDESK_FAKE_NOW=2027-03-20T09:00:00Z
serve; ok $? "restarted on 2027-03-20"
wait_until 10 '[ "$(lapses)" -ge 2 ]'; ok $? "the 14-day notice arrives"
is "$(count "Agreement #$E1: 10.00 unused hours lapse after 2027-03-31")" 1 "with the 10 hours left"
enhanced '{"organization_id":1,"kind":"enhanced","starts_on":"2026-03-25","currency":"EUR","hours":2}'
ok $? "an agreement whose year ends on 2027-03-24 signed late"; E3=$E
wait_until 10 '[ "$(lapses)" -ge 3 ]'; ok $? "its notice arrives"
sleep 3
is "$(count "Agreement #$E3")" 1 "one mail for both thresholds due at once"
like "$(mails | grep "Agreement #$E3")" "^ca@acme.test,cc@acme.test\|Agreement #$E3: 2.00 unused hours lapse after 2027-03-24" \
    "to the contacts (no representative)"
like "$(body_of "Agreement #$E3")" "- database migrations" "an agreement naming no services lists every supplemental one"
stop_server

SVCDESK_FAKE_NOW=2027-03-22T09:00:00Z serve; ok $? "restarted on 2027-03-22"
sleep 3
is "$(lapses)" 3 "nothing more: each notice once per agreement, year and threshold"
is "$(grep -ih '^Message-Id:' "$T"/sink/*.eml | sort | uniq -d | wc -l)" 0 "no Message-ID arrived twice"
on_sqlite "the notices recorded" &&
    is "$(sqlite_only_q "SELECT agreement_id || ':' || days_before FROM hour_lapse_notices ORDER BY agreement_id, days_before" | tr '\n' ' ')" \
        "$E1:14 $E1:60 $E2:14 $E2:60 $E3:14 $E3:60 " "every threshold is recorded once, those without hours too"
stop_server
done_testing
