#!/usr/bin/env bash
# 1050 GET /api/v1/events: a long-poll text/event-stream of the changes the caller may see,
# read from the audit trail. An event arrives after a change (timed), Last-Event-ID resumes,
# customers see only their organisation and never an internal note, bad cursors are 400,
# 100 held clients killed half-way leave the server healthy, the limits answer 503, and a
# server stopping with held clients answers them and exits cleanly.
. "$(dirname "$0")/lib.sh"

start_server --events-per-user 200; ok $? "server starts"
fixtures; ok $? "fixtures"

# events TOKEN QUERY [CURL ARGS...]: GET /api/v1/events?QUERY into $T/ev (headers $T/evh)
events() {
    local tok=$1 q=$2
    shift 2
    curl -s -o "$T/ev" -D "$T/evh" -w '%{http_code}' -H "Authorization: Bearer $tok" "$@" \
        "$BASE/api/v1/events?$q"
}
# ids_of FILE EVENT: the ticket ids of the events named EVENT in an answer
tickets_of() { sed -n "/^event: $2\$/{n;s/^data: //p}" "$1" | jq -r .ticket_id | sort -u | tr '\n' ' '; }
last_id() { sed -n 's/^id: //p' "$1" | tail -1; }

api POST /api/v1/tickets '{"subject":"Meter reads stop","body":"since 06:00","severity":"B","organization_id":1,"requester_id":3}' "$AGENT"
T1=$(json .id)
api POST /api/v1/tickets '{"subject":"Export?","type":"assistance"}' "$CB"
T2=$(json .id)

is "$(events "$AGENT" after=0)" 200 "events after 0: answered at once (there are some)"
like "$(sed -n 's/^Content-Type: \(.*\)\r$/\1/Ip' "$T/evh")" '^text/event-stream' \
    "as text/event-stream"
like "$(sed -n 's/^Cache-Control: \(.*\)\r$/\1/Ip' "$T/evh")" 'no-store' "never cached"
is "$(head -1 "$T/ev")" "retry: 1000" "the answer tells EventSource to come back after 1 s"
like "$(tickets_of "$T/ev" ticket)" "\\b$T1\\b.*\\b$T2\\b|\\b$T2\\b.*\\b$T1\\b" \
    "staff see both organisations' requests"
ids=$(sed -n 's/^id: //p' "$T/ev" | tr '\n' ' ')
is "$(printf '%s\n' $ids | sort -n | tr '\n' ' ')" "$ids" "ids ascend"
like "$(grep '^data: ' "$T/ev" | head -1)" '^data: \{"ticket_id":[0-9]+,"action":"create","channel":"api"\}$' \
    "data: the request and what happened, nothing more"

is "$(events "$CB" after=0)" 200 "Beta's customer: events after 0"
is "$(tickets_of "$T/ev" ticket)" "$T2 " "only Beta's own request, never Acme's"

is "$(events "$AGENT" after=abc)" 400 "after=abc: 400"
is "$(jq -r .error.field "$T/ev")" after "naming the field"
is "$(events "$AGENT" "" -H 'Last-Event-ID: -5')" 400 "Last-Event-ID: -5: 400"
is "$(jq -r .error.field "$T/ev")" Last-Event-ID "naming the header"
is "$(events "$AGENT" after=99999999999999999999)" 400 "an id past 64 bits: 400"
is "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/events")" 401 "anonymous: 401"

# an idle Beta stream: no change of Beta until it ends by itself (~25 s)
start=$(date +%s)
( events "$CB" "" --max-time 40 > "$T/idle.code"; date +%s > "$T/idle.end"; cp "$T/ev" "$T/idle.ev" ) &
IDLE=$!

# a waiting stream gets the change that happens meanwhile, within about a second
api GET /api/v1/events?after=0 "" "$CA"
HEAD=$(last_id "$T/body")
( events "$CA" "" -H "Last-Event-ID: $HEAD" --max-time 30 > "$T/wait.code"; cp "$T/ev" "$T/wait.ev" ) &
W=$!
sleep 1.5
t0=$(date +%s%N)
api POST "/api/v1/tickets/$T1/messages" '{"body":"we are on it"}' "$AGENT"
is "$STATUS" 201 "an agent replies on Acme's request"
wait $W
ms=$((($(date +%s%N) - t0) / 1000000))
is "$(cat "$T/wait.code")" 200 "the held stream is answered"
ok "$([ "$ms" -lt 2500 ] && echo 0 || echo 1)" "within 2.5 s of the change ($ms ms)"
like "$(grep -A1 '^event: message' "$T/wait.ev")" "\"ticket_id\":$T1,.*\"by\":\"staff\"" \
    "with the message event of T1, by staff"
E1=$(last_id "$T/wait.ev")

# Last-Event-ID resumes: what happened since, at once; internal notes never for a customer
api POST "/api/v1/tickets/$T1/messages" '{"body":"check the relay","internal":true}' "$AGENT"
api POST "/api/v1/tickets/$T1/messages" '{"body":"did you restart it?"}' "$AGENT"
is "$(events "$CA" "" -H "Last-Event-ID: $E1" --max-time 5)" 200 "Last-Event-ID resumes at once"
is "$(grep -c '^event: message' "$T/ev")" 1 "the customer gets the public reply only"
ok "$(grep -q internal "$T/ev" && echo 1 || echo 0)" "no internal note in a customer's stream"
ok "$(awk -v e="$E1" '/^id: /{ if ($2 <= e) bad=1 } END { exit bad }' "$T/ev"; echo $?)" \
    "every id past Last-Event-ID"
is "$(events "$AGENT" "after=$E1")" 200 "staff resume from the same id"
is "$(grep -c '"internal":true' "$T/ev")" 1 "staff see the internal note (marked)"
is "$(events "$CB" "after=$E1")" 200 "Beta's stream past the same id"
ok "$(grep -q "\"ticket_id\":$T1" "$T/ev" && echo 1 || echo 0)" "has nothing of Acme's"

# 100 clients held at once; half of them killed: the server stays healthy and fast
api GET /api/v1/events?after=0 "" "$CA"
HEAD=$(last_id "$T/body")
pids=()
for i in $(seq 1 100); do
    curl -s -o "$T/h$i" -H "Authorization: Bearer $CA" -H "Last-Event-ID: $HEAD" --max-time 40 \
        "$BASE/api/v1/events" &
    pids+=($!)
done
sleep 2
for i in $(seq 1 50); do kill "${pids[$((i - 1))]}" 2> /dev/null; done
t0=$(date +%s%N)
is "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz")" 200 "/healthz with 100 held, 50 killed"
api GET "/api/v1/tickets/$T1" "" "$CA"
ms=$((($(date +%s%N) - t0) / 1000000))
is "$STATUS" 200 "another request answers"
ok "$([ "$ms" -lt 1000 ] && echo 0 || echo 1)" "both fast ($ms ms)"
api POST "/api/v1/tickets/$T1/messages" '{"body":"all clear"}' "$CA"
for i in $(seq 51 100); do wait "${pids[$((i - 1))]}"; done
got=0
for i in $(seq 51 100); do grep -q '^event: message' "$T/h$i" && got=$((got + 1)); done
is "$got" 50 "the 50 left all get the customer's message"
wait "${pids[@]}" 2> /dev/null

wait $IDLE
is "$(cat "$T/idle.code")" 200 "an idle stream ends by itself"
d=$(($(cat "$T/idle.end") - start))
ok "$([ "$d" -ge 20 ] && [ "$d" -le 32 ] && echo 0 || echo 1)" "after about 25 s ($d s)"
like "$(cat "$T/idle.ev")" '^retry: 1000' "with retry"
ok "$(grep -q '^event:' "$T/idle.ev" && echo 1 || echo 0)" "and no event"
like "$(last_id "$T/idle.ev")" '^[0-9]+$' "but an id to come back with"
stop_server

# the limits: in all, and for one user, then 503 with Retry-After
start_server --events-max-waiters 3 --events-per-user 2; ok $? "server with 3 waiters, 2 a user"
n=0
for tok in "$CA" "$CA" "$CB"; do
    n=$((n + 1))
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" --max-time 30 \
        "$BASE/api/v1/events" > "$T/held$n" &
done
sleep 1
is "$(events "$CA" "")" 503 "a third held stream of one user: 503"
is "$(events "$AGENT" "")" 503 "a fourth held stream: 503"
is "$(sed -n 's/^Retry-After: \(.*\)\r$/\1/Ip' "$T/evh")" 2 "with Retry-After"
is "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" 200 "the server answers others"
is "$(events "$AGENT" after=0)" 200 "a stream with events to answer is never refused"

# stopping with held streams: they are answered and the server exits cleanly at once
t0=$(date +%s%N)
stop_server
ms=$((($(date +%s%N) - t0) / 1000000))
ok "$([ "$ms" -lt 5000 ] && echo 0 || echo 1)" "stopped within 5 s with streams held ($ms ms)"
wait
is "$(cat "$T/held1" "$T/held2" "$T/held3")" 200200200 "the held streams were answered (200)"
done_testing
