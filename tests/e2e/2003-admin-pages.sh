#!/usr/bin/env bash
# 2003 the admin's pages and /account/password over real HTTP with curl: roles (403 for agents,
# 303 for visitors), accounts created and passwords set through the forms then used to sign in,
# calendars (errors naming the path, the preview, .ics import), SLA policies, RASCI matrices
# (two A's refused naming the activity), hostile text escaped, CSRF refusals that change nothing.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3, 4"
ok $? "passwords"

sign_in admin "$ADMIN_EMAIL"; is "$STATUS" 303 "the admin signs in"
sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in"

# ---- roles ------------------------------------------------------------------------------------
for p in /desk/admin/ /desk/admin/users /desk/admin/calendars /desk/admin/calendars/1 \
         /desk/admin/policies /desk/admin/rasci /desk/admin/catalogue /account/password; do
    page admin GET "$p"; is "$STATUS" 200 "admin: GET $p"
done
page admin GET /desk/; has 'href="/desk/admin/"'; ok $? "the admin's navigation links the admin pages"
page agent GET /desk/; has '/desk/admin/'; ok $((! $?)) "the agent's navigation does not"
for p in /desk/admin/ /desk/admin/users /desk/admin/calendars /desk/admin/policies /desk/admin/rasci \
         /desk/admin/catalogue; do
    page agent GET "$p"; is "$STATUS" 403 "agent: GET $p is 403"
    page anon GET "$p"; is "$STATUS $(header Location)" "303 /login?next=${p//\//%2F}" \
        "visitor: GET $p goes to /login"
done
page ca GET /desk/admin/users; is "$STATUS" 403 "customer: /desk/admin/users is 403"
page agent GET /account/password; is "$STATUS" 200 "agent: /account/password"
page ca GET /account/password; is "$STATUS" 200 "customer: /account/password"
page anon GET /account/password; is "$STATUS" 303 "visitor: /account/password goes to /login"
page agent GET /desk/; TOKEN=$(csrf)
page agent POST /desk/admin/users --data-urlencode "csrf=$TOKEN" --data-urlencode email=x@y.test \
    --data-urlencode name=X --data-urlencode role=admin --data-urlencode password=long-enough-1
is "$STATUS" 403 "agent: POST /desk/admin/users is 403"
is "$(get "/api/v1/users?limit=1000" '[.items[]|select(.email == "x@y.test")]|length')" 0 "and makes no account"

# ---- accounts ---------------------------------------------------------------------------------
page admin GET /desk/admin/users; TOKEN=$(csrf)
USERS=$(api_count /api/v1/users)
page admin POST /desk/admin/users --data-urlencode email=new@acme.test \
    --data-urlencode 'name=Nina <script>alert(1)</script>' --data-urlencode role=customer \
    --data-urlencode organization_id=1 --data-urlencode password=new-pass-12345
is "$STATUS" 403 "a create without the CSRF token is 403"
is "$(api_count /api/v1/users)" "$USERS" "and changes nothing"
page admin POST /desk/admin/users --data-urlencode "csrf=$TOKEN" --data-urlencode email=new@acme.test \
    --data-urlencode 'name=Nina <script>alert(1)</script>' --data-urlencode role=customer \
    --data-urlencode organization_id=1 --data-urlencode password=new-pass-12345
is "$STATUS $(header Location)" "303 /desk/admin/users" "an account is created (303)"
is "$(get "/api/v1/users?limit=1000" '.items[]|select(.email == "new@acme.test")|"\(.role) \(.organization_id)"')" \
    "customer 1" "a customer of Acme"
on_sqlite "the stored password hash has no read interface" &&
    is "$(sqlite_only_q "SELECT password_hash LIKE '\$argon2id\$%' FROM users WHERE email = 'new@acme.test'")" \
        1 "its password kept as an argon2id hash"
page admin GET /desk/admin/users
has 'Nina &lt;script&gt;alert(1)&lt;/script&gt;'; ok $? "the hostile name shows escaped"
has '<script>alert'; ok $((! $?)) "and never as markup"
page admin POST /desk/admin/users --data-urlencode "csrf=$TOKEN" --data-urlencode email=NEW@acme.test \
    --data-urlencode name=Again --data-urlencode role=customer --data-urlencode organization_id=1 \
    --data-urlencode password=new-pass-12345
is "$STATUS" 409 "a taken e-mail is 409"; has "is taken"; ok $? "with the message"
has 'value="NEW@acme.test"'; ok $? "what was typed is kept"
page admin POST /desk/admin/users --data-urlencode "csrf=$TOKEN" --data-urlencode email=c2@acme.test \
    --data-urlencode name=C2 --data-urlencode role=customer --data-urlencode password=new-pass-12345
is "$STATUS" 422 "a customer without an organisation is 422"
page admin POST /desk/admin/users --data-urlencode "csrf=$TOKEN" --data-urlencode email=c3@acme.test \
    --data-urlencode name=C3 --data-urlencode role=agent --data-urlencode password=x
is "$STATUS" 422 "a short password is 422"; has "the password"; ok $? "naming the password"
sign_in nina new@acme.test new-pass-12345; is "$STATUS $(header Location)" "303 /portal/" \
    "the new account signs in"
NINA=$(get "/api/v1/users?limit=1000" '.items[]|select(.email == "new@acme.test")|.id')
page admin POST "/desk/admin/users/$NINA/password" --data-urlencode password=reset-pass-123
is "$STATUS" 403 "setting a password without the token is 403"
page admin POST "/desk/admin/users/$NINA/password" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode password=reset-pass-123
is "$STATUS" 303 "the admin sets Nina's password"
sign_in nina2 new@acme.test new-pass-12345; is "$STATUS" 401 "the old password no longer works"
sign_in nina2 new@acme.test reset-pass-123; is "$STATUS" 303 "the new one does"
page admin POST /desk/admin/users/999/password --data-urlencode "csrf=$TOKEN" \
    --data-urlencode password=reset-pass-123
is "$STATUS" 404 "an unknown account is 404"

# ---- /account/password --------------------------------------------------------------------------
page nina2 GET /account/password; TOKEN=$(csrf)
page nina2 POST /account/password --data-urlencode old_password=reset-pass-123 \
    --data-urlencode new_password=mine-pass-123 --data-urlencode new_password_again=mine-pass-123
is "$STATUS" 403 "a change without the token is 403"
on_sqlite "failed sign-ins have no read interface" &&
    FAILS=$(sqlite_only_q "SELECT count(*) FROM sign_in_failures WHERE email = 'new@acme.test'")
page nina2 POST /account/password --data-urlencode "csrf=$TOKEN" --data-urlencode old_password=wrong \
    --data-urlencode new_password=mine-pass-123 --data-urlencode new_password_again=mine-pass-123
is "$STATUS" 422 "a wrong old password is 422"; has "is wrong"; ok $? "with the message"
[ "$SVCDESK_TEST_DB" = sqlite ] &&
    is "$(sqlite_only_q "SELECT count(*) FROM sign_in_failures WHERE email = 'new@acme.test'")" \
        $((FAILS + 1)) "and counts as a failed sign-in"
page nina2 POST /account/password --data-urlencode "csrf=$TOKEN" \
    --data-urlencode old_password=reset-pass-123 --data-urlencode new_password=mine-pass-123 \
    --data-urlencode new_password_again=other-pass-123
is "$STATUS" 422 "a repetition that differs is 422"
page nina2 POST /account/password --data-urlencode "csrf=$TOKEN" \
    --data-urlencode old_password=reset-pass-123 --data-urlencode new_password=mine-pass-123 \
    --data-urlencode new_password_again=mine-pass-123
is "$STATUS $(header Location)" "303 /account/password?done=1" "the password changes"
sign_in nina3 new@acme.test reset-pass-123; is "$STATUS" 401 "the old password then fails"
sign_in nina3 new@acme.test mine-pass-123; is "$STATUS" 303 "the new one signs in"

# ---- calendars ------------------------------------------------------------------------------------
page admin GET /desk/admin/calendars; TOKEN=$(csrf)
CALS=$(api_count /api/v1/calendars)
page admin POST /desk/admin/calendars --data-urlencode "csrf=$TOKEN" --data-urlencode name=Bad \
    --data-urlencode 'definition={"timezone":"UTC","hours":{"fri":["14:30-08:00"]}}'
is "$STATUS" 422 "a calendar with a bad interval is 422"
has 'hours.fri[0]'; ok $? "the error names hours.fri[0]"
page admin POST /desk/admin/calendars --data-urlencode "csrf=$TOKEN" --data-urlencode name=Bad \
    --data-urlencode 'definition={"timezone":"<script>x</script>"}'
is "$STATUS" 422 "an unknown time zone is 422"
has '<script>x'; ok $((! $?)) "its hostile text escaped"
page admin POST /desk/admin/calendars --data-urlencode "csrf=$TOKEN" --data-urlencode name=Bad \
    --data-urlencode 'definition={"timezone":'
is "$STATUS" 422 "a definition that is not JSON is 422"
page admin POST /desk/admin/calendars --data-urlencode name=Office \
    --data-urlencode 'definition={"timezone":"Europe/Copenhagen","hours":{"mon":["09:00-17:00"]}}'
is "$STATUS" 403 "a calendar without the token is 403"
is "$(api_count /api/v1/calendars)" "$CALS" "no calendar was made"
page admin POST /desk/admin/calendars --data-urlencode "csrf=$TOKEN" --data-urlencode name=Office \
    --data-urlencode 'definition={"timezone":"Europe/Copenhagen","hours":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]}}'
ST="$STATUS $(header Location)"
CAL=$(get "/api/v1/calendars?limit=1000" '.items[]|select(.name == "Office")|.id')
is "$ST" "303 /desk/admin/calendars/$CAL" "a calendar is created"
page admin POST /desk/admin/calendars --data-urlencode "csrf=$TOKEN" --data-urlencode name=office \
    --data-urlencode 'definition={"timezone":"UTC","hours":{"mon":["09:00-17:00"]}}'
is "$STATUS" 409 "a taken name is 409"
page admin GET "/desk/admin/calendars/$CAL"
is "$(printf '%s' "$BODY" | grep -c '<tr><td data-label="From (local)">')" 10 \
    "the page previews the next 10 working spans"
has ' 09:00 +0'; ok $? "in local time"
like "$BODY" '<td data-label="From \(UTC\)">[0-9-]+ 0[78]:00 \+00:00<' "and in UTC"
cat > "$T/holidays.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//svcdesk//test//EN
BEGIN:VEVENT
UID:h1@test
DTSTART;VALUE=DATE:2030-06-05
SUMMARY:Constitution Day
END:VEVENT
BEGIN:VEVENT
UID:h2@test
DTSTART;VALUE=DATE:2030-12-24
DTEND;VALUE=DATE:2030-12-27
SUMMARY:Christmas
END:VEVENT
END:VCALENDAR
ICS
page admin POST "/desk/admin/calendars/$CAL/holidays" -F "ics=@$T/holidays.ics;type=text/calendar"
is "$STATUS" 403 "an import without the token is 403"
page admin POST "/desk/admin/calendars/$CAL/holidays" -F "csrf=$TOKEN" \
    -F "ics=@$T/holidays.ics;type=text/calendar"
is "$STATUS $(header Location)" "303 /desk/admin/calendars/$CAL?added=4" "the .ics adds 4 holidays"
is "$(get "/api/v1/calendars/$CAL" '.holidays|tojson')" \
    '["2030-06-05","2030-12-24","2030-12-25","2030-12-26"]' "they are the calendar's holidays"
page admin POST "/desk/admin/calendars/$CAL/holidays" -F "csrf=$TOKEN" \
    -F "ics=@$T/holidays.ics;type=text/calendar"
is "$(header Location)" "/desk/admin/calendars/$CAL?added=0" "the same file again adds none"
printf 'not a calendar' > "$T/bad.ics"
page admin POST "/desk/admin/calendars/$CAL/holidays" -F "csrf=$TOKEN" -F "ics=@$T/bad.ics"
is "$STATUS" 422 "a file that is not iCalendar is 422"
page admin GET /desk/admin/calendars/999; is "$STATUS" 404 "an unknown calendar is 404"

# ---- SLA policies ---------------------------------------------------------------------------------
page admin GET /desk/admin/policies; TOKEN=$(csrf)
page admin POST /desk/admin/policies --data-urlencode name=Gold --data-urlencode calendar_id=1
is "$STATUS" 403 "a policy without the token is 403"
is "$(get "/api/v1/sla-policies?limit=1000" '[.items[]|select(.name == "Gold")]|length')" 0 "no policy was made"
page admin POST /desk/admin/policies --data-urlencode "csrf=$TOKEN" --data-urlencode name=Gold \
    --data-urlencode calendar_id=1 --data-urlencode response_A=-1
is "$STATUS" 422 "a negative response target is 422"; has "response hours of A"; ok $? "naming A"
page admin POST /desk/admin/policies --data-urlencode "csrf=$TOKEN" --data-urlencode name=Gold \
    --data-urlencode calendar_id=1 --data-urlencode warn_at=0.5 --data-urlencode response_A=2 \
    --data-urlencode response_B=4.5
is "$STATUS $(header Location)" "303 /desk/admin/policies" "a policy is created"
is "$(get "/api/v1/sla-policies?limit=1000" '.items[]|select(.name == "Gold")|"\(.warn_at) \(.targets.B.response_hours)"')" \
    "0.5 4.5" "its warning threshold and B's 4.5 hours"
page admin POST /desk/admin/policies --data-urlencode "csrf=$TOKEN" --data-urlencode name=gold \
    --data-urlencode calendar_id=1
is "$STATUS" 409 "a taken name is 409"
page admin GET /desk/admin/policies; has "Gold"; ok $? "the list shows it"

# ---- RASCI matrices ---------------------------------------------------------------------------------
page admin GET /desk/admin/rasci; TOKEN=$(csrf)
MATRICES=$(api_count /api/v1/rasci-matrices)
page admin POST /desk/admin/rasci --data-urlencode name=Hosting \
    --data-urlencode $'rows=Backups | I | A/R'
is "$STATUS" 403 "a matrix without the token is 403"
page admin POST /desk/admin/rasci --data-urlencode "csrf=$TOKEN" --data-urlencode name=Hosting \
    --data-urlencode $'rows=Backups | I | A/R\nPatching <b>now</b> | A | A/R'
is "$STATUS" 422 "a matrix with two A's is refused"
has "Patching &lt;b&gt;now&lt;/b&gt;"; ok $? "the error names the activity, escaped"
is "$(api_count /api/v1/rasci-matrices)" "$MATRICES" "no matrix was made"
page admin POST /desk/admin/rasci --data-urlencode "csrf=$TOKEN" --data-urlencode name=Hosting \
    --data-urlencode $'rows=Backups | I | A/R\nPatching | X | A'
is "$STATUS" 422 "a cell with another letter is 422"
page admin POST /desk/admin/rasci --data-urlencode "csrf=$TOKEN" --data-urlencode name=Hosting \
    --data-urlencode $'rows=Backups | I | A/R\n\nPatching <b>now</b> | c | a, r\n'
is "$STATUS $(header Location)" "303 /desk/admin/rasci" "a matrix is created"
page admin GET /desk/admin/rasci
has "<td>C</td><td>A/R</td>"; ok $? "its cells in the stored form"
has "<b>now"; ok $((! $?)) "hostile activity text escaped"
page admin POST /desk/admin/rasci --data-urlencode "csrf=$TOKEN" --data-urlencode name=hosting \
    --data-urlencode $'rows=Backups | I | A/R'
is "$STATUS" 409 "a taken name is 409"

# ---- the service catalogue ------------------------------------------------------------------------
SVC=$(get "/api/v1/catalog?limit=1000" '[.items[].id]|min')
page admin GET /desk/admin/catalogue; TOKEN=$(csrf)
page admin POST "/desk/admin/catalogue/$SVC" --data-urlencode vendor_inclusion=included \
    --data-urlencode customer_inclusion=add_on --data-urlencode 'customer_comment=x'
is "$STATUS" 403 "a catalogue change without the token is 403"
page admin POST "/desk/admin/catalogue/$SVC" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode vendor_inclusion=included --data-urlencode customer_inclusion=sometimes
is "$STATUS" 422 "an unknown inclusion is 422"
page admin POST "/desk/admin/catalogue/$SVC" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode vendor_inclusion=included --data-urlencode customer_inclusion=add_on \
    --data-urlencode 'customer_comment=<script>alert(2)</script> on request'
is "$STATUS $(header Location)" "303 /desk/admin/catalogue" "a service's offer is saved"
is "$(get "/api/v1/catalog?limit=1000" ".items[]|select(.id == $SVC)|\"\\(.vendor_hosted.inclusion) \\(.customer_hosted.inclusion)\"")" \
    "included add_on" "as chosen"
page admin GET /desk/admin/catalogue
has '&lt;script&gt;alert(2)&lt;/script&gt; on request'; ok $? "the comment shows escaped"
has '<script>alert(2)'; ok $((! $?)) "never as markup"
page admin POST /desk/admin/catalogue/9999 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode vendor_inclusion=included --data-urlencode customer_inclusion=add_on
is "$STATUS" 404 "an unknown service is 404"

stop_server
done_testing
