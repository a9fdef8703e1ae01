#!/usr/bin/env bash
# 2007 search in the desk and the portal (issue 15): GET /desk/?q= and GET /portal/?q= find
# requests by their words (the API's full-text search), the words marked in the subjects,
# hostile text escaped; a customer finds only its own organisation's; every page's header has
# a search box. The queue's views: mine, unassigned, escalated, waiting on customer, breaching
# today, and the order (priority line first, or due time only).
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

# ---- the queue's views ----
api PATCH "/api/v1/tickets/$A" '{"assignee_id":2,"status":"in_progress"}' "$AGENT"
api POST "/api/v1/tickets/$B/escalate" '{"reason":"production stopped"}' "$CA"
api PATCH "/api/v1/tickets/$C" '{"status":"in_progress"}' "$AGENT"
api PATCH "/api/v1/tickets/$C" '{"status":"waiting_customer"}' "$AGENT"
view() { page agent GET "/desk/?view=$1"; printf '%s' "$BODY" | grep -o 'href="/desk/tickets/[0-9]*"' | sed 's/[^0-9]//g' | sort -n | paste -sd, -; }
is "$(view mine)" "$A" "mine: what is assigned to me"
like "$(view unassigned)" "^$B(,|$)" "unassigned: nobody's (not mine, not $A)"
is "$(view escalated)" "$B" "escalated"
is "$(view waiting)" "$C" "waiting on customer"
page agent GET "/desk/?view=waiting"
like "$BODY" 'aria-current="page" class="current">Waiting on customer' "the current view is marked"
page agent GET "/desk/?view=everything"
is "$STATUS" 400 "a view it does not have is 400"
page agent GET "/desk/?sort=due"
is "$STATUS" 200 "the queue by due time only"
like "$BODY" '<option value="due" selected>' "keeps the order chosen"
page agent GET "/desk/?sort=sideways"
is "$STATUS" 400 "an order it does not have is 400"
page agent GET "/desk/?view=breaching_today"
is "$STATUS" 200 "breaching today"
page agent GET "/desk/tickets/$B"
like "$BODY" "Carl Acme &lt;<a href=\"mailto:ca@acme.test\">ca@acme.test</a>&gt;" "the request page names its requester at the top"
like "$BODY" 'class="note" name="internal" value="1">Add an internal note' "a reply and an internal note are two actions"
page agent POST "/desk/tickets/$B/update" --data-urlencode "assignee_id=2" --data-urlencode "csrf=$(csrf)"
is "$STATUS" 303 "'Take it' assigns the request to me"
is "$(view mine)" "$A,$B" "and it is in my view"

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
