#!/usr/bin/env bash
# 3008 password reset by e-mail (issue 15): the same 202 whether or not the address has an
# account; a one-time link valid one hour arrives through a real SMTP server; it sets the new
# password and ends every session and token of the account; used, expired or made-up links
# are refused; at most three links an hour for an account; the sign-in pages do the same.
# Also: a status notice's subject speaks words ("Waiting for your reply").
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail-lib.sh"

start_sink; ok $? "an SMTP server listens"
fixtures; ok $? "fixtures"
start_server --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from "Support Desk <support@vendor.test>" \
    --mail-retry-seconds 1 --public-url "https://desk.example.test"
ok $? "server starts with --smtp"
passwords "3"; ok $? "a password for Carl"

# link_of N: the reset link in the N-th mail of the sink
link_of() {
    python3 - "$T/sink/$(printf '%04d' "$1").eml" <<'PY'
import email, email.policy, re, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
found = re.search(r"https://desk\.example\.test/reset/[0-9a-f]{64}", m.get_body(preferencelist=("plain",)).get_content())
print(found.group(0) if found else "")
PY
}
api POST /api/v1/password-resets '{"email":"ca@acme.test"}' ""
is "$STATUS/$(json .message)" "202/if the address has an account, a link to choose a new password is on its way" \
    "asking for a reset is 202"
known=$BODY
api POST /api/v1/password-resets '{"email":"nobody@nowhere.test"}' ""
is "$STATUS/$BODY" "202/$known" "the same answer for an address without an account"
wait_until 10 '[ "$(sunk)" -ge 1 ]'; ok $? "one mail arrives"
sleep 1
is "$(sunk)" 1 "only for the account that exists"
is "$(sed -n 's/^to //p' "$T/sink/0001.env")" "ca@acme.test" "to its address"
LINK=$(link_of 1)
like "$LINK" "^https://desk.example.test/reset/[0-9a-f]{64}$" "with a link on the public address"
TOKEN=${LINK##*/}
api POST /api/v1/password-resets '{}' ""
is "$STATUS/$(json .error.field)" 422/email "an e-mail address is needed"

api POST "/api/v1/password-resets/$TOKEN" '{"password":"short"}' ""
is "$STATUS/$(json .error.field)" 422/password "a password that is too short is refused, naming it"
api POST "/api/v1/password-resets/$(printf 'f%.0s' $(seq 64))" '{"password":"a-new-password-1"}' ""
is "$STATUS/$(json .error.field)" 404/token "a made-up token is 404"
api POST "/api/v1/password-resets/not-hex" '{"password":"a-new-password-1"}' ""
is "$STATUS" 404 "something that is not a token is 404"
api GET /api/v1/me "" "$CA"
is "$STATUS" 200 "(Carl's token works before the reset)"
api POST "/api/v1/password-resets/$TOKEN" '{"password":"a-new-password-1"}' ""
is "$STATUS" 204 "the link sets the new password"
api GET /api/v1/me "" "$CA"
is "$STATUS" 401 "every token of the account ended"
api POST /api/v1/tokens '{"email":"ca@acme.test","password":"a-new-password-1"}' ""
is "$STATUS" 201 "the new password signs in"
api POST "/api/v1/password-resets/$TOKEN" '{"password":"another-password-2"}' ""
is "$STATUS" 404 "the link works once"

for i in 1 2 3 4; do api POST /api/v1/password-resets '{"email":"ca@acme.test"}' ""; done
wait_until 10 '[ "$(sunk)" -ge 3 ]'; ok $? "more links arrive"
sleep 2
is "$(sunk)" 3 "three links an hour for one account at most (the fourth and fifth dropped quietly)"
is "$STATUS" 202 "and the answer stays the same"
on_sqlite "expiry: the reset rows have no read interface" && {
    EXP=$(link_of 2); EXP=${EXP##*/}
    sqlite_only_q "UPDATE password_resets SET expires_at = created_at - 1 WHERE used_at IS NULL AND id = (SELECT min(id) FROM password_resets WHERE used_at IS NULL)" > /dev/null
    api POST "/api/v1/password-resets/$EXP" '{"password":"a-new-password-3"}' ""
    is "$STATUS" 404 "an expired link is refused"
}

# ---- the pages ----
page anon GET /login
like "$BODY" 'href="/login/forgot"' "the sign-in page links 'Forgot your password?'"
page anon GET /login/forgot
page anon POST /login/forgot --data-urlencode "email=cb@beta.test" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 200 "the form asks for a link"
like "$BODY" "If the address has an account, a link to choose a new password is on its way" "and says so"
passwords "4" > /dev/null # Beta's customer gets a password (so that the account may reset it)
page anon GET /login/forgot
page anon POST /login/forgot --data-urlencode "email=cb@beta.test" --data-urlencode "csrf=$(csrf)"
wait_until 10 '[ "$(sunk)" -ge 4 ]'; ok $? "Berit's link arrives"
PLINK=$(link_of 4); PPATH=/reset/${PLINK##*/}
page anon GET "$PPATH"
is "$STATUS" 200 "the link opens the new-password form"
page anon POST "$PPATH" --data-urlencode "password=berit-new-pass-1" \
    --data-urlencode "password_again=berit-other-pass" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 422 "two different passwords: 422"
page anon POST "$PPATH" --data-urlencode "password=berit-new-pass-1" \
    --data-urlencode "password_again=berit-new-pass-1" --data-urlencode "csrf=$(csrf)"
is "$STATUS/$(header Location)" "303//login?reset=1" "the form sets it and goes to sign in"
page anon GET "/login?reset=1"
like "$BODY" "Your password is changed" "which says so"
sign_in berit cb@beta.test berit-new-pass-1; is "$STATUS" 303 "Berit signs in with the new password"
page anon GET "$PPATH"
is "$STATUS" 404 "the used link is refused in the page too"
page anon POST "$PPATH" --data-urlencode "password=x-new-pass-11" --data-urlencode "password_again=x-new-pass-11"
is "$STATUS" 403 "a form without its CSRF token is refused"

# ---- human words in a notice's subject (issue 15): not waiting_customer ----
api POST /api/v1/tickets '{"subject":"Export stops","organization_id":1,"requester_id":3}' "$AGENT"
TW=$(json .id)
api PATCH "/api/v1/tickets/$TW" '{"status":"in_progress"}' "$AGENT"
api PATCH "/api/v1/tickets/$TW" '{"status":"waiting_customer"}' "$AGENT"
is "$STATUS" 200 "an agent waits for the customer"
wait_until 10 'grep -lq "^Subject: \[#$TW\] Waiting for your reply: Export stops" "$T"/sink/*.eml'
ok $? "a status notice says 'Waiting for your reply' in its subject"
! grep -q "waiting_customer" "$T"/sink/*.eml; ok $? "and never waiting_customer"
stop_server
done_testing
