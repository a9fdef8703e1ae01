#!/usr/bin/env bash
# 2007 search in the desk and the portal (issue 15): GET /desk/?q= and GET /portal/?q= find
# requests by their words (the API's full-text search), the words marked in the subjects,
# hostile text escaped; a customer finds only its own organisation's; every page's header has
# a search box.
. "$(dirname "$0")/lib.sh"

fixtures; ok $? "fixtures"
start_server; ok $? "server starts"
passwords "2, 3, 4"; ok $? "passwords"
api POST /api/v1/tickets '{"subject":"Collector <b>firmware</b> crash","body":"since the upgrade"}' "$CA"
A=$(json .id)
api POST /api/v1/tickets '{"subject":"Invoice question","body":"about the collector firmware"}' "$CA"
B=$(json .id)
api POST /api/v1/tickets '{"subject":"Beta firmware too"}' "$CB"
C=$(json .id)

sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
page agent GET "/desk/?q=firmware&status=new,in_progress,waiting_customer,resolved,closed"
is "$STATUS" 200 "the desk searches"
like "$BODY" "href=\"/desk/tickets/$A\">Collector &lt;b&gt;<mark>firmware</mark>&lt;/b&gt; crash</a>" \
    "the word marked in the subject, the rest escaped"
like "$BODY" "href=\"/desk/tickets/$B\">Invoice question</a>" "a request with the word in its text"
like "$BODY" "href=\"/desk/tickets/$C\">" "and another organisation's (staff see all)"
like "$BODY" 'name="q" value="firmware"' "the search box keeps the words"
page agent GET "/desk/?q=nothing-matches-this"
! has "/desk/tickets/$A\""; ok $? "words that match nothing find nothing"
page agent GET "/desk/reports"
like "$BODY" '<form class="search" method="get" action="/desk/"' "the header of a desk page has the search box"

sign_in ca ca@acme.test; is "$STATUS" 303 "Acme's customer signs in"
page ca GET "/portal/?q=firmware"
like "$BODY" "href=\"/portal/requests/$A\">Collector &lt;b&gt;<mark>firmware</mark>&lt;/b&gt; crash</a>" \
    "the portal searches, marking the word"
! has "/portal/requests/$C\""; ok $? "never another organisation's request"
page ca GET "/portal/?q=invoice"
like "$BODY" "<mark>Invoice</mark> question" "case does not matter"
! has "/portal/requests/$A\""; ok $? "and only what matches"
page ca GET /portal/catalogue
like "$BODY" '<form class="search" method="get" action="/portal/"' "the header of a portal page has the search box"
stop_server
done_testing
