#!/usr/bin/env bash
# 1021 hot-fix files of a release (issue 16): staff attach files to a release (raw body,
# ?filename=, a SHA-256 kept with each); customers see them once the release is published and
# download them only when their organisation has an active maintenance agreement (Acme has
# one, Beta none); the portal and the desk list them with links. Bad input is 4xx naming the
# field; nothing refused is stored.
. "$(dirname "$0")/lib.sh"

fixtures; ok $? "fixtures (Acme: an active maintenance agreement; Beta: none)"
start_server; ok $? "server starts"
passwords "2, 3, 4"; ok $? "passwords"

api POST /api/v1/releases '{"version":"5.10.1","kind":"hotfix","notes":"Fixes the meter import."}' "$AGENT"
R=$(json .id)
is "$STATUS" 201 "a hot-fix release, not yet published"
printf 'hotfix-5.10.1 payload \001\002\377' > "$T/fix.bin"
SUM=$(sha256sum "$T/fix.bin" | cut -d' ' -f1)
upload() { # upload RELEASE NAME FILE [TOKEN] [TYPE]: sets STATUS, BODY
    STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer ${4:-$AGENT}" \
        -H "Content-Type: ${5:-application/octet-stream}" --data-binary @"$3" \
        "$BASE/api/v1/releases/$1/files?filename=$2")
    BODY=$(cat "$T/body")
}
upload "$R" meter-import-5.10.1.zip "$T/fix.bin"
F=$(json .id)
is "$STATUS/$(json .sha256)/$(json .size)" "201/$SUM/$(stat -c %s "$T/fix.bin")" "an agent attaches a file, with its SHA-256"
upload "$R" meter-import-5.10.1.zip "$T/fix.bin"
is "$STATUS/$(json .error.field)" 409/filename "a second file of the same name is 409"
upload "$R" "a%2Fb.zip" "$T/fix.bin"
is "$STATUS/$(json .error.field)" 422/filename "a name with a slash is 422"
upload "$R" "" "$T/fix.bin"
is "$STATUS/$(json .error.field)" 422/filename "a file needs a name"
: > "$T/empty"
upload "$R" empty.zip "$T/empty"
is "$STATUS/$(json .error.field)" 422/body "an empty file is 422"
upload "$R" x.zip "$T/fix.bin" "$AGENT" "not a type"
is "$STATUS/$(json .error.field)" 422/content_type "a Content-Type that is not one is 422"
upload 999999 x.zip "$T/fix.bin"
is "$STATUS" 404 "a release that does not exist is 404"
upload "$R" x.zip "$T/fix.bin" "$CA"
is "$STATUS" 403 "customers do not attach files"
api GET "/api/v1/releases/$R/files" "" "$AGENT"
is "$(json '[.items[].filename]|@csv')/$(json .downloadable)" '"meter-import-5.10.1.zip"/true' \
    "one file stored (nothing refused was), staff may download"

api GET "/api/v1/releases/$R/files" "" "$CA"
is "$STATUS" 404 "before it is published, a customer does not see the release's files"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CA" "$BASE/api/v1/release-files/$F")
is "$code" 404 "nor the file"
api POST "/api/v1/releases/$R/publish" "" "$AGENT"
is "$STATUS" 200 "published"

api GET "/api/v1/releases/$R/files" "" "$CA"
is "$STATUS/$(json '.items|length')/$(json .downloadable)" 200/1/true "Acme's customer lists it and may download"
curl -s -D "$T/h" -o "$T/got" -H "Authorization: Bearer $CA" "$BASE/api/v1/release-files/$F"
is "$(sha256sum "$T/got" | cut -d' ' -f1)" "$SUM" "and gets the same bytes"
like "$(cat "$T/h")" "Content-Disposition: attachment; filename=\"meter-import-5.10.1.zip\"" "as an attachment"
like "$(cat "$T/h")" "Digest: sha-256=$SUM" "with its checksum"
api GET "/api/v1/releases/$R/files" "" "$CB"
is "$STATUS/$(json .downloadable)" 200/false "Beta's customer (no maintenance agreement) sees it listed, not downloadable"
api GET "/api/v1/release-files/$F" "" "$CB"
is "$STATUS/$(json .error.code)" 403/forbidden "and may not download it"
like "$(json .error.message)" "active maintenance agreement" "being told why"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/release-files/$F")
is "$code" 401 "without a token 401"

sign_in ca ca@acme.test; is "$STATUS" 303 "Acme's customer signs in to the portal"
page ca GET /portal/releases
like "$BODY" "<a href=\"/portal/release-files/$F\">meter-import-5.10.1.zip</a>" "the portal links the hot-fix file"
page ca GET "/portal/release-files/$F"
is "$STATUS/$(printf '%s' "$BODY" | head -c 21)" "200/hotfix-5.10.1 payload" "and serves it"
sign_in cb cb@beta.test; is "$STATUS" 303 "Beta's customer signs in"
page cb GET /portal/releases
has "meter-import-5.10.1.zip" && ! has "/portal/release-files/$F"; ok $? "the portal lists it for Beta without a link"
like "$BODY" "for customers with an active maintenance agreement" "saying why"
page cb GET "/portal/release-files/$F"
is "$STATUS" 403 "a direct link is refused"
sign_in agent agent@vendor.test
page agent GET /desk/releases
like "$BODY" "<a href=\"/desk/release-files/$F\">" "the desk links it too"
stop_server
done_testing
