#!/usr/bin/env bash
# 2002 the pages after the first set, over real HTTP with curl: the SLA report (API, page with
# its SVG chart, CSV) on a worked example, hour banks, roles, another organisation's ids,
# hostile text escaped, CSRF refusals.
. "$(dirname "$0")/lib.sh"

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3, 4"
ok $? "passwords"
# the hostile name of Acme shows everywhere as text
acme_name() { # acme_name NAME: rename organisation 1 through the API
    api PATCH /api/v1/organizations/1 "$(jq -nc --arg n "$1" '{name: $n}')" "$ADMIN"
    [ "$STATUS" = 200 ] || echo "# renaming Acme: $STATUS $BODY"
}
acme_name 'Acme <script>alert(1)</script>'

# ---- the SLA report: three C requests received in March 2026 (target 16 working hours) -------
ticket() { # ticket RECEIVED_AT SEVERITY: sets TID
    api POST /api/v1/tickets "{\"subject\":\"report\",\"severity\":\"$2\",\"organization_id\":1,\"received_at\":\"$1\"}" "$AGENT"
    TID=$(json .id)
}
ticket 2026-03-02T09:00:00Z C; MET=$TID
ticket 2026-03-03T09:00:00Z C; MISSED=$TID
ticket 2026-03-04T09:00:00Z C; BREACHED=$TID
ticket 2026-04-01T09:00:00Z A; APRIL=$TID
# sqlite-only: the worked example needs handling begun at a past time, which no interface
# records (a status change begins it now), so the report's figures are checked on SQLite only
sign_in agent agent@vendor.test
if on_sqlite "the SLA report's worked example backdates when handling began"; then
    sqlite_only_q "UPDATE tickets SET handling_initiated_at = received_at + 3600 WHERE id = $MET;
       UPDATE tickets SET handling_initiated_at = received_at + 30 * 86400 WHERE id IN ($MISSED, $APRIL)"
    api GET "/api/v1/reports/sla?from=2026-03-01&to=2026-03-31" "" "$AGENT"
    is "$STATUS" 200 "GET /api/v1/reports/sla"
    is "$(json '.rows|length')" 1 "one row: Acme, March, C"
    is "$(json '.rows[0]|[.organization_id,.month,.severity,.total,.met,.missed,.breached]|@csv')" \
        '1,"2026-03","C",3,1,1,1' "3 with a clock: met, missed, breached"
    like "$(json '.rows[0].compliance')" '^0\.333' "compliance 1/3"
    api GET "/api/v1/reports/sla?from=2026-03-01&to=2026-04-30" "" "$AGENT"
    is "$(json '[.rows[]|[.month,.severity,(.compliance*1000|floor)]|@csv]|join(" ")')" \
        '"2026-03","C",333 "2026-04","A",0' "months by received_at, one row each"
    api GET "/api/v1/reports/sla?from=2026-03-01&to=2026-03-02" "" "$AGENT"
    is "$(json '.rows[0].total')" 1 "to is inclusive"
    api GET "/api/v1/reports/sla?from=2026-03-01&to=2026-04-30" "" "$CA"
    is "$STATUS $(json '.rows|length')" "200 2" "a customer reads its own organisation's"
    api GET "/api/v1/reports/sla?from=2026-03-01&to=2026-04-30" "" "$CB"
    is "$STATUS $(json '.rows|length')" "200 0" "another customer gets none"
    api GET "/api/v1/reports/sla?from=2026-03-01&to=2026-04-30&organization_id=1" "" "$CB"
    is "$STATUS $(json '.rows|length')" "200 0" "also when naming the other organisation"
    api GET "/api/v1/reports/sla?from=March" "" "$AGENT"
    is "$STATUS $(json .error.field)" "400 from" "a date that does not parse is 400"
    api GET "/api/v1/reports/sla"
    is "$STATUS" 401 "without a token 401"

    page agent GET "/desk/reports?from=2026-03-01&to=2026-04-30"
    is "$STATUS" 200 "the reports page"
    like "$BODY" '<svg class="chart"' "with an inline SVG chart"
    like "$BODY" '33.3 %' "and the compliance"
    like "$BODY" 'Acme &lt;script&gt;alert\(1\)&lt;/script&gt;' "the organisation's name is escaped"
    is "$(printf '%s' "$BODY" | grep -c '<script>alert')" 0 "never raw"
    page agent GET "/desk/reports/sla.csv?from=2026-03-01&to=2026-04-30"
    is "$STATUS $(header Content-Type)" "200 text/csv; charset=utf-8" "the CSV export"
    like "$(header Content-Disposition)" '^attachment; filename="sla.csv"' "as a download"
    is "$(sed -n 2p "$T/body" | tr -d '\r')" \
        '1,Acme <script>alert(1)</script>,2026-03,C,3,1,1,1,0.3333' "one line a row"
    acme_name 'Acme, "Inc"'
    page agent GET "/desk/reports/sla.csv?from=2026-03-01&to=2026-03-31"
    is "$(sed -n 2p "$T/body" | tr -d '\r')" '1,"Acme, ""Inc""",2026-03,C,3,1,1,1,0.3333' \
        "a name with a comma and quotes is quoted"
    acme_name 'Acme <script>alert(1)</script>'
fi

# ---- hour banks ----------------------------------------------------------------------------
YEAR=$(date -u +%Y)
api POST /api/v1/agreements "{\"organization_id\":1,\"kind\":\"enhanced\",\"starts_on\":\"$YEAR-01-01\",
    \"hours\":100,\"currency\":\"EUR\",\"rate\":10000,\"annual_fee\":1250000}" "$ADMIN"
is "$STATUS $(json .id)" "201 2" "an enhanced agreement of 100 hours this year"
accept 2 "$CA"
api POST /api/v1/agreements/2/sign "" "$ADMIN"
is "$STATUS" 200 "signed"
api POST /api/v1/tickets/$MET/time-entries '{"minutes":90,"kind":"included","agreement_id":2}' "$AGENT"
is "$STATUS" 201 "time recorded against the bank"
page agent GET "/desk/reports"
like "$BODY" 'class="chart-used"' "the bank's bar"
like "$BODY" '1.50 / 100.00 h' "used against purchased"
page agent GET "/desk/reports/hours.csv"
is "$(sed -n 2p "$T/body" | tr -d '\r')" \
    "2,Acme <script>alert(1)</script>,enhanced,$YEAR-01-01,$YEAR-12-31,100.00,0.00,1.50,98.50" \
    "hours.csv"

# ---- the portal: an agreement, responsibilities, catalogue, releases, invoices ------------------
api POST /api/v1/agreements/2/change-orders '{"hours":10,"reason":"<script>more</script> hours"}' "$AGENT"
is "$STATUS" 201 "a change order proposed"
sign_in ca ca@acme.test
# the portal list's "Service level" says what the API says (issue 16): a request answered after
# its response target is "response missed", never "on track"
api POST /api/v1/tickets '{"subject":"answered late","severity":"B","organization_id":1,"requester_id":3,"received_at":"2026-03-05T09:00:00Z"}' "$AGENT"
LATE=$(json .id)
api PATCH "/api/v1/tickets/$LATE" '{"status":"in_progress"}' "$AGENT"
api GET "/api/v1/tickets/$LATE" "" "$CA"
is "$(json .sla.state)" missed "the API: the response target missed"
page ca GET /portal/
like "$(tr -d '\n' <<< "$BODY" | grep -o "<tr[^>]*>[^<]*<td[^>]*>$LATE</td>.*" | sed 's|</tr>.*||')" \
    '<span class="sla sla-missed">response missed</span>' "the portal list says response missed"
page ca GET /portal/agreements/2
is "$STATUS" 200 "a customer's agreement page"
like "$BODY" '<svg class="chart"' "the hours bank as an SVG chart"
like "$BODY" 'used 1.50 h · balance 98.50 h' "used against the balance"
like "$BODY" '&lt;script&gt;more&lt;/script&gt; hours' "the change order, escaped"
is "$(printf '%s' "$BODY" | grep -c '<script>more')" 0 "never raw"
sign_in cb cb@beta.test
page cb GET /portal/agreements/2
is "$STATUS" 404 "another organisation's agreement is 404"
page agent GET /portal/agreements/2
is "$STATUS $(header Location)" "303 /desk/" "staff opening the portal go to the desk"

api POST /api/v1/rasci-matrices '{"name":"Acme <b>RASCI</b>","parties":["Customer","Vendor"],"rows":[{"activity":"Backups <i>","cells":{"Customer":"I","Vendor":"A/R"}}]}' "$AGENT"
is "$STATUS" 201 "a RASCI matrix"
api PATCH /api/v1/agreements/1 "{\"rasci_matrix_id\":$(json .id)}" "$ADMIN"
is "$STATUS" 200 "given to Acme's maintenance agreement"
page ca GET /portal/responsibilities
is "$STATUS" 200 "the responsibilities page"
like "$BODY" 'Acme &lt;b&gt;RASCI&lt;/b&gt;' "the organisation's matrix"
like "$BODY" 'Backups &lt;i&gt;</td><td>I</td><td>A/R</td>' "its cells"
page cb GET /portal/responsibilities
is "$(printf '%s' "$BODY" | grep -c 'Acme &lt;b&gt;RASCI')" 0 "not another organisation's matrix"

page ca GET /portal/catalogue
is "$STATUS" 200 "the catalogue page"
like "$BODY" 'For your hosting model: hosted by us' "of the customer's hosting model, in words"
like "$BODY" '<td data-label="Inclusion">an add-on to purchase</td>' "with inclusions in words (not add_on)"
page cb GET /portal/catalogue
like "$BODY" 'no maintenance agreement in force' "a customer without one is told so"

api POST /api/v1/installations '{"organization_id":1,"name":"prod","hosting":"customer_hosted","version":"5.1.0"}' "$AGENT"
is "$STATUS" 201 "an installation of Acme"
api POST /api/v1/known-errors '{"title":"Export <script>x</script> fails","description":"d","status":"investigating","affected_versions":["5.1.0"]}' "$AGENT"
is "$STATUS" 201 "a known error touching it"
api POST /api/v1/releases '{"version":"5.2.0","kind":"minor","released_on":"2026-11-01","notes":"Fixes <script>y</script>"}' "$AGENT"
REL=$(json .id)
api POST /api/v1/releases '{"version":"5.3.0","kind":"minor","released_on":"2026-11-02","notes":"draft"}' "$AGENT"
api POST "/api/v1/releases/$REL/publish" "" "$AGENT"
is "$STATUS" 200 "a release published"
page ca GET /portal/releases
is "$STATUS" 200 "the releases page"
like "$BODY" 'Export &lt;script&gt;x&lt;/script&gt; fails' "the known error, escaped"
like "$BODY" 'Fixes &lt;script&gt;y&lt;/script&gt;' "the published release's notes, escaped"
is "$(printf '%s' "$BODY" | grep -cF '5.3.0')" 0 "not an unpublished one"
page cb GET /portal/releases
is "$(printf '%s' "$BODY" | grep -c 'Export')" 0 "a known error not touching the customer is not shown"

api POST /api/v1/agreements/2/invoices "{\"period_start\":\"$YEAR-01-01\",\"period_end\":\"$YEAR-01-31\"}" "$AGENT"
INV=$(json .id); [ "$STATUS" = 201 ] || echo "# $BODY"
is "$STATUS" 201 "an invoice"
page ca GET /portal/invoices
is "$STATUS" 200 "the invoices page"
like "$BODY" "href=\"/api/v1/invoices/$INV.pdf\"" "links the PDF"
page ca GET "/api/v1/invoices/$INV.html"
is "$STATUS" 200 "which the session cookie may read"
page cb GET "/api/v1/invoices/$INV.html"
is "$STATUS" 404 "but not another organisation's"
page cb GET /portal/invoices
is "$(printf '%s' "$BODY" | grep -c "invoices/$INV")" 0 "nor list it"

# ---- the knowledge base in the portal ---------------------------------------------------------
for v in public customers internal; do
    api POST /api/v1/kb/articles "{\"title\":\"Printer <script>$v</script> offline\",\"body\":\"Restart the spooler\",\"tags\":[\"printing\"],\"visibility\":\"$v\"}" "$AGENT"
    eval "ART_$v=\$(json .id)"
done
is "$STATUS" 201 "articles of each visibility"
page ca GET "/portal/kb?q=printer+spooler"
is "$STATUS" 200 "the portal's knowledge-base search"
like "$BODY" "href=\"/kb/$ART_public\">Printer &lt;script&gt;public&lt;/script&gt; offline" "a public article, escaped"
like "$BODY" "href=\"/kb/$ART_customers\">" "a customers' article"
is "$(printf '%s' "$BODY" | grep -c "href=\"/kb/$ART_internal\"")" 0 "never an internal one"
page ca GET "/kb/$ART_customers"
is "$STATUS" 200 "the customers' article opens with the session cookie"
page ca GET "/api/v1/kb/articles?limit=5&q=printer"
is "$STATUS $(json '[.items[].id]|length')" "200 2" "the suggestions' API read works with the session cookie"
page ca GET /portal/requests/new
like "$BODY" 'data-kb-suggest="kb-suggestions"' "the request form offers suggestions (with the script)"
like "$BODY" '<form[^>]*action="/portal/requests"' "and still posts without it"
page anon GET "/portal/kb?q=printer"
is "$STATUS" 303 "a visitor is sent to sign in"

# ---- the desk's request page: time entries and the known error -----------------------------------
page agent GET "/desk/tickets/$MET"
is "$STATUS" 200 "the request page"
like "$BODY" 'action="/desk/tickets/'$MET'/time"' "with the time form"
TOKEN_AG=$(csrf)
page agent POST "/desk/tickets/$MET/time" -d minutes=45 -d kind=billable --data-urlencode "note=<script>n</script> call"
is "$STATUS" 403 "time without the CSRF token is refused"
is "$(get "/api/v1/tickets/$MET/time-entries" '[.items[]|select(.minutes == 45)]|length')" 0 "and nothing stored"
page agent POST "/desk/tickets/$MET/time" --data-urlencode "csrf=$TOKEN_AG" -d minutes=45 -d kind=billable \
    --data-urlencode "note=<script>n</script> call"
is "$STATUS $(header Location)" "303 /desk/tickets/$MET" "time recorded"
page agent GET "/desk/tickets/$MET"
like "$BODY" '<td data-label="Time">0:45</td><td data-label="Kind">billable</td><td data-label="Note">&lt;script&gt;n&lt;/script&gt; call</td>' "listed, the note escaped"
page agent POST "/desk/tickets/$MET/time" --data-urlencode "csrf=$TOKEN_AG" -d minutes=0 -d kind=billable
is "$STATUS" 422 "0 minutes is 422"
KE=$(get /api/v1/known-errors '[.items[].id]|.[0]')
page agent POST "/desk/tickets/$MET/known-error" --data-urlencode "csrf=$TOKEN_AG" -d known_error_id=$KE
is "$STATUS" 303 "a known error linked"
page agent GET "/desk/tickets/$MET"
like "$BODY" "Known error #$KE: <a href=\"/desk/known-errors/$KE\">Export &lt;script&gt;x&lt;/script&gt; fails</a>" "shown on the request, linked to its page"
page agent POST "/desk/tickets/999999/time" --data-urlencode "csrf=$TOKEN_AG" -d minutes=5 -d kind=billable
is "$STATUS" 404 "time on a missing request is 404"
page ca POST "/desk/tickets/$MET/time" --data-urlencode "csrf=$TOKEN_AG" -d minutes=5 -d kind=billable
is "$STATUS" 403 "a customer may not record time"

# ---- the desk's releases ---------------------------------------------------------------------
page agent GET /desk/releases
is "$STATUS" 200 "the desk's releases"
like "$BODY" '5.3.0' "unpublished ones too"
TOKEN_AG=$(csrf)
page agent POST /desk/releases -d version=6.0.0 -d kind=major
is "$STATUS" 403 "recording without the CSRF token is refused"
page agent POST /desk/releases --data-urlencode "csrf=$TOKEN_AG" -d version=6.0.0 -d kind=major \
    -d released_on=2026-11-20 --data-urlencode "notes=<script>z</script>"
is "$STATUS $(header Location)" "303 /desk/releases" "a release recorded"
page agent POST /desk/releases --data-urlencode "csrf=$TOKEN_AG" -d version=6.0 -d kind=major
is "$STATUS" 409 "the same version again is 409"
page agent POST /desk/releases --data-urlencode "csrf=$TOKEN_AG" -d version=six -d kind=major
is "$STATUS" 422 "a version that is not one is 422"
R6=$(get "/api/v1/releases?limit=1000" '.items[]|select(.version == "6.0.0")|.id')
page agent POST "/desk/releases/$R6/publish" --data-urlencode "csrf=$TOKEN_AG"
is "$STATUS" 303 "published"
is "$(get "/api/v1/releases/$R6" '.published_at != null')" true "stored"
page agent POST "/desk/releases/$R6/publish" --data-urlencode "csrf=$TOKEN_AG"
is "$STATUS" 409 "publishing twice is 409"
page ca GET /portal/releases
like "$BODY" '&lt;script&gt;z&lt;/script&gt;' "customers read its notes, escaped"
page ca GET /desk/releases
is "$STATUS" 403 "a customer may not open the desk's releases"

page ca GET /desk/reports
is "$STATUS" 403 "a customer may not open the desk's reports"
page anon GET /desk/reports
is "$STATUS $(header Location)" "303 /login?next=%2Fdesk%2Freports" "a visitor is sent to sign in"

stop_server
done_testing
