#!/usr/bin/env bash
# 3010 IMAP IDLE: with a real Dovecot that offers IDLE (RFC 2177), `serve` watches the
# mailbox and reads new mail as soon as it arrives, though imap-poll-seconds is an hour (so
# only IDLE explains it); when Dovecot goes away and comes back, the cut is logged and the
# watch starts again; with two servers on one database both watch and each message is one
# request; SIGTERM ends the watch at once. Against a Dovecot that leaves IDLE
# out of its capabilities (imap_capability), the server says once that it polls, and mail
# still arrives by polling every imap-poll-seconds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v dovecot > /dev/null; then
    echo "1..0 # SKIP Dovecot runs as root here (scripts/deps.sh installs dovecot-imapd)"
    exit 0
fi

"$SVCDESK" init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" \
    $INIT_OPTS > /dev/null 2>&1
fixtures; ok $? "fixtures"
tickets() { api_count /api/v1/tickets; }
# mail N: a message from a known customer, subject "idle N"
mail_n() {
    printf 'From: ca@acme.test\nSubject: idle %s\nMessage-ID: <idle%s@acme.test>\n\nbody %s\n' \
        "$1" "$1" "$1" > "$T/m.eml"
    deliver "m$1.eml" "$T/m.eml"
}
# conf POLL: the server's settings for the mailbox of the Dovecot started last
conf() {
    cat > "$T/svcdesk.conf" <<EOF
imap-url = imap://127.0.0.1:$IMAP_PORT/INBOX
imap-user = desk@example.test
imap-password = imap-secret-1
imap-poll-seconds = $1
mail-from = support@vendor.test
EOF
}

# ---- IDLE offered: mail is read the moment it arrives ----
dovecot_start "$T/idle"; ok $? "dovecot (with IDLE) starts"
conf 3600
start_server --backup-dir "$T/backups" --config "$T/svcdesk.conf"; ok $? "serve, polling hourly"
wait_until 15 'grep -q "mailbox watched with IMAP IDLE" "$T/server.log"'
ok $? "the server watches the mailbox with IDLE"
sleep 1 # the poll at the start is over
is "$(tickets)" 0 "no request yet"
mail_n 1
wait_until 5 '[ "$(tickets)" = 1 ]'; ok $? "mail delivered after the start is a request within seconds"
mail_n 2
wait_until 5 '[ "$(tickets)" = 2 ]'; ok $? "and the next one too (IDLE issued again)"
wait_until 5 '[ "$(seen_in "$MBOX/cur")" = 2 ]'; ok $? "both marked \\Seen, as a poll does"
grep -q "no IMAP IDLE" "$T/server.log"; ok $((!$?)) "nothing says it polls instead"

# ---- the IMAP server goes away: logged (within 30 s: on a loaded machine dovecot's shutdown
#      and the watch's read of the closed connection take time), and IDLE again once back ----
stop_dovecot
wait_until 30 'grep -q "no IMAP IDLE; the mailbox is polled" "$T/server.log"'
ok $? "the cut watch is logged"
dovecot_again; ok $? "dovecot comes back on its port"
wait_until 40 '[ "$(grep -c "mailbox watched with IMAP IDLE" "$T/server.log")" = 2 ]'
ok $? "the server watches again (tried after 10 s, 20 s, ...)"
grep "no IMAP IDLE" "$T/server.log" | head -1 | grep -q "closed the connection\|BYE"
ok $? "with the reason"
sleep 1
mail_n 4
wait_until 5 '[ "$(tickets)" = 3 ]'; ok $? "mail is read at once again"

# ---- two servers on one database: both watch, the poll's lease lets one read ----
"$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 --config "$T/svcdesk.conf" \
    --backup-dir "$T/backups" > "$T/second.out" 2>> "$T/second.log" &
EXTRA_PIDS+=($!)
wait_until 15 'grep -q "mailbox watched with IMAP IDLE" "$T/second.log"'
ok $? "a second server watches the mailbox too"
sleep 1
for i in 6 7 8; do mail_n $i; done
wait_until 5 '[ "$(tickets)" = 6 ]'; ok $? "mail is read at once"
sleep 2
is "$(tickets)|$(ls "$MBOX/new" | wc -l)" "6|0" "each message one request, none left unseen"
kill -TERM "${EXTRA_PIDS[-1]}"; wait "${EXTRA_PIDS[-1]}"; is "$?" 0 "the second server stops cleanly"
unset 'EXTRA_PIDS[-1]'
started=$(date +%s%N)
stop_server
ms=$((($(date +%s%N) - started) / 1000000))
[ "$ms" -lt 3000 ]; ok $? "SIGTERM ends the IDLE wait at once (${ms} ms)"
stop_dovecot

# ---- IDLE not offered: the server says so once and polls ----
dovecot_start "$T/noidle" "imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE SORT UIDPLUS MOVE"
ok $? "dovecot without IDLE starts"
conf 1
mv "$T/server.log" "$T/server-idle.log"
start_server --backup-dir "$T/backups" --config "$T/svcdesk.conf"; ok $? "serve, polling every second"
wait_until 15 'grep -q "no IMAP IDLE; the mailbox is polled" "$T/server.log"'
ok $? "the server logs that it polls"
like "$(grep "no IMAP IDLE" "$T/server.log" | tail -1)" 'poll_seconds=1 .*does not offer IDLE' \
    "with the poll interval and the reason"
mail_n 5
wait_until 10 '[ "$(tickets)" = 7 ]'; ok $? "mail still becomes a request, by polling"
wait_until 5 '[ "$(seen_in "$MBOX/cur")" = 1 ]'; ok $? "and is marked \\Seen"
is "$(grep -c "no IMAP IDLE" "$T/server.log")" 1 "said once"
kill -0 "$SERVER_PID"; ok $? "the server keeps running"
stop_server
stop_dovecot
done_testing
