#!/usr/bin/env bash
# 8005 the load balancer of docs/operations.md: nginx with docs/examples/nginx-svcdesk.conf
# (addresses, port and a self-signed certificate replaced) in front of two servers on one
# PostgreSQL database. Requests through it reach both servers; a page session made through
# it is a __Host- cookie (https public URL) that works whichever server answers; the client
# address the servers see is nginx's X-Forwarded-For; then one server is killed (SIGKILL)
# and every request through nginx, reads and writes, still succeeds.
. "$(dirname "$0")/lib.sh"
require_postgres "two servers on one PostgreSQL database behind nginx"
. "$(dirname "$0")/mail-lib.sh" # free_port, EXTRA_PIDS
command -v nginx > /dev/null || { echo "Bail out! no nginx (scripts/deps.sh installs it)"; exit 1; }

NGINX_PORT=$(free_port)
LB=https://127.0.0.1:$NGINX_PORT
OPTS=(--trust-forwarded-for 1 --max-connections-per-address 0 --public-url "$LB"
    --backup-dir "$T/backups" --backup-at 23:59)
start_server "${OPTS[@]}"; ok $? "server A starts"
A=$BASE A_PID=$SERVER_PID
EXTRA_PIDS+=("$A_PID")
start_server "${OPTS[@]}"; ok $? "server B starts on the same database"
B=$BASE
fixtures; ok $? "fixtures"

# ---- nginx with the documented configuration ----
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
    -keyout "$T/lb.key" -out "$T/lb.pem" > /dev/null 2>&1
ok $? "a self-signed certificate"
mkdir -p "$T/nginx"
sed -e "s|10.0.0.11:8080|${A#http://}|; s|10.0.0.12:8080|${B#http://}|" \
    -e "s|listen 443 ssl;|listen 127.0.0.1:$NGINX_PORT ssl;|" \
    -e "s|/etc/ssl/certs/desk.example.com.pem|$T/lb.pem|; s|/etc/ssl/private/desk.example.com.key|$T/lb.key|" \
    "$(dirname "$0")/../../docs/examples/nginx-svcdesk.conf" > "$T/nginx/svcdesk.conf"
[ "$(grep -c "${A#http://}\|${B#http://}\|127.0.0.1:$NGINX_PORT ssl\|$T/lb" "$T/nginx/svcdesk.conf")" = 5 ]
ok $? "the example's addresses, port and certificate replaced (and nothing else)"
cat > "$T/nginx/nginx.conf" << EOF
$([ "$(id -u)" = 0 ] && echo "user root;")
daemon off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 256; }
http {
    log_format up '\$status \$upstream_addr';
    access_log $T/nginx/access.log up;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    include $T/nginx/svcdesk.conf;
}
EOF
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" > "$T/nginx/out" 2>&1 &
NGINX_PID=$!
EXTRA_PIDS+=("$NGINX_PID")
export CURL_HOME=$T
echo "insecure" > "$T/.curlrc" # every curl of lib.sh trusts the test's certificate
for _ in $(seq 1 100); do curl -s -o /dev/null "$LB/healthz" && break; sleep 0.05; done
BASE=$LB
api GET /healthz
is "$STATUS|$(json .status)" "200|ok" "nginx answers /healthz through the servers" ||
    sed 's/^/#   /' "$T/nginx/error.log" "$T/nginx/out" | head -20

# ---- both servers serve, a session works on either ----
: > "$T/nginx/access.log"
for _ in $(seq 1 20); do api GET "/api/v1/tickets?limit=5" "" "$AGENT"; echo "$STATUS"; done |
    sort -u > "$T/codes"
is "$(cat "$T/codes")" 200 "20 reads through nginx answer 200"
is "$(awk '{print $2}' "$T/nginx/access.log" | sort -u | wc -l)" 2 "and reach both servers"
passwords 3; ok $? "Carl gets a password"
sign_in ca ca@acme.test
is "$STATUS" 303 "Carl signs in through nginx"
like "$(grep -i '^Set-Cookie: __Host-svcdesk_session=' "$T/headers")" \
    "__Host-svcdesk_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax.*Secure" \
    "with a __Host- cookie, Secure (public-url is https)"
for _ in $(seq 1 10); do page ca GET /portal/; echo "$STATUS"; done | sort -u > "$T/codes"
is "$(cat "$T/codes")" 200 "his session opens the portal ten times, whichever server answers"
for i in 1 2 3 4; do # forms and their POSTs land on either server
    page ca GET /portal/requests/new
    page ca POST /portal/requests -F "csrf=$(csrf)" --form-string "subject=through nginx $i" \
        --form-string 'body=b' -F severity=C -F type=error
    echo "$STATUS $(header Location | sed 's/[0-9][0-9]*$/N/')"
done | sort -u > "$T/codes"
is "$(cat "$T/codes")" "303 /portal/requests/N" \
    "four forms through nginx, each taken, a request each (CSRF tokens valid on both)"

# ---- the client address is nginx's X-Forwarded-For ----
# from 127.0.0.2: nginx's own connections to the servers come from 127.0.0.1
curl -s -o /dev/null --interface 127.0.0.2 -X POST -H 'Content-Type: application/json' \
    -d '{"email":"ca@acme.test","password":"wrong password"}' "$LB/api/v1/tokens"
grep -q 'sign-in failed" address=127.0.0.2 ' "$T/server.log"
ok $? "a failed sign-in is logged with the client's address (127.0.0.2), not nginx's"

# ---- a server dies: nginx carries on with the other ----
kill -9 "$A_PID"
wait "$A_PID" 2> /dev/null
for i in $(seq 1 20); do api GET "/api/v1/tickets?limit=5" "" "$AGENT"; echo "$STATUS"; done |
    sort | uniq -c | awk '{print $1, $2}' > "$T/codes"
is "$(cat "$T/codes")" "20 200" "server A killed: 20 reads through nginx, every one 200"
for i in $(seq 1 10); do
    api POST /api/v1/tickets "{\"subject\":\"after A died $i\",\"organization_id\":1}" "$AGENT"
    echo "$STATUS"
done | sort | uniq -c | awk '{print $1, $2}' > "$T/codes"
is "$(cat "$T/codes")" "10 201" "and 10 new requests, every one 201"
api GET "/api/v1/tickets?limit=100" "" "$AGENT"
is "$(json '[.items[] | select(.subject | startswith("after A died"))] | length')" 10 \
    "each stored once"

kill "$NGINX_PID" 2> /dev/null
BASE=$B
stop_server
done_testing
