#!/usr/bin/env bash
# 1013 yearly requirements of enhanced agreements (issue 16): requirements-lead-days (60) before
# each agreement year after the first, an internal requirements task opens for the year,
# assigned to the agreement's representative (none: unassigned), titled "Requirements for
# 2028" or "... for the year from 2027-04-01", once per agreement and year also with two
# servers and restarts; recording the year's scope, assumptions, schedule and roles (API or
# desk form) completes it and sets requirements_completed_at. Customers see the recorded
# requirements of their own organisation's agreements (API and portal page) but never the
# task; bad input is 422 naming the field. The clock is SVCDESK_FAKE_NOW, moved by restarts.
. "$(dirname "$0")/lib.sh"

export SVCDESK_FAKE_NOW=2027-01-20T09:00:00Z
serve() { start_server --sweep-seconds 1 --backup-dir "$T/backups"; }
years() { # years ID [TOKEN]: GET …/years
    api GET "/api/v1/agreements/$1/years" "" "${2:-$AGENT}"
}
record() { # record ID JSON [TOKEN]
    api POST "/api/v1/agreements/$1/requirements" "$2" "${3:-$AGENT}"
}

fixtures; ok $? "fixtures"
serve; ok $? "a server starts on $SVCDESK_FAKE_NOW"

# Acme: an enhanced agreement from 2026-04-01 with agent 2 as representative; Acme's second
# from 2026-01-01 without one (the year from 2027-01-01 has begun; its next is far off)
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-04-01","currency":"EUR","hours":40,"representative_id":2}' "$AGENT"
E1=$(json .id); is "$STATUS" 201 "an enhanced agreement from 2026-04-01"
accept "$E1" "$CA"
api POST "/api/v1/agreements/$E1/sign" "" "$AGENT"; is "$STATUS" 200 "signed"
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","hours":10}' "$AGENT"
E2=$(json .id)
accept "$E2" "$CA"
api POST "/api/v1/agreements/$E2/sign" "" "$AGENT"; is "$STATUS" 200 "a second one from 2026-01-01, no representative"
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-02-01","currency":"EUR","hours":10}' "$AGENT"
E3=$(json .id); is "$STATUS" 201 "a third, never signed"

years "$E1"
is "$STATUS|$(json '.items|length')" "200|0" "no task yet: the year from 2027-04-01 is 71 days away"
stop_server

# ---- 2027-02-10: 50 days before 2027-04-01: the task opens, once, with two servers ----
export SVCDESK_FAKE_NOW=2027-02-10T09:00:00Z
serve; ok $? "restarted on 2027-02-10"
SVCDESK_FAKE_NOW=$SVCDESK_FAKE_NOW "$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 --sweep-seconds 1 \
    --backup-dir "$T/backups" > "$T/second.out" 2>> "$T/second.log" &
EXTRA_PIDS+=($!)
for _ in $(seq 1 50); do years "$E1"; [ "$(json '.items|length')" = 1 ] && break; sleep 0.2; done
sleep 2
years "$E1"
is "$(json '.items|length')" 1 "one task for the year, with two servers sweeping"
is "$(json '.items[0].year_start')|$(json '.items[0].year_end')|$(json '.items[0].status')" \
    "2027-04-01|2028-03-31|open" "for the year from 2027-04-01, open"
is "$(json '.items[0].task.title')|$(json '.items[0].task.assignee_id')" \
    "Requirements for the year from 2027-04-01|2" "titled by its first day, assigned to the representative"
is "$(json '.items[0].scope')|$(json '.items[0].requirements_completed_at')" "null|null" "nothing recorded yet"
years "$E2"; is "$(json '.items|length')" 0 "the agreement whose year began in January: none yet"
years "$E3"; is "$(json '.items|length')" 0 "an unsigned agreement: none"
years 1; is "$STATUS|$(json '.items|length')" "200|0" "a maintenance agreement: none"
kill -TERM "${EXTRA_PIDS[0]}"; wait "${EXTRA_PIDS[0]}"; is "$?" 0 "the second server stops cleanly"
EXTRA_PIDS=()

# ---- customers see no task ----
years "$E1" "$CA"
is "$STATUS|$(json '.items|length')" "200|0" "Acme's contact: no year while only the task exists"
years "$E1" "$CB"; is "$STATUS" 404 "Beta's contact: Acme's agreement is 404"
years 99999; is "$STATUS" 404 "an unknown agreement: 404"

# ---- recording: input ----
record "$E1" '{"year_start":"2027-04-02","scope":"x"}'
is "$STATUS|$(json .error.field)" "422|year_start" "not the first day of an agreement year: 422"
record "$E1" '{"year_start":"2025-04-01","scope":"x"}'
is "$STATUS|$(json .error.field)" "422|year_start" "before the term: 422"
record "$E1" '{"year_start":"2027-04-01"}'
is "$STATUS|$(json .error.field)" "422|scope" "scope is required"
record "$E1" '{"year_start":"2027-04-01","scope":""}'
is "$STATUS|$(json .error.field)" "422|scope" "and not empty"
record "$E1" '{"year_start":"2027-13-01","scope":"x"}'
is "$STATUS|$(json .error.field)" "422|year_start" "a date that does not exist: 422"
record "$E1" '{"year_start":"2027-04-01","scope":"x","rasci_matrix_id":999}'
is "$STATUS|$(json .error.field)" "422|rasci_matrix_id" "an unknown RASCI matrix: 422"
record "$E1" '{"year_start":"2027-04-01","scope":"x","colour":"red"}'
is "$STATUS|$(json .error.field)" "422|colour" "an unknown field: 422"
big=$(head -c 20001 /dev/zero | tr '\0' a)
record "$E1" "{\"year_start\":\"2027-04-01\",\"scope\":\"$big\"}"
is "$STATUS|$(json .error.field)" "422|scope" "a scope over 20000 characters: 422"
record "$E1" '{"year_start":"2027-04-01","scope":"x"}' "$CA"
is "$STATUS" 403 "a customer cannot record"
record 1 '{"year_start":"2021-01-01","scope":"x"}'
is "$STATUS" 409 "a maintenance agreement: 409"
record "$E3" '{"year_start":"2027-02-01","scope":"x"}'
is "$STATUS" 409 "an unsigned agreement: 409"
record 99999 '{"year_start":"2027-04-01","scope":"x"}'
is "$STATUS" 404 "an unknown agreement: 404"
years "$E1"; is "$(json '.items[0].status')" open "nothing refused was recorded"

# ---- recording completes the task ----
record "$E1" '{"year_start":"2027-04-01","scope":"Upgrade to 6.0 and train the new operators","assumptions":"Test system ready by May","schedule":"Upgrade in June, training in September","roles":"Vendor: upgrade; customer: test","rasci_matrix_id":1}'
is "$STATUS|$(json .status)|$(json .rasci_matrix_id)" "200|complete|1" "recorded: complete"
done_at=$(json .requirements_completed_at)
like "$done_at" "^2027-02-10T09:0" "requirements_completed_at is set"
is "$(json .task.completed_by)|$(json .task.title)" "2|Requirements for the year from 2027-04-01" "by the agent, on the same task"
years "$E1" "$CA"
is "$STATUS|$(json '.items|length')|$(json '.items[0].scope')" \
    "200|1|Upgrade to 6.0 and train the new operators" "Acme's contact now sees the recorded year"
is "$(json '.items[0].task')|$(json '.items[0].requirements_completed_at')" "null|$done_at" "without the task, with the completion time"
sleep 1
record "$E1" '{"year_start":"2027-04-01","scope":"Upgrade to 6.1 instead"}'
is "$STATUS|$(json .scope)|$(json .assumptions)|$(json .rasci_matrix_id)" "200|Upgrade to 6.1 instead||null" "recorded again: the texts change"
is "$(json .requirements_completed_at)" "$done_at" "and the completion time stays"
record "$E1" '{"year_start":"2028-04-01","scope":"Migration to the new database"}'
is "$STATUS|$(json .status)|$(json .task.title)" "200|complete|Requirements for the year from 2028-04-01" \
    "a later year recorded ahead opens its task and completes it"
years "$E1"
is "$(json '[.items[].year_start]|@csv')" '"2027-04-01","2028-04-01"' "the years, oldest first"

# ---- the pages ----
passwords 2,3,4 > /dev/null; ok $? "page passwords"
sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
page agent GET "/desk/agreements/$E1"; TOKEN=$(csrf)
is "$STATUS" 200 "the desk agreement page"
has "Requirements by year" && has "Upgrade to 6.1 instead" && has "Requirements for the year from 2027-04-01" && has "Agnes Agent"
ok $? "shows the years with the task, its title and assignee"
page agent POST "/desk/agreements/$E2/requirements" --data-urlencode "csrf=$TOKEN" -d year_start=2027-01-01 -d scope=
is "$STATUS" 422 "the desk form: an empty scope is 422"
has "give the scope"; ok $? "saying so"
page agent POST "/desk/agreements/$E2/requirements" --data-urlencode "csrf=$TOKEN" -d year_start=2027-01-01 \
    --data-urlencode "scope=Health check <b>twice</b>" -d roles=Vendor
is "$STATUS" 303 "the desk form records the year from 2027-01-01"
years "$E2"
is "$(json '.items[0].status')|$(json '.items[0].task.title')|$(json '.items[0].task.assignee_id')" \
    "complete|Requirements for 2027|null" "titled by the year, unassigned (no representative)"
page agent POST "/desk/agreements/$E2/requirements" -d year_start=2027-01-01 -d scope=x
is "$STATUS" 403 "the form without its CSRF token: 403"
sign_in ca ca@acme.test; is "$STATUS" 303 "Acme's contact signs in"
page ca GET "/portal/agreements/$E2"
is "$STATUS" 200 "the portal agreement page"
has "Health check &lt;b&gt;twice&lt;/b&gt;"; ok $? "shows the recorded scope, escaped"
! has "Requirements for 2027" && ! has "unassigned"; ok $? "and never the task"
page ca POST "/desk/agreements/$E2/requirements" -d year_start=2027-01-01 -d scope=x
ok "$([ "$STATUS" != 303 ] && [ "$STATUS" != 200 ]; echo $?)" "a customer cannot post the desk form ($STATUS)"
sign_in cb cb@beta.test
page cb GET "/portal/agreements/$E2"
is "$STATUS" 404 "Beta's contact: Acme's agreement page is 404"
stop_server

# ---- 2027-11-15: the next year from 2028-01-01 of the second agreement ----
export SVCDESK_FAKE_NOW=2027-11-15T09:00:00Z
serve; ok $? "restarted on 2027-11-15"
AGENT=$("$SVCDESK" token create --db "$DB" --email agent@vendor.test); ok $? "a new token (the old ones expired)"
for _ in $(seq 1 50); do years "$E2"; [ "$(json '.items|length')" = 2 ] && break; sleep 0.2; done
is "$(json '.items[1].task.title')|$(json '.items[1].status')" "Requirements for 2028|open" \
    "a year from 1 January is titled by its year"
years "$E1"; is "$(json '.items|length')" 2 "the first agreement's years are as they were"
stop_server
SVCDESK_FAKE_NOW=2027-11-16T09:00:00Z serve; ok $? "a day later"
sleep 2
years "$E2"; is "$(json '.items|length')" 2 "a restart opens no second task for the year"
is "$(audit_q "entity=requirement_task" 'map(select(.action == "open"))|length' "$AGENT")" 4 \
    "each opening is audited once"
stop_server
done_testing
