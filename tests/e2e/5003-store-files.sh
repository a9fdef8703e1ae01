#!/usr/bin/env bash
# 5003 the database's files: created 0600 (database, WAL, SHM, lock, backups; backup folder
# 0700), a warning when they are open to others, and the in-use lock: `restore` refuses a
# database a running server holds (and says how to stop it), `backup` works beside it, and
# a server does not start while a restore holds the lock.
# sqlite-only: the modes of the database file, its WAL, SHM and lock files, and backups that
# are copies of that file
. "$(dirname "$0")/lib.sh"
require_sqlite "the database file's modes, WAL, SHM and lock, and file backups"

mode() { stat -c %a "$1"; }

start_server --backup-dir "$T/backups"; ok $? "server starts"
is "$(mode "$DB")" 600 "the database is created 0600"
api POST /api/v1/tokens "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}"
TOKEN=$(json .token)
api POST /api/v1/organizations '{"name":"Before backup"}'
is "$STATUS" 201 "a write before the backup"
is "$(mode "$DB-wal")" 600 "its WAL is 0600"
is "$(mode "$DB-shm")" 600 "its SHM is 0600"
is "$(mode "$DB.lock")" 600 "the lock file beside it is 0600"

run_cli backup --db "$DB" --dir "$T/by-hand"
is "$RC" 0 "backup works beside the running server"
BACKUP=$OUT
is "$(mode "$BACKUP")|$(mode "$T/by-hand")" "600|700" "the backup is 0600 in a folder created 0700"
JOB_BACKUP=$(ls "$T"/backups/svcdesk-*.db | head -n 1)
is "$(mode "$JOB_BACKUP")|$(mode "$T/backups")" "600|700" "and so is the server's daily backup"

api POST /api/v1/organizations '{"name":"After backup"}'
is "$STATUS" 201 "a write after the backup"
run_cli restore --db "$DB" "$BACKUP"
is "$RC" 1 "restore over the database of a running server exits 1"
like "$ERR" "in use by a running 'svcdesk serve'.*stop the server first.*kill -TERM" \
    "and says to stop the server first, and how"
api GET /api/v1/organizations
like "$BODY" '"After backup"' "the newer write is still there"
sqlite_only_q 'SELECT 1' "$BACKUP" > /dev/null; ok $? "the backup is untouched"

stop_server
run_cli restore --db "$DB" "$BACKUP"
is "$RC" 0 "with the server stopped, restore succeeds"

# a restore in progress (its exclusive lock, held here by flock) keeps a server from starting
flock -x "$DB.lock" sleep 3 &
locker=$!
sleep 0.3
run_cli serve --db "$DB" --listen 127.0.0.1:0
is "$RC" 1 "serve refuses to start while a restore holds the lock"
like "$ERR" "is being restored" "saying why"
wait "$locker"

# files made open by hand: serve warns about each kind
chmod 644 "$DB" "$JOB_BACKUP"
chmod 755 "$T/backups"
start_server --backup-dir "$T/backups"; ok $? "server starts on files open to others"
api GET "/api/v1/organizations?limit=1000"
is "$STATUS|$(json '[.items[].name|select(. == "Before backup" or . == "After backup")]|join(",")')" \
    "200|Before backup" "the restore brought back the backup"
like "$(cat "$T/server.log")" "database file readable by group or others.*file=$DB mode=0644" \
    "and warns about the database"
like "$(cat "$T/server.log")" "backups readable by group or others.*count=1 mode=0644" \
    "and about the backups"
like "$(cat "$T/server.log")" "backup folder open to group or others.*mode=0755" \
    "and about the backup folder"
stop_server

# a new database from init is private too
run_cli init --db "$T/new.db" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD"
is "$RC|$(mode "$T/new.db")" "0|600" "init creates the database 0600"
run_cli restore --db "$T/restored.db" "$BACKUP"
is "$RC|$(mode "$T/restored.db")" "0|600" "restore to a new path creates it 0600"
done_testing
