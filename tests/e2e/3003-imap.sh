#!/usr/bin/env bash
# 3003 IMAP: a real Dovecot (Debian's, as root, recipe of notes/real-servers.md) serves a
# Maildir; `serve` with imap-url polls it: new messages become requests and replies, are
# marked \Seen and left in place, or moved to imap-move-to; a message that is not mail is
# marked seen too; a copy of a message already recorded is a duplicate. Mail arrives as our MTA
# delivers it, with its trusted Authentication-Results on top. The IMAP server goes away and
# comes back: each failed poll is logged, the server keeps answering, and the mail delivered
# meanwhile is recorded once when the mailbox is back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"
MAIL=$(cd "$(dirname "$0")/../data/mail" && pwd)

if [ "$(id -u)" != 0 ] || ! command -v dovecot > /dev/null; then
    echo "1..0 # SKIP Dovecot runs as root here (scripts/deps.sh installs dovecot-imapd)"
    exit 0
fi

# ---- Dovecot on a free port, one user, its Maildir ----
dovecot_start "$T/dovecot"; ok $? "dovecot starts"

# deliver_verified NAME FILE: deliver (mail-lib.sh), with our MTA's Authentication-Results on top
deliver_verified() {
    authres "$2" "$T/verified.eml"
    deliver "$1" "$T/verified.eml"
}

"$SVCDESK" init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" \
    $INIT_OPTS > /dev/null 2>&1
fixtures; ok $? "fixtures"
cat > "$T/svcdesk.conf" <<EOF
imap-url = imap://127.0.0.1:$IMAP_PORT/INBOX
imap-user = desk@example.test
imap-password = imap-secret-1
imap-poll-seconds = 1
mail-from = support@vendor.test
mail-trusted-authserv = mx.vendor.test
EOF

# tickets: how many requests there are; outages: how many with a subject "outage ..."
tickets() { api_count /api/v1/tickets; }
outages() { get "/api/v1/tickets?limit=1000" '[.items[]|select(.subject|startswith("outage "))]|length'; }
# attachments: the files of every request
attachments() {
    local id n=0
    for id in $(api_ids /api/v1/tickets); do
        n=$((n + $(get "/api/v1/tickets/$id/attachments" '.items|length')))
    done
    echo "$n"
}

# ---- processed mail is marked \Seen and left in place ----
deliver_verified 1001.a "$MAIL/plain-utf8.eml"
deliver 1002.b "$MAIL/headerless.txt"
printf 'From: ca@acme.test\nSubject: Re: [#1] more\nMessage-ID: <imap-reply@acme.test>\n\nsecond\n' > "$T/r.eml"
start_server --backup-dir "$T/backups" --config "$T/svcdesk.conf"; ok $? "serve polls the mailbox"
wait_until 15 '[ "$(tickets)" = 1 ]'; ok $? "a message becomes a request"
is "$(get /api/v1/tickets/1 '"\(.subject)|\(.channel)|\(.organization_id)"')" \
    "Meter readings stopped at 06:00|email|1" "with its subject, channel email, the sender's organisation"
deliver_verified 1003.c "$T/r.eml"
wait_until 15 '[ "$(get /api/v1/tickets/1/messages "[.items[]|select(.body|startswith(\"second\"))]|length")" = 1 ]'
ok $? "a reply becomes a message on the request"
wait_until 10 '[ "$(seen_in "$MBOX/cur")" = 3 ]'
ok $? "all three are marked \\Seen, the non-mail one too (it would never become mail)"
is "$(ls "$MBOX/new" | wc -l)" 0 "nothing is left unseen"
deliver 1004.d "$MAIL/plain-utf8.eml"
wait_until 10 '[ "$(seen_in "$MBOX/cur")" = 4 ]'; ok $? "a copy of a recorded message is marked seen"
is "$(tickets)" 1 "and is a duplicate"
wait_until 10 'grep -q "not a mail message; marked seen" "$T/server.log"'; ok $? "the non-mail message is logged"
{
    printf 'From: ca@acme.test\nSubject: huge\nMessage-ID: <huge@acme.test>\n\n'
    head -c $((41 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
} > "$T/huge.eml"
deliver 1005.big "$T/huge.eml"
rm -f "$T/huge.eml"
wait_until 20 '[ "$(seen_in "$MBOX/cur")" = 5 ]'; ok $? "a message over 40 MiB is marked seen unread"
# the flag is set on the server before the line reaches the log: wait for it as well
wait_until 10 'grep -q "over the size limit; marked seen" "$T/server.log"'; ok $? "with a warning"
is "$(tickets)" 1 "and recorded nowhere"
stop_server

# ---- with imap-move-to: processed mail moves to that folder (created when missing) ----
echo "imap-move-to = Processed" >> "$T/svcdesk.conf"
deliver_verified 1006.e "$MAIL/latin1-qp.eml"
deliver_verified 1007.f "$MAIL/attachments.eml"
start_server --backup-dir "$T/backups" --config "$T/svcdesk.conf"; ok $? "serve with imap-move-to"
wait_until 15 '[ "$(seen_in "$MBOX/.Processed/cur")" = 2 ]'; ok $? "both messages moved, seen"
is "$(ls "$MBOX/new" | wc -l)|$(seen_in "$MBOX/cur")" "0|5" "out of INBOX"
is "$(tickets)|$(attachments)" "3|3" \
    "they became requests, with their files"

# ---- the IMAP server goes away and comes back: nothing lost, nothing recorded twice ----
stop_dovecot
wait_until 10 'grep -q "mailbox poll failed" "$T/server.log"'; ok $? "a failed poll is logged"
failed=$(grep -c "mailbox poll failed" "$T/server.log")
for i in 1 2 3; do
    printf 'From: ca@acme.test\nSubject: outage %s\nMessage-ID: <outage%s@acme.test>\n\nwhile away\n' \
        "$i" "$i" > "$T/o.eml"
    deliver_verified "200$i.o" "$T/o.eml"
done
# failed jobs back off (2 s, 4 s, ...), so two more failures take 6 s and more under ASan
wait_until 30 '[ "$(grep -c "mailbox poll failed" "$T/server.log")" -ge $((failed + 2)) ]'
ok $? "each poll tries again and logs its failure"
api GET /healthz
is "$STATUS" 200 "the server answers while the mailbox is away"
api GET /api/v1/tickets/1 "" "$AGENT"
is "$STATUS" 200 "and serves requests"
processed=$(seen_in "$MBOX/.Processed/cur")
dovecot_again; ok $? "dovecot comes back on its port"
wait_until 20 '[ "$(outages)" = 3 ]'
ok $? "the mail delivered meanwhile becomes requests once it is back"
wait_until 10 '[ "$(seen_in "$MBOX/.Processed/cur")" = $((processed + 3)) ]'
ok $? "and is moved out of INBOX, seen"
sleep 3 # a few more polls
is "$(outages)|$(ls "$MBOX/new" "$MBOX/cur" | grep -c '200[0-9]\.o')" \
    "3|0" "each recorded once, none left behind"
on_sqlite "the Message-IDs recorded (mail_ids) have no read interface" &&
    is "$(sqlite_only_q "SELECT count(*) FROM mail_ids WHERE message_id LIKE 'outage%'")" 3 \
        "each Message-ID recorded once"
kill -0 "$SERVER_PID"; ok $? "the server never stopped"
stop_server
done_testing
