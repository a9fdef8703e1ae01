#!/usr/bin/env bash
# 6004 faults injected, nothing lost: the database busy (another process holds its write lock
# past the 5 s busy timeout; SQLite only), write I/O errors (tests/fault/faultio.c, an
# LD_PRELOAD shim that fails write/pwrite/fsync on the database files with EIO while a
# trigger file exists; device-mapper's error target is not available in these containers),
# and a full disk (the database on a small tmpfs filled by a big file). Each time: writes
# answer 503 with Retry-After, reads go on, the server keeps running and takes writes again
# once the fault is gone, without a restart. Clients write throughout; afterwards every
# acknowledged (2xx) request and message is there, every listed request is whole, and an
# invoice refused by a fault left nothing behind (the period bills again in full).
# sqlite-only: the faults are made on the SQLite file (another process holding its write lock,
# I/O errors on its files through LD_PRELOAD, a full disk under it); what is kept is checked
# through the API
. "$(dirname "$0")/lib.sh"
require_sqlite "faults are injected into the SQLite file (its write lock, its writes, its disk)"

MNT=$T/mnt
REAL_SVCDESK=$SVCDESK
cleanup_faults() {
    [ -n "${CLIENTS:-}" ] && kill $CLIENTS 2> /dev/null
    [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2> /dev/null && wait "$SERVER_PID" 2> /dev/null
    SERVER_PID=
    mountpoint -q "$MNT" 2> /dev/null && umount "$MNT"
    cleanup
}
trap cleanup_faults EXIT

# ---- clients that write all along, recording what was acknowledged ----------------------
client() { # client N: a request, then a message on it, until killed
    local n=$1 code id
    while :; do
        code=$(curl -s -o "$T/c.$n" -w '%{http_code}' -H "Authorization: Bearer $AGENT" \
            -H 'Content-Type: application/json' \
            -d "{\"subject\":\"client $n\",\"organization_id\":1,\"severity\":\"B\"}" \
            "$BASE/api/v1/tickets")
        echo "$code" >> "$T/codes.$n"
        [ "$code" = 201 ] || { sleep 0.1; continue; }
        id=$(jq -r .id "$T/c.$n")
        echo "$id" >> "$T/acked-tickets"
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AGENT" \
            -H 'Content-Type: application/json' -d "{\"body\":\"reply to $id\"}" \
            "$BASE/api/v1/tickets/$id/messages")
        echo "$code" >> "$T/codes.$n"
        [ "$code" = 201 ] && echo "$id" >> "$T/acked-messages"
    done
}
clients_start() { CLIENTS=; for n in 1 2; do client "$n" & CLIENTS="$CLIENTS $!"; done; }
clients_stop() { kill $CLIENTS 2> /dev/null; wait $CLIENTS 2> /dev/null; CLIENTS=; }

# ---- checks --------------------------------------------------------------------------------
# expect_503 WHAT METHOD PATH BODY: a write refused by the fault
expect_503() {
    api "$2" "$3" "$4" "$AGENT"
    is "$STATUS" 503 "$1: a write answers 503"
    like "$(cat "$T/headers")" "Retry-After: [0-9]+" "$1: with Retry-After"
}
# reads_work WHAT: reads are served during the fault
reads_work() {
    api GET "/api/v1/tickets?limit=5" "" "$AGENT"
    local list=$STATUS
    api GET "/api/v1/agreements/$ADV" "" "$AGENT"
    is "$list|$STATUS" "200|200" "$1: reads go on"
}
alive() { kill -0 "$SERVER_PID" 2> /dev/null; ok $? "$1: the server keeps running"; }
# no_5xx_but_503: the clients saw only 201 and 503 (never 500 or a dropped connection)
client_codes() {
    local bad
    bad=$(cat "$T"/codes.* 2> /dev/null | grep -Ev '^(201|503)$' | sort | uniq -c | tr '\n' ' ')
    is "$bad" "" "$1: the clients got 201 or 503, nothing else"
    echo "# $1: client answers: $(cat "$T"/codes.* 2> /dev/null | sort | uniq -c | tr -s ' \n' ' ')"
    rm -f "$T"/codes.*
}
# month PERIOD(YYYY-MM) WHAT: two billable entries on the agreement, then an invoice that the
# fault refuses; after recovery the same period bills in full (two lines), so the refused one
# left nothing behind
invoice_before() {
    api POST "/api/v1/agreements/$ADV/time-entries" "{\"minutes\":30,\"kind\":\"billable\",\"on\":\"$1-05\"}" "$AGENT"
    local a=$STATUS
    api POST "/api/v1/agreements/$ADV/time-entries" "{\"minutes\":45,\"kind\":\"billable\",\"on\":\"$1-06\"}" "$AGENT"
    is "$a|$STATUS" "201|201" "$2: two billable entries in $1"
}
invoice_after() {
    api POST "/api/v1/agreements/$ADV/invoices" "{\"period_start\":\"$1-01\",\"period_end\":\"$1-28\"}" "$AGENT"
    is "$STATUS|$(json '.lines|length')|$(json '([.lines[].amount]|add) == .total')" "201|2|true" \
        "$2: after recovery, $1 is invoiced in full (both lines, total = their sum)"
}
recovered() { # a write works again, and /healthz is ok (an I/O fault is not damage)
    local i
    for i in $(seq 1 40); do
        api POST /api/v1/tickets '{"subject":"after the fault","organization_id":1}' "$AGENT"
        [ "$STATUS" = 201 ] && break
        sleep 0.25
    done
    is "$STATUS" 201 "$1: writes work again without a restart"
    echo "$(json .id)" >> "$T/acked-tickets"
    api GET /healthz
    is "$STATUS|$(json .status)" "200|ok" "$1: /healthz is ok again"
}

# ---- set up ---------------------------------------------------------------------------------
start_server; ok $? "server starts"
fixtures; ok $? "fixtures"
api POST /api/v1/agreements '{"organization_id":1,"kind":"advanced","starts_on":"2025-01-01","ends_on":"2027-12-31","currency":"EUR","hours":100,"rate":12000,"invoicing":"monthly","services":["system_migrations"]}' "$ADMIN"
ADV=$(json .id)
accept "$ADV" "$CA"
api POST "/api/v1/agreements/$ADV/sign" "" "$ADMIN"
is "$STATUS" 200 "an advanced agreement, signed"

# ---- 1. busy (SQLite only: another process holds the write lock past the busy timeout) -------
# A write waits for the batch before its own to fail, then its own: up to twice the 5 s busy
# timeout, so the lock is held for 12 s.
invoice_before 2025-01 busy
clients_start
# The shell waits for the lock itself (the clients' writes hold it now and then) and says
# when it has it; the check starts only then.
rm -f "$T/locked"
(echo ".timeout 20000"; echo "BEGIN IMMEDIATE;"
    echo "INSERT INTO meta (key, value) VALUES ('fault-test', 'x');"
    echo ".system touch $T/locked"
    sleep 12; echo "ROLLBACK;") | sqlite_only_shell &
locker=$!
for _ in $(seq 1 200); do [ -e "$T/locked" ] && break; sleep 0.05; done
[ -e "$T/locked" ]; ok $? "busy: another process holds the write lock"
started=$(date +%s%N)
expect_503 busy POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2025-01-01","period_end":"2025-01-28"}'
waited=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$waited" -ge 3000 ]; ok $? "busy: after waiting the busy timeout (${waited} ms)"
reads_work busy
wait "$locker"
recovered busy
clients_stop
alive busy
client_codes busy
invoice_after 2025-01 busy

# ---- 2. write I/O errors (an LD_PRELOAD shim) -------------------------------------------------
stop_server
cc -shared -fPIC -o "$T/faultio.so" "$(dirname "$0")/../fault/faultio.c" -ldl
ok $? "the I/O fault shim builds"
cat > "$T/svcdesk-eio" << EOF
#!/bin/sh
# under ASan the shim comes before the sanitizer's runtime: let it
ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0 \
FAULTIO_TRIGGER=$T/eio FAULTIO_MATCH=$(basename "$DB") LD_PRELOAD=$T/faultio.so \
    exec "$REAL_SVCDESK" "\$@"
EOF
chmod +x "$T/svcdesk-eio"
SVCDESK=$T/svcdesk-eio
start_server; ok $? "eio: server starts with the shim"
invoice_before 2025-02 eio
clients_start
sleep 0.5
touch "$T/eio"
sleep 0.5
expect_503 eio POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2025-02-01","period_end":"2025-02-28"}'
expect_503 eio POST /api/v1/tickets '{"subject":"during eio","organization_id":1}'
reads_work eio
sleep 1
rm -f "$T/eio"
recovered eio
clients_stop
alive eio
client_codes eio
like "$(cat "$T/server.log")" 'disk I/O error' "eio: the server logged the I/O errors"
invoice_after 2025-02 eio
SVCDESK=$REAL_SVCDESK

# ---- 3. disk full (a small tmpfs) -------------------------------------------------------------
stop_server
mkdir -p "$MNT"
if mount -t tmpfs -o size=24m tmpfs "$MNT" 2> /dev/null; then
    cp "$DB" "$MNT/svcdesk.db"
    chmod 600 "$MNT/svcdesk.db"
    DB=$MNT/svcdesk.db
    # 4 MiB kept free: writes refused as soon as the filler takes the rest, whatever room the
    # journal still holds
    start_server --disk-reserve-mib 4; ok $? "full: server starts on a 24 MiB tmpfs"
    invoice_before 2025-03 full
    clients_start
    sleep 0.5
    dd if=/dev/zero of="$MNT/filler" bs=1M 2> /dev/null
    df -k "$MNT" | tail -n 1 | sed 's/^/# /'
    head -c 200000 /dev/urandom > "$T/blob"
    code=$(curl -s -o /dev/null -D "$T/headers" -w '%{http_code}' -H "Authorization: Bearer $AGENT" \
        -H 'Content-Type: application/octet-stream' --data-binary @"$T/blob" \
        "$BASE/api/v1/tickets/1/attachments?filename=blob.bin")
    is "$code" 503 "full: an upload answers 503"
    expect_503 full POST "/api/v1/agreements/$ADV/invoices" '{"period_start":"2025-03-01","period_end":"2025-03-28"}'
    reads_work full
    sleep 1
    rm -f "$MNT/filler"
    recovered full
    clients_stop
    alive full
    client_codes full
    like "$(cat "$T/server.log")" 'database or disk is full' "full: the server logged the full disk"
    invoice_after 2025-03 full
else
    echo "ok $((TAP_N += 1)) # skip full: cannot mount a tmpfs here"
fi

# ---- nothing lost, nothing half-written --------------------------------------------------------
sort -u "$T/acked-tickets" > "$T/acked"
api GET "/api/v1/tickets?limit=1000" "" "$AGENT"
json '.items[].id' | sort > "$T/listed"
acked=$(wc -l < "$T/acked")
[ "$acked" -gt 10 ]; ok $? "the clients had $acked requests acknowledged across the faults"
is "$(comm -23 "$T/acked" "$T/listed" | wc -l)" 0 "every acknowledged request is listed"
whole=0
while read -r id; do
    api GET "/api/v1/tickets/$id" "" "$AGENT"
    [ "$STATUS" = 200 ] && [ "$(json .subject)" != "" ] || { echo "# request $id: $STATUS"; whole=1; }
done < "$T/listed"
is "$whole" 0 "every listed request reads whole"
lost=0
sort -n -u "$T/acked-messages" > "$T/acked-msg"
while read -r id; do
    api GET "/api/v1/tickets/$id/messages" "" "$AGENT"
    printf '%s' "$BODY" | grep -q "reply to $id" || { echo "# message on $id lost"; lost=1; }
done < "$T/acked-msg"
is "$lost" 0 "every acknowledged message is there ($(wc -l < "$T/acked-msg"))"
api GET /api/v1/invoices "" "$AGENT"
bad=0
for id in $(json '.items[].id'); do
    api GET "/api/v1/invoices/$id" "" "$AGENT"
    [ "$(json '(.lines | length) > 0 and ([.lines[].amount] | add) == .total')" = true ] ||
        { echo "# invoice $id: $BODY" | head -c 300; bad=1; }
done
is "$bad|$(api_count /api/v1/invoices)" "0|3" \
    "three invoices, one per fault, each with its lines adding up to its total"
is "$(curl -s "$BASE/healthz" | jq -r .status)" ok "the server finds the database sound"
is "$(sqlite_only_q 'PRAGMA integrity_check')" ok "the database file is sound"
echo "# figures: $(grep -c 'write batch rolled back' "$T/server.log") write batches rolled back," \
    "$(grep -c 'reopening the write connection' "$T/server.log") write connections reopened," \
    "$(grep -c 'store unavailable' "$T/server.log") store failures logged"
stop_server
done_testing
