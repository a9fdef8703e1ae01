#!/usr/bin/env bash
# 1020 knowledge, known errors, releases, installations: ranking and visibility of the
# knowledge base for each role, search input that tries to be FTS5 syntax or SQL, Markdown
# with raw HTML rendered inert, the /kb/ pages, version ordering, publishing a release
# (vendor-hosted updated and logged, customer-hosted notified through the outbox, newer ones
# untouched, twice 409), tenant isolation, and bad input answered 4xx naming the field.
. "$(dirname "$0")/lib.sh"
# all_changes: the changes logged on every installation, through the API
all_changes() {
    local i n=0
    for i in $(api_ids /api/v1/installations); do n=$((n + $(api_count "/api/v1/installations/$i/changes"))); done
    echo "$n"
}

start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
ANON=""

ids() { json '[.items[].id]|@csv'; }
# article TITLE BODY TAGS_JSON VISIBILITY: create as the agent, print its id
article() {
    api POST /api/v1/kb/articles "$(jq -nc --arg t "$1" --arg b "$2" --argjson g "$3" --arg v "$4" \
        '{title:$t, body:$b, tags:$g, visibility:$v}')" "$AGENT"
    [ "$STATUS" = 201 ] || echo "# article '$1': $STATUS $BODY" >&2
    json .id
}

# ---- the knowledge base: ranking and visibility ----
A1=$(article "Watchdog restarts the collector" "How the service recovers by itself." '["collector"]' public)
A2=$(article "Collector upgrade" "Plan the upgrade in the service window." '["watchdog"]' customers)
A3=$(article "Head-end notes" "The watchdog timer is set to 30 s on the head-end." '[]' internal)
for t in "Billing export" "Meter exchange" "Password reset" "Holiday calendar" "Invoice layout"; do
    article "$t" "Steps for $t, one by one." '["howto"]' public > /dev/null
done
A4=$(article "Alert script" "$(printf '<script>alert(1)</script>\n\n[click](javascript:alert(2)) **bold** alert')" '[]' public)
A5=$(article "Zebra credentials" "zebra rotation every quarter" '["secret"]' internal)
api POST /api/v1/kb/articles '{"title":"No visibility given"}' "$AGENT"
is "$STATUS|$(json .visibility)|$(json .body)" "201|internal|" "visibility defaults to internal, body to empty"

api GET "/api/v1/kb/articles?q=watchdog" "" "$AGENT"
is "$(ids)" "$A1,$A2,$A3" "ranked: a title hit, then a tag hit, then a body hit"
is "$(json '[.items[].score] | (.[0] > .[1] and .[1] > .[2])')" true "scores fall with the rank"
like "$(json '.items[2].snippet')" "<mark>watchdog</mark>" "the snippet marks the hit"
api GET "/api/v1/kb/articles?q=watchdog" "" "$CA"
is "$(ids)" "$A1,$A2" "a customer finds public and customers articles"
api GET "/api/v1/kb/articles?q=watchdog" "" ""
is "$STATUS|$(ids)" "200|$A1" "anonymous: public articles only, without a token"
api GET "/api/v1/kb/articles?q=watchdog" "" "$CB"
is "$(ids)" "$A1,$A2" "any customer reads customers articles"
api GET "/api/v1/kb/articles?q=restarting" "" ""
is "$(ids)" "$A1" "porter stemming: restarting finds restarts"
api GET "/api/v1/kb/articles?q=Upgrades" "" "$CA"
is "$(ids)" "$A2" "stemming and case folding: Upgrades finds upgrade"
api GET "/api/v1/kb/articles?q=watchdog%20collector" "" "$AGENT"
is "$(ids)" "$A1,$A2" "every word must match (the body hit has no 'collector')"
api GET "/api/v1/kb/articles?q=zebra" "" "$CA"
is "$(json '.items|length')" 0 "customers never find internal articles"
api GET "/api/v1/kb/articles" "" ""
is "$(json '[.items[].visibility]|unique|@csv')" '"public"' "anonymous listing: public only"
is "$(json '.items[0].score')" null "a listing has no score"
api GET "/api/v1/kb/articles?limit=3" "" "$AGENT"
first=$(ids); cur=$(json .next_cursor)
api GET "/api/v1/kb/articles?limit=3&cursor=$cur" "" "$AGENT"
is "$(json '.items|length')|$(echo "$first,$(ids)" | tr ',' '\n' | sort -u | wc -l)" "3|6" \
    "listing pages follow on without repeats"
api GET "/api/v1/kb/articles?q=howto&limit=2" "" ""
cur=$(json .next_cursor); first=$(ids)
api GET "/api/v1/kb/articles?q=howto&limit=2&cursor=$cur" "" ""
is "$(echo "$first,$(ids)" | tr ',' '\n' | sort -u | wc -l)" 4 "ranked results page on"

matrix_get() { # matrix_get PATH WANT_AGENT WANT_CA WANT_ANON
    local p=$1
    api GET "$p" "" "$AGENT"; is "$STATUS" "$2" "GET $p as agent"
    api GET "$p" "" "$CA"; is "$STATUS" "$3" "GET $p as customer"
    api GET "$p" "" ""; is "$STATUS" "$4" "GET $p anonymous"
}
matrix_get "/api/v1/kb/articles/$A1" 200 200 200
matrix_get "/api/v1/kb/articles/$A2" 200 200 404
matrix_get "/api/v1/kb/articles/$A3" 200 404 404
matrix_get "/api/v1/kb/articles/999999" 404 404 404

# ---- Markdown is rendered inert; snippets are escaped ----
api GET "/api/v1/kb/articles/$A4" "" ""
html=$(json .html)
like "$html" "raw HTML omitted" "raw HTML in Markdown is omitted"
! printf '%s' "$html" | grep -qiE '<script|javascript:'; ok $? "no script element, no javascript: link"
like "$html" "<strong>bold</strong>" "Markdown is rendered"
api GET "/api/v1/kb/articles?q=alert" "" ""
snip=$(json '.items[0].snippet')
if [ "$SVCDESK_TEST_DB" = postgres ]; then # ts_headline leaves the body's HTML tags out
    like "$snip" "<mark>alert</mark>" "the snippet marks the hit, the article's tags left out"
else
    like "$snip" "&lt;script&gt;<mark>alert</mark>" "the snippet escapes the article's HTML and marks the hit"
fi
! printf '%s' "$snip" | grep -q '<script'; ok $? "no markup but <mark> in a snippet"

# ---- search input that looks like FTS5 syntax or SQL ----
before=$(api_count /api/v1/kb/articles)
for q in '%22' '%22%22' 'watchdog%22' '%22watchdog' 'NEAR(watchdog%20collector)' \
    'watchdog%20OR%20zebra' 'title:watchdog' '%7Btitle%7D:%20watchdog' 'watchdog*' '(' ')' '*' \
    '-watchdog' '%5Ewatchdog' 'watchdog%20AND' 'NOT%20watchdog' 'zebra%20NOT%20watchdog' \
    "%27%3B%20DROP%20TABLE%20kb_articles%3B%20--" '%22)%20OR%201%3D1%20--' 'body:zebra' \
    '%C2%AB%C2%BB' 'w%C3%A4tchdog' '%E2%80%9Cwatchdog%E2%80%9D'; do
    api GET "/api/v1/kb/articles?q=$q" "" "$CA"
    is "$STATUS|$(json '[.items[]|select(.visibility == "internal")]|length')" "200|0" \
        "q=$q answers 200, nothing internal"
done
api GET "/api/v1/kb/articles?q=watchdog%22%20OR%20%22zebra" "" "$AGENT"
is "$(ids)" "" "quotes and OR are plain words: every one must match"
api GET "/api/v1/kb/articles?q=%22watchdog%22" "" "$AGENT"
is "$(ids)" "$A1,$A2,$A3" "a quoted word is the word"
api GET "/api/v1/kb/articles?q=watchdog*" "" "$AGENT"
is "$(ids)" "$A1,$A2,$A3" "* is not a prefix operator"
api GET "/api/v1/kb/articles?q=body:zebra" "" "$CA"
is "$(json '.items|length')" 0 "a column filter is not one"
is "$(api_count /api/v1/kb/articles)" "$before" "the articles are still there"
api GET "/api/v1/kb/articles?q=%FF" "" ""
is "$STATUS|$(json .error.field)" "400|q" "q that is not UTF-8 is 400"
api GET "/api/v1/kb/articles?q=$(head -c 300 /dev/zero | tr '\0' a)" "" ""
is "$STATUS|$(json .error.field)" "400|q" "q over 256 bytes is 400"
api GET "/api/v1/kb/articles?q=$(printf 'w%d%%20' $(seq 1 17))" "" ""
is "$STATUS|$(json .error.field)" "400|q" "q of 17 words is 400"
for p in "limit=0" "limit=1001" "limit=x" "cursor=zz" "cursor=n.0"; do
    api GET "/api/v1/kb/articles?$p" "" ""
    is "$STATUS" 400 "GET /api/v1/kb/articles?$p is 400"
done
api GET "/api/v1/tickets?q=%22)%20OR%20NEAR(a%20b)%20*" "" "$CA"
is "$STATUS|$(json '.items|length')" "200|0" "the same input on the ticket search answers 200"

# ---- writing articles: roles and bad input ----
before=$(api_count /api/v1/kb/articles)
bad_article() { # bad_article BODY STATUS FIELD DESCRIPTION [TOKEN]
    api POST /api/v1/kb/articles "$1" "${5-$AGENT}"
    is "$STATUS|$(json '.error.field // ""')" "$2|$3" "$4"
}
bad_article '{"body":"x"}' 422 title "an article without a title"
bad_article '{"title":""}' 422 title "an empty title"
bad_article '{"title":"x","visibility":"secret"}' 422 visibility "an unknown visibility"
bad_article '{"title":"x","tags":"ops"}' 422 tags "tags that are not a list"
bad_article '{"title":"x","tags":[""]}' 422 tags "an empty tag"
bad_article '{"title":"x","tags":[1]}' 422 tags "a tag that is not a string"
bad_article "{\"title\":\"x\",\"tags\":$(jq -nc '[range(21)|tostring]')}" 422 tags "21 tags"
bad_article '{"title":"x","author":"me"}' 422 author "an unknown field"
bad_article '{"title":' 400 "" "malformed JSON"
bad_article '{"title":"x"}' 403 "" "a customer may not write articles" "$CA"
bad_article '{"title":"x"}' 401 "" "nor may anonymous callers" ""
is "$(api_count /api/v1/kb/articles)" "$before" "no bad request stored an article"
api PATCH "/api/v1/kb/articles/$A3" '{"visibility":"public","title":"Head-end watchdog notes"}' "$AGENT"
is "$STATUS|$(json .visibility)" "200|public" "an agent publishes an internal article"
api GET "/api/v1/kb/articles?q=notes" "" ""
is "$(ids)" "$A3" "anonymous callers find it now, by its new title"
api PATCH "/api/v1/kb/articles/$A3" '{"tags":["runbook"],"body":"rewritten"}' "$AGENT"
api GET "/api/v1/kb/articles?q=timer" "" "$AGENT"
is "$(json '.items|length')" 0 "the index follows an edited body"
api GET "/api/v1/kb/articles?q=runbook" "" "$AGENT"
is "$(ids)" "$A3" "and edited tags"
api PATCH "/api/v1/kb/articles/$A3" '{"visibility":"nobody"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|visibility" "PATCH with an unknown visibility is 422"
api PATCH "/api/v1/kb/articles/$A3" '{"title":"mine"}' "$CA"
is "$STATUS" 403 "a customer may not edit articles"
api PATCH "/api/v1/kb/articles/999999" '{"title":"x"}' "$AGENT"
is "$STATUS" 404 "PATCH of a missing article is 404"

# ---- the /kb/ pages ----
code=$(curl -s -D "$T/h" -o "$T/page" -w '%{http_code}' "$BASE/kb/?q=watchdog")
is "$code" 200 "GET /kb/?q=watchdog without signing in"
like "$(cat "$T/h")" "Content-Type: text/html; charset=utf-8" "as HTML"
like "$(cat "$T/h")" "Content-Security-Policy: default-src 'none'" "with a strict CSP"
like "$(cat "$T/page")" "href=\"/kb/$A1\">Watchdog restarts the collector</a>" "the public hit is listed"
! grep -q "Collector upgrade" "$T/page"; ok $? "a customers article is not shown to anonymous visitors"
like "$(cat "$T/page")" 'name="q" aria-label="Search" value="watchdog"' "the form keeps the search"
code=$(curl -s -o "$T/page" -w '%{http_code}' "$BASE/kb/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
is "$code" 200 "a search with markup"
! grep -q '<script' "$T/page"; ok $? "is escaped in the page"
code=$(curl -s -o "$T/page" -w '%{http_code}' "$BASE/kb/$A4")
is "$code" 200 "GET /kb/{id} of a public article"
! grep -qiE '<script|javascript:' "$T/page"; ok $? "its raw HTML is inert in the page"
code=$(curl -s -o "$T/page" -w '%{http_code}' "$BASE/kb/$A5")
is "$code" 404 "an internal article's page is 404 for visitors"
code=$(curl -s -o "$T/page" -w '%{http_code}' -H "Authorization: Bearer $AGENT" "$BASE/kb/$A5")
is "$code" 200 "and readable by staff"
code=$(curl -s -o "$T/page" -w '%{http_code}' "$BASE/kb/")
is "$code" 200 "GET /kb/ without signing in"
like "$(cat "$T/page")" '<form method="get" action="/kb/"' "lists articles under a search form"

# ---- releases and versions ----
release() { # release VERSION KIND: create as the agent, print its id
    api POST /api/v1/releases "{\"version\":\"$1\",\"kind\":\"$2\",\"notes\":\"Fixes **meter** reads.\"}" "$AGENT"
    [ "$STATUS" = 201 ] || echo "# release $1: $STATUS $BODY" >&2
    json .id
}
R1=$(release 5.9.3 patch)
R2=$(release 5.10.0 minor)
R3=$(release 5.2.2-rc1 hotfix)
before=$(api_count /api/v1/releases)
for v in 5.10 5.10.0.0 5.010; do
    api POST /api/v1/releases "{\"version\":\"$v\",\"kind\":\"patch\"}" "$AGENT"
    is "$STATUS|$(json .error.field)" "409|version" "version $v equals 5.10.0: 409"
done
bad_release() { # bad_release BODY STATUS FIELD DESCRIPTION [TOKEN]
    api POST /api/v1/releases "$1" "${5-$AGENT}"
    is "$STATUS|$(json '.error.field // ""')" "$2|$3" "$4"
}
bad_release '{"version":"v5.11","kind":"minor"}' 422 version "a version with a v prefix"
bad_release '{"version":"5.11.","kind":"minor"}' 422 version "a version ending in a dot"
bad_release '{"version":"5.11-","kind":"minor"}' 422 version "an empty suffix"
bad_release '{"version":"5.11","kind":"big"}' 422 kind "an unknown kind"
bad_release '{"version":"5.11"}' 422 kind "a release without a kind"
bad_release '{"kind":"minor"}' 422 version "a release without a version"
bad_release '{"version":"5.11","kind":"minor","released_on":"2026-13-01"}' 422 released_on "a released_on that is not a date"
bad_release '{"version":"5.11","kind":"minor"}' 403 "" "a customer may not record releases" "$CA"
is "$(api_count /api/v1/releases)" "$before" "no bad request stored a release"
api GET /api/v1/releases "" "$AGENT"
is "$(json '[.items[].version]|@csv')" '"5.10.0","5.9.3","5.2.2-rc1"' "releases by version, highest first (5.10.0 > 5.9.3 > 5.2.2-rc1)"
api GET /api/v1/releases?limit=1 "" "$AGENT"
api GET "/api/v1/releases?limit=1&cursor=$(json .next_cursor)" "" "$AGENT"
is "$(json '[.items[].version]|@csv')" '"5.9.3"' "release pages follow on"
like "$(json .items[0].notes_html)" "<strong>meter</strong>" "release notes as HTML"
api GET /api/v1/releases "" "$CA"
is "$(json '.items|length')" 0 "customers see no unpublished release"
matrix_get "/api/v1/releases/$R2" 200 404 401

# ---- installations ----
installation() { # installation ORG NAME HOSTING VERSION: create as the agent, print its id
    api POST /api/v1/installations "{\"organization_id\":$1,\"name\":\"$2\",\"hosting\":\"$3\",\"version\":\"$4\"}" "$AGENT"
    [ "$STATUS" = 201 ] || echo "# installation $2: $STATUS $BODY" >&2
    json .id
}
I1=$(installation 1 "Acme production" vendor_hosted 5.9.3)
I2=$(installation 1 "Acme test" customer_hosted 5.2.2)
I6=$(installation 1 "Acme staging" vendor_hosted 5.10)
I3=$(installation 2 "Beta main" customer_hosted 5.10.0)
I4=$(installation 2 "Beta next" vendor_hosted 5.11)
I5=$(installation 2 "Beta lab" customer_hosted 5.2.2-rc1)
api POST /api/v1/organizations '{"name":"Gamma"}' "$ADMIN"
is "$STATUS $(json .id)" "201 3" "an organisation without contacts"
I7=$(installation 3 "Gamma (no contacts)" customer_hosted 1.0)
before=$(api_count /api/v1/installations)
bad_inst() { # bad_inst BODY STATUS FIELD DESCRIPTION [TOKEN]
    api POST /api/v1/installations "$1" "${5-$AGENT}"
    is "$STATUS|$(json '.error.field // ""')" "$2|$3" "$4"
}
bad_inst '{"organization_id":999,"name":"x","hosting":"vendor_hosted","version":"1"}' 422 organization_id "an organisation that does not exist"
bad_inst '{"organization_id":1,"name":"x","hosting":"cloud","version":"1"}' 422 hosting "an unknown hosting model"
bad_inst '{"organization_id":1,"name":"x","hosting":"vendor_hosted","version":"one"}' 422 version "a version that is not one"
bad_inst '{"organization_id":1,"hosting":"vendor_hosted","version":"1"}' 422 name "an installation without a name"
bad_inst '{"organization_id":1,"name":"x","hosting":"vendor_hosted","version":"1"}' 403 "" "a customer may not record installations" "$CA"
is "$(api_count /api/v1/installations)" "$before" "no bad request stored an installation"
api GET /api/v1/installations "" "$CA"
is "$(ids)" "$I1,$I2,$I6" "a customer lists its organisation's installations"
api GET "/api/v1/installations?organization_id=2" "" "$CA"
is "$(json '.items|length')" 0 "a customer's filter naming another organisation gives an empty list"
api GET "/api/v1/installations?organization_id=2" "" "$AGENT"
is "$(ids)" "$I3,$I4,$I5" "an agent filters by organisation"
matrix_get "/api/v1/installations/$I3" 200 404 401
matrix_get "/api/v1/installations/$I3/changes" 200 404 401
api POST "/api/v1/installations/$I2/changes" '{"what":"Applied hotfix 5.2.3","documentation":"Runbook 7","version":"5.2.3"}' "$AGENT"
is "$STATUS|$(json '[.from_version,.to_version,.by,.by_name]|@csv')" '201|"5.2.2","5.2.3",2,"Agnes Agent"' \
    "an agent logs an installed change with a new version"
api POST "/api/v1/installations/$I2/changes" '{"what":"x","version":"5.2.x"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|version" "a change to a version that is not one is 422"
api POST "/api/v1/installations/$I2/changes" '{"what":"x","at":"soon"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|at" "a change time that is not RFC 3339 is 422"
api POST "/api/v1/installations/$I2/changes" '{"what":"x"}' "$CA"
is "$STATUS" 403 "a customer may not log changes"
api POST "/api/v1/installations/999999/changes" '{"what":"x"}' "$AGENT"
is "$STATUS" 404 "a change to a missing installation is 404"
api GET "/api/v1/installations/$I2/changes" "" "$CA"
is "$(json '[.items[].what]|@csv')" '"Applied hotfix 5.2.3"' "the customer reads its installation's log"
api GET "/api/v1/installations/$I2" "" "$CA"
is "$(json .version)" 5.2.3 "the installation runs the logged version"

# ---- publishing ----
changes_before=$(all_changes)
api POST "/api/v1/releases/$R2/publish" "" "$CA"
is "$STATUS" 403 "a customer may not publish"
api POST "/api/v1/releases/999999/publish" "" "$AGENT"
is "$STATUS" 404 "publishing a missing release is 404"
api POST "/api/v1/releases/$R2/publish" "" "$AGENT"
is "$STATUS|$(json '[.published,.installations_updated,.installations_notified,.notices_queued]|@csv')" \
    "200|true,1,3,2" "publishing 5.10.0: one vendor-hosted update, three installations named in notices, one notice per organisation with contacts"
api GET "/api/v1/installations/$I1" "" "$AGENT"
is "$(json .version)" 5.10.0 "the older vendor-hosted installation now runs 5.10.0"
api GET "/api/v1/installations/$I1/changes" "" "$CA"
is "$(json "[.items[0] | .release_id, .from_version, .to_version, .by]|@csv")" "$R2,\"5.9.3\",\"5.10.0\",2" \
    "the update is logged as an installed change (release, versions, by whom)"
like "$(json .items[0].documentation)" "Fixes \*\*meter\*\* reads" "documented with the release notes"
for i in "$I6:5.10" "$I4:5.11" "$I3:5.10.0" "$I2:5.2.3" "$I5:5.2.2-rc1" "$I7:1.0"; do
    api GET "/api/v1/installations/${i%%:*}" "" "$AGENT"
    is "$(json .version)" "${i#*:}" "installation ${i%%:*} stays at ${i#*:}"
done
is "$(for i in $I6 $I4 $I3 $I5; do api_count "/api/v1/installations/$i/changes"; done | awk '{ n += $1 } END { print n }')" 0 \
    "nothing logged for installations at or above the version, nor for customer-hosted ones"
ACME_RELEASE='map(select(.recipients|tojson|test("acme")))|.[0]'
is "$(outbox_q kind=release 'map(.recipients|tojson)|sort|join(" ")')" \
    '["ca@acme.test"] ["cb@beta.test"]' "the contacts of each organisation are notified through the outbox"
like "$(outbox_q kind=release "$ACME_RELEASE|.body")" \
    "Acme test \(5\.2\.3\)" "the notice names the customer's older installation"
is "$(outbox_q kind=release "$ACME_RELEASE|.subject")" \
    "Release 5.10.0: installed for you, available for your own installations" \
    "a customer with both hosting models: one notice says both"
like "$(outbox_q kind=release "$ACME_RELEASE|.body|gsub(\"\n\"; \" \")")" \
    "We updated the installations we host for you: - Acme production \(5\.9\.3 to 5\.10\.0\)" \
    "a vendor-hosted customer is told its installation was updated (issue 16)"
! outbox_q kind=release "$ACME_RELEASE|.body" | grep -q "Beta"
ok $? "and nothing of the other organisation"
is "$(outbox_q kind=release "map(.message_id|select(contains(\".release.$R2.\")))|unique|length")" 2 \
    "each notice has its own Message-ID"
pending=$(metric svcdesk_outbox_pending); changes=$(all_changes)
api POST "/api/v1/releases/$R2/publish" "" "$AGENT"
is "$STATUS" 409 "publishing twice is 409"
is "$(metric svcdesk_outbox_pending)|$(all_changes)" "$pending|$changes" \
    "and changes nothing (no notice queued, no change logged)"
[ -n "$pending" ]; ok $? "(svcdesk_outbox_pending read: $pending)"
is "$changes" "$((changes_before + 1))" "(one change logged by the publish)"
api GET /api/v1/releases "" "$CA"
is "$(json '[.items[].version]|@csv')" '"5.10.0"' "customers see the published release"
matrix_get "/api/v1/releases/$R2" 200 200 401
matrix_get "/api/v1/releases/$R1" 200 404 401
api POST "/api/v1/releases/$R3/publish" "" "$AGENT"
is "$(json '[.installations_updated,.installations_notified,.notices_queued]|@csv')" "0,0,0" \
    "publishing 5.2.2-rc1 updates nothing: the older one has no contact to notify"

# ---- known errors ----
known() { # known JSON: create as the agent, print its id
    api POST /api/v1/known-errors "$1" "$AGENT"
    [ "$STATUS" = 201 ] || echo "# known error: $STATUS $BODY" >&2
    json .id
}
K1=$(known '{"title":"Reads stop at midnight","description":"d","status":"workaround","workaround":"restart","affected_versions":["5.2.3"]}')
K2=$(known '{"title":"Export slow","description":"d","status":"investigating","affected_versions":["5.11.0"]}')
K3=$(known '{"title":"Old bug","description":"d","status":"closed","affected_versions":["1.0"]}')
api GET /api/v1/known-errors "" "$CA"
is "$(ids)" "$K1" "Acme sees the known error touching 5.2.3, which one of its installations runs"
api GET /api/v1/known-errors "" "$CB"
is "$(ids)" "$K2" "Beta sees the one touching 5.11.0 (its installation runs 5.11: the same version)"
api GET /api/v1/known-errors "" "$AGENT"
is "$(ids)" "$K3,$K2,$K1" "agents see every known error, newest first"
matrix_get "/api/v1/known-errors/$K2" 200 404 401
matrix_get "/api/v1/known-errors/$K1" 200 200 401
api GET "/api/v1/known-errors/$K1" "" "$CB"
is "$STATUS" 404 "another organisation's known error is 404"
before=$(api_count /api/v1/known-errors)
bad_known() { # bad_known BODY STATUS FIELD DESCRIPTION [TOKEN]
    api POST /api/v1/known-errors "$1" "${5-$AGENT}"
    is "$STATUS|$(json '.error.field // ""')" "$2|$3" "$4"
}
base='"title":"t","description":"d","status":"investigating"'
bad_known "{$base}" 422 affected_versions "no affected_versions"
bad_known "{$base,\"affected_versions\":[\"5.x\"]}" 422 affected_versions "an affected version that is not one"
bad_known "{$base,\"affected_versions\":\"5.1\"}" 422 affected_versions "affected_versions that is not a list"
bad_known '{"title":"t","description":"d","status":"workaround","affected_versions":[]}' 422 workaround "status workaround without a workaround"
bad_known '{"title":"t","description":"d","status":"broken","affected_versions":[]}' 422 status "an unknown status"
bad_known "{$base,\"affected_versions\":[],\"fixed_in_release_id\":999999}" 422 fixed_in_release_id "a release that does not exist"
bad_known "{$base,\"affected_versions\":[],\"ticket_ids\":[999999]}" 422 ticket_ids "a request that does not exist"
bad_known "{$base,\"affected_versions\":[],\"ticket_ids\":[0]}" 422 ticket_ids "a ticket id that is not one"
bad_known '{"description":"d","status":"investigating","affected_versions":[]}' 422 title "a known error without a title"
bad_known "{$base,\"affected_versions\":[]}" 403 "" "a customer may not record known errors" "$CA"
is "$(api_count /api/v1/known-errors)" "$before" "no bad request stored a known error"

api POST /api/v1/tickets '{"subject":"Reads stop","body":"every night at 00:00","organization_id":1}' "$AGENT"
T1=$(json .id)
api POST /api/v1/tickets '{"subject":"Reads stop too","organization_id":2}' "$AGENT"
T2=$(json .id)
api POST "/api/v1/known-errors/$K1/tickets" "{\"ticket_id\":$T1}" "$AGENT"
is "$STATUS|$(json '.ticket_ids|@csv')" "200|$T1" "an agent links a request"
api POST "/api/v1/known-errors/$K1/tickets" "{\"ticket_id\":$T2}" "$AGENT"
is "$(json '.ticket_ids|@csv')" "$T1,$T2" "and another organisation's"
api GET "/api/v1/known-errors/$K1" "" "$CA"
is "$(json '.ticket_ids|@csv')" "$T1" "a customer sees only its own organisation's linked requests"
api POST "/api/v1/known-errors/$K1/tickets" '{"ticket_id":999999}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|ticket_id" "linking a missing request is 422"
api POST "/api/v1/known-errors/$K1/tickets" "{\"ticket_id\":$T1}" "$CA"
is "$STATUS" 403 "a customer may not link"
api POST "/api/v1/tickets/$T1/known-error" '{"title":"Midnight rollover","affected_versions":["5.10.0"]}' "$AGENT"
is "$STATUS|$(json '[.status,.description,(.ticket_ids|@csv)]|@csv')" "201|\"investigating\",\"every night at 00:00\",\"$T1\"" \
    "an agent records a known error from a request: linked, described by it"
K4=$(json .id)
api GET "/api/v1/known-errors/$K1" "" "$AGENT"
is "$(json '.ticket_ids|@csv')" "$T2" "a request has one known error: it moved"
is "$(get "/api/v1/known-errors/$K4" ".ticket_ids|index($T1) != null")" true "the known error lists the request"
api POST /api/v1/tickets/999999/known-error '{"title":"x"}' "$AGENT"
is "$STATUS" 404 "from a missing request: 404"
api GET /api/v1/known-errors "" "$CB"
is "$(ids)" "$K4,$K2" "Beta runs 5.10.0 too: it sees the new one"
api PATCH "/api/v1/known-errors/$K1" "{\"status\":\"fixed\",\"fixed_in_release_id\":$R2}" "$AGENT"
is "$STATUS|$(json .fixed_in_release_id)" "200|$R2" "an agent marks a known error fixed in a release"
api GET "/api/v1/known-errors/$K1" "" "$CA"
is "$(json .fixed_in_release_id)" "$R2" "a customer sees the published fix"
api PATCH "/api/v1/known-errors/$K2" "{\"fixed_in_release_id\":$R1}" "$AGENT"
api GET "/api/v1/known-errors/$K2" "" "$CB"
is "$(json .fixed_in_release_id)" null "but not an unpublished release"
api PATCH "/api/v1/known-errors/$K2" '{"status":"workaround"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|workaround" "PATCH to workaround without one is 422"
api PATCH "/api/v1/known-errors/$K2" '{"affected_versions":["5.x"]}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|affected_versions" "PATCH with a bad version is 422"
api PATCH "/api/v1/known-errors/$K2" '{"affected_versions":["9.9"],"ticket_ids":[]}' "$AGENT"
is "$STATUS|$(json '.affected_versions|@csv')|$(json '.ticket_ids|length')" '200|"9.9"|0' "PATCH replaces the lists"
api GET "/api/v1/known-errors/$K2" "" "$CB"
is "$STATUS" 404 "and Beta no longer sees it"
api PATCH "/api/v1/known-errors/$K2" '{"title":"x"}' "$CB"
is "$STATUS" 403 "a customer may not change known errors"

for e in kb_article release installation installation_change known_error; do
    [ "$(audit_q "entity=$e" length)" -ge 1 ]; ok $? "the writes of $e left audit rows"
done
if on_sqlite "the FTS5 index's integrity-check"; then
    is "$(sqlite_only_q "INSERT INTO kb_articles_fts(kb_articles_fts) VALUES('integrity-check'); SELECT 'ok'")" ok \
        "the article index is consistent with its table"
fi

stop_server
done_testing
