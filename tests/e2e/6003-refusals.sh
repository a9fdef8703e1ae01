#!/usr/bin/env bash
# 6003 a refusal every client can read: a body over the limit sent without
# `Expect: 100-continue` (Python's urllib and requests write the whole body before they read)
# is read and dropped by the server, then answered 413 with the JSON error, instead of a
# connection reset ("Broken pipe"); the same for 401/404/405 decided before the body. With
# Expect the 413 still comes before the body is sent. A body past 64 MiB is cut.
. "$(dirname "$0")/lib.sh"

start_server --backup-dir "$T/backups"; ok $? "server starts"
fixtures; ok $? "fixtures"
api POST /api/v1/tickets '{"subject":"Meter reading stops","organization_id":1}' "$CA"
TID=$(json .id)

# post_py CLIENT PATH MIB TOKEN [CONTENT_TYPE]: POST MIB MiB with Python's urllib or requests,
# never with Expect; prints "STATUS ERROR_CODE" (or the exception's name)
post_py() {
    CLIENT=$1 URL=$BASE$2 MIB=$3 TOKEN_=$4 CT=${5:-application/json} python3 -c '
import json, os, sys
url, mib, tok, ct = os.environ["URL"], int(os.environ["MIB"]), os.environ["TOKEN_"], os.environ["CT"]
body = b"{\"subject\":\"" + b"x" * (mib << 20) + b"\"}"
headers = {"Content-Type": ct}
if tok:
    headers["Authorization"] = "Bearer " + tok
try:
    if os.environ["CLIENT"] == "urllib":
        import urllib.request, urllib.error
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            r = urllib.request.urlopen(req, timeout=60)
            status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
    else:
        import requests
        r = requests.post(url, data=body, headers=headers, timeout=60)
        status, text = r.status_code, r.content
    try:
        code = json.loads(text)["error"]["code"]
    except Exception:
        code = "no-json"
    print(status, code)
except Exception as e:
    print(type(e).__name__, str(e)[:80].replace(" ", "_"))
'
}

for client in urllib requests; do
    is "$(post_py $client /api/v1/tickets 24 "$CA")" "413 too_large" \
        "$client: 24 MiB of JSON to /api/v1/tickets without Expect reads 413 with the JSON error"
    is "$(post_py $client "/api/v1/tickets/$TID/attachments?filename=big.bin" 26 "$CA" application/octet-stream)" \
        "413 too_large" "$client: 26 MiB to an attachment route reads 413"
    is "$(post_py $client "/api/v1/tickets/$TID/attachments?filename=big.bin" 24 "")" \
        "401 unauthorized" "$client: 24 MiB without a token reads 401"
    is "$(post_py $client "/api/v1/tickets/999999/attachments?filename=big.bin" 24 "$CB")" \
        "404 not_found" "$client: 24 MiB to a request of another organisation reads 404"
    is "$(post_py $client /api/v1/no-such-thing 24 "$CA")" "404 not_found" \
        "$client: 24 MiB to an unknown path reads 404"
    is "$(post_py $client /api/v1/organizations/1 24 "$CA")" "405 method_not_allowed" \
        "$client: 24 MiB with a wrong method reads 405"
done
api GET /healthz
is "$STATUS" 200 "the server still answers"

# with Expect: 100-continue the refusal comes before the body (curl sends nothing of it)
head -c $((24 * 1024 * 1024)) /dev/zero | tr '\0' x > "$T/big"
out=$(curl -s -o "$T/e" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $CA" \
    -H 'Content-Type: application/json' -H 'Expect: 100-continue' --data-binary @"$T/big" \
    "$BASE/api/v1/tickets")
read -r code up <<< "$out"
is "$code|$(jq -r .error.code "$T/e")" "413|too_large" "with Expect: 100-continue: 413"
ok $([ "${up%.*}" -lt 1048576 ] && echo 0 || echo 1) "before the body is sent ($up bytes sent)"
# curl without Expect reads the answer as well
code=$(curl -s -o "$T/e" -w '%{http_code}' -H "Authorization: Bearer $CA" -H 'Expect:' \
    -H 'Content-Type: application/json' --data-binary @"$T/big" "$BASE/api/v1/tickets")
is "$code|$(jq -r .error.code "$T/e")" "413|too_large" "curl without Expect: 413 after the body"

# a chunked body that never ends: read up to 64 MiB, then answered 413 and cut
out=$(PORT=$PORT TOK=$CA python3 -c '
import os, socket
s = socket.create_connection(("127.0.0.1", int(os.environ["PORT"])))
s.sendall(("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" % os.environ["TOK"]).encode())
chunk = b"100000\r\n" + b"x" * 0x100000 + b"\r\n"
sent = 0
try:
    for _ in range(200):
        s.sendall(chunk); sent += 1
except OSError:
    pass
s.settimeout(10)
try:
    data = s.recv(4096)
except OSError:
    data = b""
print(sent, data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "none")
')
read -r sent status <<< "$out"
ok $([ "$sent" -lt 200 ] && echo 0 || echo 1) "a body that never ends is cut (after $sent of 200 MiB)"
api GET /healthz
is "$STATUS" 200 "and the server goes on"

# ---- the pages: a file over the limit without script answers the form again, text kept ----
passwords "2, 3"
sign_in ca ca@acme.test
page ca GET /portal/requests/new
like "$BODY" 'data-max-bytes="26214400"' "the form's file input carries the limit for svcdesk.js"
head -c $((26 * 1024 * 1024)) /dev/zero > "$T/huge.bin"
before=$(api_count /api/v1/tickets)
page ca POST /portal/requests -H 'Expect:' -F "csrf=$(csrf)" \
    --form-string 'subject=Concentrator <offline>' --form-string 'body=since 06:00, typed with care' \
    -F severity=B -F type=error -F "file=@$T/huge.bin;type=application/octet-stream"
is "$STATUS" 413 "a new request with a 26 MiB file (no Expect, as browsers send it): 413"
like "$BODY" 'value="Concentrator &lt;offline&gt;"' "the form again with the subject kept (escaped)"
like "$BODY" '>since 06:00, typed with care</textarea>' "and the description"
like "$BODY" 'value="B" checked' "and the severity"
like "$BODY" 'huge.bin&#39; is larger than 25 MiB' "with a message naming the file and the limit"
is "$(api_count /api/v1/tickets)" "$before" "nothing stored"
page ca POST /portal/requests -H 'Expect: 100-continue' -F "csrf=$(csrf)" \
    --form-string 'subject=x' -F "file=@$T/huge.bin"
is "$STATUS" 413 "with Expect: 100-continue the 413 comes before the file is sent"
page ca POST "/portal/requests/$TID/reply" -H 'Expect:' -F "csrf=$(csrf)" \
    --form-string 'body=my reply, kept' -F "file=@$T/huge.bin"
is "$STATUS" 413 "a portal reply with a 26 MiB file: 413"
like "$BODY" '>my reply, kept</textarea>' "the request page again with the reply kept"
sign_in agent agent@vendor.test
page agent GET "/desk/tickets/$TID"
page agent POST "/desk/tickets/$TID/reply" -H 'Expect:' -F "csrf=$(csrf)" \
    --form-string 'body=a note, kept' -F internal=1 -F "file=@$T/huge.bin"
is "$STATUS" 413 "a desk reply with a 26 MiB file: 413"
like "$BODY" '>a note, kept</textarea>' "the reply is kept"
like "$BODY" 'Your internal note is kept below' "and that it was an internal note"
is "$(messages_with ", kept")" 0 "nothing stored"
page agent POST "/desk/tickets/$TID/reply" -H 'Expect:' -F "csrf=$(csrf)" \
    --form-string 'body=a small file now' -F "file=@$T/big;filename=ok.json"
is "$STATUS" 303 "the same form with a file under the limit is taken"

stop_server
done_testing
