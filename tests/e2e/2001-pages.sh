#!/usr/bin/env bash
# 2001 the pages over real HTTP with curl: sign-in and its cookies, forms through the server's
# form parser (urlencoded and multipart, a file with a hostile name), CSRF refusals that change
# nothing, tenant isolation, 413 for a form over its limit, sign-out.
. "$(dirname "$0")/lib.sh"

start_server --backup-dir "$T/backups"; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "2, 3, 4"
ok $? "passwords (set through the API)"

page anon GET /portal/requests/new
is "$STATUS $(header Location)" "303 /login?next=%2Fportal%2Frequests%2Fnew" \
    "a visitor is sent to sign in, with next"
page anon GET "/login?next=/portal/requests/new"
TOKEN_PRE=$(csrf)
like "$(header Set-Cookie)" '^svcdesk_csrf=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax$' \
    "the sign-in form sets its pre-session token"
page anon POST /login --data-urlencode "email=ca@acme.test" --data-urlencode "password=pages-pass-1"
is "$STATUS" 403 "a sign-in without the token is refused"
page anon POST /login --data-urlencode "email=ca@acme.test" --data-urlencode "password=nope-nope-1" \
    --data-urlencode "csrf=$TOKEN_PRE"
is "$STATUS" 401 "a wrong password shows the form again with 401"
page anon POST /login --data-urlencode "email=ca@acme.test" --data-urlencode "password=pages-pass-1" \
    --data-urlencode "csrf=$TOKEN_PRE" --data-urlencode "next=//evil.example/"
is "$STATUS $(header Location)" "303 /portal/" "a next that is not a local path is not followed"
sign_in ca ca@acme.test
like "$(grep -i '^set-cookie: svcdesk_session' "$T/headers")" \
    'svcdesk_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800' \
    "the session cookie: HttpOnly, SameSite=Lax, 7 days"
is "$(get /api/v1/users/3/sessions '[.items[]|select(.kind == "session")]|length')" 2 \
    "the customer has two sessions"
on_sqlite "what the sessions table holds" &&
    is "$(sqlite_only_q "SELECT count(*) FROM sessions WHERE user_id = 3 AND length(hash) = 32")" 2 \
        "only the tokens' hashes are stored"
page tls GET /login -H 'X-Forwarded-Proto: https'
like "$(header Set-Cookie)" '; Secure$' "behind TLS (X-Forwarded-Proto: https) cookies are Secure"

page ca GET /portal/requests/new
TOKEN_CA=$(csrf)
printf 'meter log\n' > "$T/log.txt"
page ca POST /portal/requests -F "csrf=$TOKEN_CA" --form-string 'subject=<b>Meter</b> reads stop' \
    --form-string 'body=since "06:00"' -F severity=A -F type=error \
    -F "file=@$T/log.txt;filename=log <1>.txt;type=text/plain"
is "$STATUS" 303 "a multipart request form opens a request"
ID=$(header Location | sed 's|.*/||')
is "$(get "/api/v1/tickets/$ID" '"\(.channel) \(.severity) \(.subject)"')" \
    "portal A <b>Meter</b> reads stop" "stored as sent, channel portal"
is "$(get "/api/v1/tickets/$ID/attachments" '.items[]|"\(.filename) \(.size) \(.content_type)"')" \
    "log <1>.txt 10 text/plain" "with its file"
page ca GET "/portal/requests/$ID"
like "$BODY" '&lt;b&gt;Meter&lt;/b&gt; reads stop' "the subject is escaped"
like "$BODY" 'log &lt;1&gt;.txt' "so is the file name"
like "$BODY" 'class="response-due"><time datetime="[0-9T:Z-]+"' "the response due time is shown"
A_HREF=$(printf '%s' "$BODY" | sed -n 's/.*href="\(\/portal\/attachments\/[0-9]*\)".*/\1/p' | head -1)
page ca GET "$A_HREF"
is "$STATUS $BODY" "200 meter log" "the file downloads"
like "$(header Content-Disposition)" '^attachment; ' "as an attachment"

page ca POST "/portal/requests/$ID/reply" --data-urlencode "body=no token"
is "$STATUS" 403 "a reply without the CSRF token is 403"
page ca POST "/portal/requests/$ID/reply" --data-urlencode "body=wrong token" \
    --data-urlencode "csrf=$TOKEN_PRE"
is "$STATUS" 403 "a reply with another token is 403"
is "$(messages_with "")" 0 "and neither stored anything"
page ca POST "/portal/requests/$ID/reply" --data-urlencode "body=more detail" \
    --data-urlencode "csrf=$TOKEN_CA"
is "$STATUS" 303 "a reply with the token is stored"

sign_in cb cb@beta.test
page cb GET "/portal/requests/$ID"
is "$STATUS" 404 "another organisation's request is 404"
page cb GET "$A_HREF"
is "$STATUS" 404 "and so is its file"
page cb GET /desk/
is "$STATUS" 403 "a customer opening the desk gets 403"

sign_in agent agent@vendor.test
page agent GET /portal/
is "$STATUS $(header Location)" "303 /desk/" "an agent opening the portal goes to the desk"
page agent GET /desk/
like "$BODY" "href=\"/desk/tickets/$ID\"" "the request is in the queue"
TOKEN_AG=$(csrf)
page agent POST "/desk/tickets/$ID/update" --data-urlencode "csrf=$TOKEN_AG" -d status=in_progress \
    -d severity=A -d assignee_id=2
is "$STATUS" 303 "the agent sets it in progress and takes it"
is "$(get "/api/v1/tickets/$ID" '"\(.status) \(.assignee_id)"')" \
    "in_progress 2" "stored"
page agent POST "/desk/tickets/$ID/update" --data-urlencode "csrf=$TOKEN_AG" -d status=new
is "$STATUS" 409 "a move outside the status graph is 409"
head -c $((26 << 20)) /dev/zero > "$T/big"
page agent POST "/desk/tickets/$ID/reply" -F "csrf=$TOKEN_AG" -F "file=@$T/big"
is "$STATUS" 413 "a form over 25 MiB is 413"

page agent GET /desk/tickets/new
is "$STATUS" 200 "the agent opens the form to record a call"
page agent POST /desk/tickets -F "csrf=$TOKEN_AG" -F organization_id=1 -F requester_id=4 \
    -F channel=phone -F subject=Call
is "$STATUS" 422 "a requester of another organisation is refused"
page agent POST /desk/tickets -F "csrf=$TOKEN_AG" -F organization_id=1 -F requester_id=3 \
    -F channel=phone -F type=assistance -F severity=D -F received_at=2026-01-05T09:30 \
    --form-string 'subject=Phone: exports fail' -F body=
is "$STATUS" 303 "the agent records a phone call"
CALL=$(header Location | sed 's|.*/||')
is "$(get "/api/v1/tickets/$CALL" '"\(.channel) \(.requester_id) \(.received_at)"')" \
    "phone 3 2026-01-05T09:30:00Z" "with its channel, requester and time received"

page ca GET /portal/agreements
like "$BODY" 'Software Maintenance Agreement</td>' "the customer sees its maintenance agreement"
like "$BODY" 'signed <span class="sla sla-met">in force</span>' "in force"
like "$BODY" '<td data-label="Service levels">Standard</td>' "with its SLA policy"
page ca GET "/portal/agreements?organization_id=2"
like "$BODY" 'No agreements for your organisation' "a filter naming another organisation shows nothing"
page cb GET /portal/agreements
like "$BODY" 'No agreements for your organisation' "Beta has none"
page agent GET "/desk/agreements?organization_id=1"
like "$BODY" '<td data-label="Organisation">Acme</td>' "the agent lists Acme's agreements"

# the customer's buttons: escalate while open, reopen and close once resolved
page ca POST "/portal/requests/$ID/escalate" --data-urlencode "csrf=$TOKEN_CA" \
    --data-urlencode "reason=production stopped"
is "$STATUS" 303 "the customer escalates with a reason"
is "$(get "/api/v1/tickets/$ID" .escalation_level)" 1 "the level is raised"
page agent POST "/desk/tickets/$ID/update" --data-urlencode "csrf=$TOKEN_AG" -d status=resolved
is "$STATUS" 303 "the agent resolves it"
page ca GET "/portal/requests/$ID"
like "$BODY" 'value="in_progress"' "the customer is offered to reopen it"
page ca POST "/portal/requests/$ID/status" --data-urlencode "csrf=$TOKEN_CA" -d status=in_progress
is "$STATUS $(get "/api/v1/tickets/$ID" .status)" "303 in_progress" \
    "the customer reopens it"
page ca POST "/portal/requests/$ID/status" --data-urlencode "csrf=$TOKEN_CA" -d status=closed
is "$STATUS" 409 "but not close it while it is in progress (not a move of the graph)"
page agent POST "/desk/tickets/$ID/update" --data-urlencode "csrf=$TOKEN_AG" -d status=resolved
page ca POST "/portal/requests/$ID/status" --data-urlencode "csrf=$TOKEN_CA" -d status=closed
is "$STATUS $(get "/api/v1/tickets/$ID" .status)" "303 closed" \
    "the customer closes the resolved request"
page ca POST "/portal/requests/$ID/reply" --data-urlencode "csrf=$TOKEN_CA" -d body=again
is "$STATUS" 409 "a reply to a closed request is 409"
like "$BODY" 'role="alert"' "shown on the request page"

# reach (issue 15): a skip link to the content, the current page marked in the menu
page ca GET /portal/agreements
has '<a class="skip" href="#main">Skip to the content</a>'; ok $? "a skip link"
has '<main id="main" tabindex="-1">'; ok $? "to the content"
has '<a href="/portal/agreements" aria-current="page">Agreements</a>'; ok $? "the current page marked"
is "$(grep -o 'aria-current="page"' <<< "$BODY" | wc -l)" 1 "once"
page agent GET /desk/
has '<a href="/desk/" aria-current="page">Queue</a>'; ok $? "the desk's queue too"

# times in the agent's own zone (issue 15): chosen on the account page, used by every page
page agent GET /account/password; TOKEN_TZ=$(csrf)
page agent POST /account/time-zone --data-urlencode "csrf=$TOKEN_TZ" -d time_zone=Mars/Olympus
is "$STATUS" 422 "a zone that is none: 422"
has '&#39;Mars/Olympus&#39; is not a time zone'; ok $? "saying so, with what was typed"
page agent POST /account/time-zone --data-urlencode "csrf=$TOKEN_TZ" -d time_zone=America/New_York
is "$STATUS" 303 "the agent chooses New York"
page agent GET "/desk/tickets/$ID"
like "$BODY" '<time datetime="[0-9T:-]+Z">[0-9-]+ [0-9:]+ -0[45]:00</time>' "the request's times in New York's offset"
page agent POST /account/time-zone --data-urlencode "csrf=$TOKEN_TZ" -d time_zone=
page agent GET "/desk/tickets/$ID"
like "$BODY" '<time datetime="[0-9T:-]+Z">[0-9-]+ [0-9:]+ \+0[12]:00</time>' "cleared: in the support hours' zone (Copenhagen)"

page agent GET /api/v1/me
is "$STATUS" 200 "the API reads with the session cookie"
page agent POST /api/v1/tickets -H 'Content-Type: application/json' -d '{"subject":"x"}'
is "$STATUS" 401 "but does not write with it"
page agent POST /logout --data-urlencode "csrf=$TOKEN_AG"
is "$STATUS $(header Location)" "303 /login" "sign-out"
page agent GET /desk/
is "$STATUS" 303 "the session has ended"

stop_server
done_testing
