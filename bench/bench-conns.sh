#!/usr/bin/env bash
# bench-conns.sh - another client's latency while one address attacks the connections
# (the item "Connections" of issue 12): from 127.0.0.1, IDLE connections that send nothing
# and SLOW ones that send a header line every LINE_EVERY seconds, each one the server closes
# opened again once a second; meanwhile a client on 127.0.0.2 asks for /healthz and a ticket
# on a new connection each time for SECONDS. Target: p99 <= 100 ms, no failure.
# Two runs: the defaults (a limit per address), then without that limit
# (SVCDESK_MAX_CONNECTIONS_PER_ADDRESS=0) so that the header deadline and cheap idle
# connections hold on their own. Server settings come from SVCDESK_* variables.
# sqlite-only: its organisation is written into the SQLite file
set -eu
cd "$(dirname "$0")/.."
SVCDESK=${SVCDESK:-build/svcdesk}
IDLE=${IDLE:-2000}
SLOW=${SLOW:-1100}
LINE_EVERY=${LINE_EVERY:-10}
SECONDS_=${SECONDS_PROBE:-30}
T=$(mktemp -d)
PID=
APID=
trap '[ -n "$APID" ] && kill $APID 2>/dev/null; [ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

"$SVCDESK" init --db "$T/b.db" --admin-email bench@example.test --admin-password bench-password \
    > /dev/null 2>&1
sqlite3 "$T/b.db" "INSERT INTO organizations (name, created_at) VALUES ('Bench', 0);"
TOKEN=$("$SVCDESK" token create --db "$T/b.db" --email bench@example.test)

# scenario NAME [ENV...]: serve with ENV, attack, probe, print one line
scenario() {
    local name=$1 port attack probe rss threads
    shift
    env "$@" "$SVCDESK" serve --db "$T/b.db" --listen 127.0.0.1:0 --backup-dir "$T/bk" \
        --log-level warn > "$T/out" 2> "$T/log" &
    PID=$!
    for _ in $(seq 1 100); do grep -q listening "$T/out" && break; sleep 0.05; done
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/out")
    curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/api/v1/tickets" \
        -d '{"subject":"Meter reading stops","organization_id":1}' > /dev/null
    python3 bench/conns.py attack --port "$port" --source 127.0.0.1 --idle "$IDLE" \
        --slow "$SLOW" --line-every "$LINE_EVERY" --seconds $((SECONDS_ + 5)) --reconnect \
        > "$T/attack" &
    APID=$!
    sleep 3 # the attack is in place
    rss=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
    threads=$(awk '/Threads/ {print $2}' /proc/$PID/status)
    probe=$(python3 bench/conns.py probe --port "$port" --source 127.0.0.2 \
        --seconds "$SECONDS_" --token "$TOKEN" /healthz /api/v1/tickets/1)
    wait $APID
    APID=
    attack=$(cat "$T/attack")
    kill $PID
    wait $PID || true
    PID=
    printf '%-22s good client: %s\n' "$name" \
        "$(jq -r '"\(.requests) requests, \(.failures) failed, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, max \(.max_ms) ms"' <<< "$probe")"
    printf '%-22s attacker:    %s; server %s threads, RSS %s KiB\n' "" \
        "$(jq -r '"\(.opened) opened, \(.closed_by_server) closed by the server, at most \(.max_open) open"' <<< "$attack")" \
        "$threads" "$rss"
}

echo "attack from 127.0.0.1: $IDLE idle + $SLOW slow (a header line every ${LINE_EVERY}s)," \
    "reopened when closed; probe from 127.0.0.2 for ${SECONDS_}s ($(nproc) cores)"
scenario "defaults"
scenario "no per-address limit" SVCDESK_MAX_CONNECTIONS_PER_ADDRESS=0
