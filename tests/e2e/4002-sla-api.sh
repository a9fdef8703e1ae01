#!/usr/bin/env bash
# 4002 the SLA clock through the API: a weekend, a holiday, a DST change, a severity change,
# a paused clock; and the escalation sweep queueing each notice once, A at any hour, the
# others at the next opening. The server's clock is pinned (SVCDESK_FAKE_NOW) to
# Sunday 2026-11-22 20:00 UTC, when the Copenhagen support desk is closed.
. "$(dirname "$0")/lib.sh"
export SVCDESK_FAKE_NOW=2026-11-22T20:00:00Z

start_server --backup-dir "$T/backups" --sweep-seconds 1; ok $? "server starts"
fixtures; ok $? "fixtures"

due() { # due RECEIVED_AT SEVERITY: create a request; DUE is its response_due_at
    api POST /api/v1/tickets "{\"subject\":\"sla\",\"severity\":\"$2\",\"organization_id\":1,\"received_at\":\"$1\"}" "$AGENT"
    DUE=$(json .sla.response_due_at)
}
# Fri 14:00 CET: 30 min left on Friday (08:00-14:30), 3.5 h on Monday from 08:00 -> 11:30 CET
due 2026-11-20T14:00:00+01:00 A; is "$DUE" 2026-11-23T10:30:00Z "A over a weekend"
WEEKEND=$(json .id)
# Tue 23 Dec 2025 15:00 CET: 1 h on Tuesday; 24-26 Dec are holidays, then the weekend;
# Mon 29 Dec 08:00 + 3 h = 11:00 CET
due 2025-12-23T15:00:00+01:00 A; is "$DUE" 2025-12-29T10:00:00Z "A over Christmas holidays"
# Fri 23 Oct 14:00 CEST (UTC+2): 30 min; DST ends Sunday; Mon 26 Oct 08:00 CET + 3.5 h = 10:30 UTC
due 2026-10-23T14:00:00+02:00 A; is "$DUE" 2026-10-26T10:30:00Z "A over the end of summer time"
# Fri 27 Mar 2026 14:00 CET: 30 min; DST starts Sunday 29; Mon 30 Mar 08:00 CEST + 3.5 h = 09:30 UTC
due 2026-03-27T14:00:00+01:00 A; is "$DUE" 2026-03-30T09:30:00Z "A over the start of summer time"
# D (16 h): Thu 08:00 8 h, Fri 6.5 h, Mon 1.5 h -> Mon 09:30 CET
due 2026-11-19T08:00:00+01:00 D; is "$DUE" 2026-11-23T08:30:00Z "D over two days and a weekend"

api PATCH "/api/v1/tickets/$WEEKEND" '{"severity":"B"}' "$AGENT"
is "$(json .sla.response_due_at)" 2026-11-23T14:30:00Z "a severity change recomputes from received_at (B: 8 h)"
api GET "/api/v1/tickets/$WEEKEND" "" "$CA"
is "$(json '[.sla.state,.sla.working_seconds_elapsed]|@csv')" '"running",1800' \
    "half an hour of working time has passed"

api PATCH "/api/v1/tickets/$WEEKEND" '{"severity":"A","status":"in_progress"}' "$AGENT"
is "$(json '[.sla.state,(.sla.handling_initiated_at|.[0:13])]|@csv')" '"met","2026-11-22T20"' \
    "handling initiated before the due time: met"
api PATCH "/api/v1/tickets/$WEEKEND" '{"status":"waiting_customer"}' "$AGENT"
is "$(json .sla.resolution_state)" paused "waiting for the customer pauses the resolution clock"
api GET "/api/v1/tickets/$WEEKEND/sla" "" "$CA"
is "$STATUS" 200 "GET …/sla"
is "$(json '[.resolution.segments[].clock]|[first,last]|@csv')" '"running","paused"' \
    "its segments: running since received, paused from now"
is "$(json '.response.working_seconds')" 1800 "the response clock's working seconds"

# ---- the sweep ----
PENDING=$(metric svcdesk_outbox_pending) # notices queued before (no --smtp: none is sent)
api POST /api/v1/tickets '{"subject":"down","severity":"A","organization_id":1,"received_at":"2026-11-20T08:00:00+01:00"}' "$AGENT"
BREACHED=$(json .id)
is "$(json .sla.state)" breached "A received Friday morning is breached by Sunday"
api POST /api/v1/tickets '{"subject":"slow","severity":"C","organization_id":1,"received_at":"2026-11-19T08:00:00+01:00","assignee_id":2}' "$AGENT"
WARNED=$(json .id)
is "$(json .sla.state)" warning "C with 14.5 of 16 hours gone is at warning"
# the sweep runs every second; give a loaded machine (sanitizers, parallel builds) time
for _ in $(seq 1 300); do
    [ "$(get "/api/v1/tickets/$BREACHED" .escalation_level)" = 1 ] && break
    sleep 0.1
done
sleep 1.5 # one more sweep, then the count of notices is at rest
QUEUED=$(metric svcdesk_outbox_pending)
[ "$QUEUED" -gt "$PENDING" ]; ok $? "the sweep queues notices ($PENDING -> $QUEUED)"
api GET "/api/v1/tickets/$BREACHED" "" "$AGENT"
is "$(json .escalation_level)" 1 "a breach raises escalation_level"
# sqlite-only: the sweep's record of its notices (sla_notices) has no read interface
on_sqlite "sla_notices has no read interface" &&
    is "$(sqlite_only_q "SELECT notice FROM sla_notices WHERE ticket_id = $BREACHED AND notice LIKE 'response%'")" \
        response_breach "the sweep records the breach"
is "$(outbox_q "ticket_id=$BREACHED&kind=sla_breach" 'map((.recipients|tojson) + " " + (.not_before == .created_at|tostring))|join("\n")')" \
    '["escalation@vendor.test"] true' "A: to the escalation contacts, at once"
is "$(outbox_q "ticket_id=$WARNED" 'map((.recipients|tojson) + " " + .not_before)|join("\n")')" \
    '["agent@vendor.test"] 2026-11-23T07:00:00Z' "C warning: to the assignee, at Monday's opening"
sleep 2.5
is "$(metric svcdesk_outbox_pending)" "$QUEUED" "later sweeps queue nothing twice"
is "$(( $(outbox_q "ticket_id=$BREACHED" length) + $(outbox_q "ticket_id=$WARNED" length) ))" 2 \
    "one notice for each of the two requests"
if on_sqlite "sla_notices has no read interface"; then
    is "$(sqlite_only_q "SELECT count(*) FROM sla_notices WHERE ticket_id = $BREACHED")" \
        "$(sqlite_only_q "SELECT count(DISTINCT notice) FROM sla_notices WHERE ticket_id = $BREACHED")" "one row per notice"
fi

stop_server
done_testing
