#!/usr/bin/env bash
# 1040 remote access to customers' installations (issue 16): staff record how to reach an
# installation with a secret that is sealed (libsodium secretbox) with a key file outside the
# database, made 0600 at first use; lists never carry the secret, GET of one record does and
# writes the read to the audit trail; customers get 404 for every route, as for a missing
# record; the database file never holds the plaintext; a key file open to others, replaced or
# lost is a clear 500 and never a crash, and a lost key is not silently made anew while
# secrets are stored; bad input is 422 naming the field.
. "$(dirname "$0")/lib.sh"

KEY=$T/keys/remote-access.key
mkdir -p "$T/keys"
# dbq SQL: a query on the database under test (the audit trail has no read interface)
dbq() {
    if [ "$SVCDESK_TEST_DB" = postgres ]; then psql -qXAt "$DB" -c "$1"; else sqlite_only_q "$1"; fi
}

start_server --remote-access-key-file "$KEY"; ok $? "server starts"
fixtures; ok $? "fixtures"
api POST /api/v1/installations '{"organization_id":1,"name":"Acme MDM","hosting":"vendor_hosted","version":"5.1"}' "$AGENT"
I1=$(json .id)
is "$STATUS" 201 "an installation"
[ ! -e "$KEY" ]; ok $? "no key file before the first secret"

PLAIN='Pl41n-S3cret-7xq9'
api POST "/api/v1/installations/$I1/remote-access" "$(jq -nc --arg s "$PLAIN" \
    '{method:"ssh",host:"mdm.acme.test",username:"svc",notes:"jump host first",secret:$s}')" "$AGENT"
R1=$(json .id)
is "$STATUS|$(json .has_secret)|$(json 'has("secret")')" "201|true|false" \
    "an agent records ssh access with a secret; the answer does not echo it"
is "$(stat -c %a "$KEY")|$(stat -c %s "$KEY")" "600|32" "the key file is made at first use, 0600, 32 bytes"
api POST "/api/v1/installations/$I1/remote-access" '{"method":"vpn","host":"vpn.acme.test"}' "$ADMIN"
R2=$(json .id)
is "$STATUS|$(json .has_secret)|$(json .username)" "201|false|" "an admin records vpn access without a secret"

api GET "/api/v1/installations/$I1/remote-access" "" "$AGENT"
is "$STATUS|$(json '[.items[].id]|@csv')|$(json '[.items[]|has("secret")]|any')" "200|$R1,$R2|false" \
    "the list has both records, without secrets"
is "$(json '.items[0].has_secret')" true "and says which has one"
before=$(dbq "SELECT count(*) FROM audit_log WHERE action = 'read_secret' AND entity_id = $R1")
api GET "/api/v1/remote-access/$R1" "" "$AGENT"
is "$STATUS|$(json .secret)|$(json .host)" "200|$PLAIN|mdm.acme.test" "GET of one record returns the secret"
is "$(header Cache-Control)" no-store "with Cache-Control: no-store"
is "$(dbq "SELECT count(*) FROM audit_log WHERE action = 'read_secret' AND entity_id = $R1")" \
    "$((before + 1))" "the read is in the audit trail"
is "$(dbq "SELECT actor_id FROM audit_log WHERE action = 'read_secret' AND entity_id = $R1")" 2 \
    "with who read it (the agent)"
api GET "/api/v1/remote-access/$R2" "" "$AGENT"
is "$STATUS|$(json .secret)" "200|null" "a record without a secret: secret null"
is "$(dbq "SELECT count(*) FROM audit_log WHERE action = 'read_secret' AND entity_id = $R2")" 0 \
    "and no secret read to audit"

# ---- what the database holds ----
if on_sqlite "the raw bytes of the database file"; then
    hexplain=$(printf '%s' "$PLAIN" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
    stored=$(sqlite_only_q "SELECT hex(secret) FROM remote_access WHERE id = $R1")
    is "$(( ${#stored} / 2 ))" "$(( ${#PLAIN} + 40 ))" "the stored secret is nonce + box (40 bytes more)"
    case "$stored" in *"$hexplain"*) ok 1 "the stored bytes hold no plaintext" ;; *) ok 0 "the stored bytes hold no plaintext" ;; esac
    is "$(cat "$DB"* | grep -c -a -- "$PLAIN")" 0 "no file of the database (main, WAL) holds the plaintext"
fi
api POST "/api/v1/installations/$I1/remote-access" "$(jq -nc --arg s "$PLAIN" '{method:"rdp",secret:$s}')" "$AGENT"
R3=$(json .id)
if on_sqlite "the raw bytes of the database file"; then
    a=$(sqlite_only_q "SELECT hex(secret) FROM remote_access WHERE id = $R1")
    b=$(sqlite_only_q "SELECT hex(secret) FROM remote_access WHERE id = $R3")
    [ "$a" != "$b" ]; ok $? "the same secret sealed twice differs (a random nonce per value)"
fi

# ---- customers learn nothing ----
for who in CA CB; do
    tok=${!who}
    api GET "/api/v1/installations/$I1/remote-access" "" "$tok"; s1=$STATUS
    api POST "/api/v1/installations/$I1/remote-access" '{"method":"ssh"}' "$tok"; s2=$STATUS
    api GET "/api/v1/remote-access/$R1" "" "$tok"; s3=$STATUS; b3=$(json .error.code)
    api PATCH "/api/v1/remote-access/$R1" '{"host":"x"}' "$tok"; s4=$STATUS
    api DELETE "/api/v1/remote-access/$R1" "" "$tok"; s5=$STATUS
    api GET "/api/v1/remote-access/999999" "" "$tok"; s6=$STATUS
    is "$s1 $s2 $s3 $s4 $s5 $s6 $b3" "404 404 404 404 404 404 not_found" \
        "customer $who: every remote-access route is 404, as for a missing record"
done
api GET "/api/v1/remote-access/$R1" "" ""
is "$STATUS" 401 "without a token: 401"
api GET "/api/v1/installations/999999/remote-access" "" "$AGENT"
is "$STATUS" 404 "an unknown installation: 404"

# ---- input ----
api POST "/api/v1/installations/$I1/remote-access" '{"method":"telnet"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|method" "an unknown method: 422 naming method"
api POST "/api/v1/installations/$I1/remote-access" '{"host":"x"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|method" "method is required"
api POST "/api/v1/installations/$I1/remote-access" '{"method":"ssh","port":22}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|port" "an unknown field: 422 naming it"
api POST "/api/v1/installations/$I1/remote-access" '{"method":"ssh","host":"a\nb"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|host" "a host of two lines: 422"
api POST "/api/v1/installations/$I1/remote-access" "$(jq -nc --arg s "$(head -c 20000 /dev/zero | tr '\0' x)" '{method:"ssh",secret:$s}')" "$AGENT"
is "$STATUS|$(json .error.field)" "422|secret" "a secret over 16384 characters: 422"
api POST "/api/v1/installations/$I1/remote-access" 'nope' "$AGENT"
is "$STATUS" 400 "a body that is not JSON: 400"

# ---- changing ----
api PATCH "/api/v1/remote-access/$R1" '{"secret":"rotated-2","username":"svc2"}' "$AGENT"
is "$STATUS|$(json .username)|$(json .has_secret)" "200|svc2|true" "PATCH changes the username and the secret"
api GET "/api/v1/remote-access/$R1" "" "$AGENT"
is "$(json .secret)|$(json .method)" "rotated-2|ssh" "the new secret reads back; the rest stays"
api PATCH "/api/v1/remote-access/$R3" '{"secret":""}' "$AGENT"
is "$STATUS|$(json .has_secret)" "200|false" "secret \"\" removes it"
api PATCH "/api/v1/remote-access/$R3" '{"method":"bogus"}' "$AGENT"
is "$STATUS|$(json .error.field)" "422|method" "PATCH checks the method too"

# ---- the key file: open to others, replaced, lost ----
chmod 644 "$KEY"
api GET "/api/v1/remote-access/$R1" "" "$AGENT"
is "$STATUS|$(json .error.code)" "500|internal" "a key file others may read: 500"
like "$(json .error.message)" "open to others \(mode 0644\)" "saying why"
api POST "/api/v1/installations/$I1/remote-access" '{"method":"ssh","secret":"x"}' "$AGENT"
is "$STATUS" 500 "no new secret is sealed with it either"
chmod 600 "$KEY"
cp "$KEY" "$T/key.good"
head -c 32 /dev/urandom > "$KEY"
api GET "/api/v1/remote-access/$R1" "" "$AGENT"
is "$STATUS" 500 "another key (the file replaced): 500"
like "$(json .error.message)" "does not open with the key file" "saying the secret does not open with it"
rm -f "$KEY"
api GET "/api/v1/remote-access/$R1" "" "$AGENT"
is "$STATUS" 500 "a lost key file: 500"
like "$(json .error.message)" "cannot open key file" "saying the key file cannot be opened"
api POST "/api/v1/installations/$I1/remote-access" '{"method":"ssh","secret":"x"}' "$AGENT"
is "$STATUS" 500 "while secrets are stored, a lost key is not made anew"
[ ! -e "$KEY" ]; ok $? "(no new key file)"
api POST "/api/v1/installations/$I1/remote-access" '{"method":"other","notes":"call first"}' "$AGENT"
is "$STATUS" 201 "a record without a secret needs no key"
api GET "/api/v1/installations/$I1/remote-access" "" "$AGENT"
is "$STATUS" 200 "the list needs no key"
is "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" 200 "the server is alive throughout"
cp "$T/key.good" "$KEY" && chmod 600 "$KEY"
api GET "/api/v1/remote-access/$R1" "" "$AGENT"
is "$STATUS|$(json .secret)" "200|rotated-2" "the key restored, the secret opens again"

# ---- deleting ----
api DELETE "/api/v1/remote-access/$R2" "" "$AGENT"
is "$STATUS" 204 "DELETE: 204"
api GET "/api/v1/remote-access/$R2" "" "$AGENT"
is "$STATUS" 404 "then 404"
is "$(dbq "SELECT count(*) FROM audit_log WHERE entity = 'remote_access' AND action IN ('create', 'update', 'delete')")" 7 \
    "creates, updates and the delete are audited"

stop_server
done_testing
