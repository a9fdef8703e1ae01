#!/usr/bin/env bash
# 2005 more of the desk's pages over real HTTP with curl: an agreement's time entries, expenses
# (an actual amount in decimal stored in minor units, per diem days at the agreement's rate) and
# invoices (issued for a period, linked to the API's HTML and PDF; an overlapping period is 409 on
# the page); a booking rescheduled with its cost (an expense of the booking); the admin's
# organisations (list, create with mail domains, 409 for a taken name or domain); hostile text only
# escaped; every form's POST without its token is 403 and changes nothing. Messages in Markdown
# (issue 15): rendered in the desk and the portal, line breaks kept, typed HTML shown as text.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3, 4"
ok $? "passwords"

sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in"
sign_in admin "$ADMIN_EMAIL"; is "$STATUS" 303 "the admin signs in"

# ---- an enhanced agreement at 100.00 EUR an hour, 250.50 a day of travel ---------------------------
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","hours":100,"rate":10000,"per_diem_rate":25050}' "$AGENT"
is "$STATUS" 201 "an enhanced agreement"; AGR=$(jq -r .id "$T/body")
page agent GET "/desk/agreements/$AGR"; TOKEN=$(csrf)
is "$STATUS" 200 "its page"
for f in time expenses invoices; do
    has "action=\"/desk/agreements/$AGR/$f\""; ok $? "the page has the $f form"
done
has 'No time recorded.'; ok $? "no time yet"
has '250.50 EUR a day'; ok $? "the per-diem form shows the rate"

# ---- time ------------------------------------------------------------------------------------------
page agent POST "/desk/agreements/$AGR/time" -d minutes=90 -d kind=billable -d on=2026-11-10 -d note=x
is "$STATUS" 403 "time without the token: 403"
is "$(api_count "/api/v1/agreements/$AGR/time-entries")" 0 "and none recorded"
page agent POST "/desk/agreements/$AGR/time" --data-urlencode "csrf=$TOKEN" -d minutes=0 -d kind=billable
is "$STATUS" 422 "0 minutes: 422"
page agent POST "/desk/agreements/$AGR/time" --data-urlencode "csrf=$TOKEN" -d minutes=30 -d kind=bogus
is "$STATUS" 422 "an unknown kind: 422"
page agent POST "/desk/agreements/$AGR/time" --data-urlencode "csrf=$TOKEN" -d minutes=30 \
    -d kind=billable -d on=2026-13-01
is "$STATUS" 422 "a date that is not one: 422"
page agent POST "/desk/agreements/$AGR/time" --data-urlencode "csrf=$TOKEN" -d minutes=90 \
    -d kind=billable -d on=2026-11-10 --data-urlencode "note=<script>alert(1)</script> upgrade"
is "$STATUS $(header Location)" "303 /desk/agreements/$AGR" "time recorded: 303"
is "$(get "/api/v1/agreements/$AGR/time-entries" '.items[]|"\(.agreement_id) \(.minutes) \(.kind) \(.on) \(.user_id) \(.note)"')" \
    "$AGR 90 billable 2026-11-10 2 <script>alert(1)</script> upgrade" "stored against the agreement, by the agent"
page agent GET "/desk/agreements/$AGR"
has '&lt;script&gt;alert(1)&lt;/script&gt; upgrade'; ok $? "the note shows escaped"
has '<script>alert'; ok $((! $?)) "never as markup"
has '>1:30<'; ok $? "the time as h:mm"

# ---- expenses --------------------------------------------------------------------------------------
page agent POST "/desk/agreements/$AGR/expenses" -d kind=actual -d amount=123.45 -d note=train
is "$STATUS" 403 "an expense without the token: 403"
is "$(api_count "/api/v1/agreements/$AGR/expenses")" 0 "and none recorded"
page agent POST "/desk/agreements/$AGR/expenses" --data-urlencode "csrf=$TOKEN" -d kind=actual \
    -d amount=12.345 -d note=train
is "$STATUS" 422 "three decimals of EUR: 422"
has 'at most 2 decimals'; ok $? "saying why"
page agent POST "/desk/agreements/$AGR/expenses" --data-urlencode "csrf=$TOKEN" -d kind=actual \
    -d amount=1,500 -d note=train
is "$STATUS" 422 "1,500 (fifteen hundred, or one and a half?): 422"
page agent POST "/desk/agreements/$AGR/expenses" --data-urlencode "csrf=$TOKEN" -d kind=actual \
    -d amount=12 -d note=
is "$STATUS" 422 "an expense without a note: 422"
page agent POST "/desk/agreements/$AGR/expenses" --data-urlencode "csrf=$TOKEN" -d kind=per_diem \
    -d days=0 -d note=visit
is "$STATUS" 422 "per diem without days: 422"
is "$(api_count "/api/v1/agreements/$AGR/expenses")" 0 "none recorded by the refusals"
page agent POST "/desk/agreements/$AGR/expenses" --data-urlencode "csrf=$TOKEN" -d kind=actual \
    --data-urlencode "amount=1.123,45" --data-urlencode "note=<b>train</b> ticket" -d on=2026-11-11
is "$STATUS $(header Location)" "303 /desk/agreements/$AGR" "an actual expense: 303"
page agent POST "/desk/agreements/$AGR/expenses" --data-urlencode "csrf=$TOKEN" -d kind=per_diem \
    -d days=2 -d note=on-site -d on=2026-11-12
is "$STATUS" 303 "a per diem: 303"
is "$(get "/api/v1/agreements/$AGR/expenses" '[.items|sort_by(.id)[]|"\(.kind) \(.amount) \(.days // "-") \(.on) \(.note)"]|join("|")')" \
    "actual 112345 - 2026-11-11 <b>train</b> ticket|per_diem 50100 2 2026-11-12 on-site" \
    "stored in minor units (typed with a decimal comma: 1.123,45); per diem as days x the rate"
page agent GET "/desk/agreements/$AGR"
has '123.45 EUR'; ok $? "the page lists the amount"
has '&lt;b&gt;train&lt;/b&gt; ticket'; ok $? "and the note escaped"

# ---- a booking rescheduled with its cost -----------------------------------------------------------
page agent POST "/desk/agreements/$AGR/bookings" --data-urlencode "csrf=$TOKEN" -d user_id=2 \
    -d starts_on=2026-12-01 -d ends_on=2026-12-03
is "$STATUS" 303 "a booking"
BK=$(get "/api/v1/agreements/$AGR/bookings" '.items[].id')
page agent GET "/desk/agreements/$AGR"
has "action=\"/desk/agreements/$AGR/bookings/$BK/reschedule\""; ok $? "with a reschedule form"
page agent POST "/desk/agreements/$AGR/bookings/$BK/reschedule" -d starts_on=2026-12-08 \
    -d ends_on=2026-12-10 -d cost=40 -d cost_note=rebooked
is "$STATUS" 403 "reschedule without the token: 403"
is "$(get "/api/v1/agreements/$AGR/bookings" ".items[]|select(.id == $BK)|\"\\(.starts_on) \\(.ends_on)\"")" "2026-12-01 2026-12-03" \
    "and the booking unchanged"
page agent POST "/desk/agreements/$AGR/bookings/$BK/reschedule" --data-urlencode "csrf=$TOKEN" \
    -d starts_on=2026-12-08 -d ends_on=2026-12-05
is "$STATUS" 422 "ending before it starts: 422"
page agent POST "/desk/agreements/$AGR/bookings/$BK/reschedule" --data-urlencode "csrf=$TOKEN" \
    -d starts_on=2026-12-08 -d ends_on=2026-12-10 -d cost=40
is "$STATUS" 422 "a cost without a note: 422"
page agent POST "/desk/agreements/$AGR/bookings/999/reschedule" --data-urlencode "csrf=$TOKEN" \
    -d starts_on=2026-12-08 -d ends_on=2026-12-10
is "$STATUS" 404 "a missing booking: 404"
page agent POST "/desk/agreements/$AGR/bookings/$BK/reschedule" --data-urlencode "csrf=$TOKEN" \
    -d starts_on=2026-12-08 -d ends_on=2026-12-10 -d cost=40.00 -d cost_note=rebooked
is "$STATUS $(header Location)" "303 /desk/agreements/$AGR" "rescheduled: 303"
is "$(get "/api/v1/agreements/$AGR/bookings" ".items[]|select(.id == $BK)|\"\\(.starts_on) \\(.ends_on)\"")" "2026-12-08 2026-12-10" \
    "the booking moved"
is "$(get "/api/v1/agreements/$AGR/expenses" ".items[]|select(.booking_id == $BK)|\"\\(.kind) \\(.amount) \\(.note)\"")" \
    "actual 4000 rebooked" "its cost an expense of the booking"
page agent POST "/desk/agreements/$AGR/bookings/$BK/reschedule" --data-urlencode "csrf=$TOKEN" \
    -d starts_on=2026-12-15 -d ends_on=2026-12-16
is "$STATUS" 303 "rescheduled again without a cost: 303"
is "$(get "/api/v1/agreements/$AGR/expenses" "[.items[]|select(.booking_id == $BK)]|length")" 1 "no expense added"

# ---- invoices --------------------------------------------------------------------------------------
page agent POST "/desk/agreements/$AGR/invoices" -d period_start=2026-11-01 -d period_end=2026-12-31
is "$STATUS" 403 "an invoice without the token: 403"
is "$(api_count /api/v1/invoices)" 0 "and none issued"
page agent POST "/desk/agreements/$AGR/invoices" --data-urlencode "csrf=$TOKEN" \
    -d period_start=2026-11-01 -d period_end=2026-12-31
is "$STATUS" 409 "an unsigned agreement: 409 on the page"
has 'class="alert"'; ok $? "with the store's message"
accept "$AGR" "$CA" # the customer's signature: the vendor's makes it signed
page agent POST "/desk/agreements/$AGR/sign" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 303 "signed"
page agent POST "/desk/agreements/$AGR/invoices" --data-urlencode "csrf=$TOKEN" \
    -d period_start=2026-12-31 -d period_end=2026-11-01
is "$STATUS" 422 "a reversed period: 422"
page agent POST "/desk/agreements/$AGR/invoices" --data-urlencode "csrf=$TOKEN" \
    -d period_start=2026-11-01 -d period_end=2026-12-31
is "$STATUS $(header Location)" "303 /desk/agreements/$AGR" "invoiced: 303"
INV=$(get /api/v1/invoices '.items[].id')
# 1.5 h x 100.00 + 1,123.45 + 2 x 250.50 + 40.00
is "$(get "/api/v1/invoices/$INV" '"\(.agreement_id) \(.period_start) \(.period_end) \(.total)"')" \
    "$AGR 2026-11-01 2026-12-31 181445" "stored: time, expenses and the rescheduling cost"
is "$(get "/api/v1/agreements/$AGR/time-entries" "[.items[]|select(.invoice_id == $INV)]|length") $(get "/api/v1/agreements/$AGR/expenses" "[.items[]|select(.invoice_id == $INV)]|length")" \
    "1 3" "what it bills marked invoiced"
page agent GET "/desk/agreements/$AGR"
has "href=\"/api/v1/invoices/$INV.html\""; ok $? "the page links the invoice's HTML"
has "href=\"/api/v1/invoices/$INV.pdf\""; ok $? "and its PDF"
has '1,814.45 EUR'; ok $? "with its total"
page agent GET "/api/v1/invoices/$INV.html"; is "$STATUS" 200 "which the agent opens with the cookie"
page agent POST "/desk/agreements/$AGR/invoices" --data-urlencode "csrf=$TOKEN" \
    -d period_start=2026-12-01 -d period_end=2026-12-31
is "$STATUS" 409 "an overlapping period: 409 on the page"
is "$(api_count /api/v1/invoices)" 1 "and nothing more issued"

# ---- roles -----------------------------------------------------------------------------------------
page ca GET /portal/; TOKEN_CA=$(csrf)
page ca POST "/desk/agreements/$AGR/time" --data-urlencode "csrf=$TOKEN_CA" -d minutes=5 -d kind=billable
is "$STATUS" 403 "customer: POST time is 403"
is "$(api_count "/api/v1/agreements/$AGR/time-entries")" 1 "and nothing recorded"

# ---- organisations (admins) ------------------------------------------------------------------------
p=/desk/admin/organizations
page admin GET "$p"; is "$STATUS" 200 "admin: GET $p"
has '<td data-label="Name">Acme</td>'; ok $? "the list shows the organisations"
page admin GET /desk/admin/; has "href=\"$p\""; ok $? "the administration index links it"
page agent GET "$p"; is "$STATUS" 403 "agent: GET $p is the 403 page"
page ca GET "$p"; is "$STATUS" 403 "customer: GET $p is the 403 page"
page anon GET "$p"; is "$STATUS $(header Location)" "303 /login?next=${p//\//%2F}" "visitor: to /login"
page admin GET "$p"; TOKEN_ADMIN=$(csrf)
page admin POST "$p" --data-urlencode "name=Gamma" -d domains=gamma.test
is "$STATUS" 403 "an organisation without the token: 403"
is "$(api_count /api/v1/organizations)" 2 "and none created"
page agent POST "$p" --data-urlencode "csrf=$TOKEN" --data-urlencode "name=Gamma"
is "$STATUS" 403 "agent: POST $p is 403"
page admin POST "$p" --data-urlencode "csrf=$TOKEN_ADMIN" --data-urlencode "name=" -d domains=
is "$STATUS" 422 "without a name: 422"
page admin POST "$p" --data-urlencode "csrf=$TOKEN_ADMIN" --data-urlencode "name=Gamma & Co" \
    --data-urlencode "domains=gamma.test, not a domain"
is "$STATUS" 422 "a bad domain: 422"
has "&#39;not a domain&#39; is not a mail domain"; ok $? "naming it"
has 'value="Gamma &amp; Co"'; ok $? "what was typed kept, escaped"
is "$(api_count /api/v1/organizations)" 2 "none created by the refusals"
page admin POST "$p" --data-urlencode "csrf=$TOKEN_ADMIN" \
    --data-urlencode "name=<script>alert(1)</script> Gamma" --data-urlencode "domains= Gamma.TEST , ,gamma-group.test"
is "$STATUS $(header Location)" "303 $p" "created: 303"
GAMMA=$(get "/api/v1/organizations?limit=1000" '.items[]|select(.name|endswith("Gamma"))|.id')
is "$(get "/api/v1/organizations/$GAMMA" .name)" "<script>alert(1)</script> Gamma" "stored as typed"
is "$(get "/api/v1/organizations/$GAMMA" '.domains|sort|join(",")')" \
    "gamma-group.test,gamma.test" "domains trimmed, lower-cased, empty ones skipped"
page admin GET "$p"
has '&lt;script&gt;alert(1)&lt;/script&gt; Gamma'; ok $? "the list shows the name escaped"
has '<script>alert'; ok $((! $?)) "never as markup"
has '>gamma-group.test<'; ok $? "and its domains"
page admin POST "$p" --data-urlencode "csrf=$TOKEN_ADMIN" --data-urlencode "name=acme"
is "$STATUS" 409 "a taken name (any case): 409"
has 'class="alert"'; ok $? "shown on the form"
has 'value="acme"'; ok $? "with what was typed"
page admin POST "$p" --data-urlencode "csrf=$TOKEN_ADMIN" --data-urlencode "name=Delta" -d domains=gamma.test
is "$STATUS" 409 "another organisation's domain: 409"
is "$(api_count /api/v1/organizations)" 3 "nothing more created"

# ---- messages in Markdown ----
api POST /api/v1/tickets '{"subject":"markdown","body":"The **meter** stops.\nSee `log.txt`."}' "$CA"
MD=$(json .id)
api POST "/api/v1/tickets/$MD/messages" '{"body":"Fixed in *5.10*:\n\n- restart\n- the <meter> tag <b>kept</b>\n\n<script>alert(1)</script>"}' "$AGENT"
page agent GET "/desk/tickets/$MD"
has '<strong>meter</strong> stops.<br />'; ok $? "the description in Markdown, its line break kept"
has '<code>log.txt</code>'; ok $? "code spans"
has '<em>5.10</em>'; ok $? "a reply's emphasis"
has '<li>restart</li>'; ok $? "and its list"
has 'the &lt;meter&gt; tag &lt;b&gt;kept&lt;/b&gt;'; ok $? "typed HTML shown as the text it is"
has '&lt;script&gt;alert(1)&lt;/script&gt;'; ok $? "a script as text"
has '<script>alert'; ok $((! $?)) "never as markup"
page ca GET "/portal/requests/$MD"
has '<em>5.10</em>'; ok $? "the portal renders it too"
has '<b>kept'; ok $((! $?)) "as safely"

# ---- several files with their message; a note's files for staff only (issue 15) ----
printf 'line one\nline <two>\n' > "$T/notes.txt"
printf '\x89PNG\r\n\x1a\n0000' > "$T/shot.png"
page agent GET "/desk/tickets/$MD"; TOKEN_AGENT=$(csrf)
page agent POST "/desk/tickets/$MD/reply" -F "csrf=$TOKEN_AGENT" -F "body=Two files for you" \
    -F "file=@$T/notes.txt;type=text/plain" -F "file=@$T/shot.png;type=image/png"
is "$STATUS" 303 "an agent replies with two files at once"
page agent POST "/desk/tickets/$MD/reply" -F "csrf=$TOKEN_AGENT" -F "body=Staff eyes only" -F internal=1 \
    -F "file=@$T/notes.txt;type=text/plain;filename=secret.txt"
is "$STATUS" 303 "and adds a note with a file"
api GET "/api/v1/tickets/$MD/attachments" "" "$AGENT"
is "$(json '[.items[]|.filename]|@csv')" '"notes.txt","shot.png","secret.txt"' "three files stored"
is "$(json '[.items[]|.message_id != null]|all')" true "each with the message it came with"
SECRET=$(json '.items[2].id'); SHOT=$(json '.items[1].id')
page agent GET "/desk/tickets/$MD"
has '20 bytes'; ok $? "sizes in words"
has "<img src=\"/desk/attachments/$SHOT\""; ok $? "an image shown in place"
has '<summary>Preview</summary><pre>line one'; ok $? "a text file's beginning, to open"
has 'line &lt;two&gt;'; ok $? "escaped"
like "$(tr -d '\n' <<< "$BODY")" 'Two files for you.*notes\.txt.*shot\.png.*Staff eyes only.*secret\.txt' \
    "each file under its message"
page ca GET "/portal/requests/$MD"
has 'notes.txt'; ok $? "the customer sees the reply's files"
has 'secret.txt'; ok $((! $?)) "never a note's"
api GET "/api/v1/tickets/$MD/attachments" "" "$CA"
is "$(json '[.items[]|.filename]|@csv')" '"notes.txt","shot.png"' "nor in the API's list"
api GET "/api/v1/attachments/$SECRET" "" "$CA"
is "$STATUS" 404 "and a note's file is 404 to a customer, as a missing one"
api GET "/api/v1/tickets/$MD/messages" "" "$AGENT"
NOTE=$(json '[.items[]|select(.internal)][0].id'); REPLY=$(json '[.items[]|select(.internal|not)][0].id')
code=$(curl -s -o "$T/up" -w '%{http_code}' -H "Authorization: Bearer $CA" -H 'Content-Type: text/plain' \
    --data-binary @"$T/notes.txt" "$BASE/api/v1/tickets/$MD/attachments?filename=more.txt&message_id=$REPLY")
is "$code|$(jq -r .message_id "$T/up")" "201|$REPLY" "the API takes a file with its message"
code=$(curl -s -o "$T/up" -w '%{http_code}' -H "Authorization: Bearer $CA" -H 'Content-Type: text/plain' \
    --data-binary @"$T/notes.txt" "$BASE/api/v1/tickets/$MD/attachments?filename=x.txt&message_id=$NOTE")
is "$code|$(jq -r .error.field "$T/up")" "422|message_id" "a customer may not add to a note"
api POST /api/v1/tickets '{"subject":"another"}' "$CA"
OTHER=$(json .id)
code=$(curl -s -o "$T/up" -w '%{http_code}' -H "Authorization: Bearer $AGENT" -H 'Content-Type: text/plain' \
    --data-binary @"$T/notes.txt" "$BASE/api/v1/tickets/$OTHER/attachments?filename=x.txt&message_id=$REPLY")
is "$code|$(jq -r .error.field "$T/up")" "422|message_id" "a message of another request: 422 naming it"

stop_server
done_testing
