#!/usr/bin/env bash
# 2009 the admin's edit forms over real HTTP with curl: an organisation renamed and its mail
# domains replaced in place (409 for a taken name or another organisation's domain, 422 naming a
# bad domain, what was typed kept in its row), SLA policies changed in place on their own page
# (every target, warn_at, escalation e-mails), catalogue services added, renamed and moved;
# each change read back through the API; 403 without the CSRF token and for an agent; refusals
# shown with what was typed; hostile text escaped.
. "$(dirname "$0")/lib.sh"

start_server && fixtures && passwords "1, 2"; ok $? "a server with fixtures and passwords"
for who in "admin $ADMIN_EMAIL" "agent agent@vendor.test"; do
    sign_in $who; is "$STATUS" 303 "${who%% *} signs in"
done

# ---- organisations --------------------------------------------------------------------------------
api PATCH /api/v1/organizations/2 '{"domains":["beta.test"]}' "$ADMIN"
is "$STATUS" 200 "Beta has the mail domain beta.test"
page admin GET /desk/admin/organizations; TOKEN=$(csrf)
has 'action="/desk/admin/organizations/1"'; ok $? "each row has an edit form"
page admin POST /desk/admin/organizations/1 --data-urlencode 'name=Acme Corp' \
    --data-urlencode 'domains=acme.test'
is "$STATUS" 403 "a rename without the CSRF token is 403"
is "$(get /api/v1/organizations/1 .name)" Acme "and changes nothing"
page agent GET /desk/; ATOKEN=$(csrf)
page agent POST /desk/admin/organizations/1 --data-urlencode "csrf=$ATOKEN" \
    --data-urlencode 'name=Agent Corp' --data-urlencode 'domains=acme.test'
is "$STATUS" 403 "an agent's rename is 403"
is "$(get /api/v1/organizations/1 .name)" Acme "and changes nothing"
page admin POST /desk/admin/organizations/1 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Acme <b>Corp</b>' --data-urlencode 'domains= ACME.test , acme-group.test,'
is "$STATUS $(header Location)" "303 /desk/admin/organizations" "an organisation is renamed (303)"
is "$(get /api/v1/organizations/1 '"\(.name)|\(.domains|join(","))"')" \
    "Acme <b>Corp</b>|acme.test,acme-group.test" "the API reads the new name and domains"
page admin GET /desk/admin/organizations
has 'value="Acme &lt;b&gt;Corp&lt;/b&gt;"'; ok $? "the hostile name shows escaped in the form"
has '<b>Corp'; ok $((! $?)) "and never as markup"
has 'value="acme.test, acme-group.test"'; ok $? "the row's form holds its domains"
page admin POST /desk/admin/organizations/1 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Beta' --data-urlencode 'domains=acme.test'
is "$STATUS" 409 "a taken name is 409"
has 'value="Beta"'; ok $? "the page keeps the typed name in the row"
is "$(get /api/v1/organizations/1 .name)" "Acme <b>Corp</b>" "and the name is unchanged"
page admin POST /desk/admin/organizations/1 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Acme Again' --data-urlencode 'domains=acme.test, beta.test'
is "$STATUS" 409 "another organisation's domain is 409"
has 'value="acme.test, beta.test"'; ok $? "the typed domains are kept"
is "$(get /api/v1/organizations/1 '.domains|join(",")')" "acme.test,acme-group.test" \
    "and the domains are unchanged"
page admin POST /desk/admin/organizations/1 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Acme <i>Again</i>' --data-urlencode 'domains=acme.test, not a domain'
is "$STATUS" 422 "a bad domain is 422"
has "&#39;not a domain&#39;" || has "&#x27;not a domain&#x27;"; ok $? "the error names the bad domain"
has 'value="Acme &lt;i&gt;Again&lt;/i&gt;"'; ok $? "the typed hostile name is kept, escaped"
has '<i>Again'; ok $((! $?)) "and never as markup"
page admin POST /desk/admin/organizations/1 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=' --data-urlencode 'domains=acme.test'
is "$STATUS" 422 "an empty name is 422"
page admin POST /desk/admin/organizations/9999 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Nobody' --data-urlencode 'domains='
is "$STATUS" 404 "an unknown organisation is 404"
page admin POST /desk/admin/organizations/1 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Acme' --data-urlencode 'domains='
is "$STATUS" 303 "the domains can all be removed"
is "$(get /api/v1/organizations/1 '"\(.name)|\(.domains|length)"')" "Acme|0" "and the API agrees"

# ---- SLA policies ---------------------------------------------------------------------------------
POL=$(get "/api/v1/sla-policies?limit=1" '.items[0].id')
CAL=$(get "/api/v1/sla-policies/$POL" .calendar_id)
api POST /api/v1/sla-policies "{\"name\":\"Silver\",\"calendar_id\":$CAL}" "$ADMIN"
is "$STATUS" 201 "a second policy, Silver"
page admin GET /desk/admin/policies; has "href=\"/desk/admin/policies/$POL\""; ok $? "the list links each policy"
page admin GET "/desk/admin/policies/$POL"; TOKEN=$(csrf)
is "$STATUS" 200 "a policy's page"
has 'name="B_response" value="8"'; ok $? "its form holds the stored targets"
page agent GET "/desk/admin/policies/$POL"; is "$STATUS" 403 "an agent cannot see it"
form=(--data-urlencode "calendar_id=$CAL" --data-urlencode warn_at=0.5 --data-urlencode A_response=2
      --data-urlencode A_resolution=24 --data-urlencode B_response=6 --data-urlencode B_update=12
      --data-urlencode enhancement_response=80
      --data-urlencode $'escalation_emails=boss@vendor.test\nops@vendor.test')
page admin POST "/desk/admin/policies/$POL" --data-urlencode 'name=Gold <b>plus</b>' "${form[@]}"
is "$STATUS" 403 "a change without the CSRF token is 403"
page agent POST "/desk/admin/policies/$POL" --data-urlencode "csrf=$ATOKEN" \
    --data-urlencode 'name=Agent policy' "${form[@]}"
is "$STATUS" 403 "an agent's change is 403"
is "$(get "/api/v1/sla-policies/$POL" .warn_at)" 0.75 "and neither changes anything"
page admin POST "/desk/admin/policies/$POL" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Gold <b>plus</b>' "${form[@]}"
is "$STATUS $(header Location)" "303 /desk/admin/policies" "a policy is changed in place (303)"
is "$(get "/api/v1/sla-policies/$POL" '"\(.name)|\(.warn_at)|\(.targets.A.response_hours) \(.targets.A.resolution_hours) \(.targets.B.response_hours) \(.targets.B.update_hours) \(.targets.C.response_hours) \(.targets.enhancement.response_hours)|\(.escalation_emails|join(","))"')" \
    "Gold <b>plus</b>|0.5|2 24 6 12 16 80|boss@vendor.test,ops@vendor.test" \
    "the API reads the new name, threshold, targets and e-mails"
page admin GET "/desk/admin/policies/$POL"
has 'value="Gold &lt;b&gt;plus&lt;/b&gt;"'; ok $? "the hostile name shows escaped"
has '<b>plus'; ok $((! $?)) "and never as markup"
page admin POST "/desk/admin/policies/$POL" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=silver' "${form[@]}"
is "$STATUS" 409 "a taken name (any case) is 409"
has 'value="silver"'; ok $? "the page keeps the typed name"
page admin POST "/desk/admin/policies/$POL" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Gold' "${form[@]}" --data-urlencode 'C_update=<i>soon</i>'
is "$STATUS" 422 "a target that is not a number is 422"
has "update hours of C"; ok $? "the error names the level and target"
has 'value="&lt;i&gt;soon&lt;/i&gt;"'; ok $? "the typed value is kept, escaped"
page admin POST "/desk/admin/policies/$POL" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Gold' --data-urlencode "calendar_id=$CAL" \
    --data-urlencode $'escalation_emails=boss@vendor.test\nnot-mail'
is "$STATUS" 422 "a bad escalation e-mail is 422"
has "not-mail"; ok $? "the error names it"
is "$(get "/api/v1/sla-policies/$POL" .name)" "Gold <b>plus</b>" "refusals change nothing"
page admin POST /desk/admin/policies/9999 --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Nobody' --data-urlencode "calendar_id=$CAL"
is "$STATUS" 404 "an unknown policy is 404"

# ---- the service catalogue ------------------------------------------------------------------------
SVCS=$(api_count "/api/v1/catalog?limit=1000")
SVC=$(get "/api/v1/catalog?limit=1000" '[.items[].id]|min')
TAKEN=$(get "/api/v1/catalog?limit=1000" '[.items[]|select(.id != '"$SVC"')][0].name')
page admin GET /desk/admin/catalogue; TOKEN=$(csrf)
has 'action="/desk/admin/catalogue"'; ok $? "the catalogue has an add form"
offers=(--data-urlencode vendor_inclusion=included --data-urlencode customer_inclusion=add_on
        --data-urlencode 'customer_comment=<i>by</i> request')
page admin POST /desk/admin/catalogue --data-urlencode 'name=Backups <b>plus</b>' "${offers[@]}"
is "$STATUS" 403 "an add without the CSRF token is 403"
page agent POST /desk/admin/catalogue --data-urlencode "csrf=$ATOKEN" \
    --data-urlencode 'name=Agent service' "${offers[@]}"
is "$STATUS" 403 "an agent's add is 403"
is "$(api_count "/api/v1/catalog?limit=1000")" "$SVCS" "and neither adds a service"
page admin POST /desk/admin/catalogue --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Backups <b>plus</b>' "${offers[@]}"
is "$STATUS $(header Location)" "303 /desk/admin/catalogue" "a service is added (303)"
NEW=$(get "/api/v1/catalog?limit=1000" '.items[]|select(.name == "Backups <b>plus</b>")|.id')
is "$(get "/api/v1/catalog?limit=1000" ".items[]|select(.id == ${NEW:-0})|\"\\(.vendor_hosted.inclusion) \\(.customer_hosted.inclusion) \\(.customer_hosted.comment)\"")" \
    "included add_on <i>by</i> request" "the API reads it with its offers"
page admin GET /desk/admin/catalogue
has 'value="Backups &lt;b&gt;plus&lt;/b&gt;"'; ok $? "the hostile name shows escaped"
has '<b>plus'; ok $((! $?)) "and never as markup"
page admin POST /desk/admin/catalogue --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "name=${TAKEN^^}" "${offers[@]}"
is "$STATUS" 409 "adding a taken name (any case) is 409"
has "value=\"${TAKEN^^}\""; ok $? "the add form keeps the typed name"
page admin POST /desk/admin/catalogue --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Odd <i>one</i>' --data-urlencode vendor_inclusion=sometimes \
    --data-urlencode customer_inclusion=add_on
is "$STATUS" 422 "an unknown inclusion is 422"
has 'value="Odd &lt;i&gt;one&lt;/i&gt;"'; ok $? "the typed name is kept, escaped"
page admin POST "/desk/admin/catalogue/$NEW" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Backups renamed' --data-urlencode position=2 "${offers[@]}"
is "$STATUS $(header Location)" "303 /desk/admin/catalogue" "a service is renamed and moved (303)"
is "$(get "/api/v1/catalog?limit=1000" ".items[]|select(.id == ${NEW:-0})|\"\\(.name) \\(.position)\"")" \
    "Backups renamed 2" "the API reads its new name and position"
page admin POST "/desk/admin/catalogue/$NEW" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "name=$TAKEN" "${offers[@]}"
is "$STATUS" 409 "renaming to a taken name is 409"
has "value=\"$TAKEN\""; ok $? "its form keeps the typed name"
page admin POST "/desk/admin/catalogue/$NEW" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=Backups again' --data-urlencode 'position=<b>first</b>' "${offers[@]}"
is "$STATUS" 422 "a position that is not a number is 422"
has 'value="&lt;b&gt;first&lt;/b&gt;"'; ok $? "the typed position is kept, escaped"
page admin POST "/desk/admin/catalogue/$NEW" --data-urlencode "csrf=$TOKEN" \
    --data-urlencode 'name=' "${offers[@]}"
is "$STATUS" 422 "an empty name is 422"
is "$(get "/api/v1/catalog?limit=1000" ".items[]|select(.id == ${NEW:-0})|.name")" \
    "Backups renamed" "refusals change nothing"

stop_server
done_testing
