# tests/e2e/lib.sh - sourced by every e2e script: a temporary folder, TAP
# output, the real svcdesk binary ($SVCDESK) serving a temporary SQLite
# file on loopback, and curl helpers.
set -u
SVCDESK=${SVCDESK:-$PWD/build/svcdesk}
T=$(mktemp -d)
TAP_N=0
TAP_FAILED=0
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

ok() { # ok COND_EXIT_STATUS DESCRIPTION
    TAP_N=$((TAP_N + 1))
    if [ "$1" = 0 ]; then
        echo "ok $TAP_N - $2"
    else
        echo "not ok $TAP_N - $2"
        TAP_FAILED=$((TAP_FAILED + 1))
    fi
}
is() { # is GOT WANT DESCRIPTION
    if [ "$1" = "$2" ]; then ok 0 "$3"; else
        ok 1 "$3"
        echo "#   got:  '$1'"
        echo "#   want: '$2'"
    fi
}
like() { # like GOT REGEX DESCRIPTION
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
        ok 1 "$3"
        echo "#   got:  '$(printf '%s' "$1" | head -c 400)'"
        echo "#   want: /$2/"
    fi
}
done_testing() {
    echo "1..$TAP_N"
    [ "$TAP_FAILED" = 0 ]
}

# run_cli ARGS...: run svcdesk; sets RC, OUT, ERR
run_cli() {
    "$SVCDESK" "$@" > "$T/out" 2> "$T/err"
    RC=$?
    OUT=$(cat "$T/out")
    ERR=$(cat "$T/err")
}

ADMIN_EMAIL=admin@example.test
ADMIN_PASSWORD=admin-password-1
DB=$T/svcdesk.db

# start_server [SERVE OPTIONS...]: init $DB when missing, serve on a free port, set BASE
start_server() {
    [ -f "$DB" ] || "$SVCDESK" init --db "$DB" --admin-email "$ADMIN_EMAIL" \
        --admin-password "$ADMIN_PASSWORD" > /dev/null 2>> "$T/server.log" || return 1
    "$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 "$@" > "$T/server.out" 2>> "$T/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/server.out")
        [ -n "$PORT" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "${PORT:-}" ] || { cat "$T/server.log" >&2; return 1; }
    BASE=http://127.0.0.1:$PORT
    for _ in $(seq 1 100); do # listening; wait until it answers, too (slow under sanitizers)
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ] && return 0
        sleep 0.05
    done
    return 1
}

# stop_server: SIGTERM, and a test that it exited cleanly (0; under ASan, no leaks)
stop_server() {
    local rc
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID"
    rc=$?
    SERVER_PID=
    is "$rc" 0 "server exits cleanly on SIGTERM"
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/server.log"; then
        ok 1 "server log free of sanitizer reports"
        grep -E -A20 'Sanitizer|runtime error' "$T/server.log" | head -40 | sed 's/^/#   /'
    fi
}

# api METHOD PATH [BODY] [TOKEN]: sets STATUS and BODY (and HEADERS in $T/headers)
api() {
    local method=$1 path=$2 body=${3:-} token=${4:-${TOKEN:-}}
    local args=(-s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$method")
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    if [ -n "$body" ]; then
        printf '%s' "$body" > "$T/request" # a file: bodies may exceed the argument limit
        args+=(-H 'Content-Type: application/json' --data-binary @"$T/request")
    fi
    STATUS=$(curl "${args[@]}" "$BASE$path")
    BODY=$(cat "$T/body")
}

# json FILTER: apply a jq filter to $BODY
json() { printf '%s' "$BODY" | jq -r "$1"; }

# fixtures: with the server's database initialised, add by SQL two organisations (1 Acme,
# entitled by a signed maintenance agreement under the Copenhagen support calendar and an
# A-D policy; 2 Beta, no agreement), an agent and a customer of each, and API tokens:
# ADMIN AGENT CA (customer of Acme) CB (customer of Beta). Ids: agent 2, ca 3, cb 4.
fixtures() {
    local cal
    cal=$(jq -c . "$(dirname "${BASH_SOURCE[0]}")/../data/sla-vectors/support-copenhagen.json")
    # .timeout: the server's writer may hold the lock a moment (startup jobs), so wait for it
    sqlite3 -cmd ".timeout 5000" "$DB" "
    INSERT INTO organizations (id, name, created_at) VALUES (1, 'Acme', 0), (2, 'Beta', 0);
    INSERT INTO users (id, email, name, role, organization_id, created_at) VALUES
      (2, 'agent@vendor.test', 'Agnes Agent', 'agent', NULL, 0),
      (3, 'ca@acme.test', 'Carl Acme', 'customer', 1, 0),
      (4, 'cb@beta.test', 'Berit Beta', 'customer', 2, 0);
    INSERT INTO calendars (id, name, definition, created_at, updated_at)
      VALUES (1, 'Support hours', '$cal', 0, 0);
    INSERT INTO sla_policies (id, name, calendar_id, escalation_emails, created_at, updated_at)
      VALUES (1, 'Standard', 1, '[\"escalation@vendor.test\"]', 0, 0);
    INSERT INTO sla_targets VALUES (1, 'A', 14400, 28800, 57600), (1, 'B', 28800, NULL, NULL),
      (1, 'C', 57600, NULL, NULL), (1, 'D', 57600, NULL, NULL);
    INSERT INTO agreements (id, organization_id, kind, status, starts_on, hosting, sla_policy_id,
      created_at, updated_at) VALUES (1, 1, 'maintenance', 'signed', '2020-01-01',
      'vendor_hosted', 1, 0, 0);" || return 1
    ADMIN=$("$SVCDESK" token create --db "$DB" --email "$ADMIN_EMAIL")
    AGENT=$("$SVCDESK" token create --db "$DB" --email agent@vendor.test)
    CA=$("$SVCDESK" token create --db "$DB" --email ca@acme.test)
    CB=$("$SVCDESK" token create --db "$DB" --email cb@beta.test)
}

# count_rows TABLE: rows in a table of $DB
count_rows() { sqlite3 "$DB" "SELECT count(*) FROM $1"; }

# q SQL: run SQL on $DB, waiting for the server's write lock when it holds it
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }

# ---- the pages, over real HTTP with curl and a cookie jar per person ----

PAGE_PASSWORD=pages-pass-1

# passwords IDS [PASSWORD]: give users IDS ("2, 3, 4") an argon2id hash of PASSWORD, made by
# `svcdesk init` on a throwaway database (the fixtures create users without passwords)
passwords() {
    rm -f "$T/hash.db"
    "$SVCDESK" init --db "$T/hash.db" --admin-email hash@example.test \
        --admin-password "${2:-$PAGE_PASSWORD}" > /dev/null 2>&1 &&
        sqlite3 -cmd ".timeout 5000" -cmd "ATTACH '$T/hash.db' AS hash_db" "$DB" \
            "UPDATE users SET password_hash = (SELECT password_hash FROM hash_db.users) WHERE id IN ($1)"
}

# page JAR METHOD PATH [CURL ARGS...]: sets STATUS, BODY, HEADERS ($T/headers)
page() {
    local jar=$1 method=$2 path=$3
    shift 3
    STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/$jar" -c "$T/$jar" \
        -X "$method" "$@" "$BASE$path")
    BODY=$(cat "$T/body")
}
header() { sed -n "s/^$1: \(.*\)\r$/\1/Ip" "$T/headers" | head -1; }
csrf() { printf '%s' "$BODY" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1; }
# sign_in JAR EMAIL [PASSWORD]: a session in the cookie jar
sign_in() {
    page "$1" GET /login
    page "$1" POST /login --data-urlencode "email=$2" \
        --data-urlencode "password=${3:-$PAGE_PASSWORD}" --data-urlencode "csrf=$(csrf)"
}
has() { case "$BODY" in *"$1"*) return 0 ;; esac; return 1; }
