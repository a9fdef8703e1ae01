#!/usr/bin/env bash
# 2012 the pages in English and Danish (issue 15): the language the browser asks for
# (Accept-Language, weights honoured), or the user's own choice on the account page, which wins;
# every text of the templates, the titles, labels and errors from the catalogue po/da.po; dates
# and numbers as Danish writes them; the API stays English.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
grep -q 'language not offered' "$T/server.log" 2>/dev/null &&
    echo "# the server says Danish is not offered: $(grep 'language not offered' "$T/server.log")"
fixtures; ok $? "fixtures"
passwords "2, 3"
ok $? "passwords"
DA=(-H 'Accept-Language: da-DK,da;q=0.9,en;q=0.5')

page anon GET /login "${DA[@]}"
like "$BODY" '<html lang="da">' "Accept-Language da: the page says it is Danish"
has '<title>Log ind · svcdesk</title>'; ok $? "its title from the catalogue"
has '>Adgangskode'; ok $? "its form's labels too"
page anon GET /login -H 'Accept-Language: fr, en-GB;q=0.9, da;q=0.8'
like "$BODY" '<html lang="en">' "English before Danish by weight: English"
page anon GET /login -H 'Accept-Language: fr, da;q=0.1'
like "$BODY" '<html lang="da">' "French is not offered: the next one, Danish"
page anon GET /login
like "$BODY" '<html lang="en">' "no Accept-Language: English"
has '<title>Sign in · svcdesk</title>'; ok $? "as written"

page ca GET /login "${DA[@]}"
page ca POST /login "${DA[@]}" --data-urlencode "email=ca@acme.test" \
    --data-urlencode "password=$PAGE_PASSWORD" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 303 "the customer signs in"
head -c 1536 /dev/zero | tr '\0' 'x' > "$T/log.txt"
page ca GET /portal/requests/new "${DA[@]}"
page ca POST /portal/requests "${DA[@]}" -F "csrf=$(csrf)" --form-string 'subject=Målere læses ikke' \
    --form-string 'body=siden 06:00' -F severity=A -F type=error -F "file=@$T/log.txt;type=text/plain"
is "$STATUS" 303 "a request opened from the Danish form"
ID=$(header Location | sed 's|.*/||')
page ca GET /portal/ "${DA[@]}"
has '<h1>Dine henvendelser</h1>'; ok $? "the portal's list in Danish"
has '>Ny</span>'; ok $? "a status in Danish words"
like "$BODY" '<time datetime="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z">[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2} ' \
    "dates as Danish writes them (day-month-year), the machine-readable one unchanged"
page ca GET "/portal/requests/$ID" "${DA[@]}"
has '1,5 KiB'; ok $? "a file's size with a decimal comma"
has 'Målere læses ikke'; ok $? "what the customer typed stays as typed"
page ca GET /portal/nothing-here "${DA[@]}"
is "$STATUS" 404 "a missing page"
has '<title>Ikke fundet · svcdesk</title>'; ok $? "says so in Danish"

# the account page: the user's own choice wins over the browser's
page ca GET /account/password "${DA[@]}"
has '<option value="da">Dansk</option>'; ok $? "the account page offers Danish, in Danish"
TOKEN=$(csrf)
page ca POST /account/language "${DA[@]}" --data-urlencode "csrf=$TOKEN" -d language=xx
is "$STATUS" 422 "a language not offered: 422"
has '&#39;xx&#39;'; ok $? "naming what was sent"
page ca POST /account/language "${DA[@]}" --data-urlencode "csrf=$TOKEN" -d language=en
is "$STATUS $(header Location)" "303 /account/password" "English chosen"
page ca GET /account/password "${DA[@]}"
like "$BODY" '<html lang="en">' "the pages are English now, whatever the browser asks"
has '<option value="en" selected>English</option>'; ok $? "the choice is shown"
has 'Saved.'; ok $? "with the saved notice, in English"
is "$(audit_q "entity=user&entity_id=3" '[.[]|select(.after.language == "en")]|length')" 1 \
    "the choice is in the audit trail"
page ca POST /account/language --data-urlencode "csrf=$TOKEN" -d language=
page ca GET /portal/ "${DA[@]}"
like "$BODY" '<html lang="da">' "cleared: the browser's language again"

# staff pages as well
sign_in agent agent@vendor.test
page agent GET "/desk/tickets/$ID" "${DA[@]}"
like "$BODY" '<html lang="da">' "the desk in Danish"
has 'Tilføj en intern note'; ok $? "the reply actions in Danish"
has 'Kritisk fejl'; ok $? "the severity's words in Danish"

# a refusal that the API's own checks make reads in the page's language too
page ca GET /portal/requests/new "${DA[@]}"
page ca POST /portal/requests "${DA[@]}" -F "csrf=$(csrf)" --form-string "subject=$(head -c 400 /dev/zero | tr '\0' 'x')" \
    --form-string 'body=x' -F severity=A -F type=error
is "$STATUS" 422 "a subject too long: 422"
has 'tegn'; ok $? "says so in Danish (\"... tegn\")"

# the API is for programs: English whatever the browser asks
api POST /api/v1/tickets "{\"subject\":\"$(head -c 400 /dev/zero | tr '\0' 'x')\"}" "$CA"
EN=$(json .error.message)
DA_MSG=$(curl -s -H "Authorization: Bearer $CA" -H 'Accept-Language: da' -H 'Content-Type: application/json' \
    -d "{\"subject\":\"$(head -c 400 /dev/zero | tr '\0' 'x')\"}" "$BASE/api/v1/tickets" | jq -r .error.message)
is "$DA_MSG" "$EN" "the API's messages stay English with Accept-Language: da ($EN)"
is "$(curl -s -H "Authorization: Bearer $AGENT" -H 'Accept-Language: da' "$BASE/api/v1/tickets/$ID" |
    jq -r .status)" new "the API's values are not translated"

done_testing
