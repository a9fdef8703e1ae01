#!/usr/bin/env bash
# 2004 the desk's editing pages over real HTTP with curl: a request's root cause and the release
# that fixes it; an agreement quoted, signed and cancelled through its page's forms (the quote's
# decimal amount stored in minor units, the resulting ends_on shown), a change order proposed and
# signed, a booking; knowledge-base articles created and edited (hostile text only escaped, the
# Markdown preview); roles (403 for customers, 303 to /login for visitors); CSRF refusals that
# change nothing; the store's refusals (409, 422) shown on the page.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3, 4"
ok $? "passwords"

sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
sign_in admin "$ADMIN_EMAIL"; is "$STATUS" 303 "the admin signs in"
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in"

# ---- fixtures through the API: a request, a release, an enhanced agreement ---------------------
api POST /api/v1/tickets '{"subject":"crash on save","severity":"B","organization_id":1}' "$AGENT"
is "$STATUS" 201 "a request"; TICKET=$(jq -r .id "$T/body")
api POST /api/v1/releases '{"version":"5.4.1","kind":"patch","released_on":"2026-11-01","notes":"fix"}' "$AGENT"
is "$STATUS" 201 "a release"; RELEASE=$(jq -r .id "$T/body")
api POST /api/v1/agreements '{"organization_id":1,"kind":"enhanced","starts_on":"2026-01-01","currency":"EUR","hours":100}' "$AGENT"
is "$STATUS" 201 "an enhanced agreement, requested"; AGR=$(jq -r .id "$T/body")

# ---- roles ----------------------------------------------------------------------------------------
for p in "/desk/tickets/$TICKET" "/desk/agreements/$AGR" /desk/kb; do
    page agent GET "$p"; is "$STATUS" 200 "agent: GET $p"
    page admin GET "$p"; is "$STATUS" 200 "admin: GET $p"
    page ca GET "$p"; is "$STATUS" 403 "customer: GET $p is the 403 page"
    page anon GET "$p"; is "$STATUS $(header Location)" "303 /login?next=${p//\//%2F}" \
        "visitor: GET $p goes to /login"
done
page agent GET /desk/; has 'href="/desk/kb"'; ok $? "the desk's navigation links the knowledge base"
page agent GET /desk/agreements; has "href=\"/desk/agreements/$AGR\""; ok $? "/desk/agreements links each agreement"
page agent GET /desk/agreements/999; is "$STATUS" 404 "a missing agreement is the 404 page"
page ca GET /desk/agreements; TOKEN_CA=$(csrf)
page ca GET /portal/; TOKEN_CA=$(csrf)
page ca POST "/desk/agreements/$AGR/sign" --data-urlencode "csrf=$TOKEN_CA"
is "$STATUS" 403 "customer: POST sign is 403"
is "$(get "/api/v1/agreements/$AGR" .status)" requested "and signs nothing"

# ---- root cause and release --------------------------------------------------------------------
page agent GET "/desk/tickets/$TICKET"; TOKEN=$(csrf)
has "action=\"/desk/tickets/$TICKET/root-cause\""; ok $? "the request page has the root-cause form"
has '>5.4.1 (patch, not published)</option>'; ok $? "its select lists the releases"
page agent POST "/desk/tickets/$TICKET/root-cause" --data-urlencode "root_cause=<b>race</b> in save" \
    -d "release_id=$RELEASE"
is "$STATUS" 403 "root cause without the token: 403"
is "$(get "/api/v1/tickets/$TICKET" '"\(.root_cause // "-") \(.release_id // 0)"')" \
    "- 0" "and nothing recorded"
page agent POST "/desk/tickets/$TICKET/root-cause" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "root_cause=<b>race</b> in save" -d "release_id=$RELEASE"
is "$STATUS $(header Location)" "303 /desk/tickets/$TICKET" "root cause and release recorded: 303"
is "$(get "/api/v1/tickets/$TICKET" '"\(.root_cause) \(.release_id)"')" \
    "<b>race</b> in save $RELEASE" "both stored"
page agent GET "/desk/tickets/$TICKET"
has 'Root cause: &lt;b&gt;race&lt;/b&gt; in save'; ok $? "the root cause shows, escaped"
has '<b>race'; ok $((! $?)) "never as markup"
has "selected>5.4.1 (patch"; ok $? "the release selected"
page agent POST "/desk/tickets/$TICKET/root-cause" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "root_cause=x" -d "release_id=9999"
is "$STATUS" 422 "an unknown release: 422"
is "$(get "/api/v1/tickets/$TICKET" .release_id)" "$RELEASE" "and the release unchanged"
page agent POST "/desk/tickets/$TICKET/root-cause" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "root_cause=" -d "release_id="
is "$STATUS" 303 "an empty form clears both"
is "$(get "/api/v1/tickets/$TICKET" '"\(.root_cause // "-") \(.release_id // 0)"')" \
    "- 0" "cleared"

# ---- an agreement: quote, sign, change orders, bookings, cancel ------------------------------------
page agent GET "/desk/agreements/$AGR"; TOKEN=$(csrf)
has "action=\"/desk/agreements/$AGR/quote\""; ok $? "a requested agreement offers the quote form"
page agent POST "/desk/agreements/$AGR/quote" -d amount=24000.50 -d valid_until=2026-12-31
is "$STATUS" 403 "quote without the token: 403"
is "$(get "/api/v1/agreements/$AGR" .status)" requested "and nothing quoted"
page agent POST "/desk/agreements/$AGR/quote" --data-urlencode "csrf=$TOKEN" -d amount=12.345 \
    -d valid_until=2026-12-31
is "$STATUS" 422 "three decimals of EUR: 422"
has 'at most 2 decimals'; ok $? "saying why"
page agent POST "/desk/agreements/$AGR/quote" --data-urlencode "csrf=$TOKEN" \
    -d amount=10000000000000.01 -d valid_until=2026-12-31
is "$STATUS" 422 "an amount over the API's bound (10^15 cents): 422, as in the API"
page agent POST "/desk/agreements/$AGR/quote" --data-urlencode "csrf=$TOKEN" -d amount=24000.50 \
    -d valid_until=2026-12-31
is "$STATUS $(header Location)" "303 /desk/agreements/$AGR" "quoted: 303"
is "$(get "/api/v1/agreements/$AGR" '"\(.status) \(.quote.amount) \(.quote.valid_until)"')" \
    "quoted 2400050 2026-12-31" "stored in minor units"
page agent GET "/desk/agreements/$AGR"
has '24,000.50 EUR'; ok $? "the page shows the quote"
page agent POST "/desk/agreements/$AGR/change-orders" --data-urlencode "csrf=$TOKEN" -d hours=abc \
    -d reason=more
is "$STATUS" 422 "hours that are not a number: 422"
page agent POST "/desk/agreements/$AGR/bookings" --data-urlencode "csrf=$TOKEN" -d user_id=2 \
    -d starts_on=2026-12-01 -d ends_on=2026-12-03
is "$STATUS" 303 "a booking before signing: 303"
is "$(get "/api/v1/agreements/$AGR/bookings" '.items[].status')" tentative "tentative"
accept "$AGR" "$CA" # the customer's signature: the vendor's makes it signed
page agent POST "/desk/agreements/$AGR/sign" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 303 "signed: 303"
is "$(get "/api/v1/agreements/$AGR" '"\(.status) \(.signed_at != null)"')" "signed true" "stored"
is "$(get "/api/v1/agreements/$AGR/bookings" '.items[].status')" confirmed "the booking confirmed"
page agent GET "/desk/agreements/$AGR"
has 'Agnes Agent'; ok $? "the booking shows who"
accept "$AGR" "$CA" # the customer's signature: the vendor's makes it signed
page agent POST "/desk/agreements/$AGR/sign" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 409 "signing twice: 409 on the page"
has 'class="alert"'; ok $? "with the store's message"
page agent POST "/desk/agreements/$AGR/change-orders" --data-urlencode "csrf=$TOKEN" -d hours=12.5 \
    --data-urlencode "reason=<i>extra</i> migration" -d applies_to=current_year
is "$STATUS" 303 "a change order proposed: 303"
CO=$(get "/api/v1/agreements/$AGR/change-orders" '.items[].id')
is "$(get "/api/v1/agreements/$AGR/change-orders" ".items[]|select(.id == $CO)|\"\\(.minutes) \\(.status)\"")" \
    "750 proposed" "stored (12.5 h)"
page agent GET "/desk/agreements/$AGR"
has "action=\"/desk/agreements/$AGR/change-orders/$CO/sign\""; ok $? "with a sign button"
has '&lt;i&gt;extra&lt;/i&gt; migration'; ok $? "its reason escaped"
co_accept "$AGR" "$CO" "$CA"
page agent POST "/desk/agreements/$AGR/change-orders/$CO/sign" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 303 "the change order signed: 303"
is "$(get "/api/v1/agreements/$AGR/change-orders" ".items[]|select(.id == $CO)|.status")" signed "stored"
page agent GET "/desk/agreements/$AGR"
has '112.50'; ok $? "the bank counts it (100 + 12.5 h)"
co_accept "$AGR" "$CO" "$CA"
page agent POST "/desk/agreements/$AGR/change-orders/$CO/sign" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 409 "signing it again: 409"
page agent POST "/desk/agreements/$AGR/change-orders/9999/sign" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 404 "a missing change order: 404"
page agent POST "/desk/agreements/$AGR/cancel" -d notice_given_on=2026-11-01
is "$STATUS" 403 "cancel without the token: 403"
is "$(get "/api/v1/agreements/$AGR" '.notice_given_on // "-"')" - "and no notice"
page agent POST "/desk/agreements/$AGR/cancel" --data-urlencode "csrf=$TOKEN" -d notice_given_on=2999-01-01
is "$STATUS" 422 "a notice after today: 422"
page agent POST "/desk/agreements/$AGR/cancel" --data-urlencode "csrf=$TOKEN" -d notice_given_on=2026-11-01
is "$STATUS" 303 "notice given: 303"
is "$(get "/api/v1/agreements/$AGR" '"\(.notice_given_on) \(.ends_on)"')" \
    "2026-11-01 2027-12-31" "stored: less than 90 days before the year's end, so the next year's end"
page agent GET "/desk/agreements/$AGR"
has 'Notice given on 2026-11-01; the agreement ends on <span class="ends-on">2027-12-31</span>'
ok $? "the page shows the resulting ends_on"
page agent POST "/desk/agreements/$AGR/cancel" --data-urlencode "csrf=$TOKEN" -d notice_given_on=2026-11-02
is "$STATUS" 409 "a second notice: 409"
page agent POST "/desk/agreements/1/change-orders" --data-urlencode "csrf=$TOKEN" -d hours=5 -d reason=x
is "$STATUS" 422 "a change order on a maintenance agreement: 422"

# ---- the knowledge base -------------------------------------------------------------------------
page agent GET /desk/kb; TOKEN=$(csrf)
page agent POST /desk/kb --data-urlencode "title=<script>alert(1)</script> Backups" \
    --data-urlencode "body=# Restore" -d tags=ops -d visibility=public
is "$STATUS" 403 "an article without the token: 403"
is "$(api_count /api/v1/kb/articles)" 0 "and none written"
page agent POST /desk/kb --data-urlencode "csrf=$TOKEN" --data-urlencode "title=" -d visibility=public
is "$STATUS" 422 "an article without a title: 422"
page agent POST /desk/kb --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "title=<script>alert(1)</script> Backups" \
    --data-urlencode $'body=# Restore\n\nRun **restore** <script>x()</script>' \
    --data-urlencode "tags= ops , backup,, " -d visibility=internal
is "$STATUS" 303 "an article written: 303"
LOC=$(header Location)
ART=$(get /api/v1/kb/articles '[.items[].id]|.[0]')
is "$LOC" "/desk/kb/$ART" "to its page"
is "$(get "/api/v1/kb/articles/$ART" '"\(.title)|\(.visibility)"')" \
    "<script>alert(1)</script> Backups|internal" "stored as typed"
is "$(get "/api/v1/kb/articles/$ART" '.tags|join(",")')" \
    "ops,backup" "tags split and trimmed"
page agent GET /desk/kb
has '&lt;script&gt;alert(1)&lt;/script&gt; Backups'; ok $? "the list shows the title escaped"
has '<script>alert'; ok $((! $?)) "never as markup"
page agent GET "/desk/kb/$ART"
is "$STATUS" 200 "the article's page"
has '<h1>Restore</h1>'; ok $? "the preview renders the Markdown"
has '<strong>restore</strong>'; ok $? "with emphasis"
has '<script>'; ok $((! $?)) "no script from the title or the body"
has "href=\"/kb/$ART\""; ok $((! $?)) "no public link for an internal article"
page agent POST "/desk/kb/$ART" --data-urlencode "title=Backups" --data-urlencode "body=new" \
    -d tags=ops -d visibility=public
is "$STATUS" 403 "an edit without the token: 403"
is "$(get "/api/v1/kb/articles/$ART" .title)" "<script>alert(1)</script> Backups" "unchanged"
page agent POST "/desk/kb/$ART" --data-urlencode "csrf=$TOKEN" --data-urlencode "title=Backups & restores" \
    --data-urlencode "body=Use *restore*." -d tags=ops -d visibility=bogus
is "$STATUS" 422 "an unknown visibility: 422"
has 'value="Backups &amp; restores"'; ok $? "what was typed kept, escaped"
page agent POST "/desk/kb/$ART" --data-urlencode "csrf=$TOKEN" --data-urlencode "title=Backups & restores" \
    --data-urlencode "body=Use *restore*." -d tags=ops -d visibility=public
is "$STATUS $(header Location)" "303 /desk/kb/$ART" "edited: 303"
is "$(get "/api/v1/kb/articles/$ART" '"\(.title)|\(.body)|\(.visibility)"')" \
    "Backups & restores|Use *restore*.|public" "stored"
page agent GET "/desk/kb/$ART"
has "href=\"/kb/$ART\""; ok $? "a public article links its public page"
page anon GET "/kb/$ART"; is "$STATUS" 200 "which a visitor reads"
page agent POST /desk/kb/999 --data-urlencode "csrf=$TOKEN" --data-urlencode "title=x" -d visibility=public
is "$STATUS" 404 "editing a missing article: 404"
page ca POST "/desk/kb/$ART" --data-urlencode "csrf=$TOKEN_CA" --data-urlencode "title=mine" -d visibility=public
is "$STATUS" 403 "customer: POST an article is 403"
is "$(get "/api/v1/kb/articles/$ART" .title)" "Backups & restores" "unchanged"

# ---- staff escalate too (issue 15) ----
page agent GET "/desk/tickets/$TICKET"; TOKEN=$(csrf)
has "action=\"/desk/tickets/$TICKET/escalate\""; ok $? "the request page has an escalate form"
page agent POST "/desk/tickets/$TICKET/escalate" --data-urlencode "reason=x"
is "$STATUS" 403 "without its token: 403"
page agent POST "/desk/tickets/$TICKET/escalate" --data-urlencode "csrf=$TOKEN" --data-urlencode "reason="
is "$STATUS" 422 "a reason is needed"
level=$(get "/api/v1/tickets/$TICKET" .escalation_level)
page agent POST "/desk/tickets/$TICKET/escalate" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "reason=The customer's <b>meters</b> are all down"
is "$STATUS" 303 "an agent escalates"
is "$(get "/api/v1/tickets/$TICKET" .escalation_level)" "$((level + 1))" "one level up"
api PATCH "/api/v1/tickets/$TICKET" '{"status":"in_progress"}' "$AGENT"
page agent GET "/desk/tickets/$TICKET"
has "Escalated: The customer's &lt;b&gt;meters&lt;/b&gt; are all down"; ok $? "the reason is in the conversation, escaped"
# the history between the messages: who did what, in words, from the audit trail
like "$(tr -d '\n' <<< "$BODY")" '<p class="event"><time[^>]*>[^<]*</time> <strong>Agnes Agent</strong> escalated it \(level [0-9]+\)</p>' \
    "the escalation in the request's history"
like "$BODY" 'changed the status from New to In progress' "and its status changes"
api GET "/api/v1/tickets/$TICKET" "" "$AGENT"
if [ "$(json .organization_id)" = 1 ]; then
    page ca GET "/portal/requests/$TICKET"
    has 'class="event"'; ok $((! $?)) "the portal shows the conversation only"
fi
page ca POST "/desk/tickets/$TICKET/escalate" --data-urlencode "csrf=$TOKEN_CA" --data-urlencode "reason=x"
is "$STATUS" 403 "a customer may not use the desk's form"

# ---- "Saved." once after a form (issue 15) ----
page agent GET "/desk/tickets/$TICKET"; TOKEN=$(csrf)
page agent POST "/desk/tickets/$TICKET/time" --data-urlencode "csrf=$TOKEN" -d minutes=5 -d kind=internal
is "$STATUS" 303 "a form is done"
like "$(header Set-Cookie)" '^svcdesk_flash=saved; Path=/; HttpOnly; SameSite=Lax; Max-Age=60' "a notice for the next page"
page agent GET "/desk/tickets/$TICKET"
has '<p class="notice saved" role="status">Saved.</p>'; ok $? "the page it goes to says Saved."
# the time logged is in the request's history: who, how long, which kind, the note (escaped)
page agent GET "/desk/tickets/$TICKET"; TOKEN=$(csrf)
page agent POST "/desk/tickets/$TICKET/time" --data-urlencode "csrf=$TOKEN" -d minutes=95 \
    -d kind=internal --data-urlencode "note=read the <logs>"
is "$STATUS" 303 "time with a note"
page agent GET "/desk/tickets/$TICKET"
like "$(tr -d '\n' <<< "$BODY")" '<p class="event"><time[^>]*>[^<]*</time> <strong>Agnes Agent</strong> logged 0:05 h of internal time on [0-9-]+</p>' \
    "the time logged in the request's history"
like "$BODY" 'logged 1:35 h of internal time on [0-9-]+: read the &lt;logs&gt;' "with its note, escaped"
page agent GET "/desk/tickets/$TICKET"
has 'Saved.</p>'; ok $((! $?)) "once"

# ---- another agent writing a reply: a warning (issue 15) ----
page admin GET "/desk/tickets/$TICKET"; TOKEN_ADMIN=$(csrf)
page admin POST "/desk/tickets/$TICKET/replying" --data-urlencode "csrf=$TOKEN_ADMIN" -d state=typing
is "$STATUS" 204 "the admin's page says it is writing a reply"
page admin POST "/desk/tickets/$TICKET/replying" --data-urlencode "csrf=$TOKEN_ADMIN" -d state=typing
is "$STATUS" 204 "and again, a while later"
page agent GET "/desk/tickets/$TICKET"
like "$BODY" '<strong>[^<]+</strong> is writing a reply to this request now' "the agent opening it is warned"
page admin GET "/desk/tickets/$TICKET"
has 'is writing a reply to this request now'; ok $((! $?)) "not the one writing"
api GET "/api/v1/audit-log?entity=ticket&entity_id=$TICKET" "" "$ADMIN"
is "$(json '[.items[]|select(.action == "replying")]|length')" 1 "beginning to reply is one event"
page admin POST "/desk/tickets/$TICKET/replying" --data-urlencode "csrf=$TOKEN_ADMIN" -d state=done
is "$STATUS" 204 "it stops"
page agent GET "/desk/tickets/$TICKET"
has 'is writing a reply to this request now'; ok $((! $?)) "and the warning is gone"
page admin POST "/desk/tickets/$TICKET/replying" --data-urlencode "csrf=$TOKEN_ADMIN" -d state=dreaming
is "$STATUS" 422 "an unknown state is 422"
page admin POST "/desk/tickets/999999/replying" --data-urlencode "csrf=$TOKEN_ADMIN" -d state=typing
is "$STATUS" 404 "a missing request is 404"
page admin POST "/desk/tickets/$TICKET/replying" -d state=typing
is "$STATUS" 403 "without the page's token: 403"
page ca POST "/desk/tickets/$TICKET/replying" --data-urlencode "csrf=$TOKEN_CA" -d state=typing
is "$STATUS" 403 "customers: 403"

# ---- triage from the desk (issue 15) ----
printf 'From: Nils Nobody <nils@nowhere.test>\nTo: support@vendor.test\nSubject: Help\nMessage-ID: <t1@nowhere.test>\n\nWho reads this?\n' |
    "$SVCDESK" mail-in --db "$DB" > "$T/out" 2>> "$T/server.log"
TR=$(sed -n 's/^ticket \([0-9]*\) triage$/\1/p' "$T/out")
[ -n "$TR" ]; ok $? "an unknown sender's mail is held for triage"
page agent GET "/desk/tickets/$TR"; TOKEN=$(csrf)
has "action=\"/desk/tickets/$TR/triage\""; ok $? "its page offers to move it"
has 'add nils@nowhere.test as its contact'; ok $? "and to add the sender as a contact"
has 'name="contact_name" value="nils"'; ok $? "named by the address until changed"
page agent POST "/desk/tickets/$TR/triage" --data-urlencode "csrf=$TOKEN" -d organization_id=
is "$STATUS" 422 "an organisation is needed"
page agent POST "/desk/tickets/$TR/triage" --data-urlencode "csrf=$TOKEN" -d organization_id=1 \
    -d add_contact=1 --data-urlencode "contact_name=Nils <Nobody>"
is "$STATUS" 303 "moved to Acme in one action"
is "$(get "/api/v1/tickets/$TR" .organization_id)" 1 "the request is Acme's"
is "$(get "/api/v1/users/$(get "/api/v1/tickets/$TR" .requester_id)" .name)" "Nils <Nobody>" "its sender Acme's contact"
page agent GET "/desk/tickets/$TR"
has "action=\"/desk/tickets/$TR/triage\""; ok $((! $?)) "no triage form any more"
has 'Nils &lt;Nobody&gt;'; ok $? "the requester shown, escaped"

stop_server
done_testing
