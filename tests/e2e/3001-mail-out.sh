#!/usr/bin/env bash
# 3001 outbound mail: notices queued by request events go out through a real SMTP server
# (Python's smtpd) with threading headers; only a server with --smtp sends; while the SMTP
# server is down rows wait (attempts counted, never lost) and arrive once it is back, each
# once, with the same Message-ID, with the back-off doubling in the log, while the server keeps
# answering; two servers on one database send each row once. Each notice carries Reply-To, the
# address signed for its request and recipient: a reply to it (piped to mail-in with no trusted
# MTA configured) threads into the request as a verified reply; a tampered tag, another
# request's number or another sender do not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"

start_sink; ok $? "an SMTP server listens"

# ---- no --smtp: nothing is sent ----
"$SVCDESK" init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" \
    $INIT_OPTS > /dev/null 2>&1
fixtures; ok $? "fixtures"
start_server --backup-dir "$T/backups"; ok $? "a server without --smtp starts"
api POST /api/v1/tickets '{"subject":"Zählerstand fehlt","body":"seit 06:00 – bitte prüfen"}' "$CA"
is "$STATUS" 201 "a customer opens a request"
T1=$(json .id)
sleep 2
is "$(metric svcdesk_outbox_pending)" 1 "its receipt is queued"
is "$(sunk)" 0 "and not sent by a server without --smtp"
stop_server

# ---- --smtp: sent, with its Message-ID, threading and loop-protection headers ----
start_server --backup-dir "$T/backups" --smtp "smtp://127.0.0.1:$SMTP_PORT" \
    --mail-from "Support Desk <support@vendor.test>" --mail-retry-seconds 1
ok $? "a server with --smtp starts"
wait_until 10 '[ "$(sunk)" -ge 1 ]'; ok $? "the receipt arrives"
MID1=$(sed -n 's/^Message-I[Dd]: <\([^@>]*\)@vendor\.test>\r*$/\1/p' "$T/sink/0001.eml")
like "$MID1" '^[^ ]+$' "with Message-ID <local-part@domain of mail-from>"
is "$(outbox_q "ticket_id=$T1&kind=received" 'map(.message_id)|join(" ")')" \
        "$MID1" "the Message-ID it was queued with"
is "$(cat "$T/sink/0001.env")" "from support@vendor.test
to ca@acme.test" "envelope: from mail-from, to the requester"
decoded=$(python3 - "$T/sink/0001.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m["Subject"]); print(m["From"]); print(m["Auto-Submitted"])
print(m.get_body(preferencelist=("plain",)).get_content().strip().splitlines()[2])
PY
)
is "$decoded" "[#$T1] Request received: Zählerstand fehlt
Support Desk <support@vendor.test>
auto-replied
seit 06:00 – bitte prüfen" "subject and text survive encoding; marked auto-replied"
is "$(outbox_q "ticket_id=$T1&kind=received" "map(select(.message_id == \"$MID1\")|\"\(.attempts) \(.state) \(.sent_at != null)\")|join(\" \")")" \
    "1 sent true" "the row is marked sent after one attempt"

api POST "/api/v1/tickets/$T1/messages" '{"body":"We are looking into it."}' "$AGENT"
is "$STATUS" 201 "an agent replies"
wait_until 10 '[ "$(sunk)" -ge 2 ]'; ok $? "the reply notice arrives"
# multipart/alternative: the text, and the same as HTML, with the conversation quoted (issue 15)
text=$(body_of "Re: [#$T1]")
like "$text" "^We are looking into it\." "the text alternative starts with the reply"
like "$(tr '\n' ' ' <<< "$text" | tr -s ' ')" "Earlier in this request: On [0-9-]+ [0-9:]+ UTC, Carl Acme wrote: > seit 06:00" \
    "and quotes the request before it, with who and when"
html=$(body_of "Re: [#$T1]" html)
like "$html" "<p>We are looking into it\.</p>" "the HTML alternative has the reply"
like "$html" "<blockquote>" "with the conversation as a quote"
like "$html" "^<!doctype html>" "a whole page"
grep -q "Content-Type: multipart/alternative" "$T/sink/0002.eml"; ok $? "sent as multipart/alternative"
hdr=$(grep -iE '^(In-Reply-To|References|Auto-Submitted):' "$T/sink/0002.eml" | tr -d '\r')
is "$hdr" "In-Reply-To: <$MID1@vendor.test>
References: <$MID1@vendor.test>" "it answers the receipt (In-Reply-To, References) and is not auto-submitted"
RT=$(sed -n 's/^Reply-To: \([^\r]*\)\r*$/\1/p' "$T/sink/0002.eml")
like "$RT" "^support\+$T1\.[0-9a-f]{20}@vendor\.test$" "Reply-To: support+N.TAG@ the domain of mail-from"
is "$(sed -n 's/^Reply-To: \([^\r]*\)\r*$/\1/p' "$T/sink/0001.eml")" "$RT" \
    "the same signed address on every notice of the request to that recipient"

# ---- the SMTP server goes away: rows wait, attempts are counted ----
stop_sink
api GET "/api/v1/tickets/$T1" "" "$AGENT"
is "$STATUS" 200 "the server answers while the SMTP server is away"
api POST /api/v1/tickets '{"subject":"Second request"}' "$CA"
T2=$(json .id)
api PATCH "/api/v1/tickets/$T2" '{"status":"in_progress"}' "$AGENT"
is "$STATUS" 200 "a second request moves on while the SMTP server is down"
# not_sent: the Message-IDs of the failed attempts the server logged, one a line, in order
not_sent() { sed -n 's/.*msg="not sent" message_id="\([^"]*\)".*/\1/p' "$T/server.log"; }
MID2=$(outbox_q "ticket_id=$T2&kind=received" 'map(.message_id)|join(" ")') # T2's receipt
wait_until 20 '[ "$(not_sent | grep -cx "$MID2")" -ge 3 ]'
ok $? "failed attempts are counted and retried (the second request's receipt, queued while the SMTP server is away)"
is "$(grep "msg=\"not sent\" message_id=\"$MID2\"" "$T/server.log" | head -3 | sed 's/.* retry_in=\([0-9]*\) .*/\1/' | tr '\n' ' ')" \
    "1 2 4 " "the wait doubles after each failure (mail-retry-seconds 1)"
api GET /healthz
is "$STATUS" 200 "/healthz answers meanwhile"
is "$(metric svcdesk_outbox_pending)" 2 "both notices wait, unsent"
like "$(grep "msg=\"not sent\" message_id=\"$MID2\"" "$T/server.log" | tail -1)" \
    'error="[^"]*(connect|Connection|refused)' "with the reason"
like "$(outbox_q state=pending '.[0].last_error')" \
    "connect|Connection|refused" "the reason is kept on the row"
[ "$(outbox_q state=pending '(map(.next_attempt_at|fromdate)|min) - (map(.created_at|fromdate)|max)')" -ge 1 ]
ok $? "the next attempt lies ahead (back-off)"
api GET /metrics "" "$ADMIN"
is "$(grep '^svcdesk_outbox_pending ' <<< "$BODY")" "svcdesk_outbox_pending 2" "/metrics shows the outbox depth"
waiting=$(not_sent | sort -u)
is "$(printf '%s\n' $waiting | wc -l)" 2 "(two notices failed)"
before=$(sunk)

start_sink "$SMTP_PORT"; ok $? "the SMTP server is back on its port"
wait_until 20 '[ "$(metric svcdesk_outbox_pending)" = 0 ]'
ok $? "the waiting notices are delivered"
is "$(( $(sunk) - before ))" 2 "two messages arrive"
for id in $waiting; do
    is "$(sunk_with_id "$id@vendor.test")" 1 "$id arrives once, with the Message-ID it was queued with"
done
sleep 3
is "$(( $(sunk) - before ))" 2 "and nothing is sent twice afterwards"

# ---- two servers on one database: each row sent once ----
"$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 --smtp "smtp://127.0.0.1:$SMTP_PORT" \
    --mail-from support@vendor.test --backup-dir "$T/backups" > "$T/second.out" 2>> "$T/second.log" &
EXTRA_PIDS+=($!)
for i in 1 2 3 4 5 6 7 8; do api POST /api/v1/tickets "{\"subject\":\"burst $i\"}" "$CA"; done
wait_until 20 '[ "$(metric svcdesk_outbox_pending)" = 0 ]'
ok $? "a burst of notices is delivered by two servers"
dups=$(grep -ih '^Message-Id:' "$T"/sink/*.eml | sort | uniq -d | wc -l)
is "$dups" 0 "no Message-ID arrived twice"
is "$(sunk)" 12 "one message per notice: 2 + 2 before, 8 receipts of the burst"
is "$(sunk)" "$(outbox_q "" 'length')" "one message per outbox row"
kill -TERM "${EXTRA_PIDS[0]}"; wait "${EXTRA_PIDS[0]}"; is "$?" 0 "the second server stops cleanly"
EXTRA_PIDS=()

# ---- a reply to the signed Reply-To: verified, threaded, without any trusted MTA ----
# reply FROM TO ID: mail-in a reply without [#N], In-Reply-To or References; sets OUT
reply() {
    printf 'From: %s\nTo: %s\nSubject: Re: thanks\nMessage-ID: <%s>\n\nWorks now, thank you.\n' \
        "$1" "$2" "$3" > "$T/reply.eml"
    OUT=$("$SVCDESK" mail-in --db "$DB" --mail-from "Support Desk <support@vendor.test>" \
        < "$T/reply.eml" 2>> "$T/mail-in.log")
}
msgs=$(get "/api/v1/tickets/$T1/messages" '.items|length')
reply "Carl Acme <ca@acme.test>" "Support Desk <$RT>" signed1@acme.test
is "$OUT" "ticket $T1 updated" "a reply to the signed address threads into its request"
is "$(get "/api/v1/tickets/$T1/messages" '[.items[]|select(.staff == false and (.body|startswith("Works now")))]|length')" 1 \
    "as the customer's message"
tag=${RT#*.}; tag=${tag%%@*}
flipped=$(printf '%s' "${tag:0:1}" | tr '0-9a-f' '1-9a-f0')${tag:1}
reply "ca@acme.test" "support+$T1.$flipped@vendor.test" signed2@acme.test
like "$OUT" '^ticket [0-9]+ triage$' "a tampered tag does not: triage"
reply "ca@acme.test" "support+$T2.$tag@vendor.test" signed3@acme.test
like "$OUT" '^ticket [0-9]+ triage$' "request $T1's tag on request $T2's number does not"
reply "cb@beta.test" "$RT" signed4@beta.test
like "$OUT" '^ticket [0-9]+ triage$' "nor Carl's address used by another sender"
is "$(( $(get "/api/v1/tickets/$T1/messages" '.items|length') + $(get "/api/v1/tickets/$T2/messages" '.items|length') ))" "$((msgs + 1))" \
    "none of those wrote into a request"
ok "$(grep -cE 'Sanitizer|runtime error' "$T/mail-in.log")" "no sanitizer report from mail-in"

stop_server
done_testing
