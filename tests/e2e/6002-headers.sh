#!/usr/bin/env bash
# 6002 response headers of what a browser could run or leak: the invoice's HTML form has a
# Content-Security-Policy, the /kb/ pages a Referrer-Policy, and stored files are served under
# `Content-Security-Policy: sandbox`, as downloads of application/octet-stream, except images
# (png, jpeg, gif, webp) and PDF, inline with their own type; never the uploader's type for
# anything else (text/html, image/svg+xml...).
. "$(dirname "$0")/lib.sh"

start_server --backup-dir "$T/backups"; ok $? "server starts"
fixtures; ok $? "fixtures"
TOKEN=$AGENT

# hdr NAME: a header of the last fetch ($T/headers), without CR
hdr() { sed -n "s/^$1: \(.*\)\r$/\1/Ip" "$T/headers" | head -1; }
fetch() { curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@"; }

# ---- the invoice as HTML ----
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2026-10-01","ends_on":"2027-03-31","currency":"EUR","hours":100,"rate":12345,"invoicing":"monthly","services":["system_migrations"]}'
ADV=$(json .id)
accept "$ADV" "$CA"
api POST "/api/v1/agreements/$ADV/sign"
api POST "/api/v1/agreements/$ADV/time-entries" '{"minutes":90,"kind":"included","on":"2026-11-05","note":"<script>x</script>"}'
api POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2026-11-01","period_end":"2026-11-30"}'
is "$STATUS" 201 "an invoice to look at"
INV=$(json .id)
is "$(fetch -H "Authorization: Bearer $CA" "$BASE/api/v1/invoices/$INV.html")" 200 "GET /api/v1/invoices/{id}.html"
csp=$(hdr Content-Security-Policy)
like "$csp" "default-src 'none'" "the invoice page has a Content-Security-Policy that allows nothing by default"
like "$csp" "frame-ancestors 'none'" "and may not be framed"
if printf '%s' "$csp" | grep -q 'script-src'; then ok 1 "no script source is allowed"; else ok 0 "no script source is allowed"; fi
is "$(hdr Referrer-Policy)" same-origin "and a Referrer-Policy"

# ---- the knowledge base's public pages ----
api POST /api/v1/kb/articles '{"title":"Watchdog resets","body":"see [x](https://elsewhere.example/)","tags":[],"visibility":"public"}'
ART=$(json .id)
is "$(fetch "$BASE/kb/")" 200 "GET /kb/"
is "$(hdr Referrer-Policy)" same-origin "/kb/ has a Referrer-Policy"
is "$(fetch "$BASE/kb/$ART")" 200 "GET /kb/{id}"
is "$(hdr Referrer-Policy)" same-origin "/kb/{id} has a Referrer-Policy"
is "$(fetch "$BASE/kb/999999")" 404 "an unknown article"
is "$(hdr Referrer-Policy)" same-origin "its 404 page too"

# ---- stored files ----
api POST /api/v1/tickets '{"subject":"Files","organization_id":1}' "$CA"
TID=$(json .id)
# upload NAME TYPE FILE: print the attachment's id
upload() {
    curl -s -H "Authorization: Bearer $CA" -H "Content-Type: $2" --data-binary @"$3" \
        "$BASE/api/v1/tickets/$TID/attachments?filename=$1" | jq -r .id
}
printf '<script>alert(document.cookie)</script>' > "$T/x.html"
printf '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' > "$T/x.svg"
printf '\x89PNG\r\n\x1a\n0000' > "$T/x.png"
printf '%%PDF-1.4\n%%%%EOF\n' > "$T/x.pdf"
H=$(upload x.html text/html "$T/x.html")
S=$(upload x.svg image/svg+xml "$T/x.svg")
P=$(upload x.png 'image/PNG; name=x' "$T/x.png")
D=$(upload x.pdf application/pdf "$T/x.pdf")
J=$(upload x.jpg image/jpeg "$T/x.png")
for f in "$H text/html" "$S image/svg+xml"; do
    set -- $f
    is "$(fetch -H "Authorization: Bearer $CA" "$BASE/api/v1/attachments/$1")" 200 "an uploaded $2 file"
    is "$(hdr Content-Type)" application/octet-stream "is served as application/octet-stream, not $2"
    like "$(hdr Content-Disposition)" '^attachment; filename=' "as a download"
    is "$(hdr Content-Security-Policy)" sandbox "under Content-Security-Policy: sandbox"
    is "$(hdr X-Content-Type-Options)" nosniff "with nosniff"
done
for f in "$P image/png" "$J image/jpeg" "$D application/pdf"; do
    set -- $f
    is "$(fetch -H "Authorization: Bearer $CA" "$BASE/api/v1/attachments/$1")" 200 "an uploaded $2"
    is "$(hdr Content-Type)" "$2" "keeps its type $2 (without parameters)"
    like "$(hdr Content-Disposition)" '^inline; filename=' "and may show inline"
    is "$(hdr Content-Security-Policy)" sandbox "still under the sandbox"
done
cmp -s "$T/body" "$T/x.pdf"; ok $? "byte for byte"

# the pages' routes serve files the same way
passwords "2, 3"
sign_in ca ca@acme.test
page ca GET "/portal/attachments/$H"
is "$STATUS|$(header Content-Type)|$(header Content-Security-Policy)" \
    "200|application/octet-stream|sandbox" "the portal serves HTML as sandboxed bytes"
like "$(header Content-Disposition)" '^attachment; ' "as a download"
page ca GET "/portal/attachments/$P"
is "$STATUS|$(header Content-Type)|$(header Content-Security-Policy)" "200|image/png|sandbox" \
    "a PNG in the portal: inline, sandboxed"
sign_in agent agent@vendor.test
page agent GET "/desk/attachments/$S"
is "$STATUS|$(header Content-Type)|$(header Content-Security-Policy)" \
    "200|application/octet-stream|sandbox" "the desk serves SVG as sandboxed bytes"
like "$(header Content-Disposition)" '^attachment; ' "as a download"

stop_server
done_testing
