#!/usr/bin/env bash
# tests/browser/run.sh - the pages in a real browser (Debian's chromium, driven by
# playwright-core; no browser is ever downloaded). Starts `svcdesk serve` on a temporary
# database with the e2e fixtures, gives the fixture users passwords, and runs pages.mjs:
# a customer opens a request with a file, an agent finds it at the top of the queue, replies
# and sets it in progress, the customer sees the reply; hostile subjects, bodies, names and
# file names show as text on every page; a form post without its CSRF token is refused.
# Screenshots go to tests/browser/artifacts/. Output is TAP, like the e2e scripts.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
B=tests/browser
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PASSWORD=browser-pass-1

if [ ! -x "$CHROMIUM" ]; then
    ok 1 "chromium is installed at $CHROMIUM (scripts/deps.sh installs it)"
    done_testing
    exit 1
fi
if [ ! -d "$B/node_modules/playwright-core" ] || [ ! -d "$B/node_modules/axe-core" ]; then
    (cd "$B" && npm ci --silent --no-audit --no-fund > /dev/null 2>&1)
    ok $? "npm ci (playwright-core and axe-core, pinned in package-lock.json)"
fi

start_server --backup-dir "$T/backups"; ok $? "server starts"
fixtures; ok $? "fixtures"

passwords "1, 2, 3, 4" "$PASSWORD" &&
    api PATCH /api/v1/users/3 '{"name":"Carl \"><img src=x onerror=alert(1)>"}' "$ADMIN" &&
    [ "$STATUS" = 200 ]
ok $? "passwords for the admin, the agent and the customers; a hostile customer name"

# Requests already in the queue: Acme's D (due later than a B opened now) and Beta's
# (not entitled: no due time, so at the end).
api POST /api/v1/tickets '{"subject":"Export question","type":"assistance","organization_id":1}' "$AGENT"
is "$STATUS" 201 "an older request of severity D"
api POST /api/v1/tickets '{"subject":"Beta asks","organization_id":2}' "$AGENT"
is "$STATUS" 201 "a request of an organisation without an agreement"

# The service business (issue 16): Acme's account executive is the agent; a vendor-hosted
# installation with a maintenance window next week; a published hot-fix release with a file.
api PATCH /api/v1/organizations/1 '{"account_executive_id":2}' "$ADMIN" && [ "$STATUS" = 200 ] &&
    api POST /api/v1/installations '{"organization_id":1,"name":"Acme production","hosting":"vendor_hosted","version":"5.9.3"}' "$AGENT" &&
    [ "$STATUS" = 201 ] &&
    api POST /api/v1/maintenance-windows "{\"organization_id\":1,\"starts_at\":\"$(date -u -d '+7 days' +%Y-%m-%dT02:00:00Z)\",\"ends_at\":\"$(date -u -d '+7 days' +%Y-%m-%dT04:00:00Z)\",\"summary\":\"Database upgrade\"}" "$AGENT" &&
    [ "$STATUS" = 201 ] &&
    api POST /api/v1/releases '{"version":"5.9.4","kind":"hotfix","notes":"Meter import fix."}' "$AGENT" &&
    R=$(json .id) && printf 'fix' > "$T/fix.bin" &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AGENT" \
        -H 'Content-Type: application/zip' --data-binary @"$T/fix.bin" \
        "$BASE/api/v1/releases/$R/files?filename=meter-import-5.9.4.zip")" = 201 ] &&
    api POST "/api/v1/releases/$R/publish" "" "$AGENT" && [ "$STATUS" = 200 ] &&
    api POST /api/v1/installations/1/changes '{"what":"Install the billing module","proposed":true}' "$AGENT" &&
    [ "$STATUS" = 201 ]
ok $? "an account executive, a maintenance window, a hot-fix file, a proposed module (issue 16)"
api POST /api/v1/organizations/1/add-ons '{"service_id":10,"starts_on":"2020-01-01","currency":"EUR","annual_price":0}' "$ADMIN"
is "$STATUS" 201 "Acme has the live-chat add-on (catalogue service 10)"

# A statement of work quoted to Acme, for the customer to accept in the portal (issue 16)
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2019-01-01","ends_on":"2030-12-31","currency":"EUR","hours":33,"rate":10000,"invoicing":"end","rasci_matrix_id":1}' "$AGENT" &&
    SOW=$(json .id) &&
    api POST "/api/v1/agreements/$SOW/quote" "{\"amount\":1234500,\"valid_until\":\"$(date -u -d '+30 days' +%Y-%m-%d)\"}" "$AGENT" &&
    [ "$STATUS" = 200 ]
ok $? "a statement of work quoted to Acme"

api POST /api/v1/canned-replies '{"title":"Greeting","body":"Hello {{requester_name}}, thank you for request #{{ticket_id}}."}' "$AGENT"
is "$STATUS" 201 "a canned reply to insert (issue 15)"

api POST /api/v1/users "{\"email\":\"bo@vendor.test\",\"name\":\"Bo Agent\",\"role\":\"agent\",\"password\":\"$PASSWORD\"}" "$ADMIN"
is "$STATUS" 201 "a second agent, to be warned of the first one's reply"

for _ in 1 2 3; do
    api POST /api/v1/alerts '{"fingerprint":"acme-db-1/disk","summary":"Disk of acme-db-1 91 % full","severity":"C","organization_id":1}' "$AGENT"
done
is "$(json .count)" 3 "a monitoring alert, posted three times, folded into one request (issue 16)"

mkdir -p "$B/artifacts"
node "$B/pages.mjs" "$BASE" "$PASSWORD" "$B/artifacts" "$CHROMIUM" > "$T/node.out" 2>&1
rc=$?
while IFS= read -r line; do
    case "$line" in
    "ok - "*) ok 0 "${line#ok - }" ;;
    "not ok - "*) ok 1 "${line#not ok - }" ;;
    *) echo "# $line" ;;
    esac
done < "$T/node.out"
is "$rc" 0 "the browser script finished"
is "$(messages_with forged)" 0 \
    "the post without a CSRF token stored nothing"
stop_server
done_testing
