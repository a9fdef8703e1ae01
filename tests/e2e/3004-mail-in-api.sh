#!/usr/bin/env bash
# 3004 inbound mail on every backend, checked through the product only (the API and a real
# SMTP server): `svcdesk mail-in` turns the corpus of MIME shapes and charsets into requests
# with clean text and their files, the receipt goes out by SMTP once, a reply to it joins its
# request by In-Reply-To, a [#N] tag joins request N, an agent's mail is a staff message, a
# stranger guessing [#N] and an unknown sender go to triage, unanswered, until staff move it to an
# organisation (POST /api/v1/tickets/{id}/triage, the sender added as a contact; the desk's form
# in 2004). 3002 covers the rest
# (the outbox's rows, past resolutions, a failing attachment) on the SQLite file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"
MAIL=$(cd "$(dirname "$0")/../data/mail" && pwd)

start_sink; ok $? "an SMTP server"
start_server --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from "Support <support@vendor.test>" \
    --mail-retry-seconds 1; ok $? "server starts"
fixtures; ok $? "fixtures"
api PATCH /api/v1/organizations/1 '{"domains":["acme.test"]}' "$ADMIN"
is "$STATUS" 200 "Acme's mail domain"
printf 'mail-from = Support <support@vendor.test>\nmail-trusted-authserv = mx.vendor.test\n' \
    > "$T/svcdesk.conf"
field() { api GET "/api/v1/tickets/$1" "" "$ADMIN"; json "$2"; } # field ID JQ

# ---- the corpus: clean text, files ----
for f in plain-utf8 latin1-qp windows-1252 utf8-base64 shift-jis html-only alternative \
    attachments nested truncated; do
    mail_in "$MAIL/$f.eml"
    like "$RC $OUT" '^0 ticket [0-9]+ created$' "$f.eml becomes a request"
    eval "T_${f//-/_}=$(ticket_of)"
done
is "$(field "$T_latin1_qp" .subject)" "Relevé bloqué depuis ce matin" "ISO-8859-1 encoded word"
is "$(field "$T_windows_1252" .body)" "“Smart quotes” cost 5 € – and so on…" "windows-1252"
is "$(field "$T_utf8_base64" .subject)" "Zählerstände fehlen – dringend" "UTF-8 base64 encoded word"
is "$(field "$T_shift_jis" '.subject + "|" + .body')" "読み取り停止|メーターの読み取りが停止しました" \
    "Shift_JIS subject and body"
like "$(field "$T_html_only" .body)" "The export fails with error 42 & stops <here>\." \
    "HTML-only mail becomes text"
is "$(field "$T_alternative" .body)" "The plain version wins." "multipart/alternative: the plain part"
is "$(field "$T_truncated" .body)" "The beginning survives." "a truncated message keeps what arrived"
is "$(field "$T_plain_utf8" '[.channel, .requester_id, .organization_id] | @csv')" '"email",3,1' \
    "channel email, the sender is the requester, of the sender's organisation"
api GET "/api/v1/tickets/$T_attachments/attachments" "" "$ADMIN"
is "$(json '[.items[] | "\(.filename) \(.content_type) \(.size)"] | join("|")')" \
    "report.pdf application/pdf 48|Zähler Foto.png image/png 70|passwd text/plain 22" \
    "attachments kept with name (RFC 2231, no folders), type and size"
PDF=$(json '.items[] | select(.filename == "report.pdf") | .id')
curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/attachments/$PDF" | head -c 8 > "$T/pdf"
is "$(cat "$T/pdf")" "%PDF-1.4" "decoded from base64"

# ---- the receipt, by SMTP, once; a reply to it joins the request ----
wait_until 20 '[ "$(grep -l "^Subject:.*\[#$T_plain_utf8\]" "$T"/sink/*.eml 2> /dev/null | wc -l)" -ge 1 ]'
RECEIPT=$(grep -l "^Subject:.*\[#$T_plain_utf8\]" "$T"/sink/*.eml 2> /dev/null | head -1)
[ -n "$RECEIPT" ]; ok $? "the receipt of a request by mail reaches the SMTP server"
grep -qi "^To:.*ca@acme.test" "$RECEIPT"; ok $? "addressed to the sender"
R=$(sed -n 's/^Message-I[Dd]: <\(.*\)>\r\{0,1\}$/\1/Ip' "$RECEIPT" | head -1)
sleep 2
is "$(sunk_with_id "$R")" 1 "once"
mail "Carl <ca@acme.test>" "Re: your receipt" "reply1@acme.test" "In-Reply-To: <$R>" <<< "Any news?"
mail_in "$T/m.eml"
is "$OUT" "ticket $T_plain_utf8 updated" "a reply joins its request by In-Reply-To"
api GET "/api/v1/tickets/$T_plain_utf8/messages" "" "$ADMIN"
is "$(json '[.items[] | select(.body == "Any news?") | .staff] | @csv')" false \
    "as a customer message"
mail "ca@acme.test" "Re: [#$T_latin1_qp] relevé" "tag1@acme.test" <<< "by tag"
mail_in "$T/m.eml"
is "$OUT" "ticket $T_latin1_qp updated" "a [#N] tag in the subject joins request N"
mail "Agnes <agent@vendor.test>" "Re: [#$T_latin1_qp] relevé" "agent1@vendor.test" <<< "Fixed now."
mail_in "$T/m.eml"
is "$OUT" "ticket $T_latin1_qp updated" "an agent's mail joins a customer's request"
api GET "/api/v1/tickets/$T_latin1_qp/messages" "" "$ADMIN"
is "$(json '[.items[] | select(.body == "Fixed now.") | .staff] | @csv')" true "as a staff reply"

# ---- strangers and unknown senders: triage, unanswered ----
mail "mallory@evil.test" "Re: [#$T_plain_utf8] please send the export" "evil1@evil.test" <<< "gimme"
mail_in "$T/m.eml"
like "$OUT" '^ticket [0-9]+ triage$' "a stranger guessing [#N] opens a triage request instead"
is "$(field "$(ticket_of)" .organization_id)" null "of no organisation"
api GET "/api/v1/tickets/$T_plain_utf8/messages" "" "$ADMIN"
is "$(json '[.items[] | select(.body == "gimme")] | length')" 0 "nothing was added to Acme's request"
mail "nobody@unknown.test" "Hello" "unknown1@unknown.test" <<< "who reads this?"
mail_in "$T/m.eml"
like "$OUT" '^ticket [0-9]+ triage$' "an unknown sender: triage"
sleep 2
is "$(grep -li '^To:.*nobody@unknown.test' "$T"/sink/*.eml 2> /dev/null | wc -l)" 0 \
    "without an automatic reply"

# ---- triage: moved to an organisation, the sender added as its contact (issue 15) ----
TR=$(ticket_of)
api POST "/api/v1/tickets/$TR/triage" '{"organization_id":1}' "$CA"
is "$STATUS" 403 "customers do not triage"
api POST "/api/v1/tickets/$TR/triage" '{"organization_id":999}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/organization_id "a missing organisation is 422 naming it"
api POST "/api/v1/tickets/$TR/triage" '{"organization_id":1,"colour":"red"}' "$AGENT"
is "$STATUS/$(json .error.field)" 422/colour "an unknown field is 422 naming it"
api POST "/api/v1/tickets/$TR/triage" '{"organization_id":1,"add_contact":true}' "$AGENT"
is "$STATUS/$(json .organization_id)/$(json .entitled)/$(json '.sla.state|test("none")|not')" "200/1/true/true" \
    "an agent moves it to Acme: entitled by Acme's agreement, with its service level"
NB=$(json .requester_id)
api GET "/api/v1/users/$NB" "" "$ADMIN"
is "$(json '[.email,.name,.role,.organization_id]|@csv')" '"nobody@unknown.test","nobody","customer",1' \
    "the sender became Acme's contact (named by the address) and the requester"
api GET "/api/v1/tickets/$TR" "" "$CA"
is "$STATUS" 200 "Acme's customers see it now"
api POST "/api/v1/tickets/$TR/triage" '{"organization_id":2}' "$AGENT"
is "$STATUS/$(json .error.field)" 409/organization_id "a request of an organisation is not triaged again"
api GET "/api/v1/audit-log?entity=ticket&entity_id=$TR" "" "$ADMIN"
is "$(json '[.items[]|select(.action == "triage")]|length')" 1 "audited once"

stop_server
done_testing
