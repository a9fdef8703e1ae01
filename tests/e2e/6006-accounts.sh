#!/usr/bin/env bash
# 6006 accounts, sessions and sign-in under attack (issue 12), over real HTTP with curl:
# disabling an account and ending its sessions and tokens at once (API, admin pages, CLI);
# the sessions list; a password change ending the other sessions; the idle timeout; a reply
# typed into an expired session kept across the sign-in; concurrent password checks capped
# (503 at once); attempts a minute per address; the token cap; no lockout by strangers (an
# attacker's address backs off, the owner's does not) and unknown accounts costing the same;
# the sign-in form's CSRF token bound to the installation's secret; __Host- cookies and HSTS
# with an https public URL.
. "$(dirname "$0")/lib.sh"

# sign-ins from many tests in a minute: the per-minute limit is tested on its own server below
start_server --sign-in-per-minute 1000; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3, 4"; ok $? "passwords"
CA_ID=3

token_for() { # token_for EMAIL [PASSWORD] [CURL ARGS...]: sets STATUS, BODY; TOK on 201
    local email=$1 pw=${2:-$PAGE_PASSWORD}
    shift 2 2>/dev/null || shift $#
    STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" -X POST \
        -H 'Content-Type: application/json' \
        --data-binary "{\"email\":\"$email\",\"password\":\"$pw\"}" "$BASE/api/v1/tokens")
    BODY=$(cat "$T/body")
    TOK=$(json .token)
}

# ---- 1. disabling an account ends every token and session at once -----------------------------
sign_in admin "$ADMIN_EMAIL"; is "$STATUS" 303 "the admin signs in"
sign_in agent agent@vendor.test; is "$STATUS" 303 "an agent signs in"
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in (page session)"
token_for ca@acme.test; is "$STATUS" 201 "the customer signs in (API token)"; CA_TOK=$TOK
page ca GET /portal/; is "$STATUS" 200 "its session works"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 200 "its token works"

api GET /api/v1/users/$CA_ID/sessions "" "$ADMIN"
is "$STATUS" 200 "GET /api/v1/users/{id}/sessions"
is "$(json '[.items[].kind]|sort|join(",")')" "session,token,token" \
    "lists its session and tokens (the fixture's one and the new one)"
is "$(json '[.items[]|select(.address=="127.0.0.1")]|length')" 2 "with the client address"
like "$(json '.items[0]|keys|join(",")')" '^address,created_at,expires_at,id,kind,last_seen_at,user_agent$' \
    "id, kind, created, last seen, address, user agent"
has "$CA_TOK"; ok $((! $?)) "never the secret"
api GET /api/v1/users/$CA_ID/sessions "" "$AGENT"; is "$STATUS" 403 "agents may not list them"

api PATCH /api/v1/users/$CA_ID '{"disabled":true}' "$AGENT"; is "$STATUS" 403 "agents may not disable"
api PATCH /api/v1/users/1 '{"disabled":true}' "$ADMIN"
is "$STATUS $(json .error.field)" "422 disabled" "an admin may not disable itself"
api PATCH /api/v1/users/$CA_ID '{"disabled":true}' "$ADMIN"
is "$STATUS $(json .disabled)" "200 true" "PATCH {disabled: true}"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "its token is refused at once"
api GET /api/v1/me "" "$CA"; is "$STATUS" 401 "and the fixture's token too"
page ca GET /portal/; is "$STATUS $(header Location)" "303 /login?next=%2Fportal%2F" \
    "its page session is refused at once"
token_for ca@acme.test; is "$STATUS" 403 "sign-in (API) refused for a disabled account"
like "$(json .error.message)" disabled "saying it is disabled"
token_for ca@acme.test wrong-password-1; is "$STATUS" 401 "a wrong password still says only that"
sign_in ca2 ca@acme.test; is "$STATUS" 403 "sign-in (page) refused too"
has "disabled"; ok $? "the form says why"
api GET /api/v1/users/$CA_ID/sessions "" "$ADMIN"; is "$(json '.items|length')" 0 "none is left"
# a session row the server did not end (restored, or made behind its back) is refused too
if on_sqlite "a live session row is made behind the server's back in the file"; then
    sqlite_only_q "UPDATE sessions SET ended_at = NULL WHERE user_id = $CA_ID"
    page ca GET /portal/; is "$STATUS" 303 "a disabled user is refused on every request, not only once"
    sqlite_only_q "UPDATE sessions SET ended_at = unixepoch() WHERE user_id = $CA_ID"
fi
api PATCH /api/v1/users/$CA_ID '{"disabled":false}' "$ADMIN"
is "$STATUS $(json .disabled)" "200 false" "PATCH {disabled: false} enables it"
token_for ca@acme.test; is "$STATUS" 201 "it signs in again"; CA_TOK=$TOK

# ---- DELETE /api/v1/users/{id}/sessions ---------------------------------------------------------
sign_in ca ca@acme.test; is "$STATUS" 303 "a new page session"
api DELETE /api/v1/users/$CA_ID/sessions "" "$AGENT"; is "$STATUS" 403 "agents may not sign others out"
api DELETE /api/v1/users/$CA_ID/sessions "" "$ADMIN"; is "$STATUS" 204 "sign out everywhere"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "the token ended"
page ca GET /portal/; is "$STATUS" 303 "the session ended"
api DELETE /api/v1/users/999/sessions "" "$ADMIN"; is "$STATUS" 404 "an unknown user is 404"

# ---- the admin pages ---------------------------------------------------------------------------
sign_in ca ca@acme.test; token_for ca@acme.test; CA_TOK=$TOK
page admin GET /desk/admin/users; has 'href="/desk/admin/users/3"'; ok $? "the list links each account"
page admin GET /desk/admin/users/$CA_ID; is "$STATUS" 200 "GET /desk/admin/users/{id}"
has "127.0.0.1"; ok $? "shows the sessions with their address"
has ">session<"; ok $? "and kind"
A_CSRF=$(csrf)
page agent GET /desk/admin/users/$CA_ID; is "$STATUS" 403 "agents: 403"
page admin POST /desk/admin/users/$CA_ID/disabled --data-urlencode disabled=1
is "$STATUS" 403 "disabling without the CSRF token is 403"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 200 "and changes nothing"
page admin POST /desk/admin/users/$CA_ID/disabled --data-urlencode disabled=1 --data-urlencode "csrf=$A_CSRF"
is "$STATUS $(header Location)" "303 /desk/admin/users/3" "the disable switch"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "ends its token"
page ca GET /portal/; is "$STATUS" 303 "and its session"
page admin GET /desk/admin/users/$CA_ID; has "Enable the account"; ok $? "the page offers to enable it"
page admin POST /desk/admin/users/$CA_ID/disabled --data-urlencode disabled=0 --data-urlencode "csrf=$A_CSRF"
token_for ca@acme.test; is "$STATUS" 201 "enabled again"; CA_TOK=$TOK
page admin POST /desk/admin/users/$CA_ID/sign-out --data-urlencode "csrf=$A_CSRF"
is "$STATUS" 303 "sign out everywhere (page)"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "ends the token"
api GET /api/v1/me "" "$CA"; is "$STATUS" 401 "and every other"
page admin GET /desk/admin/users; is "$STATUS" 200 "the admin's own session is untouched"

# ---- the CLI, against the running server ----------------------------------------------------------
token_for ca@acme.test; CA_TOK=$TOK
run_cli user disable --db "$DB" --email ca@acme.test
is "$RC" 0 "svcdesk user disable"; like "$OUT" "disabled" "says so"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "the running server refuses the token at once"
token_for ca@acme.test; is "$STATUS" 403 "and the sign-in"
run_cli user enable --db "$DB" --email ca@acme.test; is "$RC" 0 "svcdesk user enable"
token_for ca@acme.test; is "$STATUS" 201 "signs in again"; CA_TOK=$TOK
run_cli user sign-out --db "$DB" --email ca@acme.test
is "$RC" 0 "svcdesk user sign-out"; like "$OUT" "1 sessions and tokens ended" "counts what it ended"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "the token ended"
run_cli user disable --db "$DB" --email nobody@acme.test; is "$RC" 1 "an unknown user: exit 1"
run_cli user frobnicate --email ca@acme.test; is "$RC" 2 "an unknown subcommand: exit 2"

# ---- a password change ends the other sessions and tokens ----------------------------------------
sign_in ca ca@acme.test; sign_in ca_phone ca@acme.test
token_for ca@acme.test; CA_TOK=$TOK
page ca GET /account/password
page ca POST /account/password --data-urlencode "csrf=$(csrf)" \
    --data-urlencode "old_password=$PAGE_PASSWORD" --data-urlencode new_password=changed-pass-1 \
    --data-urlencode new_password_again=changed-pass-1
is "$STATUS" 303 "the customer changes its password on /account/password"
page ca GET /portal/; is "$STATUS" 200 "the session in use survives"
page ca_phone GET /portal/; is "$STATUS" 303 "the other session ended"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "and the token"
token_for ca@acme.test changed-pass-1; CA_TOK=$TOK; token_for ca@acme.test changed-pass-1; CA_TOK2=$TOK
api POST /api/v1/me/password '{"old_password":"changed-pass-1","new_password":"changed-pass-2"}' "$CA_TOK"
is "$STATUS" 204 "POST /api/v1/me/password"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 200 "the token in use survives"
api GET /api/v1/me "" "$CA_TOK2"; is "$STATUS" 401 "the other token ended"
page ca GET /portal/; is "$STATUS" 303 "and the page session"
api PATCH /api/v1/users/$CA_ID "{\"password\":\"$PAGE_PASSWORD\"}" "$ADMIN"
api GET /api/v1/me "" "$CA_TOK"; is "$STATUS" 401 "an admin's change ends them all"

# ---- 4. the sign-in form's CSRF token is bound to the installation's secret ------------------------
page forger POST /login -b "svcdesk_csrf=$(printf 'a%.0s' $(seq 64))" \
    --data-urlencode email=ca@acme.test --data-urlencode "password=$PAGE_PASSWORD" \
    --data-urlencode "csrf=$(printf 'a%.0s' $(seq 64))"
is "$STATUS" 403 "a made-up token in both cookie and form (plain double submit) is 403"
page keep GET /login; KEEP=$(csrf)
is "$(header Set-Cookie | sed 's/=.*//')" svcdesk_csrf "plain http: the cookie has no prefix"
stop_server
start_server --sign-in-per-minute 1000; ok $? "the server restarts"
page keep POST /login --data-urlencode email=ca@acme.test --data-urlencode "password=$PAGE_PASSWORD" \
    --data-urlencode "csrf=$KEEP"
is "$STATUS" 303 "a form fetched before the restart still signs in (the secret is in the database)"
stop_server

start_server --sign-in-per-minute 1000 --public-url https://desk.example.test; ok $? "https public URL"
STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$BASE/login"); BODY=$(cat "$T/body")
like "$(header Set-Cookie)" '^__Host-svcdesk_csrf=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax; Secure$' \
    "the sign-in form's cookie is __Host- and Secure"
like "$(header Strict-Transport-Security)" '^max-age=[0-9]+' "HSTS"
H_CSRF=$(csrf)
STATUS=$(curl -s -o /dev/null -D "$T/headers" -w '%{http_code}' -H "Cookie: __Host-svcdesk_csrf=$H_CSRF" \
    --data-urlencode email=ca@acme.test --data-urlencode "password=$PAGE_PASSWORD" \
    --data-urlencode "csrf=$H_CSRF" "$BASE/login")
is "$STATUS" 303 "signs in with the __Host- cookie"
like "$(grep -i '^Set-Cookie: __Host-svcdesk_session=' "$T/headers" | tr -d '\r')" \
    'Path=/; HttpOnly; SameSite=Lax; Max-Age=604800; Secure$' "the session cookie is __Host- and Secure"
SESS=$(sed -n 's/^Set-Cookie: __Host-svcdesk_session=\([0-9a-f]*\);.*/\1/Ip' "$T/headers" | head -1)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: __Host-svcdesk_session=$SESS" "$BASE/portal/")
is "$STATUS" 200 "and the session works"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: svcdesk_session=$SESS" "$BASE/portal/")
is "$STATUS" 303 "a cookie without the prefix (a subdomain could set it) is not read"
stop_server

# ---- 2. concurrent password checks are capped; attempts a minute; the token cap --------------------
start_server --password-checks 1 --sign-in-per-minute 1000 --tokens-per-user 3; ok $? "password-checks 1"
PIDS=()
for i in $(seq 1 12); do
    curl -s -o /dev/null -D "$T/par$i" -w '%{http_code} %{time_total}\n' -X POST \
        -H 'Content-Type: application/json' \
        --data-binary "{\"email\":\"agent@vendor.test\",\"password\":\"$PAGE_PASSWORD\"}" \
        "$BASE/api/v1/tokens" > "$T/par$i.out" &
    PIDS+=($!)
done
wait "${PIDS[@]}" # not `wait`: the server is a child too
codes=$(cut -d' ' -f1 "$T"/par*.out | sort | uniq -c | tr -s ' ' | tr '\n' ';')
like "$codes" '503' "12 sign-ins at once with one check allowed: some answer 503 ($codes)"
like "$codes" '201' "and some sign in"
ok "$(cat "$T"/par*.out | awk '$1 == 503 && $2 > 1 { bad = 1 } END { print bad + 0 }')" \
    "the 503s come at once (not queued)"
grep -il '^Retry-After: 1' $(grep -l ' 503 ' "$T"/par[0-9]* 2>/dev/null) > /dev/null 2>&1 ||
    grep -l 'HTTP/1.1 503' "$T"/par[0-9]* | xargs grep -il '^Retry-After:' > /dev/null
ok $? "with Retry-After"
for i in 1 2 3 4; do token_for agent@vendor.test; done
is "$(get /api/v1/users/2/sessions '[.items[]|select(.kind == "token")]|length')" 3 \
    "tokens-per-user 3: no more than 3 live tokens, the oldest revoked"
api GET /api/v1/me "" "$TOK"; is "$STATUS" 200 "the newest works"
api GET /api/v1/me "" "$AGENT"; is "$STATUS" 401 "the oldest was revoked"
stop_server

start_server --sign-in-per-minute 4; ok $? "sign-in-per-minute 4"
# the limit counts per clock minute: the five attempts (slow under ASan) must fall in one
s=$(date +%S); [ $((10#$s)) -gt 30 ] && sleep $((61 - 10#$s))
for i in 1 2 3 4; do token_for "nobody$i@acme.test" wrong-password-1; done
is "$STATUS" 401 "four attempts from one address are answered"
token_for agent@vendor.test
is "$STATUS" 429 "the fifth in the minute is 429, whichever account"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
token_for agent@vendor.test "$PAGE_PASSWORD" --interface 127.0.0.2
is "$STATUS" 201 "another address is not affected"
stop_server

# ---- 3. no lockout by strangers; unknown accounts cost the same ----------------------------------
start_server --sign-in-per-minute 1000; ok $? "server restarts" || tail -5 "$T/server.log"
for i in $(seq 1 7); do token_for "$ADMIN_EMAIL" guess-guess-$i --interface 127.0.0.2; done
is "$STATUS" 429 "an attacker guessing the admin's password from one address backs off (429)"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
token_for "$ADMIN_EMAIL" "$PAGE_PASSWORD" --interface 127.0.0.2
is "$STATUS" 429 "even the right password from that address waits"
token_for "$ADMIN_EMAIL" "$PAGE_PASSWORD"
is "$STATUS" 201 "the admin signing in from its own address is not locked out"
sign_in admin_again "$ADMIN_EMAIL"; is "$STATUS" 303 "nor on the /login page"

avg_ms() { # avg_ms EMAIL...: the mean time of a wrong sign-in for each, in ms
    local sum=0 t
    for e in "$@"; do
        t=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/json' \
            --data-binary "{\"email\":\"$e\",\"password\":\"wrong-password-1\"}" "$BASE/api/v1/tokens")
        sum=$(awk -v s="$sum" -v t="$t" 'BEGIN { print s + t * 1000 }')
    done
    awk -v s="$sum" -v n=$# 'BEGIN { printf "%d", s / n }'
}
KNOWN=$(avg_ms agent@vendor.test cb@beta.test agent@vendor.test cb@beta.test)
UNKNOWN=$(avg_ms ghost1@acme.test ghost2@acme.test ghost3@acme.test ghost4@acme.test)
echo "# wrong sign-in: known account ${KNOWN} ms, unknown ${UNKNOWN} ms"
[ "$((UNKNOWN * 3))" -ge "$KNOWN" ] && [ "$((KNOWN * 3))" -ge "$UNKNOWN" ]
ok $? "an unknown e-mail costs about the same time as a known one ($UNKNOWN vs $KNOWN ms)"
on_sqlite "failed sign-ins of unknown addresses have no read interface" &&
    is "$(sqlite_only_q "SELECT count(*) FROM sign_in_failures WHERE email LIKE 'ghost%'")" 4 \
        "and its failures count the same way"
stop_server

# ---- 5. the idle timeout, and a reply kept across the sign-in --------------------------------------
start_server --sign-in-per-minute 1000 --session-idle-seconds 2; ok $? "session-idle-seconds 2"
api POST /api/v1/tickets '{"subject":"Meter reads stop","organization_id":1}' "$ADMIN"; TID=$(json .id)
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in"
page ca GET "/portal/requests/$TID"; is "$STATUS" 200 "opens its request"; CA_CSRF=$(csrf)
sleep 3
page ca POST "/portal/requests/$TID/reply" -F "csrf=$CA_CSRF" --form-string 'body=The <b>draft</b> I typed'
is "$STATUS $(header Location)" "303 /login?next=%2Fportal%2Frequests%2F$TID&kept=1" \
    "a reply after the idle timeout goes to sign-in, the draft kept"
is "$(get "/api/v1/tickets/$TID/messages" '.items|length')" 0 "nothing was posted"
page ca GET "/login?next=%2Fportal%2Frequests%2F$TID&kept=1"
has "your reply is kept"; ok $? "the form says the reply is kept"
page ca POST /login --data-urlencode email=ca@acme.test --data-urlencode "password=$PAGE_PASSWORD" \
    --data-urlencode "csrf=$(csrf)" --data-urlencode "next=/portal/requests/$TID"
is "$STATUS $(header Location)" "303 /portal/requests/$TID" "signing in again leads back to the request"
page ca GET "/portal/requests/$TID"
has '<textarea name="body" rows="5">The &lt;b&gt;draft&lt;/b&gt; I typed</textarea>'
ok $? "the reply box holds the draft (escaped)"
page ca GET "/portal/requests/$TID"
has '<textarea name="body" rows="5"></textarea>'; ok $? "shown once"
# a forged post (no token of that session) keeps nothing
sleep 3
page ca POST "/portal/requests/$TID/reply" -F "csrf=0000" --form-string 'body=forged'
is "$STATUS" 303 "a post with a wrong token also goes to sign-in"
on_sqlite "kept drafts have no read interface but the form they go back to" &&
    is "$(sqlite_only_q "SELECT count(*) FROM drafts")" 0 "but keeps nothing"
# the desk, for an agent
sign_in agent agent@vendor.test
page agent GET "/desk/tickets/$TID"; AG_CSRF=$(csrf)
sleep 3
page agent GET "/desk/"; is "$STATUS" 303 "the agent's idle session ended"
page agent POST "/desk/tickets/$TID/reply" -F "csrf=$AG_CSRF" --form-string 'body=Agent draft'
is "$STATUS $(header Location)" "303 /login?next=%2Fdesk%2Ftickets%2F$TID&kept=1" "the desk keeps it too"
sign_in cb cb@beta.test
page cb GET "/portal/requests/$TID"; has "Agent draft"; ok $((! $?)) "nobody else sees it"
sign_in agent agent@vendor.test
page agent GET "/desk/tickets/$TID"; has '>Agent draft</textarea>'; ok $? "the agent gets it back"
stop_server

done_testing
