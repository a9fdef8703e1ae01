#!/usr/bin/env bash
# 3002 inbound mail: `svcdesk mail-in < message` on a corpus of MIME shapes and charsets,
# malformed and truncated input (a clean error or a best-effort request, never a crash or a
# half-written request), threading by In-Reply-To and by [#N], a stranger guessing [#N],
# unknown senders (triage or reject), duplicates, closed and resolved requests, automatic mail
# and the per-sender rate limit (no automatic reply), the size limit. Mail is verified as our MTA
# would vouch for it (a trusted Authentication-Results on top) unless a test says otherwise; then
# who sent it: forged staff and customer senders, untrusted or misplaced Authentication-Results,
# DKIM for another domain all go to triage, unanswered, marked sender_verified false (API, desk).
# sqlite-only: what mail-in stores is read from the file with sql (mail-lib.sh): the outbox's
# receipts and refusals and the recorded Message-IDs have no read interface, a trigger in the
# file makes an attachment fail mid-transaction, and requests are closed or resolved in the past
# behind the server's back; the reads of requests, messages and files could move to the API
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"
require_sqlite "the outbox, mail_ids, a trigger and past resolutions are read and written in the file"
MAIL=$(cd "$(dirname "$0")/../data/mail" && pwd)

"$SVCDESK" init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" \
    $INIT_OPTS > /dev/null 2>&1; ok $? "init"
fixtures; ok $? "fixtures"
sql "UPDATE organizations SET domains = '[\"acme.test\"]' WHERE id = 1"
printf 'mail-from = Support <support@vendor.test>\nmail-trusted-authserv = mx.vendor.test\n' \
    > "$T/svcdesk.conf"

receipts_to() { sql "SELECT count(*) FROM outbox WHERE kind = 'received' AND recipients LIKE '%\"$1\"%'"; }

# ---- the corpus: every shape becomes a request with clean text ----
for f in plain-utf8 latin1-qp windows-1252 utf8-base64 shift-jis iso-2022-jp html-only \
    alternative attachments nested no-charset-utf8 no-charset-latin1 unknown-charset \
    raw-8bit-header bad-boundary truncated binary-junk; do
    mail_in "$MAIL/$f.eml"
    like "$RC $OUT" '^0 ticket [0-9]+ created$' "$f.eml becomes a request"
    eval "T_${f//-/_}=$(ticket_of)"
done
subject() { sql "SELECT subject FROM tickets WHERE id = $1"; }
body() { sql "SELECT body FROM tickets WHERE id = $1"; }
is "$(subject "$T_latin1_qp")" "Relevé bloqué depuis ce matin" "ISO-8859-1 encoded word"
like "$(body "$T_latin1_qp")" "déjà redémarré" "ISO-8859-1 quoted-printable body"
is "$(body "$T_windows_1252")" "“Smart quotes” cost 5 € – and so on…" "windows-1252"
is "$(subject "$T_utf8_base64")" "Zählerstände fehlen – dringend" "UTF-8 base64 encoded word"
like "$(body "$T_utf8_base64")" "Grüße aus Köln" "base64 body"
is "$(subject "$T_shift_jis")|$(body "$T_shift_jis")" "読み取り停止|メーターの読み取りが停止しました" \
    "Shift_JIS subject and body"
is "$(body "$T_iso_2022_jp")" "会議の件です" "ISO-2022-JP"
is "$(body "$T_raw_8bit_header" | head -c 0)$(subject "$T_raw_8bit_header")" "Zähler kaputt" \
    "raw 8-bit header"
is "$(body "$T_no_charset_latin1")" "Undeclared Latin-1: naïve café" "undeclared Latin-1"
html=$(body "$T_html_only")
like "$html" "The export fails with error 42 & stops <here>\." "HTML-only mail becomes text"
like "$html" "See the status page <https://status.example.test/incident/7>" "links kept as text"
ok "$(grep -cE 'LEAK|<p>|<script|color: red' <<< "$html")" "no markup, scripts, styles or comments"
is "$(body "$T_alternative")" "The plain version wins." "multipart/alternative: the plain part"
is "$(sql "SELECT group_concat(filename || ' ' || content_type || ' ' || size, '|') FROM attachments WHERE ticket_id = $T_attachments")" \
    "report.pdf application/pdf 48|Zähler Foto.png image/png 70|passwd text/plain 22" \
    "attachments kept with name (RFC 2231, no folders), type and size"
is "$(sql "SELECT hex(substr(data, 1, 8)) FROM attachments WHERE filename = 'report.pdf'")" \
    "255044462D312E34" "decoded from base64"
is "$(body "$T_nested")" "Nested plain text with a soft break and é." "nested multiparts"
is "$(sql "SELECT group_concat(filename, '|') FROM attachments WHERE ticket_id = $T_nested")" \
    "attachment-1.png|Original alarm.eml|meters.csv" "inline image, forwarded message, CSV"
is "$(body "$T_truncated")" "The beginning survives." "a truncated message keeps what arrived"
is "$(sql "SELECT channel || ' ' || requester_id || ' ' || organization_id FROM tickets WHERE id = $T_plain_utf8")" \
    "email 3 1" "channel email, the sender is the requester, of the sender's organisation"
is "$(receipts_to ca@acme.test)" 5 "receipts: the first 5 mails an hour from one sender (rate limit)"

# ---- refused input: a clean error, nothing stored ----
before=$(sql "SELECT count(*) FROM tickets")
mail_in_raw "$MAIL/headerless.txt"
is "$RC|$(wc -l <<< "$ERR")" "2|1" "headerless input exits 2 with one line"
like "$ERR" "no header" "saying what is wrong"
mail_in_raw "$MAIL/empty.txt"
is "$RC|$ERR" "2|svcdesk mail-in: the message is empty" "empty input exits 2"
head -c $((41 * 1024 * 1024)) /dev/zero | tr '\0' 'x' | sed '1s/^/Subject: big\n\n/' > "$T/big.eml"
mail_in_raw "$T/big.eml"
is "$RC|$ERR" "2|svcdesk mail-in: the message is larger than 40 MiB" "over MAX_MAIL_SIZE exits 2"
is "$(sql "SELECT count(*) FROM tickets")" "$before" "none of them stored anything"

# ---- all or nothing: a failure while storing an attachment leaves nothing behind ----
sql "CREATE TRIGGER boom BEFORE INSERT ON attachments WHEN NEW.filename = 'boom.txt'
     BEGIN SELECT RAISE(ABORT, 'disk full'); END"
{
    printf 'From: ca@acme.test\nSubject: two files\nMessage-ID: <atomic@acme.test>\n'
    printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n--b\n'
    printf 'Content-Disposition: attachment; filename=ok.txt\n\nfine\n--b\n'
    printf 'Content-Disposition: attachment; filename=boom.txt\n\nfails\n--b--\n'
} > "$T/atomic.eml"
outbox_before=$(sql "SELECT count(*) FROM outbox")
mail_in "$T/atomic.eml"
is "$RC" 1 "a database failure exits 1"
is "$(sql "SELECT count(*) FROM tickets")|$(sql "SELECT count(*) FROM attachments WHERE filename = 'ok.txt'")|$(sql "SELECT count(*) FROM mail_ids WHERE message_id = 'atomic@acme.test'")|$(sql "SELECT count(*) FROM outbox")" \
    "$before|0|0|$outbox_before" "no request, file, Message-ID or notice half-written"
sql "DROP TRIGGER boom"
mail_in "$T/atomic.eml"
like "$RC $OUT" '^0 ticket [0-9]+ created$' "the same mail again (the MTA retries) is recorded whole"

# ---- duplicates ----
mail_in "$MAIL/plain-utf8.eml"
is "$OUT" "ticket $T_plain_utf8 duplicate" "a Message-ID seen before is ignored"
mail_in "$MAIL/no-message-id.eml"; first=$(ticket_of)
mail_in "$MAIL/no-message-id.eml"
is "$OUT" "ticket $first duplicate" "a message without Message-ID: the same bytes are a duplicate"

# ---- a subject is cleaned, never refused: no CR/LF, control characters or bidi overrides ----
mail "ca@acme.test" "=?utf-8?q?Invoice=E2=80=AEfdp.exe=07_now?=" "clean1@acme.test" <<< "see subject"
mail_in "$T/m.eml"
id=$(ticket_of)
is "$(sql "SELECT subject FROM tickets WHERE id = ${id:-0}")" "Invoicefdp.exe now" \
    "a subject's bidi override and control character are cleaned away"
mail "ca@acme.test" "=?utf-8?q?=E2=80=AE=0D=0A_?=" "clean2@acme.test" <<< "blank subject"
mail_in "$T/m.eml"
id=$(ticket_of)
is "$(sql "SELECT subject FROM tickets WHERE id = ${id:-0}")" "(no subject)" \
    "a subject with nothing visible reads (no subject)"

# ---- threading ----
R=$(sql "SELECT message_id FROM outbox WHERE ticket_id = $T_plain_utf8 AND kind = 'received'")
mail "Carl <ca@acme.test>" "Re: your receipt" "reply1@acme.test" "In-Reply-To: <$R@vendor.test>" \
    "References: <plain-utf8@acme.test> <$R@vendor.test>" <<< "Any news?

> We have received your request"
mail_in "$T/m.eml"
is "$OUT" "ticket $T_plain_utf8 updated" "a reply joins its request by In-Reply-To"
is "$(sql "SELECT body || '|' || mail_id || '|' || staff FROM messages WHERE mail_id = 'reply1@acme.test'")" \
    "Any news?

> We have received your request|reply1@acme.test|0" "as a customer message with its Message-ID, quoted text kept"
mail "ca@acme.test" "Re: [#$T_latin1_qp] relevé" "tag1@acme.test" <<< "by tag"
mail_in "$T/m.eml"
is "$OUT" "ticket $T_latin1_qp updated" "a [#N] tag in the subject joins request N"
mail "Agnes <agent@vendor.test>" "Re: [#$T_latin1_qp] relevé" "agent1@vendor.test" <<< "Fixed now."
mail_in "$T/m.eml"
is "$OUT" "ticket $T_latin1_qp updated" "an agent's mail joins a customer's request"
is "$(sql "SELECT staff FROM messages WHERE mail_id = 'agent1@vendor.test'")|$(sql "SELECT recipients FROM outbox WHERE ticket_id = $T_latin1_qp AND kind = 'reply'")" \
    '1|["ca@acme.test"]' "as a staff reply, sent on to the customer"
mail "colleague@acme.test" "Re: [#$T_latin1_qp] relevé" "colleague1@acme.test" <<< "me too"
mail_in "$T/m.eml"
is "$OUT" "ticket $T_latin1_qp updated" "a contact of the organisation by mail domain joins"

# ---- strangers cannot write into a customer's request ----
msgs=$(sql "SELECT count(*) FROM messages WHERE ticket_id = $T_plain_utf8")
mail "mallory@evil.test" "Re: [#$T_plain_utf8] please send the export" "evil1@evil.test" <<< "gimme"
mail_in "$T/m.eml"
like "$OUT" '^ticket [0-9]+ triage$' "a stranger guessing [#N] opens a triage request instead"
is "$(sql "SELECT coalesce(organization_id, 'none') FROM tickets WHERE id = $(ticket_of)")" none \
    "of no organisation"
mail "cb@beta.test" "Re: [#$T_plain_utf8] hi" "beta1@beta.test" In-Reply-To:\ \<"$R"@vendor.test\> <<< "hi"
mail_in "$T/m.eml"
like "$OUT" '^ticket [0-9]+ created$' "another customer's contact, even replying to its notice, opens a new request"
is "$(sql "SELECT organization_id FROM tickets WHERE id = $(ticket_of)")" 2 "for its own organisation"
is "$(sql "SELECT count(*) FROM messages WHERE ticket_id = $T_plain_utf8")" "$msgs" \
    "nothing was added to Acme's request"

# ---- unknown senders: triage (default) or reject ----
mail "nobody@unknown.test" "Hello" "unknown1@unknown.test" <<< "who reads this?"
mail_in "$T/m.eml"
like "$OUT" '^ticket [0-9]+ triage$' "an unknown sender: triage"
TRI=$(ticket_of)
is "$(sql "SELECT count(*) FROM outbox WHERE recipients LIKE '%nobody@unknown.test%'")" 0 \
    "without an automatic reply"
mail "nobody@unknown.test" "Re: Hello" "unknown2@unknown.test" "In-Reply-To: <unknown1@unknown.test>" <<< "again"
mail_in "$T/m.eml"
is "$OUT" "ticket $TRI updated" "its own follow-up joins its triage request"
mail "spam@unknown.test" "Buy now" "spam1@unknown.test" <<< "offer"
mail_in "$T/m.eml" --unknown-senders reject
is "$RC|$OUT" "0|rejected" "with unknown-senders = reject: rejected, exit 0"
is "$(sql "SELECT kind || ' ' || recipients || ' ' || in_reply_to || ' ' || coalesce(ticket_id, 'none') FROM outbox WHERE kind = 'rejected'")" \
    'rejected ["spam@unknown.test"] spam1@unknown.test none' "a polite reply is queued, attached to no request"
is "$(sql "SELECT count(*) FROM tickets WHERE subject = 'Buy now'")" 0 "and nothing else recorded"
mail "MAILER-DAEMON@mx.unknown.test" "Undelivered" "bounce1@unknown.test" "Return-Path: <>" <<< "bounce"
mail_in "$T/m.eml" --unknown-senders reject
is "$OUT|$(sql "SELECT count(*) FROM outbox WHERE kind = 'rejected'")" "rejected|1" "a bounce is not answered"
mail "newcomer@acme.test" "Domain contact" "domain1@acme.test" <<< "first mail"
mail_in "$T/m.eml" --unknown-senders reject
like "$OUT" '^ticket [0-9]+ created$' "an address of an organisation's mail domain is no stranger"
is "$(sql "SELECT organization_id FROM tickets WHERE id = $(ticket_of)")|$(receipts_to newcomer@acme.test)" \
    "1|1" "its request is the organisation's and its receipt goes to the sender"

# ---- closed and resolved requests ----
sql "UPDATE tickets SET status = 'closed' WHERE id = $T_windows_1252"
mail "ca@acme.test" "Re: [#$T_windows_1252] Invoice question" "closed1@acme.test" <<< "one more thing"
mail_in "$T/m.eml"
like "$OUT" '^ticket [0-9]+ created$' "a reply to a closed request opens a new one"
[ "$(ticket_of)" != "$T_windows_1252" ]; ok $? "(not the closed one)"
sql "UPDATE tickets SET status = 'resolved', resolved_at = strftime('%s', 'now') - 86400 WHERE id = $T_utf8_base64"
mail "ca@acme.test" "Re: [#$T_utf8_base64] fehlt" "resolved1@acme.test" <<< "still broken"
mail_in "$T/m.eml"
is "$OUT|$(sql "SELECT status FROM tickets WHERE id = $T_utf8_base64")" "ticket $T_utf8_base64 updated|in_progress" \
    "a reply to a request resolved inside the window reopens it"
sql "UPDATE tickets SET status = 'resolved', resolved_at = strftime('%s', 'now') - 20 * 86400 WHERE id = $T_shift_jis"
mail "ca@acme.test" "Re: [#$T_shift_jis] x" "resolved2@acme.test" <<< "later"
mail_in "$T/m.eml"
like "$OUT" '^ticket [0-9]+ created$' "after the window it opens a new one"

# ---- loop protection: recorded, never answered automatically ----
n=0
for h in "Auto-Submitted: auto-replied" "Precedence: bulk" "Return-Path: <>" "List-Id: <l.acme.test>"; do
    n=$((n + 1))
    mail "robot$n@acme.test" "Out of office" "auto$n@acme.test" "$h" <<< "I am away"
    mail_in "$T/m.eml"
    like "$OUT" '^ticket [0-9]+ created$' "'$h': recorded"
    is "$(receipts_to "robot$n@acme.test")" 0 "'$h': no receipt"
done
mail "support@vendor.test" "Our own address" "self1@vendor.test" <<< "loop?"
mail_in "$T/m.eml"
is "$(sql "SELECT count(*) FROM outbox WHERE recipients LIKE '%support@vendor.test%'")" 0 \
    "mail from the desk's own address is never answered"
for i in 1 2 3 4 5 6 7; do
    mail "flood@acme.test" "Flood $i" "flood$i@acme.test" <<< "mail $i"
    mail_in "$T/m.eml"
done
is "$(sql "SELECT count(*) FROM tickets WHERE subject LIKE 'Flood %'")|$(receipts_to flood@acme.test)" \
    "7|5" "rate limit: all 7 mails recorded, only the first 5 in an hour answered"

# ---- a body longer than a request holds ----
{
    printf 'From: ca@acme.test\nSubject: long log\nMessage-ID: <long@acme.test>\n\n'
    head -c 300000 /dev/zero | tr '\0' 'L'
    printf '\nTHE END\n'
} > "$T/long.eml"
mail_in "$T/long.eml"
L=$(ticket_of)
is "$(sql "SELECT length(body) < 270000 FROM tickets WHERE id = $L")|$(sql "SELECT filename || ' ' || size FROM attachments WHERE ticket_id = $L")" \
    "1|message.txt 300008" "a text over 256 KiB: the request shows its start, the whole is attached"

# ---- who sent it: a From address is only a claim ----
outbox_n=$(sql "SELECT count(*) FROM outbox")
msgs=$(sql "SELECT count(*) FROM messages WHERE ticket_id = $T_plain_utf8")
mail "Agnes Agent <agent@vendor.test>" "Re: [#$T_plain_utf8] Meter readings" "forged-staff@evil.test" \
    <<< "Please send us the admin password."
mail_in_raw "$T/m.eml"
like "$OUT" '^ticket [0-9]+ triage$' "a forged staff reply (agent's From, [#N], nothing vouching) goes to triage"
F1=$(ticket_of)
is "$(sql "SELECT count(*) FROM messages WHERE ticket_id = $T_plain_utf8")" "$msgs" \
    "it is no staff reply on request N"
is "$(sql "SELECT coalesce(handling_initiated_at, 'none') FROM tickets WHERE id = $T_plain_utf8")" none \
    "and meets no response target"
is "$(sql "SELECT count(*) FROM outbox")" "$outbox_n" "nobody is mailed"
is "$(sql "SELECT coalesce(organization_id, 'none') || ' ' || coalesce(requester_id, 'none') || ' ' || sender_address || ' ' || sender_verified FROM tickets WHERE id = $F1")" \
    "none none agent@vendor.test 0" "a request of no organisation nor account, the claimed address kept, unverified"
mail "Carl Acme <ca@acme.test>" "Re: [#$T_plain_utf8] new bank account" "forged-customer@evil.test" <<< "pay here"
mail_in_raw "$T/m.eml"
like "$OUT" '^ticket [0-9]+ triage$' "a forged customer's reply goes to triage"
mail "boss@acme.test" "Urgent: new bank account" "forged-domain@evil.test" <<< "pay here"
mail_in_raw "$T/m.eml"
like "$OUT" '^ticket [0-9]+ triage$' "a new address on the customer's domain, unverified, opens no request of Acme's"
is "$(sql "SELECT coalesce(organization_id, 'none') FROM tickets WHERE id = $(ticket_of)")" none "(triage)"
mail "ca@acme.test" "Re: [#$T_plain_utf8] x" "untrusted-ar@evil.test" <<< "x"
authres "$T/m.eml" "$T/v.eml" mx.evil.test
mail_in_raw "$T/v.eml"
like "$OUT" '^ticket [0-9]+ triage$' "an Authentication-Results from an untrusted authserv-id is ignored"
authres "$T/m.eml" "$T/v.eml" mx.vendor.test evil.test
sed -i 's/untrusted-ar@/other-domain@/' "$T/v.eml"
mail_in_raw "$T/v.eml"
like "$OUT" '^ticket [0-9]+ triage$' "a dkim=pass for another domain is ignored"
mail "agent@vendor.test" "Re: [#$T_plain_utf8] x" "forged-below@evil.test" \
    "Authentication-Results: mx.vendor.test; dkim=pass header.d=vendor.test" <<< "x"
{ printf 'Authentication-Results: mx.vendor.test; dkim=none\nReceived: from evil.test by mx.vendor.test\n'; cat "$T/m.eml"; } > "$T/v.eml"
mail_in_raw "$T/v.eml"
like "$OUT" '^ticket [0-9]+ triage$' "a forged field with our authserv-id below our MTA's own is not read"
mail "ca@acme.test" "Re: [#$T_plain_utf8] x" "no-trust-set@acme.test" <<< "x"
authres "$T/m.eml" "$T/v.eml"
mail_in_raw "$T/v.eml" --mail-trusted-authserv ""
like "$OUT" '^ticket [0-9]+ triage$' "without mail-trusted-authserv no Authentication-Results is trusted"
is "$(sql "SELECT count(*) FROM messages WHERE ticket_id = $T_plain_utf8")|$(sql "SELECT count(*) FROM outbox")" \
    "$msgs|$outbox_n" "none of them wrote into request N or mailed anyone"
mail "Agnes Agent <agent@vendor.test>" "Re: [#$T_plain_utf8] Meter readings" "real-staff@vendor.test" <<< "Fixed."
mail_in "$T/m.eml"
is "$OUT|$(sql "SELECT staff FROM messages WHERE mail_id = 'real-staff@vendor.test'")" "ticket $T_plain_utf8 updated|1" \
    "the same reply, vouched for by our MTA, is a staff reply"
mail "Agnes Agent <agent@vendor.test>" "Re: more" "forged-staff-2@evil.test" "In-Reply-To: <forged-staff@evil.test>" <<< "again"
mail_in_raw "$T/m.eml"
is "$OUT|$(sql "SELECT count(*) FROM outbox")" "ticket $F1 updated|$((outbox_n + 1))" \
    "the claimed address's follow-up joins its own triage request (only the staff reply above mailed)"
refusals=$(sql "SELECT count(*) FROM outbox WHERE kind = 'rejected'")
mail "spam2@unknown.test" "Buy now" "spam2@unknown.test" <<< "offer"
mail_in_raw "$T/m.eml" --unknown-senders reject
is "$OUT|$(sql "SELECT count(*) FROM outbox WHERE kind = 'rejected'")" "rejected|$refusals" \
    "an unverified unknown sender is rejected without a refusal (no backscatter)"

# ---- the flag in the API and the desk ----
start_server --backup-dir "$T/backups"; ok $? "a server on this database"
api GET "/api/v1/tickets/$F1" "" "$AGENT"
is "$(json '[.sender_verified, .sender_address, .organization_id] | @csv')" 'false,"agent@vendor.test",' \
    "the API shows the triage request's sender as unverified, with the claimed address"
api GET "/api/v1/tickets/$T_plain_utf8" "" "$AGENT"
is "$(json '[.sender_verified, .sender_address] | @csv')" 'true,"ca@acme.test"' "a verified one as verified"
api POST /api/v1/tickets '{"subject":"by API"}' "$CA"
is "$(json '[.sender_verified, .sender_address] | @csv')" ',' "null for a request not opened by mail"
passwords 2
sign_in agent agent@vendor.test
page agent GET "/desk/tickets/$F1"
has "Unverified sender: this mail claims to come from <strong>agent@vendor.test</strong>"; ok $? "the desk warns"
page agent GET "/desk/?status=new"
has "unverified sender"; ok $? "and marks it in the queue"
stop_server

ok "$(grep -cE 'Sanitizer|runtime error' "$T/mail-in.log")" "no sanitizer report from any mail-in run"
done_testing
