#!/usr/bin/env bash
# 2008 the desk's installations (issue 16): GET /desk/installations lists every customer's
# installation linked to its page, which shows the facts, the maintenance windows (scheduled,
# rescheduled and completed by forms, times typed in UTC) and the remote-access records without
# their secrets; a secret appears only in the answer to the "Show secret" POST, which reads it
# through the store's audited read (in GET /api/v1/audit-log). An organisation's account executive
# (admin's organisations page) and an agreement's representative (desk agreement page) are chosen
# from the staff. Every form: 403 without its token, 422 for bad input shown on the page, 404 for a
# missing id; customers get 403 for the desk's pages.
. "$(dirname "$0")/lib.sh"

KEY=$T/keys/remote-access.key
mkdir -p "$T/keys"
start_server --remote-access-key-file "$KEY"; ok $? "server starts"
fixtures; ok $? "fixtures"
passwords "1, 2, 3"
ok $? "passwords"
sign_in agent agent@vendor.test; is "$STATUS" 303 "the agent signs in"
sign_in ca ca@acme.test; is "$STATUS" 303 "the customer signs in"
sign_in admin "$ADMIN_EMAIL"; is "$STATUS" 303 "the admin signs in"

api POST /api/v1/installations '{"organization_id":1,"name":"Acme <b>MDM</b>","hosting":"vendor_hosted","version":"5.1"}' "$AGENT"
I1=$(json .id); is "$STATUS" 201 "a vendor-hosted installation"
api POST /api/v1/installations '{"organization_id":2,"name":"Beta on-prem","hosting":"customer_hosted","version":"4.0"}' "$AGENT"
I2=$(json .id); is "$STATUS" 201 "a customer-hosted one"

# ---- the list --------------------------------------------------------------------------------------
page agent GET /desk/installations
is "$STATUS" 200 "the agent's installations page"
has "href=\"/desk/installations/$I1\">Acme &lt;b&gt;MDM&lt;/b&gt;</a>"; ok $? "linked, the name escaped"
has '<b>MDM'; ok $((! $?)) "never as markup"
has 'Beta on-prem'; ok $? "every organisation's"
has '>customer-hosted<'; ok $? "with the hosting"
has '>5.1<'; ok $? "and the version"
has 'href="/desk/installations" aria-current="page">Installations</a>'; ok $? "Installations in the desk's navigation (the current page)"
page admin GET /desk/installations
is "$STATUS" 200 "the admin's too"
page ca GET /desk/installations
is "$STATUS" 403 "a customer: 403"
page ca GET "/desk/installations/$I1"
is "$STATUS" 403 "and for an installation's page"
page agent GET /desk/installations/9999
is "$STATUS" 404 "a missing installation: 404"

# ---- maintenance windows ---------------------------------------------------------------------------
page agent GET "/desk/installations/$I1"; TOKEN=$(csrf)
is "$STATUS" 200 "the installation's page"
has 'No maintenance windows.'; ok $? "no windows yet"
has "action=\"/desk/installations/$I1/maintenance\""; ok $? "a form to schedule one"
has 'UTC'; ok $? "saying times are UTC"
y=$(( $(date -u +%Y) + 1 ))
page agent POST "/desk/installations/$I1/maintenance" -d "starts_at=$y-03-04 22:00" \
    -d "ends_at=$y-03-04 23:30" -d summary=Upgrade
is "$STATUS" 403 "scheduling without the token: 403"
is "$(api_count /api/v1/maintenance-windows)" 0 "and nothing scheduled"
page agent POST "/desk/installations/$I1/maintenance" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-04 22:00" -d "ends_at=$y-03-04 21:00" -d summary=Upgrade
is "$STATUS" 422 "ending before it starts: 422"
has 'ends_at is not after starts_at'; ok $? "said on the page"
has "value=\"$y-03-04 21:00\""; ok $? "what was typed kept"
page agent POST "/desk/installations/$I1/maintenance" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=tomorrow" -d "ends_at=$y-03-04 23:00" -d summary=Upgrade
is "$STATUS" 422 "a time that is not one: 422"
has 'starts_at must be YYYY-MM-DD HH:MM (UTC)'; ok $? "saying the format"
page agent POST "/desk/installations/$I1/maintenance" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-04 22:00" -d "ends_at=$y-03-04 23:00" -d summary=
is "$STATUS" 422 "no summary: 422"
page agent POST "/desk/installations/$I2/maintenance" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-04 22:00" -d "ends_at=$y-03-04 23:00" -d summary=Upgrade
is "$STATUS" 422 "a customer-hosted installation: the store's 422 on the page"
has 'vendor-hosted'; ok $? "saying why"
page agent POST /desk/installations/9999/maintenance --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-04 22:00" -d "ends_at=$y-03-04 23:00" -d summary=Upgrade
is "$STATUS" 404 "a missing installation: 404"
is "$(api_count /api/v1/maintenance-windows)" 0 "none scheduled by the refusals"
page agent POST "/desk/installations/$I1/maintenance" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-04 22:00" -d "ends_at=$y-03-04 23:30" \
    --data-urlencode "summary=Upgrade <i>5.2</i>" -d details=Downtime
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "scheduled: 303 to the installation"
api GET /api/v1/maintenance-windows "" "$AGENT"
W1=$(json '.items[0].id')
is "$(json '.items[0]|"\(.installation_id) \(.starts_at) \(.ends_at) \(.summary) \(.details) \(.status)"')" \
    "$I1 $y-03-04T22:00:00Z $y-03-04T23:30:00Z Upgrade <i>5.2</i> Downtime scheduled" \
    "stored for the installation, times read as UTC"
page agent GET "/desk/installations/$I1"
has 'Saved.'; ok $? "the page says saved"
has "$y-03-04 22:00 UTC"; ok $? "the window is listed"
has 'Upgrade &lt;i&gt;5.2&lt;/i&gt;'; ok $? "its summary escaped"
page agent POST "/desk/installations/$I1/maintenance/$W1" -d "starts_at=$y-03-05 22:00" \
    -d "ends_at=$y-03-05 23:30" -d summary=Upgrade
is "$STATUS" 403 "rescheduling without the token: 403"
page agent POST "/desk/installations/$I1/maintenance/$W1" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-05 22:00" -d "ends_at=$y-03-05 21:00" -d summary=Upgrade
is "$STATUS" 422 "rescheduled to end before it starts: 422"
page agent POST "/desk/installations/$I2/maintenance/$W1" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-05 22:00" -d "ends_at=$y-03-05 23:30" -d summary=Upgrade
is "$STATUS" 404 "through another installation: 404"
page agent POST "/desk/installations/$I1/maintenance/9999" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-05 22:00" -d "ends_at=$y-03-05 23:30" -d summary=Upgrade
is "$STATUS" 404 "a missing window: 404"
page agent POST "/desk/installations/$I1/maintenance/$W1" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-05T22:00" -d "ends_at=$y-03-05 23:45" -d summary=Upgrade -d details=
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "rescheduled: 303"
api GET "/api/v1/maintenance-windows/$W1" "" "$AGENT"
is "$(json '"\(.starts_at) \(.ends_at) \(.summary) \(.details)|"')" "$y-03-05T22:00:00Z $y-03-05T23:45:00Z Upgrade |" \
    "the new times and texts stored"
page agent POST "/desk/installations/$I1/maintenance/$W1/complete"
is "$STATUS" 403 "completing without the token: 403"
page agent POST "/desk/installations/$I1/maintenance/$W1/complete" --data-urlencode "csrf=$TOKEN"
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "completed: 303"
is "$(get "/api/v1/maintenance-windows/$W1" .status)" completed "stored completed"
page agent POST "/desk/installations/$I1/maintenance/$W1/complete" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 409 "completed twice: 409 on the page"
page ca POST "/desk/installations/$I1/maintenance" --data-urlencode "csrf=$TOKEN" \
    -d "starts_at=$y-03-04 22:00" -d "ends_at=$y-03-04 23:30" -d summary=x
is "$STATUS" 403 "a customer cannot schedule"

# ---- remote access ---------------------------------------------------------------------------------
PLAIN='Pl41n-Desk-S3cret-7xq9'
page agent GET "/desk/installations/$I1"
has 'No remote access recorded.'; ok $? "no remote access yet"
page agent POST "/desk/installations/$I1/remote-access" -d method=ssh -d host=mdm.acme.test \
    --data-urlencode "secret=$PLAIN"
is "$STATUS" 403 "adding without the token: 403"
page agent POST "/desk/installations/$I1/remote-access" --data-urlencode "csrf=$TOKEN" \
    -d method=carrier-pigeon -d host=mdm.acme.test
is "$STATUS" 422 "an unknown method: 422"
has 'choose the method'; ok $? "said on the page"
page agent POST "/desk/installations/$I1/remote-access" --data-urlencode "csrf=$TOKEN" \
    -d method=ssh --data-urlencode "host=a$(printf '\nb')"
is "$STATUS" 422 "a host of two lines: 422"
page agent POST /desk/installations/9999/remote-access --data-urlencode "csrf=$TOKEN" -d method=ssh
is "$STATUS" 404 "a missing installation: 404"
is "$(api_count "/api/v1/installations/$I1/remote-access")" 0 "none recorded by the refusals"
page agent POST "/desk/installations/$I1/remote-access" --data-urlencode "csrf=$TOKEN" -d method=ssh \
    -d host=mdm.acme.test -d username=svc --data-urlencode "notes=<b>jump</b> host" \
    --data-urlencode "secret=$PLAIN"
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "recorded with a secret: 303"
api GET "/api/v1/installations/$I1/remote-access" "" "$AGENT"
R1=$(json '.items[0].id')
is "$(json '.items[0]|"\(.method) \(.host) \(.username) \(.notes) \(.has_secret)"')" \
    "ssh mdm.acme.test svc <b>jump</b> host true" "stored, with a secret"
is "$(get "/api/v1/remote-access/$R1" .secret)" "$PLAIN" "the secret sealed as typed (the API reads it)"
page agent GET "/desk/installations/$I1"
has 'mdm.acme.test'; ok $? "the page lists the record"
has '&lt;b&gt;jump&lt;/b&gt; host'; ok $? "notes escaped"
has "$PLAIN"; ok $((! $?)) "the secret is not in the page"
has "action=\"/desk/installations/$I1/remote-access/$R1/secret\""; ok $? "a Show secret form"
page agent GET /desk/installations
has "$PLAIN"; ok $((! $?)) "nor in the list"

api GET "/api/v1/audit-log?entity=remote_access&entity_id=$R1" "" "$ADMIN"
before=$(json '[.items[]|select(.action=="read_secret")]|length')
page agent POST "/desk/installations/$I1/remote-access/$R1/secret"
is "$STATUS" 403 "Show secret without the token: 403"
has "$PLAIN"; ok $((! $?)) "and no secret"
api GET "/api/v1/audit-log?entity=remote_access&entity_id=$R1" "" "$ADMIN"
is "$(json '[.items[]|select(.action=="read_secret")]|length')" "$before" "nothing read, nothing audited"
page agent POST "/desk/installations/$I2/remote-access/$R1/secret" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 404 "through another installation: 404"
page agent POST "/desk/installations/$I1/remote-access/9999/secret" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 404 "a missing record: 404"
page ca POST "/desk/installations/$I1/remote-access/$R1/secret" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 403 "a customer: 403"
has "$PLAIN"; ok $((! $?)) "without the secret"
page agent POST "/desk/installations/$I1/remote-access/$R1/secret" --data-urlencode "csrf=$TOKEN"
is "$STATUS" 200 "Show secret: 200"
has "<code class=\"secret\">$PLAIN</code>"; ok $? "the answer shows the secret"
is "$(header Cache-Control)" no-store "kept by no cache"
api GET "/api/v1/audit-log?entity=remote_access&entity_id=$R1" "" "$ADMIN"
is "$(json '[.items[]|select(.action=="read_secret")]|length')" "$((before + 1))" "the read is in the audit trail"
is "$(json '[.items[]|select(.action=="read_secret")][0].actor_id')" 2 "with who read it (the agent)"
page agent GET "/desk/installations/$I1"
has "$PLAIN"; ok $((! $?)) "shown once: the page again hides it"

page agent POST "/desk/installations/$I1/remote-access/$R1" -d method=vpn -d host=vpn.acme.test
is "$STATUS" 403 "changing without the token: 403"
page agent POST "/desk/installations/$I1/remote-access/$R1" --data-urlencode "csrf=$TOKEN" \
    -d method=nope
is "$STATUS" 422 "changing to an unknown method: 422"
page agent POST "/desk/installations/$I2/remote-access/$R1" --data-urlencode "csrf=$TOKEN" -d method=vpn
is "$STATUS" 404 "through another installation: 404"
page agent POST "/desk/installations/$I1/remote-access/$R1" --data-urlencode "csrf=$TOKEN" \
    -d method=vpn -d host=vpn.acme.test -d username=svc -d notes=
is "$STATUS $(header Location)" "303 /desk/installations/$I1" "changed, the secret kept: 303"
is "$(get "/api/v1/remote-access/$R1" '"\(.method) \(.host) \(.notes)|\(.secret)"')" "vpn vpn.acme.test |$PLAIN" \
    "stored, the secret unchanged"
page agent POST "/desk/installations/$I1/remote-access/$R1" --data-urlencode "csrf=$TOKEN" \
    -d method=vpn -d host=vpn.acme.test --data-urlencode "secret=N3w-S3cret"
is "$STATUS" 303 "a new secret: 303"
is "$(get "/api/v1/remote-access/$R1" .secret)" N3w-S3cret "the new secret stored"
page agent POST "/desk/installations/$I1/remote-access/$R1" --data-urlencode "csrf=$TOKEN" \
    -d method=vpn -d host=vpn.acme.test -d remove_secret=1
is "$STATUS" 303 "the secret removed: 303"
is "$(get "/api/v1/installations/$I1/remote-access" '.items[0].has_secret')" false "no secret stored"

# ---- an organisation's account executive (admins) ------------------------------------------------
page admin GET /desk/admin/organizations; ATOKEN=$(csrf)
is "$STATUS" 200 "the organisations page"
has 'action="/desk/admin/organizations/1/account-executive"'; ok $? "a form for the account executive"
has '<option value="2">Agnes Agent</option>'; ok $? "choosing among the staff"
page admin POST /desk/admin/organizations/1/account-executive -d account_executive_id=2
is "$STATUS" 403 "without the token: 403"
page admin POST /desk/admin/organizations/1/account-executive --data-urlencode "csrf=$ATOKEN" \
    -d account_executive_id=3
is "$STATUS" 422 "a customer as account executive: 422"
has 'class="alert"'; ok $? "said on the page"
page admin POST /desk/admin/organizations/1/account-executive --data-urlencode "csrf=$ATOKEN" \
    -d account_executive_id=abc
is "$STATUS" 422 "not an id: 422"
page admin POST /desk/admin/organizations/9999/account-executive --data-urlencode "csrf=$ATOKEN" \
    -d account_executive_id=2
is "$STATUS" 404 "a missing organisation: 404"
is "$(get /api/v1/organizations/1 '.account_executive_id // "none"')" none "nothing set by the refusals"
page agent POST /desk/admin/organizations/1/account-executive --data-urlencode "csrf=$TOKEN" \
    -d account_executive_id=2
is "$STATUS" 403 "an agent: 403 (admins only)"
page ca POST /desk/admin/organizations/1/account-executive -d account_executive_id=2
is "$STATUS" 403 "a customer: 403"
page admin POST /desk/admin/organizations/1/account-executive --data-urlencode "csrf=$ATOKEN" \
    -d account_executive_id=2
is "$STATUS $(header Location)" "303 /desk/admin/organizations" "set: 303"
is "$(get /api/v1/organizations/1 .account_executive_id)" 2 "stored"
page admin GET /desk/admin/organizations
has '<option value="2" selected>Agnes Agent</option>'; ok $? "shown chosen"
page admin POST /desk/admin/organizations/1/account-executive --data-urlencode "csrf=$ATOKEN" \
    -d account_executive_id=
is "$STATUS" 303 "none: 303"
is "$(get /api/v1/organizations/1 '.account_executive_id // "none"')" none "cleared"

# ---- an agreement's representative (agents) --------------------------------------------------------
page agent GET /desk/agreements/1
is "$STATUS" 200 "the agreement's page"
has 'action="/desk/agreements/1/representative"'; ok $? "a form for the representative"
page agent POST /desk/agreements/1/representative -d representative_id=2
is "$STATUS" 403 "without the token: 403"
page agent POST /desk/agreements/1/representative --data-urlencode "csrf=$TOKEN" -d representative_id=4
is "$STATUS" 422 "a customer as representative: 422"
has 'class="alert"'; ok $? "said on the page"
page agent POST /desk/agreements/1/representative --data-urlencode "csrf=$TOKEN" -d representative_id=x
is "$STATUS" 422 "not an id: 422"
page agent POST /desk/agreements/9999/representative --data-urlencode "csrf=$TOKEN" -d representative_id=2
is "$STATUS" 404 "a missing agreement: 404"
is "$(get /api/v1/agreements/1 '.representative_id // "none"')" none "nothing set by the refusals"
page ca POST /desk/agreements/1/representative -d representative_id=2
is "$STATUS" 403 "a customer: 403"
page agent POST /desk/agreements/1/representative --data-urlencode "csrf=$TOKEN" -d representative_id=2
is "$STATUS $(header Location)" "303 /desk/agreements/1" "set: 303"
is "$(get /api/v1/agreements/1 .representative_id)" 2 "stored"
page agent GET /desk/agreements/1
has '<option value="2" selected>Agnes Agent</option>'; ok $? "shown chosen"
has 'representative <span class="representative">Agnes Agent</span>'; ok $? "and in the terms"
page agent POST /desk/agreements/1/representative --data-urlencode "csrf=$TOKEN" -d representative_id=
is "$STATUS" 303 "none: 303"
is "$(get /api/v1/agreements/1 '.representative_id // "none"')" none "cleared"

done_testing
