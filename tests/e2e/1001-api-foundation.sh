#!/usr/bin/env bash
# 1001 the HTTP foundation over a real socket: health, check order, sign-in,
# body limits (413 before the body with Expect: 100-continue), keep-alive, metrics.
. "$(dirname "$0")/lib.sh"

start_server --backup-dir "$T/backups"; ok $? "server starts and prints its port"

api GET /healthz
is "$STATUS" 200 "GET /healthz is 200"
is "$(json .status)" ok "and says ok"

api GET /api/v1/nothing-here
is "$STATUS" 404 "an unknown path is 404"
is "$(json .error.code)" not_found "with code not_found"
api PATCH /api/v1/me
is "$STATUS" 405 "a wrong method is 405"
like "$(cat "$T/headers")" "Allow: GET" "with Allow"
api GET /api/v1/me
is "$STATUS" 401 "no token is 401"
like "$(cat "$T/headers")" "WWW-Authenticate: Bearer" "with WWW-Authenticate"
api GET /metrics
is "$STATUS" 401 "/metrics needs a token"

api POST /api/v1/tokens '{"email":"admin@example.test","password":"wrong-password"}'
is "$STATUS" 401 "a wrong password is 401"
api POST /api/v1/tokens '{"email":"admin@example.test","password":'
is "$STATUS" 400 "malformed JSON is 400"
is "$(json .error.code)" bad_request "with code bad_request"
api POST /api/v1/tokens '{"email":"admin@example.test","password":"x","remember":true}'
is "$STATUS" 422 "an unknown field is 422"
is "$(json .error.field)" remember "naming the field"
api POST /api/v1/tokens "{\"email\":\"admin@example.test\",\"password\":\"$(printf 'a\xff')\"}"
is "$STATUS" 400 "invalid UTF-8 is 400"
api POST /api/v1/tokens '{"email":"ADMIN@example.test","password":"admin-password-1"}'
is "$STATUS" 201 "sign-in is 201 (e-mail in any case)"
TOKEN=$(json .token)
like "$TOKEN" "^[0-9a-f]{64}$" "with a token"
like "$(json .expires_at)" "Z$" "that expires"

api GET /api/v1/me
is "$STATUS" 200 "GET /api/v1/me with the token"
is "$(json '[.id,.email,.role,.organization_id]|@csv')" '1,"admin@example.test","admin",' \
    "answers id, email, role, organization_id"
# the backup at start takes a moment on PostgreSQL (pg_dump, and a restore to verify it)
for _ in $(seq 1 100); do
    api GET /metrics
    case "$BODY" in *svcdesk_last_backup_timestamp_seconds*) break ;; esac
    sleep 0.1
done
is "$STATUS" 200 "an admin reads /metrics"
like "$BODY" 'svcdesk_http_requests_total\{code="2xx"\} [1-9]' "with request counters"
like "$BODY" 'svcdesk_last_backup_timestamp_seconds [0-9]+' "and the last backup time"
like "$BODY" 'svcdesk_tickets\{status="new"\} 0' "and requests by status"
ls "$T/backups"/svcdesk-*.db > /dev/null 2>&1; ok $? "serve wrote a backup"

api GET /api/v1/openapi.json "" ""
is "$STATUS" 200 "the OpenAPI document needs no token"
is "$(json .openapi)" 3.0.3 "and is OpenAPI 3"

# 413 before the body: curl sends Expect: 100-continue for a large body and waits
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$T/big"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H 'Expect: 100-continue' --data-binary @"$T/big" "$BASE/api/v1/tokens")
is "$code" 413 "a 2 MiB JSON body is 413"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$BASE/api/v1/tokens")
is "$code" 413 "a 2 MiB chunked body is 413 too"
api GET /healthz
is "$STATUS" 200 "the server still answers"

# keep-alive: two requests on one connection
n=$(curl -sv "$BASE/healthz" "$BASE/healthz" 2>&1 | grep -c 'Re-using existing connection')
is "$n" 1 "keep-alive reuses the connection"

api DELETE /api/v1/tokens/current
is "$STATUS" 204 "DELETE /api/v1/tokens/current revokes the token"
api GET /api/v1/me
is "$STATUS" 401 "a revoked token is 401"

stop_server
done_testing
