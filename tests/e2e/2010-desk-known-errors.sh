#!/usr/bin/env bash
# 2010 the desk's known-error log and installation forms (issue 15): GET /desk/known-errors lists
# the log (status, versions, workaround, how many requests are linked; paged) with a form to record
# one; GET /desk/known-errors/{id} edits one (title, symptoms, status, versions, workaround, fixed-in
# release) and lists its linked requests, with a form to link one. /desk/installations records an
# installation; an installation's page logs installed changes (newest first) and deletes a
# remote-access record. Every form: 403 without its token, 422 for bad input shown on the page with
# what was typed, 404 for a missing id; customers get 403.
. "$(dirname "$0")/lib.sh"

KEY=$T/keys/remote-access.key
mkdir -p "$T/keys"
start_server --remote-access-key-file "$KEY"; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3"; ok $? "passwords"
sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in"

api POST /api/v1/releases '{"version":"5.2.0","kind":"minor","released_on":"2026-01-01"}' "$AGENT"
REL=$(json .id); is "$STATUS" 201 "a release"
api POST /api/v1/tickets '{"subject":"Meter <b>stuck</b>","body":"since 06:00","severity":"B","organization_id":1}' "$AGENT"
TK=$(json .id); is "$STATUS" 201 "a request"

# ---- the known-error log ---------------------------------------------------------------------------
page agent GET /desk/known-errors; TOKEN=$(csrf)
is "$STATUS" 200 "the known-error log"
has 'href="/desk/known-errors" aria-current="page">Known errors</a>'; ok $? "in the desk's menu, marked current"
has 'No known errors recorded.'; ok $? "none yet"
has 'action="/desk/known-errors"'; ok $? "a form to record one"
page ca GET /desk/known-errors
is "$STATUS" 403 "a customer: 403"
page agent POST /desk/known-errors -d title=x -d status=investigating
is "$STATUS" 403 "recording without the token: 403"
page agent POST /desk/known-errors --data-urlencode "csrf=$TOKEN" -d title= -d status=investigating
is "$STATUS" 422 "no title: 422"
has 'give the known error a title'; ok $? "said on the page"
page agent POST /desk/known-errors --data-urlencode "csrf=$TOKEN" -d title=Crash -d status=workaround \
    -d "versions=5.1.0" -d workaround=
is "$STATUS" 422 "status workaround without one: the store's 422"
has 'class="alert"'; ok $? "said on the page"
has 'value="Crash"'; ok $? "what was typed kept"
page agent POST /desk/known-errors --data-urlencode "csrf=$TOKEN" -d title=Crash -d status=investigating \
    -d "versions=five"
is "$STATUS" 422 "a version that is not one: 422"
page agent POST /desk/known-errors --data-urlencode "csrf=$TOKEN" -d title=Crash -d status=nope
is "$STATUS" 422 "an unknown status: 422"
is "$(api_count /api/v1/known-errors "$AGENT")" 0 "nothing recorded by the refusals"
page agent POST /desk/known-errors --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "title=Meter <i>stalls</i>" -d "description=readings stop" -d status=workaround \
    -d "versions=5.1.0, 5.1.1" -d "workaround=restart the collector" -d "fixed_in_release_id="
K1=$(header Location); K1=${K1##*/}
is "$STATUS $(header Location)" "303 /desk/known-errors/$K1" "recorded: 303 to its page"
api GET "/api/v1/known-errors/$K1" "" "$AGENT"
is "$(json '"\(.title)|\(.description)|\(.status)|\(.affected_versions|join(","))|\(.workaround)|\(.fixed_in_release_id)"')" \
    "Meter <i>stalls</i>|readings stop|workaround|5.1.0,5.1.1|restart the collector|null" "stored as typed"
page agent GET /desk/known-errors
has 'Saved.'; ok $? "says saved"
has "href=\"/desk/known-errors/$K1\">Meter &lt;i&gt;stalls&lt;/i&gt;</a>"; ok $? "listed, linked, escaped"
has '5.1.0, 5.1.1'; ok $? "with its versions"
has 'restart the collector'; ok $? "and workaround"
has '<td data-label="Requests">0</td>'; ok $? "and no linked requests"

# ---- one known error -------------------------------------------------------------------------------
page agent GET "/desk/known-errors/$K1"
is "$STATUS" 200 "its page"
has 'No requests linked.'; ok $? "no requests yet"
has "action=\"/desk/known-errors/$K1/tickets\""; ok $? "a form to link one"
page agent GET /desk/known-errors/9999
is "$STATUS" 404 "a missing known error: 404"
page ca GET "/desk/known-errors/$K1"
is "$STATUS" 403 "a customer: 403"
page agent POST "/desk/known-errors/$K1" -d title=x -d status=fixed
is "$STATUS" 403 "saving without the token: 403"
page agent POST "/desk/known-errors/$K1" --data-urlencode "csrf=$TOKEN" -d title=Edited -d status=workaround \
    -d workaround=
is "$STATUS" 422 "workaround status without one: 422"
has 'value="Edited"'; ok $? "what was typed kept"
page agent POST /desk/known-errors/9999 --data-urlencode "csrf=$TOKEN" -d title=x -d status=fixed
is "$STATUS" 404 "saving a missing one: 404"
page agent POST "/desk/known-errors/$K1" --data-urlencode "csrf=$TOKEN" -d "title=Meter stalls" \
    -d "description=readings stop at midnight" -d status=fixed -d "versions=5.1.0" -d workaround= \
    -d "fixed_in_release_id=$REL"
is "$STATUS $(header Location)" "303 /desk/known-errors/$K1" "saved: 303"
api GET "/api/v1/known-errors/$K1" "" "$AGENT"
is "$(json '"\(.title)|\(.description)|\(.status)|\(.affected_versions|join(","))|\(.workaround)|\(.fixed_in_release_id)"')" \
    "Meter stalls|readings stop at midnight|fixed|5.1.0|null|$REL" "every field stored"
page agent GET "/desk/known-errors/$K1"
has "<option value=\"$REL\" selected>5.2.0"; ok $? "the release shown chosen"
page agent POST "/desk/known-errors/$K1/tickets" -d "ticket_id=$TK"
is "$STATUS" 403 "linking without the token: 403"
page agent POST "/desk/known-errors/$K1/tickets" --data-urlencode "csrf=$TOKEN" -d ticket_id=9999
is "$STATUS" 422 "a missing request: 422"
has 'class="alert"'; ok $? "said on the page"
page agent POST "/desk/known-errors/$K1/tickets" --data-urlencode "csrf=$TOKEN" -d ticket_id=
is "$STATUS" 422 "no request: 422"
page agent POST "/desk/known-errors/$K1/tickets" --data-urlencode "csrf=$TOKEN" -d "ticket_id=$TK"
is "$STATUS $(header Location)" "303 /desk/known-errors/$K1" "linked: 303"
is "$(get "/api/v1/known-errors/$K1" '.ticket_ids|join(",")')" "$TK" "stored"
page agent GET "/desk/known-errors/$K1"
has "<a href=\"/desk/tickets/$TK\">#$TK</a> Meter &lt;b&gt;stuck&lt;/b&gt;"; ok $? "the request linked on the page"
page agent GET /desk/known-errors
has '<td data-label="Requests">1</td>'; ok $? "the list counts it"
for i in $(seq 1 50); do
    api POST /api/v1/known-errors "{\"title\":\"Bulk $i\",\"description\":\"\",\"status\":\"investigating\",\"affected_versions\":[]}" "$AGENT"
done
is "$STATUS" 201 "fifty more"
page agent GET /desk/known-errors
has 'rel="next"'; ok $? "the list pages"
NEXT=$(printf '%s' "$BODY" | sed -n 's/.*rel="next" href="\([^"]*\)".*/\1/p')
page agent GET "$NEXT"
is "$STATUS" 200 "the next page"
has "href=\"/desk/known-errors/$K1\""; ok $? "holds the oldest"
page agent GET "/desk/known-errors?cursor=zzz"
is "$STATUS" 404 "a cursor that does not parse: 404"

# ---- recording an installation ---------------------------------------------------------------------
page agent GET /desk/installations
has 'action="/desk/installations"'; ok $? "a form to record an installation"
page agent POST /desk/installations -d organization_id=1 -d name=x -d hosting=vendor_hosted -d version=5.1
is "$STATUS" 403 "without the token: 403"
page agent POST /desk/installations --data-urlencode "csrf=$TOKEN" -d organization_id= -d name=x \
    -d hosting=vendor_hosted -d version=5.1
is "$STATUS" 422 "no organisation: 422"
page agent POST /desk/installations --data-urlencode "csrf=$TOKEN" -d organization_id=1 -d name=Typed \
    -d hosting=vendor_hosted -d version=five
is "$STATUS" 422 "a version that is not one: the store's 422"
has 'value="Typed"'; ok $? "what was typed kept"
page agent POST /desk/installations --data-urlencode "csrf=$TOKEN" -d organization_id=99 -d name=x \
    -d hosting=vendor_hosted -d version=5.1
is "$STATUS" 422 "a missing organisation: 422"
page agent POST /desk/installations --data-urlencode "csrf=$TOKEN" -d organization_id=1 -d name=x \
    -d hosting=cloud -d version=5.1
is "$STATUS" 422 "an unknown hosting: 422"
is "$(api_count /api/v1/installations "$AGENT")" 0 "nothing recorded by the refusals"
page ca POST /desk/installations --data-urlencode "csrf=$TOKEN" -d organization_id=1 -d name=x \
    -d hosting=vendor_hosted -d version=5.1
is "$STATUS" 403 "a customer: 403"
page agent POST /desk/installations --data-urlencode "csrf=$TOKEN" -d organization_id=1 \
    --data-urlencode "name=Acme <b>MDM</b>" -d hosting=vendor_hosted -d version=5.1.0
I1=$(header Location); I1=${I1##*/}
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "recorded: 303 to its page"
is "$(get "/api/v1/installations/$I1" '"\(.organization_id) \(.name) \(.hosting) \(.version)"')" \
    "1 Acme <b>MDM</b> vendor_hosted 5.1.0" "stored"

# ---- the log of installed changes ------------------------------------------------------------------
page agent GET "/desk/installations/$I1"
has 'No changes logged.'; ok $? "no changes yet"
has "action=\"/desk/installations/$I1/changes\""; ok $? "a form to log one"
page agent POST "/desk/installations/$I1/changes" -d what=x
is "$STATUS" 403 "logging without the token: 403"
page agent POST "/desk/installations/$I1/changes" --data-urlencode "csrf=$TOKEN" -d what=
is "$STATUS" 422 "nothing said: 422"
page agent POST "/desk/installations/$I1/changes" --data-urlencode "csrf=$TOKEN" -d what=Typed -d at=soon
is "$STATUS" 422 "a time that is not one: 422"
has 'value="Typed"'; ok $? "what was typed kept"
page agent POST "/desk/installations/$I1/changes" --data-urlencode "csrf=$TOKEN" -d what=x -d version=five
is "$STATUS" 422 "a version that is not one: 422"
page agent POST /desk/installations/9999/changes --data-urlencode "csrf=$TOKEN" -d what=x
is "$STATUS" 404 "a missing installation: 404"
is "$(api_count "/api/v1/installations/$I1/changes" "$AGENT")" 0 "nothing logged by the refusals"
page agent POST "/desk/installations/$I1/changes" --data-urlencode "csrf=$TOKEN" \
    -d "what=Firmware <b>1</b>" -d "at=2026-01-02 10:00" -d documentation=notes
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "logged: 303"
page agent POST "/desk/installations/$I1/changes" --data-urlencode "csrf=$TOKEN" \
    -d "what=Upgrade to 5.2" -d "at=2026-01-03 10:00" -d version=5.2.0
is "$STATUS" 303 "a change bringing a version: 303"
api GET "/api/v1/installations/$I1/changes" "" "$AGENT"
is "$(json '[.items[]|"\(.what)|\(.at)|\(.status)|\(.to_version)"]|join(";")')" \
    "Firmware <b>1</b>|2026-01-02T10:00:00Z|installed|null;Upgrade to 5.2|2026-01-03T10:00:00Z|installed|5.2.0" \
    "both stored, installed, times read as UTC"
is "$(get "/api/v1/installations/$I1" .version)" 5.2.0 "the installation runs the new version"
page agent POST "/desk/installations/$I1/changes" --data-urlencode "csrf=$TOKEN" -d "what=Proposed one" -d proposed=1
is "$STATUS" 303 "a proposed change: 303"
is "$(get "/api/v1/installations/$I1/changes" '.items[2].status')" proposed "stored proposed"
page agent GET "/desk/installations/$I1"
has 'Firmware &lt;b&gt;1&lt;/b&gt;'; ok $? "the log shown, escaped"
has '5.1.0 → 5.2.0'; ok $? "with the versions"
P1=$(printf '%s' "$BODY" | grep -n 'Proposed one' | head -1 | cut -d: -f1)
P2=$(printf '%s' "$BODY" | grep -n 'Upgrade to 5.2' | head -1 | cut -d: -f1)
P3=$(printf '%s' "$BODY" | grep -n 'Firmware &lt;b' | head -1 | cut -d: -f1)
[ -n "$P1" ] && [ "$P1" -lt "$P2" ] && [ "$P2" -lt "$P3" ]; ok $? "newest first"

# ---- deleting remote access ------------------------------------------------------------------------
api POST "/api/v1/installations/$I1/remote-access" '{"method":"ssh","host":"a.acme.test"}' "$AGENT"
R1=$(json .id); is "$STATUS" 201 "a remote-access record"
api POST /api/v1/installations '{"organization_id":2,"name":"Beta","hosting":"customer_hosted","version":"4.0"}' "$AGENT"
I2=$(json .id)
page agent GET "/desk/installations/$I1"
has "action=\"/desk/installations/$I1/remote-access/$R1/delete\""; ok $? "a form to delete it"
page agent POST "/desk/installations/$I1/remote-access/$R1/delete"
is "$STATUS" 403 "without the token: 403"
page agent POST "/desk/installations/$I2/remote-access/$R1/delete" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 404 "through another installation: 404"
page agent POST "/desk/installations/$I1/remote-access/9999/delete" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 404 "a missing record: 404"
page ca POST "/desk/installations/$I1/remote-access/$R1/delete" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 403 "a customer: 403"
is "$(api_count "/api/v1/installations/$I1/remote-access" "$AGENT")" 1 "still there"
page agent POST "/desk/installations/$I1/remote-access/$R1/delete" --data-urlencode "csrf=$TOKEN"
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "deleted: 303"
is "$(api_count "/api/v1/installations/$I1/remote-access" "$AGENT")" 0 "gone"
page agent POST "/desk/installations/$I1/remote-access/$R1/delete" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 404 "deleted twice: 404"

done_testing
