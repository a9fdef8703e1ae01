#!/usr/bin/env bash
# 5001 command line: usage, exit codes, init, token, backup and restore.
. "$(dirname "$0")/lib.sh"

run_cli
is "$RC" 2 "svcdesk alone exits 2"
like "$ERR" "usage: svcdesk COMMAND" "and prints the usage on stderr"

run_cli --help
is "$RC" 0 "--help exits 0"
like "$OUT" "serve +serve the API" "--help lists the commands"

run_cli frobnicate
is "$RC" 2 "an unknown command exits 2"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "with one line on stderr"
like "$ERR" "unknown command 'frobnicate'" "naming the command"

run_cli init --frobnicate
is "$RC" 2 "an unknown option exits 2"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "with one line on stderr"
like "$ERR" "unknown option '--frobnicate'" "naming the option"

run_cli version
is "$RC" 0 "version exits 0"
like "$OUT" "^svcdesk [0-9]+\.[0-9]+\.[0-9]+$" "version prints the version"

run_cli init --help
is "$RC" 0 "init --help exits 0"
like "$OUT" "--admin-password-file" "init --help lists its options"

run_cli init --db "$DB" --admin-email "$ADMIN_EMAIL"
is "$RC" 2 "init without a password exits 2"
like "$ERR" "missing --admin-password" "saying what is missing"

run_cli init --db "$DB" --admin-email not-an-address --admin-password "$ADMIN_PASSWORD"
is "$RC" 2 "init with a bad e-mail exits 2"

run_cli init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password short
is "$RC" 2 "init with a short password exits 2"
[ -e "$DB" ]; is $? 1 "and creates nothing"

run_cli init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD"
is "$RC" 0 "init creates the database"
like "$OUT" "admin $ADMIN_EMAIL created" "and the admin"
run_cli init --db "$DB" --admin-email "$ADMIN_EMAIL" --admin-password "another-password"
is "$RC" 0 "init twice succeeds"
like "$OUT" "already present" "and leaves the admin alone"
if on_sqlite "the file's integrity and journal mode"; then
    is "$(sqlite_only_q 'PRAGMA integrity_check')" ok "the database is sound"
    is "$(sqlite_only_q 'PRAGMA journal_mode')" wal "in WAL mode"
fi
start_server; ok $? "a server starts on it"
api POST /api/v1/tokens "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" ""
is "$STATUS" 201 "the admin signs in with the first password"
is "$(api_count /api/v1/users "$(json .token)")" 1 "and is the one user"
stop_server

printf 'file-password-1\n' > "$T/pw"
run_cli init --db "$T/other.db" --admin-email b@example.test --admin-password-file "$T/pw"
is "$RC" 0 "init reads --admin-password-file"
SVCDESK_ADMIN_PASSWORD=env-password-1 "$SVCDESK" init --db "$T/env.db" \
    --admin-email c@example.test > /dev/null 2>&1
is $? 0 "init reads SVCDESK_ADMIN_PASSWORD"

run_cli token create --db "$DB" --email "$ADMIN_EMAIL"
is "$RC" 0 "token create succeeds"
like "$OUT" "^[0-9a-f]{64}$" "and prints a 64-hex token"
TOKEN=$OUT
on_sqlite "what the tokens table holds" &&
    is "$(sqlite_only_q "SELECT count(*) FROM tokens WHERE hex(hash) LIKE '%$TOKEN%'")" 0 \
        "the token itself is not stored"
run_cli token create --db "$DB" --email nobody@example.test
is "$RC" 1 "token create for an unknown user exits 1"
run_cli token frob
is "$RC" 2 "token with an unknown subcommand exits 2"

run_cli serve --db "$T/missing.db" --listen 127.0.0.1:0
is "$RC" 1 "serve on a missing database exits 1"
like "$ERR" "svcdesk init" "saying to run init"
if on_sqlite "an uninitialised database is a SQLite file made by hand"; then
    sqlite_only_q 'CREATE TABLE x (y)' "$T/empty.db"
    run_cli serve --db "$T/empty.db" --listen 127.0.0.1:0
    is "$RC" 1 "serve on an uninitialised database exits 1"
    like "$ERR" "not initialised; run 'svcdesk init'" "saying so"
fi
run_cli serve --db "$DB" --listen nowhere
is "$RC" 1 "serve with a bad listen address exits 1"
run_cli serve --db "$DB" --backup-keep-days 0
is "$RC" 2 "a setting out of range exits 2"
like "$ERR" "backup-keep-days: 0 is outside" "naming the setting"

if on_sqlite "a schema from the future is made by writing schema_migrations in a copy of the file"; then
    cp "$DB" "$T/newer.db"
    sqlite_only_q "INSERT INTO schema_migrations VALUES (9999, 'future', 0)" "$T/newer.db"
    run_cli init --db "$T/newer.db" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD"
    is "$RC" 1 "init refuses a schema newer than the binary"
    run_cli serve --db "$T/newer.db" --listen 127.0.0.1:0
    is "$RC" 1 "serve refuses it too"
    like "$ERR" "newer than this svcdesk" "saying why"
fi

run_cli backup --db "$DB" --dir "$T/backups"
is "$RC" 0 "backup succeeds"
like "$OUT" "^$T/backups/svcdesk-[0-9]{8}T[0-9]{6}Z\.db$" "and prints the file"
BACKUP=$OUT
on_sqlite "a backup is a SQLite file" &&
    is "$(sqlite_only_q 'PRAGMA integrity_check' "$BACKUP")" ok "the backup is sound"
touch "$T/backups/svcdesk-20000101T000000Z.db"
sleep 1
run_cli backup --db "$DB" --dir "$T/backups"
[ -e "$T/backups/svcdesk-20000101T000000Z.db" ]; is $? 1 "backup prunes backups older than 30 days"
is "$(ls "$T/backups" | wc -l)" 2 "and keeps the recent ones"
LATER=$("$SVCDESK" token create --db "$DB" --email "$ADMIN_EMAIL") # not in the backup
run_cli restore --db "$DB" "$BACKUP"
is "$RC" 0 "restore succeeds"
start_server; ok $? "a server starts on the restored database"
api GET /api/v1/me "" "$TOKEN"
is "$STATUS" 200 "the backup's token works"
api GET /api/v1/me "" "$LATER"
is "$STATUS" 401 "a token made after the backup does not"
stop_server
run_cli restore --db "$DB" /etc/hostname
is "$RC" 1 "restore refuses a file that is not a database"
run_cli restore --db "$DB"
is "$RC" 2 "restore without a file exits 2"

printf 'listen = 127.0.0.1:0\ndb = %s\nbogus = 1\n' "$DB" > "$T/bad.conf"
run_cli serve --config "$T/bad.conf"
is "$RC" 2 "an unknown key in the config file exits 2"
like "$ERR" "unknown setting 'bogus'.*bad.conf:3" "naming the key, file and line"

done_testing
