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
    [ -n "${PG_DBNAME:-}" ] && psql -qX "$SVCDESK_TEST_PG_URL" \
        -c "DROP DATABASE IF EXISTS $PG_DBNAME WITH (FORCE)" > /dev/null 2>&1
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
# On PostgreSQL (SVCDESK_TEST_DB=postgres, with the server of SVCDESK_TEST_PG_URL, tests/pg.sh)
# $DB is the URL of a fresh database of the script's own, dropped at its end. A script that
# runs a PostgreSQL server of its own (8001 restarts it) sets E2E_OWN_PG=1 before sourcing
# this file and sets DB itself: SVCDESK_TEST_PG_URL is not used then.
PG_DBNAME=
if [ "${SVCDESK_TEST_DB:-sqlite}" = postgres ] && [ -z "${E2E_OWN_PG:-}" ]; then
    : "${SVCDESK_TEST_PG_URL:?SVCDESK_TEST_DB=postgres needs SVCDESK_TEST_PG_URL (tests/pg.sh)}"
    PG_DBNAME=e2e_$$_$RANDOM
    psql -qX "$SVCDESK_TEST_PG_URL" -c "CREATE DATABASE $PG_DBNAME TEMPLATE template0" \
        > /dev/null || exit 1
    DB=${SVCDESK_TEST_PG_URL%/*}/$PG_DBNAME
fi

# db_initialised: true once `svcdesk init` made $DB (the file; on PostgreSQL, its schema)
db_initialised() {
    if [ -n "$PG_DBNAME" ] || [ -n "${E2E_OWN_PG:-}" ]; then
        [ "$(psql -qXAt "$DB" -c "SELECT to_regclass('schema_migrations') IS NOT NULL")" = t ]
    else
        [ -f "$DB" ]
    fi
}

# INIT_OPTS: options of the `svcdesk init` that start_server runs. By default the tests start
# from a database without the default support hours and SLA policy (their fixtures make their
# own, with known ids); INIT_OPTS= (empty) gives a database as `svcdesk init` makes it.
INIT_OPTS=${INIT_OPTS---no-default-policy}

# start_server [SERVE OPTIONS...]: init $DB when missing, serve on a free port, set BASE
start_server() {
    # shellcheck disable=SC2086 # INIT_OPTS is a list of options
    db_initialised || "$SVCDESK" init --db "$DB" --admin-email "$ADMIN_EMAIL" \
        --admin-password "$ADMIN_PASSWORD" $INIT_OPTS > /dev/null 2>> "$T/server.log" || return 1
    "$SVCDESK" serve --db "$DB" --listen 127.0.0.1:0 "$@" > "$T/server.out" 2>> "$T/server.log" &
    SERVER_PID=$!
    # up to 30 s, then 15 s more to answer: a loaded machine under sanitizers is slow to start
    for _ in $(seq 1 600); do
        PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/server.out")
        [ -n "$PORT" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "${PORT:-}" ] || { cat "$T/server.log" >&2; return 1; }
    BASE=http://127.0.0.1:$PORT
    for _ in $(seq 1 300); do # listening; wait until it answers, too (slow under sanitizers)
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

# ---- the database under test ----
#
# Tests reach the database through the product: the API, the pages and the CLI, so that the
# same scripts run on every backend. SVCDESK_TEST_DB names the backend (sqlite, the default).
# The few facts that only the file shows (its pages, its mode, its journal, a row no interface
# reads) go through sqlite_only_q, each behind on_sqlite with the reason, or the whole script
# says `# sqlite-only: REASON` at its top and calls require_sqlite (docs/testing.md).
SVCDESK_TEST_DB=${SVCDESK_TEST_DB:-sqlite}

# require_sqlite REASON: skip the whole script (TAP "1..0 # SKIP") unless the backend is SQLite
require_sqlite() {
    [ "$SVCDESK_TEST_DB" = sqlite ] && return 0
    echo "1..0 # SKIP sqlite-only: $1"
    exit 0
}

# require_postgres REASON: skip the whole script unless the backend is PostgreSQL (the 8xxx
# scripts: several servers on one database, the database restarted, `svcdesk copy`)
require_postgres() {
    [ "$SVCDESK_TEST_DB" = postgres ] && return 0
    echo "1..0 # SKIP postgres-only: $1"
    exit 0
}

# on_sqlite REASON: true on SQLite; elsewhere one skipped test ("ok N # SKIP sqlite-only: ...")
# and false, so that `on_sqlite "why" && is "$(sqlite_only_q ...)" ...` skips the check
on_sqlite() {
    [ "$SVCDESK_TEST_DB" = sqlite ] && return 0
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N # SKIP sqlite-only: $1"
    return 1
}

# sqlite_only_q SQL [FILE]: run SQL on the SQLite file ($DB unless FILE), waiting for the
# server's write lock when it holds it. Only behind on_sqlite or require_sqlite: no product
# interface shows what it reads.
sqlite_only_q() { sqlite3 -cmd ".timeout 5000" "${2:-$DB}" "$1"; }

# outbox_q QUERY JQ [TOKEN]: the queued mail that GET /api/v1/outbox?QUERY lists (as the admin,
# all of it up to 1000 rows), oldest first, through the jq filter JQ on that list, e.g.
# outbox_q "ticket_id=$T&kind=reply" 'map(.recipients|tojson)|join(" ")'
outbox_q() {
    curl -s -H "Authorization: Bearer ${3:-$ADMIN}" "$BASE/api/v1/outbox?limit=1000&$1" |
        jq -r "(.items|reverse) | $2"
}
# audit_q QUERY JQ [TOKEN]: the same for the audit trail (GET /api/v1/audit-log?QUERY)
audit_q() {
    curl -s -H "Authorization: Bearer ${3:-$ADMIN}" "$BASE/api/v1/audit-log?limit=1000&$1" |
        jq -r "(.items|reverse) | $2"
}

# sqlite_only_shell [FILE]: a sqlite3 shell on the file ($DB unless FILE) reading its input,
# e.g. to hold a transaction open; the same rules as sqlite_only_q
sqlite_only_shell() { sqlite3 "${1:-$DB}"; }

# api_ids PATH [TOKEN]: the ids of every item of a list route (admin by default), one a line,
# all pages (PATH without limit or cursor); fails unless every page answers 200
api_ids() {
    local path=$1 token=${2:-$ADMIN} sep=? cursor=
    case "$path" in *\?*) sep='&' ;; esac
    while :; do
        api GET "$path${sep}limit=1000${cursor:+&cursor=$cursor}" "" "$token"
        [ "$STATUS" = 200 ] || { echo "# api_ids $path: $STATUS $BODY" >&2; return 1; }
        json '.items[].id'
        cursor=$(json '.next_cursor // empty')
        [ -n "$cursor" ] || return 0
    done
}

# api_count PATH [TOKEN]: how many items a list route has (all pages); -1 when it fails
api_count() {
    local ids
    ids=$(api_ids "$@") || { echo -1; return 1; }
    printf '%s' "$ids" | grep -c . || true
}

# get PATH FILTER [TOKEN]: GET PATH (admin by default) and print FILTER (jq) of its answer,
# or "HTTP <status>" when it is not 200
get() {
    api GET "$1" "" "${3:-$ADMIN}"
    if [ "$STATUS" = 200 ]; then json "$2"; else echo "HTTP $STATUS"; fi
}

# metric NAME: the value of one line of /metrics (read as admin), e.g. svcdesk_outbox_pending
metric() {
    curl -s -H "Authorization: Bearer $ADMIN" "$BASE/metrics" | sed -n "s/^$1 \([0-9.e+-]*\)$/\1/p"
}

# messages_with TEXT [TOKEN]: how many messages ("": all of them), on every request the caller sees (admin by
# default), have TEXT in their body
messages_with() {
    local token=${2:-$ADMIN} id ids n=0
    ids=$(api_ids /api/v1/tickets "$token") || { echo -1; return 1; }
    for id in $ids; do
        api GET "/api/v1/tickets/$id/messages" "" "$token"
        [ "$STATUS" = 200 ] || { echo -1; return 1; }
        n=$((n + $(json "[.items[] | select(.body | contains(\"$1\"))] | length")))
    done
    echo "$n"
}

# accept ID [TOKEN] [NAME]: the customer's signature on agreement ID (as TOKEN, default CA, the
# customer of Acme): an agreement is in effect once both parties have signed (…/sign by staff).
accept() {
    api POST "/api/v1/agreements/$1/accept" "{\"name\":\"${3:-Carl Acme}\"}" "${2:-$CA}"
}

# co_accept AGREEMENT CO [TOKEN]: the customer's signature on a change order (see accept).
co_accept() {
    api POST "/api/v1/agreements/$1/change-orders/$2/accept" '{"name":"Carl Acme"}' "${3:-$CA}"
}

# fixtures: with the server running on a fresh database, add through the API two
# organisations (1 Acme, entitled by a signed maintenance agreement under the Copenhagen
# support calendar and an A-D policy; 2 Beta, no agreement), an agent and a customer of each,
# and API tokens (svcdesk token create): ADMIN AGENT CA (customer of Acme) CB (customer of
# Beta). Ids: agent 2, ca 3, cb 4. The users get a password nobody knows (see passwords).
# Without a running server, one is started for the fixtures and stopped again.
fixtures() {
    local rc
    [ -n "$SERVER_PID" ] && { make_fixtures; return; }
    start_server || return 1
    make_fixtures
    rc=$?
    kill -TERM "$SERVER_PID" && wait "$SERVER_PID"
    SERVER_PID=
    return $rc
}
make_fixtures() {
    local cal pw
    cal=$(jq -c '{name: "Support hours"} + .' \
        "$(dirname "${BASH_SOURCE[0]}")/../data/sla-vectors/support-copenhagen.json")
    pw="fixture-$RANDOM$RANDOM$RANDOM"
    ADMIN=$("$SVCDESK" token create --db "$DB" --email "$ADMIN_EMAIL") || return 1
    fixture_post() { # fixture_post PATH BODY WANT_ID: create one thing, with the id wanted
        api POST "$1" "$2" "$ADMIN"
        [ "$STATUS" = 201 ] && [ "$(json .id)" = "$3" ] && return 0
        echo "# fixtures: POST $1 answered $STATUS: $BODY (wanted id $3)" >&2
        return 1
    }
    fixture_post /api/v1/organizations '{"name":"Acme"}' 1 &&
        fixture_post /api/v1/organizations '{"name":"Beta"}' 2 &&
        fixture_post /api/v1/users "{\"email\":\"agent@vendor.test\",\"name\":\"Agnes Agent\",
            \"role\":\"agent\",\"password\":\"$pw\"}" 2 &&
        fixture_post /api/v1/users "{\"email\":\"ca@acme.test\",\"name\":\"Carl Acme\",
            \"role\":\"customer\",\"organization_id\":1,\"password\":\"$pw\"}" 3 &&
        fixture_post /api/v1/users "{\"email\":\"cb@beta.test\",\"name\":\"Berit Beta\",
            \"role\":\"customer\",\"organization_id\":2,\"password\":\"$pw\"}" 4 &&
        fixture_post /api/v1/calendars "$cal" 1 &&
        fixture_post /api/v1/sla-policies '{"name":"Standard","calendar_id":1,
            "escalation_emails":["escalation@vendor.test"],"targets":{
            "A":{"response_hours":4,"update_hours":8,"resolution_hours":16},
            "B":{"response_hours":8},"C":{"response_hours":16},"D":{"response_hours":16}}}' 1 &&
        fixture_post /api/v1/agreements '{"organization_id":1,"kind":"maintenance",
            "starts_on":"2020-01-01","currency":"EUR","hosting":"vendor_hosted",
            "sla_policy_id":1}' 1 || return 1
    # in effect once both parties have signed: the customer accepts, the vendor signs
    CA=$("$SVCDESK" token create --db "$DB" --email ca@acme.test) || return 1
    accept 1 "$CA"
    [ "$STATUS" = 200 ] || { echo "# fixtures: accept answered $STATUS: $BODY" >&2; return 1; }
    api POST /api/v1/agreements/1/sign "" "$ADMIN"
    [ "$STATUS" = 200 ] || { echo "# fixtures: sign answered $STATUS: $BODY" >&2; return 1; }
    # both have bought API access (catalogue service 9), so their customers may take API
    # tokens (POST /api/v1/tokens; docs/api.md, add-ons)
    fixture_post /api/v1/organizations/1/add-ons '{"service_id":9,"starts_on":"2020-01-01",
        "currency":"EUR","annual_price":0}' 1 &&
        fixture_post /api/v1/organizations/2/add-ons '{"service_id":9,"starts_on":"2020-01-01",
        "currency":"EUR","annual_price":0}' 2 || return 1
    AGENT=$("$SVCDESK" token create --db "$DB" --email agent@vendor.test) &&
        CA=$("$SVCDESK" token create --db "$DB" --email ca@acme.test) &&
        CB=$("$SVCDESK" token create --db "$DB" --email cb@beta.test)
}

# ---- the pages, over real HTTP with curl and a cookie jar per person ----

PAGE_PASSWORD=pages-pass-1

# passwords IDS [PASSWORD]: set the password of users IDS ("2, 3, 4") to PASSWORD through
# PATCH /api/v1/users/{id} as admin (the fixtures' users have one nobody knows). A new
# password ends the user's tokens (the admin's own excepted), so the fixtures' tokens of those
# users (AGENT CA CB) are made again with svcdesk token create.
passwords() {
    local id email
    for id in ${1//,/ }; do
        api PATCH "/api/v1/users/$id" "{\"password\":\"${2:-$PAGE_PASSWORD}\"}" "$ADMIN"
        [ "$STATUS" = 200 ] || { echo "# passwords: user $id: $STATUS $BODY" >&2; return 1; }
        email=$(json .email)
        case "$email" in
        agent@vendor.test) AGENT=$("$SVCDESK" token create --db "$DB" --email "$email") ;;
        ca@acme.test) CA=$("$SVCDESK" token create --db "$DB" --email "$email") ;;
        cb@beta.test) CB=$("$SVCDESK" token create --db "$DB" --email "$email") ;;
        esac || return 1
    done
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
